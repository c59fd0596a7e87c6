import type { CoreFrame } from '#shared/rpc/protocol';

/** One window's link to the core: a WebSocket in web mode, a MessagePort in Electron. */
export type Connection = {
  readonly id: string;
  send(frame: CoreFrame): void;
};

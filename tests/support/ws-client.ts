import WebSocket from 'ws';
import { RpcClient } from '#shared/rpc/client';
import type { CoreEventName, CoreEventPayload } from '#shared/contract/events';
import type { MethodInput, MethodName, MethodOutput, Result } from '#shared/contract/index';

/** A Node client of the web-mode core, built on the same RpcClient as the windows. */
export type CoreClient = {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  /** Sends anything at all as a call, for the malformed-input tests. */
  raw(method: string, input: unknown): Promise<Result<unknown>>;
  /** Sends a raw text frame and waits for the next result frame. */
  rawFrame(text: string): Promise<unknown>;
  on<E extends CoreEventName>(event: E, handler: (payload: CoreEventPayload<E>) => void): () => void;
  close(): Promise<void>;
  closed: Promise<void>;
};

export async function connectCore(
  port: number,
  token: string,
  options: { timeoutMs?: number } = {},
): Promise<CoreClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/core?token=${encodeURIComponent(token)}`);
  let rawWaiter: ((frame: unknown) => void) | null = null;
  const client = new RpcClient({
    timeoutMs: options.timeoutMs ?? 15_000,
    timers: {
      set: (callback, ms) => setTimeout(callback, ms),
      clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
    send: (frame) => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
  });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.on('message', (data: Buffer) => {
    const frame: unknown = JSON.parse(data.toString('utf8'));
    if (rawWaiter && typeof frame === 'object' && frame !== null && (frame as { t?: string }).t === 'result') {
      const waiter = rawWaiter;
      rawWaiter = null;
      waiter(frame);
      return;
    }
    client.receive(frame);
  });
  ws.on('close', () => client.linkDown('closed'));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    call: (method, input) => client.call(method, input),
    raw: (method, input): Promise<Result<unknown>> => client.call(method as MethodName, input as never),
    rawFrame: (text) =>
      new Promise((resolve) => {
        rawWaiter = resolve;
        ws.send(text);
      }),
    on: (event, handler) => client.on(event, handler),
    close: async () => {
      ws.close();
      await closed;
    },
    closed,
  };
}

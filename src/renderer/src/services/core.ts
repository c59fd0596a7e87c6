import type { CoreEventName, CoreEventPayload } from '#shared/contract/events';
import type { MethodInput, MethodName, MethodOutput, Result } from '#shared/contract/index';
import { bench } from '../bench/index';

/** Calls the core. Every service goes through here; components never touch the bridge. */
export function callCore<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> {
  return bench().call(method, input);
}

/** Subscribes to an event from the core (or from the link to it). */
export function onCore<E extends CoreEventName>(event: E, handler: (payload: CoreEventPayload<E>) => void): () => void {
  return bench().on(event, handler);
}

import type { CoreEventName, CoreEventPayload } from '../contract/events';
import type { MethodInput, MethodName, MethodOutput } from '../contract/index';
import type { BenchErrorShape, Result } from '../contract/errors';
import { coreFrameSchema, type CallFrame } from './protocol';

/** What the renderer sees as `window.bench`: two functions, typed from the contract. */
export type BenchApi = {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  on<E extends CoreEventName>(event: E, handler: (payload: CoreEventPayload<E>) => void): () => void;
};

type Pending = { resolve: (result: Result<unknown>) => void; timer: unknown };

/** Timers come from the host (browser or Node): `shared` sees no platform globals. */
export type Timers = { set(callback: () => void, ms: number): unknown; clear(handle: unknown): void };

export type RpcClientOptions = {
  /** Sends one frame to the core; returns false when the link is down. */
  send: (frame: CallFrame) => boolean;
  timers: Timers;
  /** Milliseconds before an unanswered call fails with CORE_TIMEOUT. */
  timeoutMs?: number;
};

/**
 * A transport-independent RPC client: correlates call ids with results, dispatches events, and
 * fails pending calls when the link drops — a call in flight when the core died may or may not
 * have been applied, so it is reported as CORE_UNAVAILABLE rather than silently retried.
 */
export class RpcClient implements BenchApi {
  readonly #send: (frame: CallFrame) => boolean;
  readonly #timeoutMs: number;
  readonly #timers: Timers;
  readonly #pending = new Map<number, Pending>();
  readonly #handlers = new Map<string, Set<(payload: unknown) => void>>();
  #nextId = 1;

  constructor(options: RpcClientOptions) {
    this.#send = options.send;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#timers = options.timers;
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = this.#timers.set(() => {
        this.#settle(id, failure('CORE_TIMEOUT', `The core did not answer ${method} in time.`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve: resolve as Pending['resolve'], timer });
      const sent = this.#send({ t: 'call', id, method, input });
      if (!sent) this.#settle(id, failure('CORE_UNAVAILABLE', 'The core is not connected.'));
    });
  }

  on<E extends CoreEventName>(event: E, handler: (payload: CoreEventPayload<E>) => void): () => void {
    let set = this.#handlers.get(event);
    if (!set) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    const erased = handler as (payload: unknown) => void;
    set.add(erased);
    return () => {
      set.delete(erased);
    };
  }

  /** Feeds one frame received from the core. Malformed frames are dropped. */
  receive(raw: unknown): void {
    const parsed = coreFrameSchema.safeParse(raw);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.t === 'result') {
      this.#settle(frame.id, frame.result);
    } else if (frame.t === 'event') {
      this.#emit(frame.name, frame.payload);
    } else {
      this.#emit('link.changed', { state: 'open', coreStartedAt: frame.startedAt });
    }
  }

  /** The transport lost its link (or is trying to make one): fail every pending call. */
  linkDown(state: 'connecting' | 'closed'): void {
    for (const id of [...this.#pending.keys()]) {
      this.#settle(id, failure('CORE_UNAVAILABLE', 'The connection to the core was lost during the call.'));
    }
    this.#emit('link.changed', { state, coreStartedAt: null });
  }

  #emit(name: string, payload: unknown): void {
    for (const handler of this.#handlers.get(name) ?? []) {
      try {
        handler(payload);
      } catch {
        // A failing subscriber must not stop the others, nor the frame loop.
      }
    }
  }

  #settle(id: number, result: Result<unknown>): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.#timers.clear(pending.timer);
    pending.resolve(result);
  }
}

function failure(code: BenchErrorShape['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

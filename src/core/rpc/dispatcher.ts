import {
  accessAllows,
  contract,
  fail,
  isMethodName,
  ok,
  type MethodName,
  type MethodOutput,
  type Result,
} from '#shared/contract/index';
import type { z } from 'zod';
import type { Role } from '#shared/domain/roles';
import type { OperatorRecord } from '../db/queries/operators';
import { BenchError } from '../util/errors';
import type { Logger } from '../util/log';

/** What a handler knows about the call beyond its input. */
export type CallContext = {
  connectionId: string;
  operator: OperatorRecord | null;
};

export type Handler<M extends MethodName> = (
  input: z.output<(typeof contract)[M]['input']>,
  ctx: CallContext,
) => MethodOutput<M> | Promise<MethodOutput<M>>;

export type Handlers = { [M in MethodName]: Handler<M> };

export type DispatcherDeps = {
  handlers: Handlers;
  /** The session of the station: who is logged in, and whether the station is locked. */
  session: () => { operator: OperatorRecord; locked: boolean } | null;
  /** Operator activity, for the idle lock. */
  touch: () => void;
  /** A call refused for the role: record it and tell the window. */
  refused: (refusal: { connectionId: string; method: MethodName; operator: OperatorRecord; allowed: Role[] }) => void;
  /** When set, the core cannot serve: every call but `app.status` gets this error. */
  unavailable: () => { code: 'DB_FROM_FUTURE' | 'DB_ERROR'; message: string } | null;
  log: Logger;
};

/**
 * The single door into the core. In order: the method must exist; the input must parse (before
 * anything else, so malformed input writes nothing); the session must be there, unlocked, and of
 * a role the method allows — a refusal is recorded; then the handler runs, and its output is
 * parsed against the contract so nothing undeclared (a PIN hash) ever leaves the core.
 */
export class Dispatcher {
  readonly #deps: DispatcherDeps;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  async dispatch(method: string, rawInput: unknown, connectionId: string): Promise<Result<unknown>> {
    if (!isMethodName(method)) return fail('UNKNOWN_METHOD', `There is no method named "${truncate(method)}".`);
    const spec = contract[method];

    const unavailable = this.#deps.unavailable();
    if (unavailable && method !== 'app.status') return fail(unavailable.code, unavailable.message);

    const parsed = spec.input.safeParse(rawInput);
    if (!parsed.success) return fail('BAD_INPUT', describeIssues(method, parsed.error), { method });

    const session = this.#deps.session();
    if (spec.access !== 'public') {
      if (!session) return fail('UNAUTHENTICATED', 'Log in first: scan your badge.');
    }
    if (session?.locked && !spec.whileLocked)
      return fail('LOCKED', 'The station is locked: scan your badge or enter your PIN.');
    if (session && spec.access !== 'public' && !accessAllows(spec.access, session.operator.role)) {
      const allowed = spec.access === 'operator' ? [] : [...spec.access];
      this.#deps.refused({ connectionId, method, operator: session.operator, allowed });
      return fail(
        'FORBIDDEN',
        `${method} needs the role ${allowed.join(' or ')}; ${session.operator.name} is ${session.operator.role}. The refusal was recorded.`,
        {
          method,
          role: session.operator.role,
          allowed,
        },
      );
    }
    if (session && !session.locked && spec.activity !== false) this.#deps.touch();

    try {
      const handler = this.#deps.handlers[method] as (input: unknown, ctx: CallContext) => unknown;
      const value = await handler(parsed.data, { connectionId, operator: session?.operator ?? null });
      const output = spec.output.safeParse(value);
      if (!output.success) {
        this.#deps.log.error({ method, issues: output.error.issues }, 'handler output does not match the contract');
        return fail('INTERNAL', `The core produced an invalid answer for ${method}.`);
      }
      return ok(output.data);
    } catch (error) {
      return this.#failure(method, error);
    }
  }

  #failure(method: MethodName, error: unknown): Result<never> {
    if (error instanceof BenchError) return fail(error.code, error.message, error.details);
    if (error instanceof Error && error.name === 'SqliteError') {
      this.#deps.log.error({ method, err: error }, 'database error');
      return fail('DB_ERROR', `The station database refused the operation: ${error.message}`);
    }
    this.#deps.log.error({ method, err: error }, 'unexpected error in handler');
    return fail('INTERNAL', `Unexpected error in ${method}.`);
  }
}

function describeIssues(method: string, error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : 'input';
    return `${path}: ${issue.message}`;
  });
  return `Invalid input for ${method} — ${issues.join('; ')}`;
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

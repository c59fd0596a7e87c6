import type { ErrorCode } from '#shared/contract/errors';

/**
 * A failure the operator or the caller can act on. Workflows throw it; the dispatcher turns it
 * into `{ok:false, error:{code, message, details}}`. Anything else thrown is an INTERNAL error.
 */
export class BenchError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'BenchError';
    this.code = code;
    this.details = details;
  }
}

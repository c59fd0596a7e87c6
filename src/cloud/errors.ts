/**
 * An answer the cloud gives on purpose: an HTTP status, a code a program can act on, a message a
 * person can read. Everything else that goes wrong is a 500 (or a 503 when it is worth retrying).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(400, 'bad_request', message, details);
export const notFound = (message: string): HttpError => new HttpError(404, 'not_found', message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(409, code, message, details);

/** The first issues of a zod error, as `path: message` strings. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}

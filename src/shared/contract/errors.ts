import { z } from 'zod';

/**
 * Every error code that can cross the core boundary. The renderer translates the code; the
 * message is English, for logs and for codes the UI does not know yet.
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'BAD_FRAME',
  'UNKNOWN_METHOD',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'LOCKED',
  'UNKNOWN_BADGE',
  'WRONG_PIN',
  'BADGE_LOCKED',
  'NOT_FOUND',
  'NOT_AVAILABLE',
  'DB_FROM_FUTURE',
  'DB_ERROR',
  'CORE_UNAVAILABLE',
  'CORE_TIMEOUT',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const benchErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type BenchErrorShape = z.infer<typeof benchErrorSchema>;

/** The answer to every call: a value, or an error with a code. Never a thrown string. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: BenchErrorShape };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): { ok: false; error: BenchErrorShape } {
  return details === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, details } };
}

import { HttpError } from '../errors';

/**
 * A commit-safe position in a change log ordered by (xid, n): the writing transaction's id and a
 * sequence number. Rows are served only below the reading snapshot's xmin — every transaction
 * with a smaller id has finished — so the set below a cursor never changes: nothing committed
 * late can land behind it. Text form: `v1.<epoch>.<xid>.<n>`.
 */
export type Cursor = { epoch: string; xid: string; n: number };

export const ZERO_XID = '0';

export function formatCursor(cursor: Cursor): string {
  return `v1.${cursor.epoch}.${cursor.xid}.${cursor.n}`;
}

/** Parses a cursor; a malformed one is a 400 (a client bug), not a 410. */
export function parseCursor(text: string): Cursor {
  const match = /^v1\.([0-9a-f-]{36})\.(\d{1,20})\.(\d{1,19})$/.exec(text);
  if (!match) throw new HttpError(400, 'bad_cursor', 'The cursor is not one this service gave out.');
  return { epoch: match[1]!, xid: match[2]!, n: Number(match[3]) };
}

/** Compares two xid8 values given as decimal text. */
export function xidCompare(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Checks a cursor against the server it is used on: the same database history, not from its future. */
export function checkCursor(cursor: Cursor, epoch: string, xmax: string, horizon: string): void {
  if (cursor.epoch !== epoch)
    throw new HttpError(
      410,
      'must_refetch',
      'The cloud database was restored or replaced since this cursor was given: download the stream again.',
      { reason: 'server_changed' },
    );
  if (xidCompare(cursor.xid, xmax) > 0)
    throw new HttpError(
      410,
      'must_refetch',
      'The cursor is ahead of the cloud database (restored from a backup?): download the stream again.',
      { reason: 'cursor_ahead' },
    );
  if (xidCompare(cursor.xid, horizon) < 0)
    throw new HttpError(
      410,
      'must_refetch',
      'The cursor is older than the change history the cloud keeps: download the stream again.',
      { reason: 'cursor_too_old' },
    );
}

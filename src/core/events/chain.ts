import { createHash } from 'node:crypto';

/** The hash that precedes the first event of a station. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers — everything but the hash itself. */
export type HashedFields = {
  id: string;
  seq: number;
  stationId: string;
  operatorId: string | null;
  type: string;
  subject: string | null;
  /** The payload exactly as stored (canonical JSON text). */
  payload: string;
  schemaVersion: number;
  createdAt: number;
  prevHash: string;
};

/**
 * sha256 over the previous hash and the event's fields as a JSON array. Editing any field of any
 * event, deleting one or reordering them breaks every hash after it.
 */
export function eventHash(fields: HashedFields): string {
  const body = JSON.stringify([
    fields.id,
    fields.seq,
    fields.stationId,
    fields.operatorId,
    fields.type,
    fields.subject,
    fields.payload,
    fields.schemaVersion,
    fields.createdAt,
  ]);
  return createHash('sha256').update(fields.prevHash).update('\n').update(body).digest('hex');
}

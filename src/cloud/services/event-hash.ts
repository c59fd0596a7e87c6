import { createHash } from 'node:crypto';
import type { UploadEvent } from '#shared/sync/protocol';

/**
 * The station's event hash (src/core/events/chain.ts), recomputed by the cloud to check what it
 * receives: sha256 over the previous hash, a newline, and the event's fields as a JSON array.
 * The cloud may not import the core; tests/unit/cloud/event-hash.test.ts proves the two agree.
 */
export function eventHash(event: Omit<UploadEvent, 'hash'>): string {
  const body = JSON.stringify([
    event.id,
    event.seq,
    event.stationId,
    event.operatorId,
    event.type,
    event.subject,
    event.payload,
    event.schemaVersion,
    event.createdAt,
  ]);
  return createHash('sha256').update(event.prevHash).update('\n').update(body).digest('hex');
}

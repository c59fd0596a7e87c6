import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, LIMITS, checkUploadEvent, uploadEventSchema } from '#shared/sync/protocol';

const good = {
  seq: 7,
  id: '01JBENCHLINE0000000000000007',
  stationId: 'ST-1',
  operatorId: 'op-1',
  type: 'pack.done',
  subject: 'ORD-1',
  payload: '{"order":"ORD-1"}',
  schemaVersion: 1,
  createdAt: 1_790_000_000_000,
  prevHash: GENESIS_HASH,
  hash: 'a'.repeat(64),
};

/** One change to a good event each: the hand-written check must answer as the schema does. */
const variants: Record<string, unknown>[] = [
  good,
  { ...good, operatorId: null, subject: null },
  { ...good, operatorId: '' },
  { ...good, extra: 1 },
  { ...good, seq: 0 },
  { ...good, seq: 1.5 },
  { ...good, seq: '7' },
  { ...good, seq: Number.MAX_SAFE_INTEGER + 2 },
  { ...good, id: '' },
  { ...good, id: 'x'.repeat(65) },
  { ...good, stationId: 5 },
  { ...good, operatorId: 'o'.repeat(129) },
  { ...good, type: 'pack' },
  { ...good, type: 'Pack.done' },
  { ...good, type: 'pack.done.' },
  { ...good, type: 'a.b' },
  { ...good, type: `a.${'b'.repeat(63)}` },
  { ...good, subject: 's'.repeat(257) },
  { ...good, payload: 'x'.repeat(LIMITS.eventPayloadBytes + 1) },
  { ...good, payload: {} },
  { ...good, schemaVersion: 0 },
  { ...good, createdAt: -1 },
  { ...good, createdAt: 1.25 },
  { ...good, prevHash: 'A'.repeat(64) },
  { ...good, hash: 'a'.repeat(63) },
  Object.fromEntries(Object.entries(good).filter(([key]) => key !== 'subject')),
  Object.fromEntries(Object.entries(good).filter(([key]) => key !== 'hash')),
];

describe('checkUploadEvent', () => {
  it.each(variants.map((event, i) => [i, event] as const))('answers as uploadEventSchema (variant %i)', (_, event) => {
    const byHand = checkUploadEvent(event);
    expect(byHand.ok).toBe(uploadEventSchema.safeParse(event).success);
    if (!byHand.ok) expect(byHand.reason.length).toBeGreaterThan(3);
  });

  it('refuses what is not an object', () => {
    for (const value of [null, 1, 'event', [good]]) expect(checkUploadEvent(value).ok).toBe(false);
  });
});

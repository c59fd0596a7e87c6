import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventHash as cloudHash } from '../../../src/cloud/services/event-hash';
import { eventHash as stationHash } from '../../../src/core/events/chain';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const event = fc.record({
  id: fc.string({ minLength: 1, maxLength: 64 }),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  stationId: fc.string({ minLength: 1, maxLength: 64 }),
  operatorId: fc.option(fc.string({ maxLength: 128 }), { nil: null }),
  type: fc.constantFrom('pack.done', 'returns.graded', 'scan.recorded'),
  subject: fc.option(fc.string({ maxLength: 256, unit: 'binary' }), { nil: null }),
  payload: fc.json(),
  schemaVersion: fc.integer({ min: 1, max: 9 }),
  createdAt: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  prevHash: hex64,
});

describe('the event hash, station and cloud', () => {
  it('is the same on both sides for any event (the cloud re-checks what stations send)', () => {
    fc.assert(
      fc.property(event, (e) => {
        expect(cloudHash(e)).toBe(stationHash(e));
      }),
      { numRuns: 500 },
    );
  });

  it('changes with every field', () => {
    const base = {
      id: '01J0000000000000000000000A',
      seq: 1,
      stationId: 'ST',
      operatorId: null,
      type: 'pack.done',
      subject: null,
      payload: '{}',
      schemaVersion: 1,
      createdAt: 1,
      prevHash: '0'.repeat(64),
    };
    const seen = new Set([cloudHash(base)]);
    for (const changed of [
      { id: '01J0000000000000000000000B' },
      { seq: 2 },
      { stationId: 'SU' },
      { operatorId: 'op' },
      { type: 'pack.started' },
      { subject: 'x' },
      { payload: '{"a":1}' },
      { schemaVersion: 2 },
      { createdAt: 2 },
      { prevHash: '1'.repeat(64) },
    ])
      seen.add(cloudHash({ ...base, ...changed }));
    expect(seen.size).toBe(11);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_PAYLOAD_SHAPES,
  EVENT_PAYLOAD_VERSION,
  OLDEST_EVENT_PAYLOAD_VERSION,
  readEventPayload,
} from '#shared/sync/event-payloads';
import { MAX_EVENT_SCHEMA_VERSION } from '#shared/sync/protocol';
import { GRADES } from '#shared/policy/grades';
import { GRADED_V1, GRADED_V2, GRADED_V3, UNKNOWN_IDENTITY } from '../../support/event-payloads';

const TYPE = 'returns.item_graded';

const V1 = GRADED_V1;
const V2 = GRADED_V2;
const V3 = GRADED_V3;

function read(version: number, payload: unknown): Record<string, unknown> {
  const reading = readEventPayload(TYPE, version, payload);
  if (!reading.ok) throw new Error(reading.reason);
  return reading.payload;
}

describe('event payload versions', () => {
  it('the station writes the newest version, the cloud accepts up to it, and N-2 is still read', () => {
    expect(EVENT_PAYLOAD_VERSION).toBe(3);
    expect(MAX_EVENT_SCHEMA_VERSION).toBe(EVENT_PAYLOAD_VERSION);
    expect(OLDEST_EVENT_PAYLOAD_VERSION).toBeLessThanOrEqual(EVENT_PAYLOAD_VERSION - 2);
  });

  it('every shape list starts at the oldest version, rises, stops at the current one, and each later shape has an upcaster', () => {
    expect(EVENT_PAYLOAD_SHAPES.size).toBeGreaterThan(0);
    for (const [type, shapes] of EVENT_PAYLOAD_SHAPES) {
      expect(shapes[0]!.since, type).toBe(OLDEST_EVENT_PAYLOAD_VERSION);
      expect(shapes[0]!.up, type).toBeUndefined();
      for (let i = 1; i < shapes.length; i++) {
        expect(shapes[i]!.since, type).toBeGreaterThan(shapes[i - 1]!.since);
        expect(typeof shapes[i]!.up, type).toBe('function');
      }
      expect(shapes[shapes.length - 1]!.since, type).toBeLessThanOrEqual(EVENT_PAYLOAD_VERSION);
    }
  });

  it('reads returns.item_graded of v1, v2 and v3 in the v3 shape', () => {
    expect(read(3, V3)).toEqual(V3);
    expect(read(2, V2)).toEqual(V3);
    expect(read(1, V1)).toEqual({ ...V3, ...UNKNOWN_IDENTITY });
  });

  it('renames rubric and version, and leaves no trace of the old names', () => {
    for (const [version, payload] of [
      [1, V1],
      [2, V2],
    ] as const) {
      const current = read(version, payload);
      expect(current).not.toHaveProperty('rubric');
      expect(current).not.toHaveProperty('version');
      expect(current).toMatchObject({ rubricId: 'grade-apparel', rubricVersion: 4 });
    }
    // No rubric for the category: null stays null under its new name.
    expect(read(1, { ...V1, rubric: null, version: null })).toMatchObject({ rubricId: null, rubricVersion: null });
  });

  it('keeps a field it does not know, at every version, and does not touch its input', () => {
    const v1 = { ...V1, glovesWorn: true };
    const frozen = structuredClone(v1);
    expect(read(1, v1)).toMatchObject({ glovesWorn: true, grade: 'B' });
    expect(v1).toEqual(frozen);
    expect(read(2, { ...V2, note: { text: 'seam' } })).toMatchObject({ note: { text: 'seam' } });
    expect(read(3, { ...V3, note: 'x' })).toMatchObject({ note: 'x' });
  });

  it('refuses a payload that does not match its own version, saying where', () => {
    const missing = readEventPayload(TYPE, 1, { ...V1, grade: undefined });
    expect(missing).toEqual({ ok: false, reason: expect.stringContaining('returns.item_graded v1: grade') as unknown });
    // A v3 payload labelled v1 lacks the v1 names.
    expect(readEventPayload(TYPE, 1, V3)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('rubric') as unknown,
    });
    // A v1 payload labelled v3 lacks the v3 names.
    expect(readEventPayload(TYPE, 3, V1)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('rubricId') as unknown,
    });
    expect(readEventPayload(TYPE, 2, { ...V2, rmaLineNo: 'one' })).toMatchObject({ ok: false });
    expect(readEventPayload(TYPE, 3, { ...V3, grade: 'Z' })).toMatchObject({ ok: false });
    expect(readEventPayload(TYPE, 3, [V3])).toMatchObject({ ok: false, reason: 'the payload is not a JSON object' });
  });

  it('refuses versions it never wrote or does not know yet', () => {
    expect(readEventPayload(TYPE, 0, V1)).toMatchObject({ ok: false });
    expect(readEventPayload(TYPE, 1.5, V1)).toMatchObject({ ok: false });
    expect(readEventPayload(TYPE, EVENT_PAYLOAD_VERSION + 1, V3)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('newer') as unknown,
    });
    expect(readEventPayload('scan.recorded', EVENT_PAYLOAD_VERSION + 1, {})).toMatchObject({ ok: false });
  });

  it('passes a type whose payload never changed through at every version, as it is', () => {
    const payload = { code: 'X', kind: 'unknown', extra: [1, 2] };
    for (let version = OLDEST_EVENT_PAYLOAD_VERSION; version <= EVENT_PAYLOAD_VERSION; version++)
      expect(readEventPayload('scan.recorded', version, payload)).toEqual({ ok: true, payload });
  });

  it('upcasts any valid v1 or v2 payload to a valid v3 one, with the same grade, answers, photos and extras', () => {
    const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['__proto__', 'constructor'].includes(k));
    const v1 = fc.record({
      itemNo: fc.integer({ min: 1, max: 500 }),
      grade: fc.constantFrom(...GRADES),
      rubric: fc.option(fc.string({ minLength: 1, maxLength: 40 })),
      version: fc.option(fc.integer({ min: 0, max: 1000 })),
      answers: fc.dictionary(key, fc.string({ maxLength: 8 })),
      photos: fc.dictionary(
        key,
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
      ),
      extra: fc.option(fc.jsonValue(), { nil: undefined }),
    });
    fc.assert(
      fc.property(v1, fc.boolean(), (payload, asV2) => {
        const clean = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
        const input = asV2 ? { ...clean, ...V2IDENTITY } : clean;
        const current = read(asV2 ? 2 : 1, input);
        expect(current['grade']).toBe(clean['grade']);
        expect(current['answers']).toEqual(clean['answers']);
        expect(current['photos']).toEqual(clean['photos']);
        expect(current['rubricId']).toBe(clean['rubric']);
        expect(current['rubricVersion']).toBe(clean['version']);
        if ('extra' in clean) expect(current['extra']).toEqual(clean['extra']);
        expect(current['productId']).toBe(asV2 ? V2IDENTITY.productId : null);
        // Reading the result again as v3 changes nothing.
        expect(read(3, current)).toEqual(current);
      }),
      { numRuns: 300 },
    );
  });
});

const V2IDENTITY = { productId: 'p-9', sku: 'SKU-9', rmaId: null, rmaLineNo: null, orderId: 'o-9' };

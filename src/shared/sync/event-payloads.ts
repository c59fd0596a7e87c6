import { z } from 'zod';
import { GRADES } from '../policy/grades';

/**
 * Event payload versions, and how the cloud reads every one it has ever accepted.
 *
 * Every event a station writes carries the payload version of the app that wrote it
 * (`schemaVersion`, the app's *generation* of event shapes: one number for all types, bumped when
 * any type's payload changes). Stations are upgraded one by one, so the cloud receives events of
 * several generations at once, and a station's old events stay in its queue across an upgrade.
 * The cloud stores each event exactly as it came (the hash chain covers that text) and reads it
 * through the upcasters below: the OMS feed and webhooks show one shape, the current one,
 * whatever app recorded the event.
 *
 * Per event type, a list of shapes: the first payload version each shape is written at, its zod
 * schema, and (after the first) a pure function from the shape before it. A type not listed has
 * had one shape since version 1. Rules for a new version:
 * - bump `EVENT_PAYLOAD_VERSION`, add the new shape at the end of the type's list with `up`;
 * - never edit an older shape (stations in the field still write it);
 * - schemas are loose: a field the cloud does not know is kept, never stripped, never fatal;
 * - a field an older version lacks is `null` in its upcast (never guessed).
 */

/** The payload version this app writes on every event (src/core/events/log.ts). */
export const EVENT_PAYLOAD_VERSION = 3;

/**
 * The oldest payload version the cloud reads. The promise is N-2 at least (an app two releases
 * behind still uploads); in fact every version ever written is read, so this stays 1.
 */
export const OLDEST_EVENT_PAYLOAD_VERSION = 1;

export type EventPayload = Record<string, unknown>;

/** One shape of an event type's payload, from the version `since` on. */
export type PayloadShape = {
  since: number;
  /** What changed at `since`, in a sentence (docs/sync-protocol.md lists them). */
  change: string;
  schema: z.ZodType<EventPayload>;
  /** The payload of the shape before, in this shape. Pure; keeps the fields it does not know. */
  up?: (previous: EventPayload) => EventPayload;
};

const itemNo = z.number().int().min(1);
const id = z.string().min(1).max(128);
/** Question id → answer id, as the rubric walked them. */
const answers = z.record(z.string(), z.json());
/** Question id → photo sha256. */
const photos = z.record(z.string(), z.string());

const gradedV1 = z.looseObject({
  itemNo,
  grade: z.enum(GRADES),
  rubric: id.nullable(),
  version: z.number().int().min(0).nullable(),
  answers,
  photos,
});

/** The item as the OMS knows it; null when the event was recorded before version 2. */
const itemIdentity = {
  productId: id.nullable(),
  sku: z.string().max(128).nullable(),
  rmaId: id.nullable(),
  rmaLineNo: z.number().int().min(0).nullable(),
  orderId: id.nullable(),
};

const gradedV2 = gradedV1.extend(itemIdentity);

const gradedV3 = z.looseObject({
  itemNo,
  grade: z.enum(GRADES),
  rubricId: id.nullable(),
  rubricVersion: z.number().int().min(0).nullable(),
  answers,
  photos,
  ...itemIdentity,
});

/** The current shape of `returns.item_graded` (what the station writes, what the OMS reads). */
export type ItemGradedPayload = z.infer<typeof gradedV3>;

/** Every event type whose payload changed since version 1, with all its shapes, oldest first. */
export const EVENT_PAYLOAD_SHAPES: ReadonlyMap<string, readonly PayloadShape[]> = new Map([
  [
    'returns.item_graded',
    [
      { since: 1, change: 'itemNo, grade, rubric, version, answers, photos', schema: gradedV1 },
      {
        since: 2,
        change:
          'adds the item as the OMS knows it — productId, sku, rmaId, rmaLineNo, orderId — so a return.graded webhook can be acted on without joining earlier events',
        schema: gradedV2,
        // A version 1 station did not write them: unknown, not guessed.
        up: (v1) => ({ ...v1, productId: null, sku: null, rmaId: null, rmaLineNo: null, orderId: null }),
      },
      {
        since: 3,
        change:
          'renames rubric → rubricId and version → rubricVersion ("version" read as the payload\'s own version once payloads had one)',
        schema: gradedV3,
        up: ({ rubric, version, ...rest }) => ({ ...rest, rubricId: rubric, rubricVersion: version }),
      },
    ],
  ],
]);

export type PayloadReading = { ok: true; payload: EventPayload } | { ok: false; reason: string };

/**
 * Reads a payload written at `version` as the current version: checks it against the schema of
 * its own version, then upcasts it step by step, checking each step. Pure; never throws.
 */
export function readEventPayload(type: string, version: number, payload: unknown): PayloadReading {
  if (!Number.isSafeInteger(version) || version < OLDEST_EVENT_PAYLOAD_VERSION)
    return { ok: false, reason: `payload version ${String(version)} is not one this app ever wrote` };
  if (version > EVENT_PAYLOAD_VERSION)
    return { ok: false, reason: `payload version ${version} is newer than ${EVENT_PAYLOAD_VERSION}` };
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return { ok: false, reason: 'the payload is not a JSON object' };
  const shapes = EVENT_PAYLOAD_SHAPES.get(type);
  if (!shapes) return { ok: true, payload: payload as EventPayload };
  let at = -1;
  for (let i = 0; i < shapes.length; i++) if (shapes[i]!.since <= version) at = i;
  if (at < 0) return { ok: false, reason: `${type} has no payload before version ${shapes[0]!.since}` };
  const own = shapes[at]!.schema.safeParse(payload);
  if (!own.success) return { ok: false, reason: `${type} v${version}: ${issues(own.error)}` };
  let current = own.data;
  for (const shape of shapes.slice(at + 1)) {
    const next = shape.schema.safeParse(shape.up!(current));
    // Only a faulty upcaster gets here: the unit tests run every one.
    if (!next.success) return { ok: false, reason: `${type} v${version} → v${shape.since}: ${issues(next.error)}` };
    current = next.data;
  }
  return { ok: true, payload: current };
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
}

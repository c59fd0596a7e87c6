import { z } from 'zod';
import { EVENT_PAYLOAD_VERSION } from './event-payloads';
import { STREAMS } from './records';

/**
 * The wire format between a station and the cloud (HTTP + JSON, gzip both ways). The cloud
 * parses requests with these schemas; the station parses answers with them, so a captive portal's
 * HTML, a truncated body or a proxy's error page is an error, never data. See docs/sync-protocol.md.
 */

export const PROTOCOL_VERSION = 1;

/** The hash before a station's first event (core/events/chain.ts GENESIS_HASH). */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The highest event payload version the cloud understands (core/events/log.ts EVENT_SCHEMA_VERSION);
 * it reads every older one through the upcasters of `./event-payloads`.
 */
export const MAX_EVENT_SCHEMA_VERSION = EVENT_PAYLOAD_VERSION;

/** Limits both sides respect: a station splits its batches to fit them. */
export const LIMITS = {
  /** Events per upload batch. */
  batchEvents: 1000,
  /** Bytes of an upload batch, before gzip (one larger event still goes alone). */
  batchBytes: 1024 * 1024,
  /** Bytes of one event's payload. */
  eventPayloadBytes: 1024 * 1024,
  /** Bytes of a request body after decompression. */
  requestBytes: 8 * 1024 * 1024,
  /** Rows per download page. */
  pageRows: 5000,
  /** Bytes of a file chunk. */
  fileChunkBytes: 1024 * 1024,
  /** Bytes of a file (photos are at most 6 MB at the station). */
  fileBytes: 16 * 1024 * 1024,
} as const;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const streamNameSchema = z.enum(STREAMS);

export const enrolRequestSchema = z.strictObject({
  code: z.string().min(4).max(64),
  station: z.strictObject({
    /** The station's own id (its events carry it). */
    localId: z.string().min(1).max(64),
    name: z.string().min(1).max(64),
    incarnation: z.string().min(1).max(64),
    appVersion: z.string().max(32),
  }),
});
export type EnrolRequest = z.infer<typeof enrolRequestSchema>;

export const enrolResponseSchema = z.object({
  token: z.string().min(16),
  station: z.object({ id: z.string(), name: z.string() }),
  company: z.object({ id: z.string(), name: z.string() }),
  warehouse: z.object({ id: z.string(), name: z.string() }),
  serverEpoch: z.string(),
});
export type EnrolResponse = z.infer<typeof enrolResponseSchema>;

/** Where the cloud stands on one incarnation of a station's event log. */
export const incarnationStateSchema = z.object({
  incarnation: z.string(),
  previous: z.string().nullable(),
  baseSeq: z.number().int().min(0),
  lastSeq: z.number().int().min(0),
  lastHash: z.string(),
});
export type IncarnationState = z.infer<typeof incarnationStateSchema>;

export const stateResponseSchema = z.object({
  station: z.object({ id: z.string(), name: z.string(), localId: z.string() }),
  /** Null: the cloud has never heard of this incarnation. */
  incarnation: incarnationStateSchema.nullable(),
  serverEpoch: z.string(),
  serverTime: z.number().int(),
});
export type StateResponse = z.infer<typeof stateResponseSchema>;

export const newIncarnationRequestSchema = z.strictObject({
  incarnation: z.string().min(1).max(64),
  /** The incarnation this one continues (null: the station's first). */
  previous: z.string().min(1).max(64).nullable(),
  /** The last seq both sides agree on, and its hash: the new incarnation starts after it. */
  baseSeq: z.number().int().min(0),
  baseHash: z.string().max(64),
});

export const hashResponseSchema = z.object({ seq: z.number().int(), hash: z.string().nullable() });

/** One event as the station uploads it: exactly its row in the station's log. */
export const uploadEventSchema = z.strictObject({
  seq: z.number().int().min(1),
  id: z.string().min(1).max(64),
  stationId: z.string().min(1).max(64),
  operatorId: z.string().max(128).nullable(),
  type: z
    .string()
    .min(3)
    .max(64)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'an event type is like domain.action'),
  subject: z.string().max(256).nullable(),
  /** The canonical JSON text the hash covers. */
  payload: z.string().max(LIMITS.eventPayloadBytes),
  schemaVersion: z.number().int().min(1),
  createdAt: z.number().int(),
  prevHash: hex64,
  hash: hex64,
});
export type UploadEvent = z.infer<typeof uploadEventSchema>;

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const HEX64 = /^[0-9a-f]{64}$/;
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const isText = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;

/**
 * `uploadEventSchema`, checked by hand: the cloud checks every uploaded event, and zod costs about
 * 20 µs an event where this costs under 1 µs (a 1000-event batch: 20 ms against 1 ms). A unit
 * test holds the two to the same answers.
 */
export function checkUploadEvent(value: unknown): { ok: true; event: UploadEvent } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not an object' };
  const e = value as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (!UPLOAD_EVENT_KEYS.has(key)) return { ok: false, reason: `unknown field "${key.slice(0, 40)}"` };
  }
  if (!isInt(e['seq']) || e['seq'] < 1) return { ok: false, reason: 'seq: a whole number from 1' };
  if (!isText(e['id'], 1, 64)) return { ok: false, reason: 'id: 1–64 characters' };
  if (!isText(e['stationId'], 1, 64)) return { ok: false, reason: 'stationId: 1–64 characters' };
  if (e['operatorId'] !== null && !isText(e['operatorId'], 0, 128))
    return { ok: false, reason: 'operatorId: text up to 128 characters, or null' };
  if (!isText(e['type'], 3, 64) || !EVENT_TYPE.test(e['type']))
    return { ok: false, reason: 'type: like domain.action' };
  if (e['subject'] !== null && !isText(e['subject'], 0, 256))
    return { ok: false, reason: 'subject: text up to 256 characters, or null' };
  if (!isText(e['payload'], 0, LIMITS.eventPayloadBytes)) return { ok: false, reason: 'payload: JSON text' };
  if (!isInt(e['schemaVersion']) || e['schemaVersion'] < 1)
    return { ok: false, reason: 'schemaVersion: a whole number from 1' };
  if (!isInt(e['createdAt'])) return { ok: false, reason: 'createdAt: a whole number of milliseconds' };
  if (typeof e['prevHash'] !== 'string' || !HEX64.test(e['prevHash']))
    return { ok: false, reason: 'prevHash: 64 hex digits' };
  if (typeof e['hash'] !== 'string' || !HEX64.test(e['hash'])) return { ok: false, reason: 'hash: 64 hex digits' };
  return { ok: true, event: e as UploadEvent };
}

const UPLOAD_EVENT_KEYS = new Set([
  'seq',
  'id',
  'stationId',
  'operatorId',
  'type',
  'subject',
  'payload',
  'schemaVersion',
  'createdAt',
  'prevHash',
  'hash',
]);

/**
 * A batch: contiguous seqs of one incarnation. Events are checked one by one (a bad one is
 * refused and stored with its reason; the rest go on), so the envelope only demands a seq.
 */
export const pushRequestSchema = z.strictObject({
  incarnation: z.string().min(1).max(64),
  events: z
    .array(z.looseObject({ seq: z.number().int().min(1) }))
    .min(1)
    .max(LIMITS.batchEvents),
});

export const refusalSchema = z.object({
  seq: z.number().int(),
  id: z.string().nullable(),
  type: z.string().nullable(),
  status: z.enum(['refused', 'quarantined']),
  reason: z.string(),
});
export type Refusal = z.infer<typeof refusalSchema>;

export const pushResponseSchema = z.object({
  lastSeq: z.number().int(),
  lastHash: z.string(),
  applied: z.number().int(),
  duplicates: z.number().int(),
  refused: z.array(refusalSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** `put` carries the document; `del` carries null. */
export type PullRow = [op: 'put' | 'del', kind: string, id: string, hash: number, doc: unknown];

/** A row of a page, if it is one. */
export function asPullRow(value: unknown): PullRow | null {
  if (!Array.isArray(value) || value.length !== 5) return null;
  const [op, kind, id, hash] = value as unknown[];
  if ((op !== 'put' && op !== 'del') || typeof kind !== 'string' || typeof id !== 'string') return null;
  if (typeof hash !== 'number' || !Number.isInteger(hash) || hash < 0 || hash >= 4_294_967_296) return null;
  if (kind.length === 0 || kind.length > 64 || id.length === 0 || id.length > 400) return null;
  return value as PullRow;
}
export const pullResponseSchema = z.object({
  stream: streamNameSchema,
  /** `[op, kind, id, hash, doc]` each; checked one by one by the station (a bad row is parked, not fatal). */
  rows: z.array(z.unknown()),
  /** Where to continue; opaque to the station. */
  cursor: z.string(),
  /** The page was full: ask again at once. */
  more: z.boolean(),
  /** Nothing committed is left to send: `checksum` is the stream as the station now has it. */
  upToDate: z.boolean(),
  checksum: z.object({ rows: z.number().int(), sum: z.number().int() }).nullable(),
  /** Rows in the stream, for a first sync's progress bar. */
  total: z.number().int().nullable(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

/** Every error answer of the cloud: a code a program can act on, a message a person can read. */
export const errorResponseSchema = z.object({
  error: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** The scannable form of an enrolment code: `ENROL:<code>@<cloud url>`. */
export const ENROL_PREFIX = 'ENROL:';

export function parseEnrolScan(code: string): { code: string; url: string } | null {
  if (!code.startsWith(ENROL_PREFIX)) return null;
  const rest = code.slice(ENROL_PREFIX.length);
  const at = rest.indexOf('@');
  if (at <= 0) return null;
  const url = rest.slice(at + 1);
  if (!/^https?:\/\/[^\s]+$/.test(url)) return null;
  return { code: rest.slice(0, at), url };
}

export { hex64 as sha256HexSchema };

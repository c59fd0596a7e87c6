import { z } from 'zod';
import { STREAMS } from '../sync/records';
import { empty } from './common';
import { method } from './define';

export const SYNC_STATES = ['not_enrolled', 'offline', 'online', 'syncing', 'error'] as const;

export const syncStreamViewSchema = z.object({
  name: z.enum(STREAMS),
  /** `never`: not downloaded yet; `staging`: a first download (or a re-download) in progress; `live`. */
  phase: z.enum(['never', 'staging', 'live']),
  rows: z.number().int(),
  stageRows: z.number().int(),
  /** Rows the cloud has for the stream, while staging (for the progress bar). */
  stageTotal: z.number().int().nullable(),
  upToDate: z.boolean(),
  lastPullAt: z.number().nullable(),
  upToDateAt: z.number().nullable(),
  /** Checksum mismatches in a row (each one downloads the stream again). */
  mismatches: z.number().int(),
});
export type SyncStreamView = z.infer<typeof syncStreamViewSchema>;

export const syncRefusalViewSchema = z.object({
  seq: z.number().int(),
  eventId: z.string().nullable(),
  type: z.string().nullable(),
  status: z.enum(['refused', 'quarantined']),
  reason: z.string(),
  at: z.number(),
});

/** Everything the Sync screen shows. */
export const syncViewSchema = z.object({
  enrolled: z.boolean(),
  state: z.enum(SYNC_STATES),
  cloudUrl: z.string().nullable(),
  company: z.object({ id: z.string(), name: z.string() }).nullable(),
  warehouse: z.object({ id: z.string(), name: z.string() }).nullable(),
  stationName: z.string().nullable(),
  queue: z.object({
    /** Events not yet acknowledged by the cloud. */
    depth: z.number().int().nonnegative(),
    /** When the oldest of them was recorded (station clock). */
    oldestUnsentAt: z.number().nullable(),
    ackedSeq: z.number().int(),
    headSeq: z.number().int(),
    incarnation: z.string(),
  }),
  files: z.object({ pending: z.number().int() }),
  lastSuccessAt: z.number().nullable(),
  lastAttemptAt: z.number().nullable(),
  /** When the next attempt is due (station clock), when one is scheduled. */
  nextAttemptAt: z.number().nullable(),
  failures: z.number().int(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.number() }).nullable(),
  streams: z.array(syncStreamViewSchema),
  refused: z.array(syncRefusalViewSchema),
  refusedTotal: z.number().int(),
});
export type SyncView = z.infer<typeof syncViewSchema>;

export const syncMethods = {
  'sync.status': method({
    summary: 'The upload queue, the download streams, errors and refused events.',
    input: empty,
    output: syncViewSchema,
    access: 'operator',
    activity: false,
  }),
  'sync.now': method({
    summary: 'Sync now, without waiting for the next attempt.',
    input: empty,
    output: syncViewSchema,
    access: 'operator',
  }),
  'sync.enrol': method({
    summary: 'Enrol this station with the cloud by a one-time code.',
    input: z.strictObject({
      url: z
        .string()
        .max(2048)
        .regex(/^https?:\/\/[^\s/$.?#][^\s]*$/, 'an http(s) URL'),
      code: z.string().min(4).max(64),
    }),
    output: syncViewSchema,
    access: ['supervisor'],
  }),
} as const;

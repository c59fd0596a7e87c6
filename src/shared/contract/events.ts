import { z } from 'zod';
import { settingsSchema } from '../domain/settings';
import { roleSchema, sessionSchema } from './common';
import { statusSchema } from './app';
import { verdictSchema } from './scan';
import { packViewSchema, qcViewSchema } from './pack';
import { returnCaseViewSchema } from './returns';
import { reviewCaseSchema } from './review';
import { printJobSchema } from './printing';
import { scaleReadingSchema } from './devices';
import { syncViewSchema } from './sync';

/** Events the core pushes to windows, with their payload schemas. */
export const coreEvents = {
  /** The session changed: login, logout, lock, unlock, a badge waiting for its PIN. */
  'session.changed': sessionSchema,
  /** A scan that did not come from this window's call (HID scanner, another window). */
  'scan.verdict': verdictSchema,
  /** The core refused a call for the operator's role; the refusal was recorded. */
  'call.refused': z.object({ method: z.string(), role: roleSchema.nullable(), allowed: z.array(roleSchema) }),
  /** Station, sync or device state changed. */
  'status.changed': statusSchema,
  'settings.changed': settingsSchema,
  /** The parcel on this packing bench changed. */
  'pack.changed': packViewSchema.nullable(),
  /** The inspection on this QC bench changed. */
  'qc.changed': qcViewSchema.nullable(),
  /** The return case on this returns bench changed. */
  'returns.changed': returnCaseViewSchema.nullable(),
  /** A case under review changed outside this window's call (a second supervisor's scan). */
  'review.changed': reviewCaseSchema,
  /**
   * Sync raised or changed flags on these cases (new order or customer history, a receipt learnt
   * from another station): a review queue on screen is out of date.
   */
  'review.flagged': z.object({ caseIds: z.array(z.string()) }),
  /** A print job of this station was queued, sent, printed, failed or is waiting. */
  'print.changed': printJobSchema,
  /** The scale's reading changed (weight, stability, status). */
  scale: scaleReadingSchema,
  /** Sync progressed: the queue, a stream, an error. */
  'sync.changed': syncViewSchema,
} as const;

/**
 * Events raised by the window's own link to the core (not by the core): the link opened (with
 * the core's start time, which changes when the core restarts), is connecting, or closed.
 */
export const linkEvents = {
  'link.changed': z.object({
    state: z.enum(['connecting', 'open', 'closed']),
    coreStartedAt: z.number().nullable(),
  }),
} as const;

/** Every event a window can subscribe to with `bench.on`. */
export const windowEvents = { ...coreEvents, ...linkEvents } as const;

export type CoreEventName = keyof typeof windowEvents;
export type CoreEventPayload<E extends CoreEventName> = z.infer<(typeof windowEvents)[E]>;

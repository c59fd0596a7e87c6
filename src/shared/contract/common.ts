import { z } from 'zod';
import { BENCHES, ROLES } from '../domain/roles';

/** Methods that take no input take an empty object, and refuse anything in it. */
export const empty = z.strictObject({});

export const roleSchema = z.enum(ROLES);
export const benchSchema = z.enum(BENCHES);

/** A badge code as printed on an operator badge: printable ASCII, no spaces. */
export const badgeSchema = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[\x21-\x7e]+$/, 'a badge is printable ASCII without spaces');

/**
 * A case's timeline: its events in the order they were recorded, with the hash that chains each
 * one to the log. The supervisor's case page and the returns bench show the same thing.
 */
export const caseTimelineSchema = z.array(
  z.object({
    seq: z.number().int(),
    type: z.string(),
    operatorId: z.string().nullable(),
    createdAt: z.number(),
    hash: z.string(),
  }),
);
export type CaseTimeline = z.infer<typeof caseTimelineSchema>;

/** A PIN: 4 to 8 digits. */
export const pinSchema = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');

export const operatorSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
});
export type OperatorView = z.infer<typeof operatorSchema>;

/** The station's session as the renderer sees it. There is one session per station. */
export const sessionSchema = z.object({
  operator: operatorSchema.nullable(),
  locked: z.boolean(),
  benches: z.array(benchSchema),
  /** The bench the operator is at (null: choosing one). Scans are interpreted by it. */
  bench: benchSchema.nullable(),
  startedAt: z.number().nullable(),
  idleLockSeconds: z.number(),
  /** A badge was scanned and the core waits for its PIN. */
  pending: z.object({ operatorName: z.string(), purpose: z.enum(['login', 'unlock']) }).nullable(),
});
export type SessionView = z.infer<typeof sessionSchema>;

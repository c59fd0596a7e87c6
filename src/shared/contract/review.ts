import { z } from 'zod';
import { GRADES } from '../policy/grades';
import { badgeSchema, empty, pinSchema } from './common';
import { method } from './define';
import { refundViewSchema } from './returns';

const SUPERVISOR = ['supervisor'] as const;

export const FLAG_DECISIONS = ['clear', 'confirm', 'escalate', 'request_info'] as const;
export const DECISION_REASONS = [
  'EVIDENCE_CONSISTENT',
  'CUSTOMER_EXPLAINED',
  'CARRIER_DAMAGE',
  'PACKING_ERROR',
  'SWAP_CONFIRMED',
  'EMPTY_BOX_CONFIRMED',
  'WARDROBING_CONFIRMED',
  'SERIAL_RETURNER',
  'NEEDS_PHOTOS',
  'NEEDS_CARRIER_REPORT',
  'OTHER',
] as const;

export const queueItemSchema = z.object({
  flagId: z.string(),
  caseId: z.string(),
  type: z.string(),
  severity: z.enum(['low', 'medium', 'high']),
  share: z.number(),
  explanation: z.string(),
  status: z.enum(['open', 'cleared', 'confirmed', 'escalated', 'info_requested']),
  raisedAt: z.number(),
  stationId: z.string(),
  rmaNumber: z.string().nullable(),
  orderNumber: z.string().nullable(),
  valueCents: z.number().int(),
});

const evidenceUnit = z.object({ sku: z.string(), name: z.string(), serial: z.string().nullable() });

/** A case with its evidence side by side: what left against what came back. */
export const reviewCaseSchema = z.object({
  caseId: z.string(),
  status: z.enum(['open', 'closed']),
  kind: z.enum(['rma', 'unexpected']),
  rmaNumber: z.string().nullable(),
  orderNumber: z.string().nullable(),
  valueCents: z.number().int(),
  flags: z.array(
    queueItemSchema.extend({
      evidence: z.record(z.string(), z.unknown()),
      rule: z.string().nullable(),
      decidedBy: z.string().nullable(),
      decisionReason: z.string().nullable(),
      decisionNote: z.string().nullable(),
    }),
  ),
  outbound: z
    .object({
      packedAt: z.number().nullable(),
      packer: z.string().nullable(),
      weightG: z.number().nullable(),
      units: z.array(evidenceUnit),
      source: z.enum(['bench', 'order_system']),
    })
    .nullable(),
  returned: z.object({
    receivedAt: z.number(),
    clerk: z.string(),
    weightG: z.number().nullable(),
    items: z.array(
      evidenceUnit.extend({
        grade: z.enum(GRADES).nullable(),
        match: z.string(),
        photos: z.array(z.string()),
        disposition: z.string().nullable(),
      }),
    ),
  }),
  customer: z
    .object({
      firstName: z.string(),
      ordersCount: z.number().int(),
      returnsCount: z.number().int(),
      returnsValueCents: z.number().int(),
      casesHere: z.number().int(),
    })
    .nullable(),
  refund: refundViewSchema.nullable(),
  timeline: z.array(
    z.object({
      seq: z.number().int(),
      type: z.string(),
      operatorId: z.string().nullable(),
      createdAt: z.number(),
      hash: z.string(),
    }),
  ),
});
export type ReviewCase = z.infer<typeof reviewCaseSchema>;

export const reviewMethods = {
  'review.queue': method({
    summary: "The supervisor's queue of fraud flags, filtered by severity, type, age and station.",
    input: z.strictObject({
      status: z.enum(['open', 'cleared', 'confirmed', 'escalated', 'info_requested', 'any']).optional(),
      severity: z.enum(['low', 'medium', 'high']).optional(),
      type: z.string().min(1).max(40).optional(),
      stationId: z.string().min(1).max(64).optional(),
      olderThanHours: z
        .number()
        .min(0)
        .max(24 * 365)
        .optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    }),
    output: z.object({ items: z.array(queueItemSchema), total: z.number().int() }),
    access: SUPERVISOR,
    activity: false,
  }),
  'review.case': method({
    summary:
      'A case with its evidence: outbound package against the return, photos, weights, serials, the customer history, the timeline.',
    input: z.strictObject({ caseId: z.string().min(1).max(64) }),
    output: reviewCaseSchema,
    access: SUPERVISOR,
  }),
  'review.decide': method({
    summary:
      'Decide a flag: clear, confirm fraud, escalate, or ask for more information — with a reason code and a note.',
    input: z.strictObject({
      flagId: z.string().min(1).max(64),
      decision: z.enum(FLAG_DECISIONS),
      reason: z.enum(DECISION_REASONS),
      note: z.string().max(2000).optional(),
      /** A second supervisor, when confirming fraud on a high-value case. */
      second: z.strictObject({ badge: badgeSchema, pin: pinSchema }).optional(),
    }),
    output: reviewCaseSchema,
    access: SUPERVISOR,
  }),
  'review.bundle': method({
    summary:
      'Export the evidence bundle of a case: a PDF report and a JSON file of its events and photos with their hashes.',
    input: z.strictObject({ caseId: z.string().min(1).max(64) }),
    output: z.object({ pdfBase64: z.string(), json: z.string(), directory: z.string() }),
    access: SUPERVISOR,
  }),
  'review.regrades': method({
    summary: 'Graded items sampled for a blind re-grade (their first grade is not shown).',
    input: empty,
    output: z.array(
      z.object({
        taskId: z.string(),
        caseId: z.string(),
        itemNo: z.number().int(),
        sku: z.string(),
        name: z.string(),
        category: z.string(),
        photos: z.array(z.string()),
      }),
    ),
    access: SUPERVISOR,
    activity: false,
  }),
  'review.regrade': method({
    summary: "A supervisor's blind grade of a sampled item.",
    input: z.strictObject({ taskId: z.string().min(1).max(64), grade: z.enum(GRADES) }),
    output: z.object({ agreed: z.boolean(), originalGrade: z.enum(GRADES) }),
    access: SUPERVISOR,
  }),
  'review.consistency': method({
    summary: 'Agreement between graders and blind re-grades, per grader.',
    input: empty,
    output: z.array(
      z.object({
        graderId: z.string(),
        grader: z.string(),
        regraded: z.number().int(),
        agreed: z.number().int(),
        rate: z.number(),
      }),
    ),
    access: SUPERVISOR,
    activity: false,
  }),
} as const;

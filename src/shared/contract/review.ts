import { z } from 'zod';
import { GRADES } from '../policy/grades';
import { badgeSchema, caseTimelineSchema, empty, pinSchema } from './common';
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
  'NEEDS_CUSTOMER_CONTACT',
  'LOSS_PREVENTION',
  'OTHER',
] as const;
export type FlagDecision = (typeof FLAG_DECISIONS)[number];
export type DecisionReason = (typeof DECISION_REASONS)[number];

/**
 * The reason codes that make sense for each decision: a flag is not cleared because a swap was
 * confirmed. The core refuses a reason that does not belong to the decision; the screen offers
 * only these. `OTHER` (with a note) fits every decision.
 */
export const REASONS_BY_DECISION: Readonly<Record<FlagDecision, readonly DecisionReason[]>> = {
  clear: ['EVIDENCE_CONSISTENT', 'CUSTOMER_EXPLAINED', 'CARRIER_DAMAGE', 'PACKING_ERROR', 'OTHER'],
  confirm: ['SWAP_CONFIRMED', 'EMPTY_BOX_CONFIRMED', 'WARDROBING_CONFIRMED', 'SERIAL_RETURNER', 'OTHER'],
  escalate: ['LOSS_PREVENTION', 'NEEDS_CARRIER_REPORT', 'SERIAL_RETURNER', 'OTHER'],
  request_info: ['NEEDS_PHOTOS', 'NEEDS_CARRIER_REPORT', 'NEEDS_CUSTOMER_CONTACT', 'OTHER'],
};

export const FLAG_STATUSES = ['open', 'cleared', 'confirmed', 'escalated', 'info_requested'] as const;
/** Statuses that still hold a refund: nobody has decided for good. */
export const UNRESOLVED_STATUSES = ['open', 'escalated', 'info_requested'] as const;

export const queueItemSchema = z.object({
  flagId: z.string(),
  caseId: z.string(),
  type: z.string(),
  severity: z.enum(['low', 'medium', 'high']),
  share: z.number(),
  explanation: z.string(),
  status: z.enum(FLAG_STATUSES),
  raisedAt: z.number(),
  stationId: z.string(),
  rmaNumber: z.string().nullable(),
  orderNumber: z.string().nullable(),
  valueCents: z.number().int(),
  /** Re-evaluated against newer history, the rule no longer fires; a supervisor still decides. */
  stale: z.boolean(),
});
export type QueueItem = z.infer<typeof queueItemSchema>;

const evidenceUnit = z.object({ sku: z.string(), name: z.string(), serial: z.string().nullable() });

/** A case with its evidence side by side: what left against what came back. */
export const reviewCaseSchema = z.object({
  caseId: z.string(),
  status: z.enum(['open', 'closed']),
  kind: z.enum(['rma', 'unexpected']),
  rmaNumber: z.string().nullable(),
  orderNumber: z.string().nullable(),
  valueCents: z.number().int(),
  currency: z.string(),
  closedAt: z.number().nullable(),
  flags: z.array(
    queueItemSchema.extend({
      evidence: z.record(z.string(), z.unknown()),
      rule: z.string().nullable(),
      decidedBy: z.string().nullable(),
      decidedAt: z.number().nullable(),
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
      /** Photos taken of the parcel's units at outbound QC (sha256). */
      photos: z.array(z.string()),
      source: z.enum(['bench', 'order_system']),
    })
    .nullable(),
  returned: z.object({
    receivedAt: z.number(),
    clerk: z.string(),
    weightG: z.number().nullable(),
    weightOutcome: z.enum(['pass', 'warn', 'fail']).nullable(),
    items: z.array(
      evidenceUnit.extend({
        itemNo: z.number().int(),
        expectedSerial: z.string().nullable(),
        grade: z.enum(GRADES).nullable(),
        match: z.string(),
        reason: z.string().nullable(),
        valueCents: z.number().int(),
        answers: z.record(z.string(), z.string()),
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
      accountsAtAddress: z.number().int(),
      /** The customer's other returns received at this station, newest first. */
      history: z.array(
        z.object({
          caseId: z.string(),
          rmaNumber: z.string().nullable(),
          openedAt: z.number(),
          valueCents: z.number().int(),
          flags: z.number().int(),
          confirmed: z.number().int(),
        }),
      ),
    })
    .nullable(),
  refund: refundViewSchema.nullable(),
  /** Confirming fraud on a case worth more than this needs a second supervisor. */
  secondSupervisorAboveCents: z.number().int().nullable(),
  /** A confirmation waiting for the second supervisor's badge and PIN. */
  pendingConfirmation: z
    .object({
      flagId: z.string(),
      reason: z.enum(DECISION_REASONS),
      secondSupervisor: z.string().nullable(),
      expiresAt: z.number(),
    })
    .nullable(),
  timeline: caseTimelineSchema,
});
export type ReviewCase = z.infer<typeof reviewCaseSchema>;

/** What a re-evaluation of the fraud rules did. */
export const reevaluationSchema = z.object({
  evaluated: z.number().int(),
  raised: z.number().int(),
  updated: z.number().int(),
  stale: z.number().int(),
});
export type Reevaluation = z.infer<typeof reevaluationSchema>;

export const reviewMethods = {
  'review.queue': method({
    summary:
      "The supervisor's queue of fraud flags, filtered by status (default: unresolved), severity, type, age and station.",
    input: z.strictObject({
      status: z.enum([...FLAG_STATUSES, 'unresolved', 'any']).optional(),
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
    output: z.object({
      items: z.array(queueItemSchema),
      /** How many flags match, beyond the limit too. */
      total: z.number().int(),
      /** Every flag type raised at this station, for the type filter. */
      types: z.array(z.string()),
    }),
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
  'review.requestSecond': method({
    summary:
      "Confirm fraud on a case above the threshold: wait for a second supervisor's badge and PIN, scanned (or typed with review.decide).",
    input: z.strictObject({
      flagId: z.string().min(1).max(64),
      reason: z.enum(DECISION_REASONS),
      note: z.string().max(2000).optional(),
    }),
    output: reviewCaseSchema,
    access: SUPERVISOR,
  }),
  'review.cancelSecond': method({
    summary: 'Stop waiting for a second supervisor: nothing is decided.',
    input: empty,
    output: z.object({ cancelled: z.boolean() }),
    access: SUPERVISOR,
  }),
  'review.photo': method({
    summary: 'A photo of the evidence, by its sha256, checked against it.',
    input: z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    output: z.object({ mime: z.string(), base64: z.string(), verified: z.boolean() }),
    access: SUPERVISOR,
    activity: false,
  }),
  'review.reevaluate': method({
    summary:
      'Re-run the fraud rules over closed cases against the history the station has now (all recent cases, or the ones given).',
    input: z.strictObject({ caseIds: z.array(z.string().min(1).max(64)).min(1).max(500).optional() }),
    output: reevaluationSchema,
    access: SUPERVISOR,
  }),
  'review.bundle': method({
    summary:
      'Export the evidence bundle of a case: a PDF report and a JSON file of its events and photos with their hashes.',
    input: z.strictObject({ caseId: z.string().min(1).max(64) }),
    output: z.object({
      pdfBase64: z.string(),
      json: z.string(),
      directory: z.string(),
      /** Every file of the bundle with its sha256 (also written as SHA256SUMS). */
      files: z.array(z.object({ file: z.string(), sha256: z.string(), bytes: z.number().int() })),
    }),
    access: SUPERVISOR,
  }),
  'review.regrades': method({
    summary:
      'Graded items sampled for a blind re-grade (their first grade is not shown), except those the caller graded.',
    input: empty,
    output: z.array(
      z.object({
        taskId: z.string(),
        caseId: z.string(),
        rmaNumber: z.string().nullable(),
        itemNo: z.number().int(),
        sku: z.string(),
        name: z.string(),
        category: z.string(),
        photos: z.array(z.string()),
        sampledAt: z.number(),
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
        /** Re-grades at most one grade away (B against C). */
        withinOne: z.number().int(),
        rate: z.number(),
      }),
    ),
    access: SUPERVISOR,
    activity: false,
  }),
} as const;

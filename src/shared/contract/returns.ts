import { z } from 'zod';
import { DISPOSITIONS } from '../policy/disposition';
import { GRADES } from '../policy/grades';
import { badgeSchema, caseTimelineSchema, empty, pinSchema } from './common';
import { method } from './define';

const RETURNS_ROLES = ['returns_clerk', 'supervisor'] as const;

const localized = z.object({ en: z.string(), es: z.string() });

export const flagViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  severity: z.enum(['low', 'medium', 'high']),
  explanation: z.string(),
  status: z.enum(['open', 'cleared', 'confirmed', 'escalated', 'info_requested']),
});

export const refundViewSchema = z.object({
  policyId: z.string(),
  version: z.number().int(),
  /** `denied` once a supervisor confirmed fraud on the case. */
  status: z.enum(['recommended', 'on_hold', 'outside_window', 'denied']),
  totalCents: z.number().int(),
  currency: z.string(),
  lines: z.array(z.object({ label: z.string(), cents: z.number().int() })),
  explanation: z.array(z.string()),
});

export const returnItemViewSchema = z.object({
  itemNo: z.number().int(),
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  code: z.string(),
  serial: z.string().nullable(),
  /** The serial recorded when the order was packed, for serialised products. */
  expectedSerial: z.string().nullable(),
  serialMismatch: z.boolean(),
  match: z.enum(['matched', 'extra', 'wrong_item']),
  reason: z.string().nullable(),
  valueCents: z.number().int(),
  status: z.enum(['awaiting_serial', 'grading', 'routed']),
  grading: z
    .object({
      rubricId: z.string(),
      version: z.number().int(),
      question: z
        .object({
          id: z.string(),
          text: localized,
          answers: z.array(z.object({ id: z.string(), label: localized, photo: z.boolean() })),
        })
        .nullable(),
      answered: z.array(z.object({ questionId: z.string(), answerId: z.string() })),
      photosRequired: z.array(z.string()),
      photos: z.record(z.string(), z.string()),
    })
    .nullable(),
  grade: z.enum(GRADES).nullable(),
  disposition: z
    .object({
      action: z.enum(DISPOSITIONS),
      bin: z.string(),
      explanation: z.string(),
      overrideReason: z.string().nullable(),
      approvedBy: z.string().nullable(),
    })
    .nullable(),
});
export type ReturnItemView = z.infer<typeof returnItemViewSchema>;

export const OVERRIDE_REASONS = [
  'INSPECTION_ERROR',
  'CUSTOMER_SERVICE',
  'VENDOR_AGREEMENT',
  'MARKET_VALUE',
  'OTHER',
] as const;

export const returnCaseViewSchema = z.object({
  caseId: z.string(),
  kind: z.enum(['rma', 'unexpected']),
  quarantined: z.boolean(),
  status: z.enum(['open', 'closed']),
  foundBy: z.string(),
  rmaNumber: z.string().nullable(),
  orderNumber: z.string().nullable(),
  customerFirstName: z.string().nullable(),
  requestedResolution: z.string().nullable(),
  expected: z.array(
    z.object({
      lineNo: z.number().int(),
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      received: z.number().int(),
      reason: z.string(),
    }),
  ),
  items: z.array(returnItemViewSchema),
  prompt: z.enum(['items', 'serial', 'grade', 'photo', 'override_reason', 'approval', 'closed']),
  /** A disposition override waiting for its reason or a supervisor's badge and PIN. */
  approval: z
    .object({
      itemNo: z.number().int(),
      to: z.enum(DISPOSITIONS),
      reason: z.string().nullable(),
      needsSupervisor: z.boolean(),
      supervisor: z.string().nullable(),
    })
    .nullable(),
  weight: z
    .object({
      grams: z.number(),
      packedGrams: z.number().nullable(),
      outcome: z.enum(['pass', 'warn', 'fail']).nullable(),
      explanation: z.string(),
    })
    .nullable(),
  outsideWindow: z.boolean(),
  refund: refundViewSchema.nullable(),
  flags: z.array(flagViewSchema),
  missing: z.array(
    z.object({ lineNo: z.number().int(), sku: z.string(), name: z.string(), quantity: z.number().int() }),
  ),
  openedAt: z.number(),
  closedAt: z.number().nullable(),
  /** The case's events, oldest first (the bench shows them newest first). */
  timeline: caseTimelineSchema,
});
export type ReturnCaseView = z.infer<typeof returnCaseViewSchema>;

export const returnsMethods = {
  'returns.current': method({
    summary: 'The return case open on this bench (or the last one closed here), or null.',
    input: empty,
    output: returnCaseViewSchema.nullable(),
    access: RETURNS_ROLES,
    activity: false,
  }),
  'returns.unexpected': method({
    summary: 'Start a case for a parcel with no RMA and nothing that identifies it: it is quarantined.',
    input: empty,
    output: returnCaseViewSchema,
    access: RETURNS_ROLES,
  }),
  'returns.answer': method({
    summary: 'Answer the current grading question of an item (by touch; ANSWER barcodes do the same).',
    input: z.strictObject({
      itemNo: z.number().int().min(1),
      questionId: z.string().min(1).max(64),
      answerId: z.string().min(1).max(24),
    }),
    output: returnCaseViewSchema,
    access: RETURNS_ROLES,
  }),
  'returns.photo': method({
    summary: 'A photo taken for a grading answer: stored by its sha256 and linked to the item.',
    input: z.strictObject({
      itemNo: z.number().int().min(1),
      questionId: z.string().min(1).max(64),
      base64: z.string().min(8).max(8_500_000),
    }),
    output: returnCaseViewSchema,
    access: RETURNS_ROLES,
  }),
  'returns.override': method({
    summary:
      'Route an item elsewhere than the rules say, with a reason; some overrides need a supervisor at the bench.',
    input: z.strictObject({
      itemNo: z.number().int().min(1),
      to: z.enum(DISPOSITIONS),
      reason: z.enum(OVERRIDE_REASONS),
    }),
    output: returnCaseViewSchema,
    access: RETURNS_ROLES,
  }),
  'returns.approve': method({
    summary: "A supervisor's badge and PIN approving the pending override at this bench.",
    input: z.strictObject({ badge: badgeSchema, pin: pinSchema }),
    output: returnCaseViewSchema,
    access: RETURNS_ROLES,
  }),
  'returns.weight': method({
    summary: 'The parcel weight, compared with the weight recorded when the order was packed.',
    input: z.strictObject({ grams: z.number().positive().max(100_000), source: z.enum(['scale', 'manual']) }),
    output: returnCaseViewSchema,
    access: RETURNS_ROLES,
  }),
  'returns.search': method({
    summary: 'Find a product by SKU or name, for an item whose barcode is unknown.',
    input: z.strictObject({ query: z.string().min(2).max(80) }),
    output: z.array(z.object({ productId: z.string(), sku: z.string(), name: z.string(), brand: z.string() })),
    access: RETURNS_ROLES,
    activity: false,
  }),
  'returns.addItem': method({
    summary: 'Receive an item found by search (its barcode was unknown).',
    input: z.strictObject({ productId: z.string().min(1).max(64) }),
    output: returnCaseViewSchema,
    access: RETURNS_ROLES,
  }),
  'returns.close': method({
    summary: 'Close the case: missing items listed, refund recommended, flags raised (the DONE barcode does the same).',
    input: empty,
    output: returnCaseViewSchema,
    access: RETURNS_ROLES,
  }),
} as const;

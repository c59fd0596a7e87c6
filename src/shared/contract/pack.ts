import { z } from 'zod';
import { DEFECT_SEVERITIES } from '../policy/checklist';
import { empty } from './common';
import { method } from './define';

const PACK_ROLES = ['packer', 'qc_inspector', 'supervisor'] as const;
const QC_ROLES = ['qc_inspector', 'supervisor'] as const;

export const packLineSchema = z.object({
  lineNo: z.number().int(),
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  /** The product's picture: a `data:` URL, or a URL the core serves (the window shows nothing else). */
  imageUrl: z.string().nullable(),
  quantity: z.number().int(),
  scanned: z.number().int(),
  serialised: z.boolean(),
  serials: z.array(z.string()),
});

export const weightResultSchema = z.object({
  grams: z.number(),
  source: z.enum(['scale', 'manual']),
  outcome: z.enum(['pass', 'warn', 'fail']),
  explanation: z.string(),
});

/** The parcel on the packing bench, as the screen shows it. */
export const packViewSchema = z.object({
  packageId: z.string(),
  orderId: z.string(),
  orderNumber: z.string(),
  orderStatus: z.string(),
  brand: z.string(),
  customerFirstName: z.string().nullable(),
  instructions: z.string().nullable(),
  status: z.enum(['packing', 'qc_pending', 'qc_hold', 'ready', 'done', 'voided', 'rejected']),
  lines: z.array(packLineSchema),
  unitsExpected: z.number().int(),
  unitsScanned: z.number().int(),
  /** What the bench waits for next. */
  prompt: z.enum(['items', 'serial', 'confirm_second_shipment', 'qc', 'weight', 'done', 'stopped']),
  /** The line whose serial is awaited, when prompt is `serial`. */
  serialFor: z.number().int().nullable(),
  previousShipmentAt: z.number().nullable(),
  expectedWeightG: z.number(),
  weight: weightResultSchema.nullable(),
  qc: z.object({
    required: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
  }),
  /** The order was cancelled, refunded or put on hold in the order system: the bench stops. */
  stoppedBecause: z.string().nullable(),
  openedAt: z.number(),
  completedAt: z.number().nullable(),
});
export type PackView = z.infer<typeof packViewSchema>;

/** A packed parcel whose order was stopped after it was packed: pull it back before it leaves. */
export const packRecallSchema = z.object({
  packageId: z.string(),
  orderId: z.string(),
  orderNumber: z.string(),
  orderStatus: z.string(),
  completedAt: z.number(),
});
export type PackRecall = z.infer<typeof packRecallSchema>;

export const qcStepViewSchema = z.object({
  id: z.string(),
  type: z.enum(['instruction', 'pass_fail', 'measurement', 'photo', 'note']),
  text: z.string(),
  unit: z.string().nullable(),
  nominal: z.number().nullable(),
  tolerance: z.number().nullable(),
  required: z.boolean(),
  status: z.enum(['pass', 'fail', 'missing']),
  detail: z.string(),
});

/** The inspection open on the QC bench. */
export const qcViewSchema = z.object({
  inspectionId: z.string(),
  packageId: z.string(),
  orderNumber: z.string(),
  unitNo: z.number().int(),
  sku: z.string(),
  productName: z.string(),
  checklist: z.object({
    id: z.string(),
    version: z.number().int(),
    name: z.string(),
    onFail: z.enum(['block', 'warn']),
  }),
  round: z.number().int(),
  steps: z.array(qcStepViewSchema),
  /** The step the next PASS/FAIL/DONE scan answers, or null when all are answered. */
  currentStep: z.string().nullable(),
  defects: z.array(
    z.object({
      code: z.string(),
      severity: z.enum(DEFECT_SEVERITIES),
      note: z.string().nullable(),
      stepId: z.string().nullable(),
      /** The sha256 of the defect's photo, when one was taken. */
      photoSha256: z.string().nullable(),
    }),
  ),
  /** Other units of the same parcel still waiting for inspection. */
  remainingUnits: z.number().int(),
});
export type QcView = z.infer<typeof qcViewSchema>;

export const heldPackageSchema = z.object({
  packageId: z.string(),
  orderNumber: z.string(),
  heldAt: z.number(),
  defects: z.array(z.object({ code: z.string(), severity: z.enum(DEFECT_SEVERITIES) })),
});

export const stepAnswerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('done') }),
  z.strictObject({ type: z.literal('pass') }),
  z.strictObject({ type: z.literal('fail') }),
  z.strictObject({ type: z.literal('measured'), value: z.number().finite() }),
  z.strictObject({ type: z.literal('photo'), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.strictObject({ type: z.literal('note'), text: z.string().min(1).max(1000) }),
  z.strictObject({ type: z.literal('skip') }),
]);

/** A photo's content hash, as qc.photo gives it and qc.answer / qc.defect cite it. */
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

export const packMethods = {
  'pack.current': method({
    summary: 'The parcel open on this packing bench, or null.',
    input: empty,
    output: packViewSchema.nullable(),
    access: PACK_ROLES,
    activity: false,
  }),
  'pack.recalls': method({
    summary:
      'Parcels packed here in the last 30 days whose order was cancelled, refunded or put on hold since, not yet pulled back.',
    input: empty,
    output: z.array(packRecallSchema),
    access: PACK_ROLES,
    activity: false,
  }),
  'pack.weight': method({
    summary: 'The parcel weight: a stable scale reading or a manual entry, checked against the expected weight.',
    input: z.strictObject({ grams: z.number().positive().max(100_000), source: z.enum(['scale', 'manual']) }),
    output: packViewSchema,
    access: PACK_ROLES,
  }),
  'pack.done': method({
    summary: 'Complete the parcel (the DONE barcode does the same).',
    input: empty,
    output: packViewSchema,
    access: PACK_ROLES,
  }),
  'pack.undo': method({
    summary: 'Take back the last unit scanned into the parcel (the UNDO barcode does the same).',
    input: empty,
    output: packViewSchema,
    access: PACK_ROLES,
  }),
  'pack.cancel': method({
    summary: 'Void the open parcel (items go back); the record stays.',
    input: z.strictObject({ reason: z.string().min(1).max(300) }),
    output: packViewSchema,
    access: PACK_ROLES,
  }),
} as const;

export const qcMethods = {
  'qc.current': method({
    summary: 'The inspection open on this QC bench, or null.',
    input: empty,
    output: qcViewSchema.nullable(),
    access: QC_ROLES,
    activity: false,
  }),
  'qc.answer': method({
    summary:
      'Answer a step of the checklist (a measurement, a note, a photo stored by qc.photo, a skip of an optional step; PASS/FAIL/DONE/SKIP barcodes do the rest).',
    input: z.strictObject({ stepId: z.string().min(1).max(64), answer: stepAnswerSchema }),
    output: qcViewSchema.nullable(),
    access: QC_ROLES,
  }),
  'qc.photo': method({
    summary:
      'A photo taken at the QC bench (for a photo step or a defect): a JPEG, PNG or WebP of at most 6 MB, stored by its sha256, which qc.answer and qc.defect then cite.',
    input: z.strictObject({ base64: z.string().min(8).max(8_500_000) }),
    output: z.object({ sha256: sha256Schema, mime: z.string(), bytes: z.number().int() }),
    access: QC_ROLES,
  }),
  'qc.defect': method({
    summary:
      'Log a defect on the open inspection: code from the list, severity, note, and a photo already stored by qc.photo.',
    input: z.strictObject({
      code: z.string().min(2).max(24),
      severity: z.enum(DEFECT_SEVERITIES).optional(),
      note: z.string().max(1000).optional(),
      photoSha256: sha256Schema.optional(),
    }),
    output: qcViewSchema.nullable(),
    access: QC_ROLES,
  }),
  'qc.holds': method({
    summary: 'Parcels on QC hold at this station, oldest first.',
    input: empty,
    output: z.array(heldPackageSchema),
    access: QC_ROLES,
    activity: false,
  }),
  'qc.defectCodes': method({
    summary: 'The defect codes an inspector chooses from.',
    input: empty,
    output: z.array(
      z.object({
        code: z.string(),
        label: z.object({ en: z.string(), es: z.string() }),
        severity: z.enum(DEFECT_SEVERITIES),
      }),
    ),
    access: QC_ROLES,
    activity: false,
  }),
} as const;

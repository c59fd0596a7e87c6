import { z } from 'zod';
import { toGtin14 } from '../barcode/gtin';
import { carrierLabelSchema, vectorImageSchema } from '../labels/data';
import { ROLES } from '../domain/roles';
import { POLICY_SCHEMAS, type PolicyKind } from '../policy/index';
import { canonicalJson } from '../util/canonical-json';
import { hash32 } from './hash';

/**
 * The reference data the cloud sends to stations, as documents: one document per product (with
 * its barcodes), order (with its lines and carrier label), RMA (with its lines), customer,
 * operator, brand and policy version. The OMS writes them (NDJSON), the cloud validates and
 * normalises them with these schemas and stores their canonical JSON; stations download them by
 * stream and write them into their reference tables.
 *
 * The schema is the door: a document that does not parse is refused with a 4xx at the OMS API,
 * never stored half-right. Stations parse again on arrival, so a newer cloud cannot push a shape
 * this station cannot store (such a document is parked, not applied; see core/sync).
 */

/** Download streams, in the order a station pulls them: what a bench needs first comes first. */
export const STREAMS = ['config', 'operators', 'rmas', 'orders', 'catalog', 'customers'] as const;
export type StreamName = (typeof STREAMS)[number];

export const RECORD_KINDS = [
  'policy',
  'operator',
  'rma',
  'rma_receipt',
  'order',
  'brand',
  'product',
  'customer',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const KIND_STREAM: Readonly<Record<RecordKind, StreamName>> = {
  policy: 'config',
  operator: 'operators',
  rma: 'rmas',
  rma_receipt: 'rmas',
  order: 'orders',
  brand: 'catalog',
  product: 'catalog',
  customer: 'customers',
};

/**
 * The OMS API names its collections in the plural. RMA receipts are not a collection: the cloud
 * writes them itself (see `rmaReceiptDocSchema`), the OMS can only read them.
 */
export const COLLECTIONS = {
  policies: 'policy',
  operators: 'operator',
  rmas: 'rma',
  orders: 'order',
  brands: 'brand',
  products: 'product',
  customers: 'customer',
} as const satisfies Record<string, RecordKind>;
export type CollectionName = keyof typeof COLLECTIONS;

// A lone surrogate cannot be stored as UTF-8 (PostgreSQL would store U+FFFD instead), and C0
// control characters other than tab and newlines have no business in reference data.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** Text that survives every store on the way: well-formed Unicode, no control characters. */
export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine((value) => !LONE_SURROGATE.test(value), 'must be well-formed Unicode (no lone surrogate)')
    .refine((value) => !CONTROL.test(value), 'must not contain control characters');
}

/** An identifier: 1–128 characters of well-formed text. Quotes and SQL words are allowed (values are bound). */
export const idSchema = text(128).min(1);
const shortText = (max = 64) => text(max).min(1);
const count = z.number().int().min(0);
const epochMs = z.number().int().min(0);
/** Free JSON objects (themes, addresses): any JSON value, no NaN or Infinity. */
const jsonObject = z.record(text(128), z.json());

export const brandDocSchema = z.strictObject({
  id: idSchema,
  name: shortText(200),
  theme: jsonObject.default({}),
  insertCopy: jsonObject.default({}),
  returnPortalUrl: text(2048).nullable().default(null),
  /** The logo printed on labels and inserts: vector paths (see shared/labels). */
  logo: vectorImageSchema.nullable().default(null),
  /** Care tips on the packing insert, by product category. */
  careTips: z.record(text(64), z.strictObject({ title: text(200), tips: z.array(text(500)).max(20) })).default({}),
  /** The insert's recommendation block, by product category. */
  recommendations: z.record(text(64), z.array(text(500)).max(20)).default({}),
});

export const barcodeDocSchema = z.strictObject({
  /** Stored in GTIN-14 form when it is a valid GTIN, so every scanner form of it meets one row. */
  code: shortText(128).transform((code) => toGtin14(code) ?? code),
  kind: shortText(16),
});

export const productDocSchema = z.strictObject({
  id: idSchema,
  sku: shortText(128),
  brandId: idSchema,
  name: shortText(500),
  category: shortText(64),
  weightG: count,
  priceCents: count,
  currency: z.string().regex(/^[A-Z]{3}$/, 'a currency is three capital letters (ISO 4217)'),
  serialised: z.boolean().default(false),
  returnWindowDays: z.number().int().min(0).max(3650).default(30),
  imageUrl: text(2048).nullable().default(null),
  barcodes: z
    .array(barcodeDocSchema)
    .max(64)
    .default([])
    .refine((codes) => new Set(codes.map((c) => c.code)).size === codes.length, 'a barcode appears twice')
    // One order for one set of barcodes: a document rebuilt from the station's table hashes the same.
    .transform((codes) => [...codes].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))),
});

/** `text(max).min(min)`'s test, without zod: for the fast paths below. */
function isText(value: unknown, min: number, max: number): value is string {
  if (typeof value !== 'string' || value.length < min || value.length > max) return false;
  // Most text has neither a control character nor a surrogate: one plain scan says so.
  return !SUSPECT.test(value) || (!LONE_SURROGATE.test(value) && !CONTROL.test(value));
}
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\uD800-\uDFFF]/;

/** True when `value` has exactly the own keys `keys`, in any order. */
function hasExactKeys(value: object, keys: readonly string[]): boolean {
  if (Object.keys(value).length !== keys.length) return false;
  for (const key of keys) if (!Object.hasOwn(value, key)) return false;
  return true;
}

function isCount(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
}

const PRODUCT_KEYS = Object.keys(productDocSchema.shape);
const BARCODE_KEYS = ['code', 'kind'];
const CURRENCY = /^[A-Z]{3}$/;

/**
 * A product document already in the form `productDocSchema` gives (every field present, barcodes
 * in GTIN-14 form, sorted, distinct) — what the cloud stores and sends — is returned as it is;
 * anything else gives null, and the schema decides. A first download parses a million of them:
 * the schema took ~7 µs each, most of the station's time after the network. A property test
 * holds this to the schema: whatever it accepts, the schema accepts and outputs unchanged.
 */
export function productDocFast(value: unknown): ProductDoc | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const doc = value as Record<string, unknown>;
  if (!hasExactKeys(doc, PRODUCT_KEYS)) return null;
  if (
    !isText(doc.id, 1, 128) ||
    !isText(doc.sku, 1, 128) ||
    !isText(doc.brandId, 1, 128) ||
    !isText(doc.name, 1, 500) ||
    !isText(doc.category, 1, 64) ||
    !isCount(doc.weightG) ||
    !isCount(doc.priceCents) ||
    typeof doc.currency !== 'string' ||
    !CURRENCY.test(doc.currency) ||
    typeof doc.serialised !== 'boolean' ||
    !isCount(doc.returnWindowDays, 3650) ||
    !(doc.imageUrl === null || isText(doc.imageUrl, 0, 2048)) ||
    !Array.isArray(doc.barcodes) ||
    doc.barcodes.length > 64
  )
    return null;
  let previous: string | null = null;
  for (const barcode of doc.barcodes as unknown[]) {
    if (typeof barcode !== 'object' || barcode === null || Array.isArray(barcode)) return null;
    const { code, kind } = barcode as Record<string, unknown>;
    if (!hasExactKeys(barcode, BARCODE_KEYS)) return null;
    if (!isText(code, 1, 128) || !isText(kind, 1, 16)) return null;
    // Already normalised, and strictly after the one before (sorted and distinct).
    if ((toGtin14(code) ?? code) !== code) return null;
    if (previous !== null && !(previous < code)) return null;
    previous = code;
  }
  return doc as ProductDoc;
}

export const customerDocSchema = z.strictObject({
  id: idSchema,
  firstName: text(200),
  addressKey: text(256).nullable().default(null),
  ordersCount: count.default(0),
  returnsCount: count.default(0),
  returnsValueCents: count.default(0),
});

export const orderLineDocSchema = z.strictObject({
  lineNo: z.number().int().min(1),
  productId: idSchema,
  quantity: z.number().int().min(1).max(100_000),
  serials: z.array(shortText(128)).max(100_000).nullable().default(null),
});

export const orderDocSchema = z.strictObject({
  id: idSchema,
  number: shortText(128),
  brandId: idSchema,
  customerId: idSchema.nullable().default(null),
  status: shortText(32),
  placedAt: epochMs,
  shipTo: jsonObject.default({}),
  carrierLabel: carrierLabelSchema.nullable().default(null),
  instructions: text(2000).nullable().default(null),
  tote: text(128).nullable().default(null),
  packedWeightG: count.nullable().default(null),
  lines: z
    .array(orderLineDocSchema)
    .min(1)
    .max(1000)
    .refine((lines) => new Set(lines.map((l) => l.lineNo)).size === lines.length, 'a line number appears twice')
    .transform((lines) => [...lines].sort((a, b) => a.lineNo - b.lineNo)),
});

export const rmaLineDocSchema = z.strictObject({
  lineNo: z.number().int().min(1),
  productId: idSchema,
  quantity: z.number().int().min(1).max(100_000),
  reason: shortText(128),
});

export const rmaDocSchema = z.strictObject({
  id: idSchema,
  number: shortText(128),
  orderId: idSchema.nullable().default(null),
  status: shortText(32),
  returnTracking: text(128).nullable().default(null),
  requestedResolution: shortText(32),
  createdAt: epochMs,
  lines: z
    .array(rmaLineDocSchema)
    .min(1)
    .max(1000)
    .refine((lines) => new Set(lines.map((l) => l.lineNo)).size === lines.length, 'a line number appears twice')
    .transform((lines) => [...lines].sort((a, b) => a.lineNo - b.lineNo)),
});

/**
 * The first receipt of an RMA at a bench, as the cloud learnt it from a station's upload: the
 * station whose `returns.opened` event (a case opened on this RMA) the cloud applied first. One
 * per RMA, written by the cloud in the transaction that applies that upload, never overwritten
 * (a later receipt elsewhere is a duplicate), never written by the OMS. It travels in the `rmas`
 * stream beside the RMA, its record id the RMA's id: a station holding a case of this RMA under
 * another case id knows the parcel was received twice. A document of its own rather than a field
 * of the RMA: an OMS upsert of the RMA cannot erase it, and a station older than this kind parks
 * it (and keeps the RMA) instead of refusing the RMA's new shape.
 */
export const rmaReceiptDocSchema = z.strictObject({
  rmaId: idSchema,
  /** The case opened on the RMA (the station's ULID), and the event that opened it. */
  caseId: idSchema,
  eventId: idSchema,
  /** The cloud's id of the station, the station's own id (its events' `stationId`), and its name. */
  stationId: idSchema,
  stationLocalId: idSchema,
  stationName: shortText(200),
  /** When the case opened, by the station's clock (epoch ms). */
  receivedAt: epochMs,
});

/** The scrypt hash format of core/auth/pin.ts: `scrypt$N$r$p$salt$hash`. */
export const PIN_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

export const operatorDocSchema = z.strictObject({
  id: idSchema,
  name: shortText(200),
  role: z.enum(ROLES),
  badge: z
    .string()
    .min(3)
    .max(64)
    .regex(/^[\x21-\x7e]+$/, 'a badge is printable ASCII without spaces'),
  pinHash: z.string().max(256).regex(PIN_HASH, 'a PIN hash is scrypt$N$r$p$salt$hash'),
  active: z.boolean().default(true),
});

const policyKinds = Object.keys(POLICY_SCHEMAS) as [PolicyKind, ...PolicyKind[]];

export const policyDocSchema = z
  .strictObject({
    kind: z.enum(policyKinds),
    id: text(128).regex(/^[^:]+$/, 'a policy id has no colon'),
    version: z.number().int().min(1),
    active: z.boolean().default(true),
    document: z.record(z.string(), z.unknown()),
  })
  .superRefine((policy, ctx) => {
    const parsed = POLICY_SCHEMAS[policy.kind].safeParse(policy.document);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5)) {
        ctx.addIssue({ code: 'custom', path: ['document', ...issue.path.map(String)], message: issue.message });
      }
      return;
    }
    if (parsed.data.id !== policy.id || parsed.data.version !== policy.version)
      ctx.addIssue({
        code: 'custom',
        path: ['document'],
        message: 'the document id and version must match the policy',
      });
  });

export const DOC_SCHEMAS = {
  policy: policyDocSchema,
  operator: operatorDocSchema,
  rma: rmaDocSchema,
  rma_receipt: rmaReceiptDocSchema,
  order: orderDocSchema,
  brand: brandDocSchema,
  product: productDocSchema,
  customer: customerDocSchema,
} as const satisfies Record<RecordKind, z.ZodType>;

export type BrandDoc = z.output<typeof brandDocSchema>;
export type ProductDoc = z.output<typeof productDocSchema>;
export type CustomerDoc = z.output<typeof customerDocSchema>;
export type OrderDoc = z.output<typeof orderDocSchema>;
export type RmaDoc = z.output<typeof rmaDocSchema>;
export type RmaReceiptDoc = z.output<typeof rmaReceiptDocSchema>;
export type OperatorDoc = z.output<typeof operatorDocSchema>;
export type PolicyDoc = z.output<typeof policyDocSchema>;
export type RecordDoc<K extends RecordKind> = z.output<(typeof DOC_SCHEMAS)[K]>;

/** The key of a document within its kind: its id, or `kind:id:version` for a policy version. */
export function recordKey<K extends RecordKind>(kind: K, doc: RecordDoc<K>): string {
  if (kind === 'policy') {
    const policy = doc as PolicyDoc;
    return `${policy.kind}:${policy.id}:${policy.version}`;
  }
  if (kind === 'rma_receipt') return (doc as RmaReceiptDoc).rmaId;
  return (doc as { id: string }).id;
}

/** The hash of a document as stored: of its canonical JSON. */
export function docHash(doc: unknown): number {
  return hash32(canonicalJson(doc));
}

/**
 * Keys that must be unique across the documents of a company, as the station's tables demand
 * (a SKU, a barcode, an order or RMA number, a badge). The cloud refuses an import that would
 * break one, so a station never receives two documents it cannot both store.
 */
export function uniqueKeys<K extends RecordKind>(kind: K, doc: RecordDoc<K>): { type: string; value: string }[] {
  switch (kind) {
    case 'product': {
      const product = doc as ProductDoc;
      return [
        { type: 'product.sku', value: product.sku },
        ...product.barcodes.map((b) => ({ type: 'barcode', value: b.code })),
      ];
    }
    case 'order':
      return [{ type: 'order.number', value: (doc as OrderDoc).number }];
    case 'rma':
      return [{ type: 'rma.number', value: (doc as RmaDoc).number }];
    case 'operator':
      return [{ type: 'operator.badge', value: (doc as OperatorDoc).badge }];
    default:
      return [];
  }
}

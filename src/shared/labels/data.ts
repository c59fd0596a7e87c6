import { z } from 'zod';
import { DISPOSITIONS } from '../policy/disposition';
import { GRADES } from '../policy/grades';
import { ROLES } from '../domain/roles';
import { MEDIA_NAMES, type LabelType } from './model';

/**
 * What each template prints. A print job stores its data as it was when it was queued, so a
 * reprint from the history is the same label, and a preview can always be rendered again.
 */

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/);

export const vectorImageSchema = z.strictObject({
  width: z.number().positive(),
  height: z.number().positive(),
  paths: z
    .array(z.strictObject({ d: z.string().min(1).max(20_000), fill: color }))
    .min(1)
    .max(32),
});

export const addressSchema = z.strictObject({
  name: z.string(),
  line1: z.string(),
  line2: z.string().nullable(),
  postalCode: z.string(),
  city: z.string(),
  region: z.string().nullable(),
  /** ISO 3166 alpha-2. */
  country: z.string(),
});
export type Address = z.infer<typeof addressSchema>;

/** A brand as its labels and inserts show it. */
export const brandMarkSchema = z.strictObject({
  name: z.string(),
  logo: vectorImageSchema.nullable(),
});

/**
 * The carrier label data an order brings from the order system (carrier integrations are out of
 * scope: the cloud buys the label, the bench prints it). Stored as JSON in `orders.carrier_label`.
 */
export const carrierLabelSchema = z.strictObject({
  carrier: z.string().min(1).max(40),
  service: z.string().max(60),
  trackingNumber: z.string().min(4).max(40),
  barcode: z.strictObject({
    symbology: z.enum(['code128', 'gs1-128', 'datamatrix', 'qr']),
    data: z.string().min(1).max(200),
  }),
  routingCode: z.string().max(16).nullable(),
});
export type CarrierLabel = z.infer<typeof carrierLabelSchema>;

export const shippingDataSchema = z.strictObject({
  orderNumber: z.string(),
  brand: brandMarkSchema,
  from: addressSchema,
  to: addressSchema,
  weightG: z.number().nullable(),
  parcel: z.strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) }),
  /** From the order's carrier label data; null for a generated label with an SSCC. */
  carrier: carrierLabelSchema.nullable(),
  /** 18 digits, when there is no carrier label. */
  sscc: z
    .string()
    .regex(/^\d{18}$/)
    .nullable(),
  shippedAt: z.number(),
});
export type ShippingData = z.infer<typeof shippingDataSchema>;

export const insertCopySchema = z.strictObject({
  /** `{name}` is the customer's first name. */
  greeting: z.string(),
  thanks: z.string(),
  signoff: z.string(),
  parcelHeading: z.string(),
  careHeading: z.string(),
  recommendHeading: z.string(),
  returnsHeading: z.string(),
  returnsText: z.string(),
});
export type InsertCopy = z.infer<typeof insertCopySchema>;

export const insertDataSchema = z.strictObject({
  orderNumber: z.string(),
  firstName: z.string().nullable(),
  brand: z.strictObject({
    name: z.string(),
    logo: vectorImageSchema.nullable(),
    primary: color,
    accent: color,
    font: z.enum(['sans', 'serif']),
  }),
  copy: insertCopySchema,
  /** The brand's return portal with the order filled in: what the QR code holds. */
  returnUrl: z.url(),
  items: z.array(z.strictObject({ name: z.string(), quantity: z.number().int() })),
  careTips: z.array(z.strictObject({ category: z.string(), tips: z.array(z.string()) })),
  recommendations: z.array(z.strictObject({ sku: z.string(), name: z.string() })),
  /** A gift order prints no prices (none are printed anyway) and says so. */
  gift: z.boolean(),
});
export type InsertData = z.infer<typeof insertDataSchema>;

export const binDataSchema = z.strictObject({
  licencePlate: z.string().regex(/^[A-Z0-9-]{4,20}$/),
  caseRef: z.string(),
  itemNo: z.number().int(),
  sku: z.string(),
  name: z.string(),
  grade: z.enum(GRADES).nullable(),
  disposition: z.enum(DISPOSITIONS),
  bin: z.string(),
});
export type BinData = z.infer<typeof binDataSchema>;

export const licencePlateDataSchema = z.strictObject({
  licencePlate: z.string().regex(/^[A-Z0-9-]{4,20}$/),
  caseRef: z.string(),
  rmaNumber: z.string().nullable(),
  orderNumber: z.string().nullable(),
  quarantined: z.boolean(),
  receivedAt: z.number(),
  clerk: z.string(),
  /** A product barcode (EAN-13) of the first item, when it has one. */
  ean13: z
    .string()
    .regex(/^\d{13}$/)
    .nullable(),
  items: z.array(
    z.strictObject({
      itemNo: z.number().int(),
      sku: z.string(),
      name: z.string(),
      grade: z.enum(GRADES).nullable(),
      disposition: z.enum(DISPOSITIONS).nullable(),
      bin: z.string().nullable(),
    }),
  ),
});
export type LicencePlateData = z.infer<typeof licencePlateDataSchema>;

export const qcHoldDataSchema = z.strictObject({
  orderNumber: z.string(),
  packageRef: z.string(),
  heldAt: z.number(),
  inspector: z.string(),
  defects: z.array(
    z.strictObject({
      code: z.string(),
      severity: z.enum(['minor', 'major', 'critical']),
      note: z.string().nullable(),
    }),
  ),
});
export type QcHoldData = z.infer<typeof qcHoldDataSchema>;

export const badgeDataSchema = z.strictObject({
  name: z.string(),
  role: z.enum(ROLES),
  badge: z.string(),
  station: z.string(),
});
export type BadgeData = z.infer<typeof badgeDataSchema>;

export const commandSheetDataSchema = z.strictObject({
  station: z.string(),
  generatedAt: z.number(),
});
export type CommandSheetData = z.infer<typeof commandSheetDataSchema>;

/** The data of each label type. */
export type LabelDataMap = {
  shipping: ShippingData;
  insert: InsertData;
  licence_plate: LicencePlateData;
  bin: BinData;
  qc_hold: QcHoldData;
  badge: BadgeData;
  command_sheet: CommandSheetData;
};

export const LABEL_DATA_SCHEMAS = {
  shipping: shippingDataSchema,
  insert: insertDataSchema,
  licence_plate: licencePlateDataSchema,
  bin: binDataSchema,
  qc_hold: qcHoldDataSchema,
  badge: badgeDataSchema,
  command_sheet: commandSheetDataSchema,
} as const satisfies { [T in LabelType]: z.ZodType<LabelDataMap[T]> };

export const mediaSchema = z.enum(MEDIA_NAMES as [string, ...string[]]);

/**
 * The return portal link for an order: `{order}` in the brand's URL is replaced, otherwise an
 * `order` query parameter is added. The order number is URL-encoded.
 */
export function returnPortalLink(portal: string, orderNumber: string): string {
  const encoded = encodeURIComponent(orderNumber);
  if (portal.includes('{order}')) return portal.split('{order}').join(encoded);
  const hash = portal.indexOf('#');
  const base = hash === -1 ? portal : portal.slice(0, hash);
  const fragment = hash === -1 ? '' : portal.slice(hash);
  return `${base}${base.includes('?') ? '&' : '?'}order=${encoded}${fragment}`;
}

import type {
  BrandDoc,
  CustomerDoc,
  OperatorDoc,
  OrderDoc,
  PolicyDoc,
  ProductDoc,
  RecordKind,
  RmaDoc,
  RmaReceiptDoc,
} from '#shared/sync/records';
import { canonicalJson } from '#shared/util/canonical-json';

/** A value bound into SQLite. */
export type Value = string | number | null;
export type SqlRow = Record<string, Value>;

type ChildSpec = {
  table: string;
  stage: string;
  /** The child column that holds the parent's id. */
  parent: string;
  columns: readonly string[];
  /** The child columns that order the children as the document lists them. */
  order: string;
  rows(doc: never): Value[][];
};

/**
 * How one kind of reference document maps onto the station's tables, both ways: document → row
 * values (download) and rows → document (verification: the document rebuilt from the tables must
 * hash to what the cloud sent).
 */
export type KindSpec = {
  kind: RecordKind;
  table: string;
  stage: string;
  /** Primary key columns, and how a record id gives their values. */
  pk: readonly string[];
  keyOf(id: string): Value[];
  /** Every column the document fills, in order (`sync_hash` comes after them). */
  columns: readonly string[];
  row(doc: never): Value[];
  /** Single-column unique keys besides the primary key: a newer document that takes one wins it. */
  unique: readonly string[];
  child?: ChildSpec;
  /**
   * The staging tables are the live tables' twins (migration 0230): a first download into empty
   * live tables is swapped in by exchanging the tables' names, not by copying its rows.
   */
  stageLikeLive?: true;
  toDoc(row: SqlRow, children: SqlRow[]): unknown;
};

const json = (value: unknown): string => canonicalJson(value);
const parse = (value: Value | undefined): unknown =>
  value === null || value === undefined ? null : (JSON.parse(String(value)) as unknown);
const bool = (value: boolean): number => (value ? 1 : 0);

export const KIND_SPECS: Readonly<Record<RecordKind, KindSpec>> = {
  brand: {
    kind: 'brand',
    table: 'brands',
    stage: 'sync_stage_brands',
    pk: ['id'],
    keyOf: (id) => [id],
    columns: ['id', 'name', 'theme', 'insert_copy', 'return_portal_url', 'logo', 'care_tips', 'recommendations'],
    row: (d: BrandDoc) => [
      d.id,
      d.name,
      json(d.theme),
      json(d.insertCopy),
      d.returnPortalUrl,
      d.logo === null ? null : json(d.logo),
      json(d.careTips),
      json(d.recommendations),
    ],
    unique: [],
    toDoc: (r) => ({
      id: r['id'],
      name: r['name'],
      theme: parse(r['theme']),
      insertCopy: parse(r['insert_copy']),
      returnPortalUrl: r['return_portal_url'],
      logo: parse(r['logo']),
      careTips: parse(r['care_tips']),
      recommendations: parse(r['recommendations']),
    }),
  },
  product: {
    kind: 'product',
    table: 'products',
    stage: 'sync_stage_products',
    pk: ['id'],
    keyOf: (id) => [id],
    columns: [
      'id',
      'sku',
      'brand_id',
      'name',
      'category',
      'weight_g',
      'price_cents',
      'currency',
      'serialised',
      'return_window_days',
      'image_url',
    ],
    row: (d: ProductDoc) => [
      d.id,
      d.sku,
      d.brandId,
      d.name,
      d.category,
      d.weightG,
      d.priceCents,
      d.currency,
      bool(d.serialised),
      d.returnWindowDays,
      d.imageUrl,
    ],
    unique: ['sku'],
    stageLikeLive: true,
    child: {
      table: 'product_barcodes',
      stage: 'sync_stage_product_barcodes',
      parent: 'product_id',
      columns: ['code', 'product_id', 'kind'],
      order: 'code',
      rows: (d: ProductDoc) => d.barcodes.map((b) => [b.code, d.id, b.kind]),
    },
    toDoc: (r, children) => ({
      id: r['id'],
      sku: r['sku'],
      brandId: r['brand_id'],
      name: r['name'],
      category: r['category'],
      weightG: r['weight_g'],
      priceCents: r['price_cents'],
      currency: r['currency'],
      serialised: r['serialised'] === 1,
      returnWindowDays: r['return_window_days'],
      imageUrl: r['image_url'],
      barcodes: children.map((c) => ({ code: c['code'], kind: c['kind'] })),
    }),
  },
  customer: {
    kind: 'customer',
    table: 'customers',
    stage: 'sync_stage_customers',
    pk: ['id'],
    keyOf: (id) => [id],
    columns: ['id', 'first_name', 'address_key', 'orders_count', 'returns_count', 'returns_value_cents'],
    row: (d: CustomerDoc) => [d.id, d.firstName, d.addressKey, d.ordersCount, d.returnsCount, d.returnsValueCents],
    unique: [],
    toDoc: (r) => ({
      id: r['id'],
      firstName: r['first_name'],
      addressKey: r['address_key'],
      ordersCount: r['orders_count'],
      returnsCount: r['returns_count'],
      returnsValueCents: r['returns_value_cents'],
    }),
  },
  order: {
    kind: 'order',
    table: 'orders',
    stage: 'sync_stage_orders',
    pk: ['id'],
    keyOf: (id) => [id],
    columns: [
      'id',
      'number',
      'brand_id',
      'customer_id',
      'status',
      'placed_at',
      'ship_to',
      'carrier_label',
      'instructions',
      'tote',
      'packed_weight_g',
    ],
    row: (d: OrderDoc) => [
      d.id,
      d.number,
      d.brandId,
      d.customerId,
      d.status,
      d.placedAt,
      json(d.shipTo),
      d.carrierLabel === null ? null : json(d.carrierLabel),
      d.instructions,
      d.tote,
      d.packedWeightG,
    ],
    unique: ['number'],
    child: {
      table: 'order_lines',
      stage: 'sync_stage_order_lines',
      parent: 'order_id',
      columns: ['order_id', 'line_no', 'product_id', 'quantity', 'serials'],
      order: 'line_no',
      rows: (d: OrderDoc) =>
        d.lines.map((l) => [d.id, l.lineNo, l.productId, l.quantity, l.serials === null ? null : json(l.serials)]),
    },
    toDoc: (r, children) => ({
      id: r['id'],
      number: r['number'],
      brandId: r['brand_id'],
      customerId: r['customer_id'],
      status: r['status'],
      placedAt: r['placed_at'],
      shipTo: parse(r['ship_to']),
      carrierLabel: parse(r['carrier_label']),
      instructions: r['instructions'],
      tote: r['tote'],
      packedWeightG: r['packed_weight_g'],
      lines: children.map((c) => ({
        lineNo: c['line_no'],
        productId: c['product_id'],
        quantity: c['quantity'],
        serials: parse(c['serials']),
      })),
    }),
  },
  rma: {
    kind: 'rma',
    table: 'rmas',
    stage: 'sync_stage_rmas',
    pk: ['id'],
    keyOf: (id) => [id],
    columns: ['id', 'number', 'order_id', 'status', 'return_tracking', 'requested_resolution', 'created_at'],
    row: (d: RmaDoc) => [d.id, d.number, d.orderId, d.status, d.returnTracking, d.requestedResolution, d.createdAt],
    unique: ['number'],
    child: {
      table: 'rma_lines',
      stage: 'sync_stage_rma_lines',
      parent: 'rma_id',
      columns: ['rma_id', 'line_no', 'product_id', 'quantity', 'reason'],
      order: 'line_no',
      rows: (d: RmaDoc) => d.lines.map((l) => [d.id, l.lineNo, l.productId, l.quantity, l.reason]),
    },
    toDoc: (r, children) => ({
      id: r['id'],
      number: r['number'],
      orderId: r['order_id'],
      status: r['status'],
      returnTracking: r['return_tracking'],
      requestedResolution: r['requested_resolution'],
      createdAt: r['created_at'],
      lines: children.map((c) => ({
        lineNo: c['line_no'],
        productId: c['product_id'],
        quantity: c['quantity'],
        reason: c['reason'],
      })),
    }),
  },
  rma_receipt: {
    kind: 'rma_receipt',
    table: 'rma_receipts',
    stage: 'sync_stage_rma_receipts',
    pk: ['rma_id'],
    keyOf: (id) => [id],
    columns: ['rma_id', 'case_id', 'event_id', 'station_id', 'station_local_id', 'station_name', 'received_at'],
    row: (d: RmaReceiptDoc) => [
      d.rmaId,
      d.caseId,
      d.eventId,
      d.stationId,
      d.stationLocalId,
      d.stationName,
      d.receivedAt,
    ],
    unique: [],
    toDoc: (r) => ({
      rmaId: r['rma_id'],
      caseId: r['case_id'],
      eventId: r['event_id'],
      stationId: r['station_id'],
      stationLocalId: r['station_local_id'],
      stationName: r['station_name'],
      receivedAt: r['received_at'],
    }),
  },
  operator: {
    kind: 'operator',
    table: 'operators',
    stage: 'sync_stage_operators',
    pk: ['id'],
    keyOf: (id) => [id],
    columns: ['id', 'name', 'role', 'badge_code', 'pin_hash', 'active'],
    row: (d: OperatorDoc) => [d.id, d.name, d.role, d.badge, d.pinHash, bool(d.active)],
    // Handled by hand (the session refers to operators): see ReferenceApplier.
    unique: [],
    toDoc: (r) => ({
      id: r['id'],
      name: r['name'],
      role: r['role'],
      badge: r['badge_code'],
      pinHash: r['pin_hash'],
      active: r['active'] === 1,
    }),
  },
  policy: {
    kind: 'policy',
    table: 'policies',
    stage: 'sync_stage_policies',
    pk: ['kind', 'id', 'version'],
    keyOf: (id) => {
      const [kind = '', policyId = '', version = '0'] = id.split(':');
      return [kind, policyId, Number(version)];
    },
    columns: ['kind', 'id', 'version', 'document', 'active'],
    row: (d: PolicyDoc) => [d.kind, d.id, d.version, json(d.document), bool(d.active)],
    unique: [],
    toDoc: (r) => ({
      kind: r['kind'],
      id: r['id'],
      version: r['version'],
      active: r['active'] === 1,
      document: parse(r['document']),
    }),
  },
};

/** The record id of a row (the inverse of `keyOf`). */
export function recordIdOf(spec: KindSpec, row: SqlRow): string {
  return spec.pk.map((column) => String(row[column])).join(':');
}

import type { Db } from '../connection';

export type CaseRow = {
  id: string;
  station_id: string;
  clerk_id: string;
  kind: 'rma' | 'unexpected';
  quarantined: number;
  status: 'open' | 'closed';
  rma_id: string | null;
  order_id: string | null;
  found_by: string;
  opened_at: number;
  closed_at: number | null;
  weight_g: number | null;
  packed_weight_g: number | null;
  weight_outcome: 'pass' | 'warn' | 'fail' | null;
  approval: string | null;
  refund: string | null;
  /** The order's customer when the case opened (migration 0110): the fraud rules' history key. */
  customer_id: string | null;
};

export type ItemRow = {
  case_id: string;
  item_no: number;
  product_id: string;
  code: string;
  serial: string | null;
  expected_serial: string | null;
  match: 'matched' | 'extra' | 'wrong_item';
  rma_line_no: number | null;
  reason: string | null;
  value_cents: number;
  status: 'awaiting_serial' | 'grading' | 'routed';
  rubric_id: string | null;
  rubric_version: number | null;
  answers: string;
  photos: string;
  grade: 'A' | 'B' | 'C' | 'D' | 'F' | null;
  disposition: string | null;
  bin: string | null;
  disposition_explanation: string | null;
  override_reason: string | null;
  approved_by: string | null;
  scanned_at: number;
};

export type RmaRow = {
  id: string;
  number: string;
  order_id: string | null;
  status: string;
  return_tracking: string | null;
  requested_resolution: string;
  created_at: number;
};

/** An RMA line as the RMA holds it; {@link RmaLine} with its product's SKU and name. */
export type RmaLineRef = {
  lineNo: number;
  productId: string;
  quantity: number;
  reason: string;
};

export type RmaLine = RmaLineRef & {
  sku: string;
  name: string;
};

export type ProductRow = {
  id: string;
  sku: string;
  name: string;
  category: string;
  price_cents: number;
  currency: string;
  serialised: number;
  return_window_days: number;
  weight_g: number;
};

export type FlagRow = {
  id: string;
  case_id: string;
  type: string;
  severity: 'low' | 'medium' | 'high';
  score: number;
  explanation: string;
  evidence: string;
  rule: string | null;
  status: 'open' | 'cleared' | 'confirmed' | 'escalated' | 'info_requested';
  raised_at: number;
};

/** The first receipt of an RMA at a bench, learnt by sync (migration 0180). */
export type ReceiptRow = {
  rma_id: string;
  case_id: string;
  event_id: string;
  station_id: string;
  station_local_id: string;
  station_name: string;
  received_at: number;
};

/** A local case of an RMA that another case received first, not yet flagged for it. */
export type SecondReceiptRow = ReceiptRow & { local_case_id: string };

// Cases of RMAs received first by another case, without a duplicate-receipt flag yet: one RMA
// (a page's ids), or all of them (a whole stream swapped in). Driven by the station's own cases
// (`return_cases_rma`): a station holds far fewer cases than the company has receipts.
const SECOND_RECEIPTS_SQL = `SELECT c.id AS local_case_id, r.rma_id, r.case_id, r.event_id, r.station_id, r.station_local_id,
          r.station_name, r.received_at
     FROM return_cases c JOIN rma_receipts r ON r.rma_id = c.rma_id
    WHERE c.rma_id IS NOT NULL AND c.id <> r.case_id
      AND NOT EXISTS (SELECT 1 FROM fraud_flags f WHERE f.case_id = c.id AND f.type = 'duplicate_receipt')`;
/** The local cases of one RMA that another case received first (exported for its query-plan test). */
export const SECOND_RECEIPTS_OF_RMA_SQL = `${SECOND_RECEIPTS_SQL} AND c.rma_id = ? ORDER BY c.opened_at, c.id`;

export type ReturnsQueries = ReturnType<typeof returnsQueries>;

/** The returns bench's reads and writes; callers wrap writes in a transaction with their event. */
export function returnsQueries(db: Db) {
  const openAt = db.prepare<[string], CaseRow>("SELECT * FROM return_cases WHERE station_id = ? AND status = 'open'");
  const latestAt = db.prepare<[string], CaseRow>(
    'SELECT * FROM return_cases WHERE station_id = ? ORDER BY opened_at DESC, rowid DESC LIMIT 1',
  );
  const caseById = db.prepare<[string], CaseRow>('SELECT * FROM return_cases WHERE id = ?');
  const casesOfRma = db.prepare<[string], CaseRow>('SELECT * FROM return_cases WHERE rma_id = ? ORDER BY opened_at');
  const insertCase = db.prepare(
    `INSERT INTO return_cases (id, station_id, clerk_id, kind, quarantined, status, rma_id, order_id, found_by, opened_at, packed_weight_g, customer_id)
     VALUES (@id, @station_id, @clerk_id, @kind, @quarantined, 'open', @rma_id, @order_id, @found_by, @opened_at, @packed_weight_g,
             (SELECT customer_id FROM orders WHERE id = @order_id))`,
  );
  const items = db.prepare<[string], ItemRow>('SELECT * FROM return_items WHERE case_id = ? ORDER BY item_no');
  const insertItem = db.prepare(
    `INSERT INTO return_items (case_id, item_no, product_id, code, serial, expected_serial, match, rma_line_no, reason, value_cents, status,
       rubric_id, rubric_version, scanned_at)
     VALUES (@case_id, @item_no, @product_id, @code, @serial, @expected_serial, @match, @rma_line_no, @reason, @value_cents, @status,
       @rubric_id, @rubric_version, @scanned_at)`,
  );
  const updateItem = db.prepare(
    `UPDATE return_items SET serial = @serial, status = @status, answers = @answers, photos = @photos, grade = @grade,
       disposition = @disposition, bin = @bin, disposition_explanation = @disposition_explanation,
       override_reason = @override_reason, approved_by = @approved_by
     WHERE case_id = @case_id AND item_no = @item_no`,
  );
  const serialInOpenCase = db.prepare<[string, string], { case_id: string }>(
    `SELECT i.case_id FROM return_items i JOIN return_cases c ON c.id = i.case_id
      WHERE i.serial = ? AND c.status = 'open' AND c.id <> ? LIMIT 1`,
  );
  const rma = db.prepare<[string], RmaRow>('SELECT * FROM rmas WHERE id = ?');
  const rmasOfOrder = db.prepare<[string], RmaRow>('SELECT * FROM rmas WHERE order_id = ? ORDER BY created_at DESC');
  const rmaLines = db.prepare<[string], RmaLine>(
    // A line whose product the station does not know yet (the catalog not synced) is still
    // expected: it shows under its product's id.
    `SELECT l.line_no AS lineNo, l.product_id AS productId, coalesce(p.sku, l.product_id) AS sku,
            coalesce(p.name, l.product_id) AS name, l.quantity, l.reason
       FROM rma_lines l LEFT JOIN products p ON p.id = l.product_id WHERE l.rma_id = ? ORDER BY l.line_no`,
  );
  const rmaLineRefs = db.prepare<[string], RmaLineRef>(
    `SELECT line_no AS lineNo, product_id AS productId, quantity, reason FROM rma_lines WHERE rma_id = ? ORDER BY line_no`,
  );
  const order = db.prepare<
    [string],
    {
      id: string;
      number: string;
      placed_at: number;
      packed_weight_g: number | null;
      customer_id: string | null;
      ship_to: string;
    }
  >('SELECT id, number, placed_at, packed_weight_g, customer_id, ship_to FROM orders WHERE id = ?');
  const orderLines = db.prepare<
    [string],
    { line_no: number; product_id: string; quantity: number; serials: string | null }
  >('SELECT line_no, product_id, quantity, serials FROM order_lines WHERE order_id = ? ORDER BY line_no');
  const customerName = db.prepare<[string], { first_name: string }>('SELECT first_name FROM customers WHERE id = ?');
  const product = db.prepare<[string], ProductRow>(
    'SELECT id, sku, name, category, price_cents, currency, serialised, return_window_days, weight_g FROM products WHERE id = ?',
  );
  const packedUnits = db.prepare<
    [string],
    { product_id: string; serial: string | null; weight_g: number | null; completed_at: number | null }
  >(
    `SELECT u.product_id, u.serial, p.weight_g, p.completed_at FROM package_units u JOIN packages p ON p.id = u.package_id
      WHERE p.order_id = ? AND p.status = 'done' AND u.removed = 0 ORDER BY p.completed_at DESC, u.unit_no`,
  );
  const orderBySerial = db.prepare<[string], { order_id: string }>(
    `SELECT p.order_id FROM package_units u JOIN packages p ON p.id = u.package_id WHERE u.serial = ? AND p.status = 'done'
      ORDER BY p.completed_at DESC LIMIT 1`,
  );
  const orderBySerialShipped = db.prepare<[string], { order_id: string }>(
    `SELECT s.order_id FROM order_serials s JOIN orders o ON o.id = s.order_id WHERE s.serial = ?
      ORDER BY o.placed_at DESC LIMIT 1`,
  );
  const search = db.prepare<[string, string], { productId: string; sku: string; name: string; brand: string }>(
    `SELECT p.id AS productId, p.sku, p.name, b.name AS brand FROM products p JOIN brands b ON b.id = p.brand_id
      WHERE p.sku = ? COLLATE NOCASE OR p.name LIKE ? ESCAPE '\\' ORDER BY p.sku LIMIT 20`,
  );
  const setApproval = db.prepare('UPDATE return_cases SET approval = ? WHERE id = ?');
  const setWeight = db.prepare('UPDATE return_cases SET weight_g = ?, weight_outcome = ? WHERE id = ?');
  const close = db.prepare("UPDATE return_cases SET status = 'closed', closed_at = ?, refund = ? WHERE id = ?");
  const flags = db.prepare<[string], FlagRow>('SELECT * FROM fraud_flags WHERE case_id = ? ORDER BY raised_at, id');
  const insertFlag = db.prepare(
    `INSERT INTO fraud_flags (id, case_id, type, severity, score, explanation, evidence, rule, status, raised_at)
     VALUES (@id, @case_id, @type, @severity, @score, @explanation, @evidence, @rule, 'open', @raised_at)`,
  );

  const receipt = db.prepare<[string], ReceiptRow>(
    `SELECT rma_id, case_id, event_id, station_id, station_local_id, station_name, received_at
       FROM rma_receipts WHERE rma_id = ?`,
  );
  const secondReceiptsOf = db.prepare<[string], SecondReceiptRow>(SECOND_RECEIPTS_OF_RMA_SQL);
  const secondReceiptsAll = db.prepare<[], SecondReceiptRow>(`${SECOND_RECEIPTS_SQL} ORDER BY c.opened_at, c.id`);

  return {
    openAt: (stationId: string): CaseRow | null => openAt.get(stationId) ?? null,
    latestAt: (stationId: string): CaseRow | null => latestAt.get(stationId) ?? null,
    caseById: (id: string): CaseRow | null => caseById.get(id) ?? null,
    casesOfRma: (rmaId: string): CaseRow[] => casesOfRma.all(rmaId),
    insertCase: (
      row: Pick<
        CaseRow,
        | 'id'
        | 'station_id'
        | 'clerk_id'
        | 'kind'
        | 'quarantined'
        | 'rma_id'
        | 'order_id'
        | 'found_by'
        | 'opened_at'
        | 'packed_weight_g'
      >,
    ): void => {
      insertCase.run(row);
    },
    items: (caseId: string): ItemRow[] => items.all(caseId),
    insertItem: (
      row: Pick<
        ItemRow,
        | 'case_id'
        | 'item_no'
        | 'product_id'
        | 'code'
        | 'serial'
        | 'expected_serial'
        | 'match'
        | 'rma_line_no'
        | 'reason'
        | 'value_cents'
        | 'status'
        | 'rubric_id'
        | 'rubric_version'
        | 'scanned_at'
      >,
    ): void => {
      insertItem.run(row);
    },
    updateItem: (row: ItemRow): void => {
      updateItem.run(row);
    },
    serialInOtherOpenCase: (serial: string, caseId: string): string | null =>
      serialInOpenCase.get(serial, caseId)?.case_id ?? null,
    rma: (id: string): RmaRow | null => rma.get(id) ?? null,
    /** The first receipt of an RMA the cloud told this station of, if any. */
    receipt: (rmaId: string): ReceiptRow | null => receipt.get(rmaId) ?? null,
    /** Local cases received after another case had received their RMA, not flagged yet. */
    secondReceipts: (rmaId: string | null): SecondReceiptRow[] =>
      rmaId === null ? secondReceiptsAll.all() : secondReceiptsOf.all(rmaId),
    rmasOfOrder: (orderId: string): RmaRow[] => rmasOfOrder.all(orderId),
    rmaLines: (rmaId: string): RmaLine[] => rmaLines.all(rmaId),
    /** The lines alone, without a look-up of each line's product (matching an item, counting). */
    rmaLineRefs: (rmaId: string): RmaLineRef[] => rmaLineRefs.all(rmaId),
    order: (id: string) => order.get(id) ?? null,
    orderLines: (orderId: string) => orderLines.all(orderId),
    customerName: (id: string): string | null => customerName.get(id)?.first_name ?? null,
    product: (id: string): ProductRow | null => product.get(id) ?? null,
    packedUnits: (orderId: string) => packedUnits.all(orderId),
    /** The order a serial left in: the local outbound record first, then the order system's. */
    orderOfSerial: (serial: string): string | null =>
      orderBySerial.get(serial)?.order_id ?? orderBySerialShipped.get(serial)?.order_id ?? null,
    search: (query: string) => search.all(query, `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
    setApproval: (caseId: string, approval: string | null): void => {
      setApproval.run(approval, caseId);
    },
    setWeight: (caseId: string, grams: number, outcome: 'pass' | 'warn' | 'fail' | null): void => {
      setWeight.run(grams, outcome, caseId);
    },
    close: (caseId: string, at: number, refund: string | null): void => {
      close.run(at, refund, caseId);
    },
    flags: (caseId: string): FlagRow[] => flags.all(caseId),
    insertFlag: (row: Omit<FlagRow, 'status'>): void => {
      insertFlag.run(row);
    },
  };
}

import type { Db } from '../connection';

export type PackOrderLine = {
  lineNo: number;
  productId: string;
  sku: string;
  name: string;
  category: string;
  quantity: number;
  weightG: number;
  priceCents: number;
  serialised: boolean;
  imageUrl: string | null;
};

/** A packed parcel whose order was stopped after it was packed: it must not leave. */
export type PackRecall = {
  packageId: string;
  orderId: string;
  orderNumber: string;
  orderStatus: string;
  completedAt: number;
};

export type PackOrder = {
  id: string;
  number: string;
  status: string;
  brandId: string;
  brand: string;
  customerFirstName: string | null;
  instructions: string | null;
  lines: PackOrderLine[];
};

export type PackageStatus = 'packing' | 'qc_pending' | 'qc_hold' | 'ready' | 'done' | 'voided' | 'rejected';

export type PackageRow = {
  id: string;
  order_id: string;
  order_number: string;
  brand_id: string;
  station_id: string;
  packer_id: string;
  status: PackageStatus;
  opened_at: number;
  completed_at: number | null;
  expected_weight_g: number;
  weight_g: number | null;
  weight_source: 'scale' | 'manual' | null;
  weight_outcome: 'pass' | 'warn' | 'fail' | null;
  second_shipment_confirmed: number;
  qc_planned: number;
  sscc: string | null;
};

/** A completed parcel and what its shipping label carries: its SSCC, or the order's carrier label (JSON). */
export type ShippedLabel = {
  id: string;
  orderNumber: string;
  completedAt: number;
  sscc: string | null;
  carrierLabel: string | null;
};

export type UnitRow = {
  package_id: string;
  unit_no: number;
  line_no: number;
  product_id: string;
  code: string;
  serial: string | null;
  lot: string | null;
  expiry: string | null;
  scanned_at: number;
  removed: number;
};

export type InspectionRow = {
  id: string;
  package_id: string;
  unit_no: number;
  product_id: string;
  checklist_id: string;
  checklist_version: number;
  on_fail: 'block' | 'warn';
  round: number;
  status: 'pending' | 'passed' | 'failed' | 'released' | 'rejected';
  inspector_id: string | null;
  station_id: string | null;
  answers: string;
  result: string | null;
  created_at: number;
  finished_at: number | null;
};

export type PackingQueries = ReturnType<typeof packingQueries>;

/** The packing bench's reads and writes; callers wrap writes in a transaction with their event. */
export function packingQueries(db: Db) {
  const order = db.prepare<[string], Omit<PackOrder, 'lines'>>(
    `SELECT o.id, o.number, o.status, o.brand_id AS brandId, b.name AS brand, c.first_name AS customerFirstName, o.instructions
       FROM orders o JOIN brands b ON b.id = o.brand_id LEFT JOIN customers c ON c.id = o.customer_id WHERE o.id = ?`,
  );
  const lines = db.prepare<[string], Omit<PackOrderLine, 'serialised'> & { serialised: number }>(
    `SELECT l.line_no AS lineNo, l.product_id AS productId, p.sku, p.name, p.category, l.quantity, p.weight_g AS weightG,
            p.price_cents AS priceCents, p.serialised, p.image_url AS imageUrl
       FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ? ORDER BY l.line_no`,
  );
  const openAt = db.prepare<[string], PackageRow>("SELECT * FROM packages WHERE station_id = ? AND status = 'packing'");
  const latestAt = db.prepare<[string], PackageRow>(
    'SELECT * FROM packages WHERE station_id = ? ORDER BY opened_at DESC, rowid DESC LIMIT 1',
  );
  const byId = db.prepare<[string], PackageRow>('SELECT * FROM packages WHERE id = ?');
  // Newest first by the station's index (0140); a parcel back from QC was opened earlier, so the
  // caller orders by completion.
  const recentDone = db.prepare<[string, number], ShippedLabel>(
    `SELECT p.id, p.order_number AS orderNumber, p.completed_at AS completedAt, p.sscc, o.carrier_label AS carrierLabel
       FROM packages p LEFT JOIN orders o ON o.id = p.order_id
      WHERE p.station_id = ? AND p.status = 'done' ORDER BY p.opened_at DESC LIMIT ?`,
  );
  const ofOrder = db.prepare<[string], PackageRow>('SELECT * FROM packages WHERE order_id = ? ORDER BY opened_at DESC');
  const units = db.prepare<[string], UnitRow>(
    'SELECT * FROM package_units WHERE package_id = ? AND removed = 0 ORDER BY unit_no',
  );
  const nextUnit = db.prepare<[string], { n: number }>(
    'SELECT coalesce(max(unit_no), 0) + 1 AS n FROM package_units WHERE package_id = ?',
  );
  const insertPackage = db.prepare(
    `INSERT INTO packages (id, order_id, order_number, brand_id, station_id, packer_id, status, opened_at, expected_weight_g, second_shipment_confirmed)
     VALUES (@id, @order_id, @order_number, @brand_id, @station_id, @packer_id, 'packing', @opened_at, @expected_weight_g, @second_shipment_confirmed)`,
  );
  const insertUnit = db.prepare(
    `INSERT INTO package_units (package_id, unit_no, line_no, product_id, code, serial, lot, expiry, scanned_at)
     VALUES (@package_id, @unit_no, @line_no, @product_id, @code, @serial, @lot, @expiry, @scanned_at)`,
  );
  const setSerial = db.prepare('UPDATE package_units SET serial = ? WHERE package_id = ? AND unit_no = ?');
  const removeUnit = db.prepare('UPDATE package_units SET removed = 1 WHERE package_id = ? AND unit_no = ?');
  const serialTaken = db.prepare<[string, string], { n: number }>(
    'SELECT count(*) AS n FROM package_units WHERE package_id = ? AND serial = ? AND removed = 0',
  );
  const setStatus = db.prepare('UPDATE packages SET status = ?, completed_at = ? WHERE id = ?');
  const setWeight = db.prepare('UPDATE packages SET weight_g = ?, weight_source = ?, weight_outcome = ? WHERE id = ?');
  const confirmSecond = db.prepare('UPDATE packages SET second_shipment_confirmed = 1 WHERE id = ?');
  const recalls = db.prepare<[number], PackRecall>(
    `SELECT p.id AS packageId, p.order_id AS orderId, p.order_number AS orderNumber, o.status AS orderStatus,
            p.completed_at AS completedAt
       FROM orders o JOIN packages p ON p.order_id = o.id
      WHERE o.status IN ('cancelled', 'refunded', 'on_hold') AND p.status = 'done' AND p.completed_at >= ?
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.subject = p.id AND e.type = 'pack.pulled_back')
      ORDER BY p.completed_at DESC LIMIT 50`,
  );
  const inspections = db.prepare<[string], InspectionRow>(
    'SELECT * FROM qc_inspections WHERE package_id = ? ORDER BY round, unit_no',
  );

  return {
    /**
     * Parcels packed here since `since` whose order the order system stopped afterwards
     * (cancelled, refunded, on hold) and that nobody has pulled back yet.
     */
    recalls(since: number): PackRecall[] {
      return recalls.all(since);
    },
    /** An order with its lines and what the bench needs of each product. */
    order(orderId: string): PackOrder | null {
      const head = order.get(orderId);
      if (!head) return null;
      return { ...head, lines: lines.all(orderId).map((l) => ({ ...l, serialised: l.serialised === 1 })) };
    },
    openAt: (stationId: string): PackageRow | null => openAt.get(stationId) ?? null,
    latestAt: (stationId: string): PackageRow | null => latestAt.get(stationId) ?? null,
    byId: (id: string): PackageRow | null => byId.get(id) ?? null,
    /** The station's latest completed parcels (at most `limit`) with what their shipping label carries. */
    recentDone: (stationId: string, limit: number): ShippedLabel[] => recentDone.all(stationId, limit),
    ofOrder: (orderId: string): PackageRow[] => ofOrder.all(orderId),
    units: (packageId: string): UnitRow[] => units.all(packageId),
    nextUnitNo: (packageId: string): number => nextUnit.get(packageId)!.n,
    insertPackage: (
      row: Pick<
        PackageRow,
        | 'id'
        | 'order_id'
        | 'order_number'
        | 'brand_id'
        | 'station_id'
        | 'packer_id'
        | 'opened_at'
        | 'expected_weight_g'
        | 'second_shipment_confirmed'
      >,
    ): void => {
      insertPackage.run(row);
    },
    insertUnit: (row: Omit<UnitRow, 'removed'>): void => {
      insertUnit.run(row);
    },
    setSerial: (packageId: string, unitNo: number, serial: string): void => {
      setSerial.run(serial, packageId, unitNo);
    },
    removeUnit: (packageId: string, unitNo: number): void => {
      removeUnit.run(packageId, unitNo);
    },
    serialTaken: (packageId: string, serial: string): boolean => serialTaken.get(packageId, serial)!.n > 0,
    setStatus: (id: string, status: PackageStatus, completedAt: number | null): void => {
      setStatus.run(status, completedAt, id);
    },
    setWeight: (id: string, grams: number, source: 'scale' | 'manual', outcome: 'pass' | 'warn' | 'fail'): void => {
      setWeight.run(grams, source, outcome, id);
    },
    confirmSecondShipment: (id: string): void => {
      confirmSecond.run(id);
    },
    inspections: (packageId: string): InspectionRow[] => inspections.all(packageId),
  };
}

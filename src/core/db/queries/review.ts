import type { Grade } from '#shared/policy/grades';
import type { QueueItem } from '#shared/contract/review';
import type { Db } from '../connection';

export type ReviewCaseRow = {
  id: string;
  status: 'open' | 'closed';
  kind: 'rma' | 'unexpected';
  station_id: string;
  clerk_id: string;
  rma_id: string | null;
  order_id: string | null;
  opened_at: number;
  closed_at: number | null;
  weight_g: number | null;
  weight_outcome: 'pass' | 'warn' | 'fail' | null;
  refund: string | null;
};

export type ReviewFlagRow = {
  id: string;
  case_id: string;
  type: string;
  severity: 'low' | 'medium' | 'high';
  score: number;
  explanation: string;
  status: QueueItem['status'];
  raised_at: number;
  evidence: string;
  rule: string | null;
  decided_by: string | null;
  decided_at: number | null;
  decision_reason: string | null;
  decision_note: string | null;
  stale: number;
};

export type QueueFilter = {
  statuses: readonly string[] | null;
  severity?: string | undefined;
  type?: string | undefined;
  stationId?: string | undefined;
  raisedBefore?: number | undefined;
};

type QueueRow = Omit<QueueItem, 'stale'> & { stale: number };

const QUEUE_COLUMNS = `f.id AS flagId, f.case_id AS caseId, f.type, f.severity, f.score AS share, f.explanation, f.status,
  f.raised_at AS raisedAt, f.stale, c.station_id AS stationId, r.number AS rmaNumber, o.number AS orderNumber,
  (SELECT coalesce(sum(i.value_cents), 0) FROM return_items i WHERE i.case_id = f.case_id) AS valueCents`;
/** The queue's order, written exactly as the expression of the `fraud_flags_queue` index (0110). */
const RANK = "(CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END)";

export type ReviewQueries = ReturnType<typeof reviewQueries>;

/**
 * The filter's terms. `ordered`: a unary `+` keeps the planner off the status and type indexes,
 * so the page walks `fraud_flags_queue` in order and stops at the limit (the count still uses
 * them).
 */
function where(filter: QueueFilter, ordered = false): { sql: string; params: (string | number)[] } {
  const terms: string[] = [];
  const params: (string | number)[] = [];
  const plus = ordered ? '+' : '';
  if (filter.statuses) {
    terms.push(`${plus}f.status IN (${filter.statuses.map(() => '?').join(', ')})`);
    params.push(...filter.statuses);
  }
  if (filter.severity) {
    terms.push(`${plus}f.severity = ?`);
    params.push(filter.severity);
  }
  if (filter.type) {
    terms.push(`${plus}f.type = ?`);
    params.push(filter.type);
  }
  if (filter.stationId) {
    terms.push('c.station_id = ?');
    params.push(filter.stationId);
  }
  if (filter.raisedBefore !== undefined) {
    terms.push('f.raised_at <= ?');
    params.push(filter.raisedBefore);
  }
  return { sql: terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : '', params };
}

/**
 * A page of the queue: the ids first, from the queue index in order (most severe, then oldest),
 * then the details (case, RMA, order, value) of those rows only. The limit is the last parameter.
 */
export function queuePageSql(filter: QueueFilter): { sql: string; params: (string | number)[] } {
  const w = where(filter, true);
  const station = filter.stationId ? 'JOIN return_cases c ON c.id = f.case_id' : '';
  return {
    sql: `WITH page AS (
           SELECT f.id, ${RANK} AS rank, f.raised_at FROM fraud_flags f ${station} ${w.sql}
            ORDER BY ${RANK}, f.raised_at, f.id LIMIT ?)
         SELECT ${QUEUE_COLUMNS}
           FROM page p JOIN fraud_flags f ON f.id = p.id JOIN return_cases c ON c.id = f.case_id
           LEFT JOIN rmas r ON r.id = c.rma_id LEFT JOIN orders o ON o.id = c.order_id
          ORDER BY p.rank, p.raised_at, p.id`,
    params: w.params,
  };
}

/**
 * The supervisor's reads: the queue (one statement per combination of filters, prepared once),
 * a case with its evidence, the customer's history. Every read is an index probe or a walk of
 * one case's rows; the queue's value is a correlated sum per flag, not a grouping of every item
 * in the station (see the `review.queue` benchmark).
 */
export function reviewQueries(db: Db) {
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const prepared = <P extends unknown[], R>(sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as unknown as { all: (...params: P) => R[]; get: (...params: P) => R | undefined };
  };
  const caseRow = db.prepare<[string], ReviewCaseRow>(
    `SELECT id, status, kind, station_id, clerk_id, rma_id, order_id, opened_at, closed_at, weight_g, weight_outcome, refund
       FROM return_cases WHERE id = ?`,
  );
  const operatorName = db.prepare<[string], { name: string }>('SELECT name FROM operators WHERE id = ?');
  const rmaNumber = db.prepare<[string], { number: string }>('SELECT number FROM rmas WHERE id = ?');
  const order = db.prepare<[string], { number: string; customer_id: string | null; packed_weight_g: number | null }>(
    'SELECT number, customer_id, packed_weight_g FROM orders WHERE id = ?',
  );
  const items = db.prepare<
    [string],
    {
      item_no: number;
      sku: string;
      name: string;
      currency: string;
      serial: string | null;
      expected_serial: string | null;
      grade: Grade | null;
      match: string;
      reason: string | null;
      answers: string;
      photos: string;
      disposition: string | null;
      value_cents: number;
    }
  >(
    `SELECT i.item_no, p.sku, p.name, p.currency, i.serial, i.expected_serial, i.grade, i.match, i.reason, i.answers, i.photos,
            i.disposition, i.value_cents
       FROM return_items i JOIN products p ON p.id = i.product_id WHERE i.case_id = ? ORDER BY i.item_no`,
  );
  const packedPackage = db.prepare<
    [string],
    { id: string; completed_at: number | null; packer_id: string; weight_g: number | null }
  >(
    "SELECT id, completed_at, packer_id, weight_g FROM packages WHERE order_id = ? AND status = 'done' ORDER BY completed_at DESC LIMIT 1",
  );
  const packedUnits = db.prepare<[string], { sku: string; name: string; serial: string | null }>(
    `SELECT p.sku, p.name, u.serial FROM package_units u JOIN products p ON p.id = u.product_id
      WHERE u.package_id = ? AND u.removed = 0 ORDER BY u.unit_no`,
  );
  const orderLines = db.prepare<[string], { sku: string; name: string; quantity: number; serials: string | null }>(
    `SELECT p.sku, p.name, l.quantity, l.serials FROM order_lines l JOIN products p ON p.id = l.product_id
      WHERE l.order_id = ? ORDER BY l.line_no`,
  );
  const qcPhotos = db.prepare<[string, string], { photo: string | null; answers: string | null }>(
    `SELECT d.photo_sha256 AS photo, NULL AS answers FROM qc_defects d JOIN qc_inspections q ON q.id = d.inspection_id
      WHERE q.package_id = ? AND d.photo_sha256 IS NOT NULL
     UNION ALL
     SELECT NULL AS photo, answers FROM qc_inspections WHERE package_id = ?`,
  );
  const customer = db.prepare<
    [string],
    {
      first_name: string;
      orders_count: number;
      returns_count: number;
      returns_value_cents: number;
      address_key: string | null;
    }
  >('SELECT first_name, orders_count, returns_count, returns_value_cents, address_key FROM customers WHERE id = ?');
  const accountsAt = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM customers WHERE address_key = ?');
  const casesOfCustomer = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM return_cases WHERE customer_id = ?',
  );
  const history = db.prepare<
    [string, string],
    { caseId: string; rmaNumber: string | null; openedAt: number; valueCents: number; flags: number; confirmed: number }
  >(
    `SELECT c.id AS caseId, r.number AS rmaNumber, c.opened_at AS openedAt,
            (SELECT coalesce(sum(i.value_cents), 0) FROM return_items i WHERE i.case_id = c.id) AS valueCents,
            (SELECT count(*) FROM fraud_flags f WHERE f.case_id = c.id) AS flags,
            (SELECT count(*) FROM fraud_flags f WHERE f.case_id = c.id AND f.status = 'confirmed') AS confirmed
       FROM return_cases c LEFT JOIN rmas r ON r.id = c.rma_id
      WHERE c.customer_id = ? AND c.id <> ? ORDER BY c.opened_at DESC LIMIT 20`,
  );
  const flags = db.prepare<[string], ReviewFlagRow>(
    'SELECT * FROM fraud_flags WHERE case_id = ? ORDER BY raised_at, id',
  );
  const flag = db.prepare<[string], ReviewFlagRow>('SELECT * FROM fraud_flags WHERE id = ?');
  const caseValue = db.prepare<[string], { v: number }>(
    'SELECT coalesce(sum(value_cents), 0) AS v FROM return_items WHERE case_id = ?',
  );
  const decide = db.prepare<[string, string, number, string, string | null, string]>(
    `UPDATE fraud_flags SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?, decision_note = ?
      WHERE id = ? AND status IN ('open', 'escalated', 'info_requested')`,
  );
  const latestCaseOfRma = db.prepare<[string], { id: string }>(
    'SELECT id FROM return_cases WHERE rma_id = ? ORDER BY opened_at DESC LIMIT 1',
  );
  const latestCaseOfOrder = db.prepare<[string], { id: string }>(
    'SELECT id FROM return_cases WHERE order_id = ? ORDER BY opened_at DESC LIMIT 1',
  );
  const photo = db.prepare<[string], { mime: string; bytes: number }>(
    'SELECT mime, bytes FROM photos WHERE sha256 = ?',
  );
  const types = db.prepare<[], { type: string }>('SELECT DISTINCT type FROM fraud_flags ORDER BY type');

  return {
    /** Flags matching the filter, most severe first, then oldest (see {@link queuePageSql}). */
    queue(filter: QueueFilter, limit: number): QueueItem[] {
      const page = queuePageSql(filter);
      return prepared<(string | number)[], QueueRow>(page.sql)
        .all(...page.params, limit)
        .map((row) => ({ ...row, stale: row.stale === 1 }));
    },
    count(filter: QueueFilter): number {
      const w = where(filter);
      const join = filter.stationId ? 'JOIN return_cases c ON c.id = f.case_id' : '';
      return prepared<(string | number)[], { n: number }>(
        `SELECT count(*) AS n FROM fraud_flags f ${join} ${w.sql}`,
      ).get(...w.params)!.n;
    },
    /** Every flag type raised at this station, for the queue's filter. */
    types: (): string[] => types.all().map((row) => row.type),
    caseRow: (id: string): ReviewCaseRow | null => caseRow.get(id) ?? null,
    operatorName: (id: string): string | null => operatorName.get(id)?.name ?? null,
    rmaNumber: (id: string): string | null => rmaNumber.get(id)?.number ?? null,
    order: (id: string) => order.get(id) ?? null,
    items: (caseId: string) => items.all(caseId),
    packedPackage: (orderId: string) => packedPackage.get(orderId) ?? null,
    packedUnits: (packageId: string) => packedUnits.all(packageId),
    orderLines: (orderId: string) => orderLines.all(orderId),
    /** Photos taken at the outbound QC of a parcel: defect photos and photo steps. */
    qcPhotos(packageId: string): string[] {
      const found: string[] = [];
      for (const row of qcPhotos.all(packageId, packageId)) {
        if (row.photo) found.push(row.photo);
        if (row.answers) {
          for (const answer of Object.values(
            JSON.parse(row.answers) as Record<string, { type?: string; sha256?: string }>,
          ))
            if (answer?.type === 'photo' && answer.sha256) found.push(answer.sha256);
        }
      }
      return [...new Set(found)];
    },
    customer: (id: string) => customer.get(id) ?? null,
    accountsAt: (addressKey: string): number => accountsAt.get(addressKey)!.n,
    casesOfCustomer: (customerId: string): number => casesOfCustomer.get(customerId)!.n,
    history: (customerId: string, caseId: string) => history.all(customerId, caseId),
    flags: (caseId: string) => flags.all(caseId),
    flag: (id: string): ReviewFlagRow | null => flag.get(id) ?? null,
    caseValue: (caseId: string): number => caseValue.get(caseId)!.v,
    /** Decides an unresolved flag; false when it was decided meanwhile. */
    decide(flagId: string, status: string, by: string, at: number, reason: string, note: string | null): boolean {
      return decide.run(status, by, at, reason, note, flagId).changes === 1;
    },
    /** The latest case received for an RMA or an order, for a scan at the review bench. */
    caseOf(kind: 'rma' | 'order', id: string): string | null {
      return (kind === 'rma' ? latestCaseOfRma : latestCaseOfOrder).get(id)?.id ?? null;
    },
    photo: (sha256: string) => photo.get(sha256) ?? null,
  };
}

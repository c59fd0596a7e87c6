import { UNRESOLVED_STATUSES, type Reevaluation } from '#shared/contract/review';
import { evaluateFraud, type CaseFacts, type FraudPolicy, type RaisedFlag } from '#shared/policy/fraud';
import type { Db } from '../db/connection';
import type { PolicyStore } from '../db/queries/policies';
import type { CaseRow, FlagRow, ItemRow } from '../db/queries/returns';
import type { EventLog } from '../events/log';
import { ulid } from '../util/ulid';
import type { CaseSnapshot, NewFlag } from './returns';

const DAY = 86_400_000;
/** Cases closed this recently are re-evaluated when no case is named: their refunds may still be held. */
export const REEVALUATE_DAYS = 30;

/** What the sync layer (or a supervisor) asks to re-evaluate: cases, or the cases of customers or orders. */
export type ReevaluationScope = {
  caseIds?: readonly string[];
  customerIds?: readonly string[];
  orderIds?: readonly string[];
};

export type FraudDeps = {
  db: Db;
  events: EventLog;
  policies: PolicyStore;
  clock: () => number;
  /** A case's flags changed outside a decision: let its refund follow (held or released). */
  refundChanged?: (caseId: string, operatorId: string | null) => void;
};

/**
 * The fraud rules at the bench. At close, `evaluate` builds the facts of the case from the
 * station database — the customer's counters from the order system, this station's own history
 * of the customer, accounts at the same address, the parcel weight against the outbound weight,
 * the window — and runs the policy over them (installed as the returns bench's fraud hook).
 *
 * When sync brings new history (customer counters, orders, packed weights), it calls
 * `reevaluate` with the customers or orders it changed: the rules run again over those closed
 * cases; a rule that now fires raises a new flag (which holds the refund), an undecided flag
 * gets the new figures, and an undecided flag whose rule no longer fires is marked stale — never
 * cleared: clearing is a supervisor's decision. Decided flags are never touched.
 *
 * Every statement is prepared once: with a million past returns each is an index probe (see
 * migration 0110 and the `fraud.eval` benchmark).
 */
export class FraudService {
  readonly #deps: FraudDeps;
  readonly #q: ReturnType<typeof fraudQueries>;

  constructor(deps: FraudDeps) {
    this.#deps = deps;
    this.#q = fraudQueries(deps.db);
  }

  /** The flags of a case closing now; none when the station has no fraud policy. */
  evaluate(snapshot: CaseSnapshot): NewFlag[] {
    const policy = this.#deps.policies.one('fraud');
    if (!policy) return [];
    const result = evaluateFraud(policy, this.facts(snapshot, this.#deps.clock(), policy));
    // The evidence is read only for a flag to name it: most cases close with none.
    return result.flags.length === 0 ? [] : toNewFlags(result, this.#records(snapshot.case.id, snapshot.items));
  }

  /**
   * The records a flag can name as its evidence: the events of each item (received, serial,
   * graded, photos attached), the weighings of the parcel, and each item's photos by sha256.
   * One range of `events_subject_seq`: a case has tens of events.
   */
  #records(caseId: string, items: readonly ItemRow[]): CaseRecords {
    const byItem = new Map<number, string[]>();
    const weighings: string[] = [];
    for (const row of this.#q.caseEvents.all(caseId)) {
      if (row.type === 'returns.weighed') weighings.push(row.id);
      else if (row.item_no !== null) byItem.set(row.item_no, [...(byItem.get(row.item_no) ?? []), row.id]);
    }
    const photos = new Map(
      items.map((i) => [i.item_no, [...new Set(Object.values(JSON.parse(i.photos) as Record<string, string>))]]),
    );
    return { items: items.map((i) => ({ itemNo: i.item_no, reason: i.reason })), byItem, weighings, photos };
  }

  /**
   * What the rules look at, read from the database. `at` is when the case was received and
   * closed: the window is counted to it, and the customer's history is what the station knows
   * now of the periods before it.
   */
  facts(snapshot: CaseSnapshot, at: number, policy: FraudPolicy | null = this.#deps.policies.one('fraud')): CaseFacts {
    const q = this.#q;
    const { case: c, items, customerId } = snapshot;
    const products = new Map(items.map((i) => [i.product_id, q.product.get(i.product_id)]));
    const customer = customerId ? q.customer.get(customerId) : undefined;
    const periodDays = Math.max(policy?.serialReturner.periodDays ?? 0, policy?.repeatedReason.periodDays ?? 0);
    const history = customerId ? q.history.all(customerId, at - periodDays * DAY, c.id) : [];
    const ordersSince = at - (policy?.serialReturner.periodDays ?? 0) * DAY;
    const ordersInPeriod = customerId ? q.ordersSince.get(customerId, ordersSince)!.n : 0;
    const accounts = customer?.address_key ? q.accountsAt.get(customer.address_key)!.n : 0;
    const order = c.order_id ? q.order.get(c.order_id) : undefined;
    const delivered = order ? (order.shipped_at ?? order.placed_at) : null;
    const windows = items
      .map((i) => products.get(i.product_id)?.return_window_days)
      .filter((w): w is number => w !== undefined);
    return {
      now: at,
      items: items.map((i) => ({
        itemNo: i.item_no,
        sku: products.get(i.product_id)?.sku ?? i.product_id,
        category: products.get(i.product_id)?.category ?? 'unknown',
        valueCents: i.value_cents,
        match: i.match,
        serial: i.serial,
        expectedSerial: i.expected_serial,
        reason: i.reason,
        answers: JSON.parse(i.answers) as Record<string, string>,
      })),
      customer: customer
        ? {
            ordersCount: customer.orders_count,
            returnsCount: customer.returns_count,
            returnsValueCents: customer.returns_value_cents,
          }
        : null,
      localHistory: history.map((h) => ({
        closedAt: h.closed_at,
        valueCents: h.value,
        reasons: h.reasons ? h.reasons.split(',') : [],
      })),
      ordersInPeriod,
      accountsAtAddress: accounts,
      weight:
        c.weight_g !== null ? { grams: c.weight_g, packedGrams: c.packed_weight_g, outcome: c.weight_outcome } : null,
      daysSinceDelivery: delivered !== null ? Math.floor(at / DAY) - Math.floor(delivered / DAY) : null,
      windowDays: windows.length > 0 ? Math.min(...windows) : null,
      refundCents: snapshot.refundCents,
      orderValueCents: order?.value ?? null,
    };
  }

  /**
   * Runs the rules again over closed cases, with the history the station has now. Without a
   * scope: every case closed in the last {@link REEVALUATE_DAYS} days. With customers or orders
   * (what a sync page changed): their cases closed in that period. With case ids: those cases.
   * Each case is one transaction (its flags, their events, its refund).
   *
   * @param operatorId who asked (a supervisor), or null for the sync layer.
   */
  reevaluate(scope: ReevaluationScope = {}, operatorId: string | null = null): Reevaluation {
    return this.reevaluateCases(scope, operatorId).totals;
  }

  /** {@link reevaluate}, with the cases whose flags changed (what a review window must show again). */
  reevaluateCases(
    scope: ReevaluationScope = {},
    operatorId: string | null = null,
  ): { totals: Reevaluation; flagged: string[] } {
    const totals: Reevaluation = { evaluated: 0, raised: 0, updated: 0, stale: 0 };
    const flagged: string[] = [];
    const policy = this.#deps.policies.one('fraud');
    if (!policy) return { totals, flagged };
    for (const caseId of this.#casesIn(scope)) {
      const changed = this.#reevaluateCase(policy, caseId, operatorId);
      if (!changed) continue;
      totals.evaluated++;
      totals.raised += changed.raised;
      totals.updated += changed.updated;
      totals.stale += changed.stale;
      if (changed.raised + changed.updated + changed.stale > 0) flagged.push(caseId);
    }
    return { totals, flagged };
  }

  #casesIn(scope: ReevaluationScope): string[] {
    const since = this.#deps.clock() - REEVALUATE_DAYS * DAY;
    const ids = new Set<string>();
    const explicit = scope.caseIds !== undefined || scope.customerIds !== undefined || scope.orderIds !== undefined;
    for (const id of scope.caseIds ?? []) ids.add(id);
    for (const customerId of scope.customerIds ?? [])
      for (const row of this.#q.casesOfCustomer.all(customerId, since)) ids.add(row.id);
    for (const orderId of scope.orderIds ?? [])
      for (const row of this.#q.casesOfOrder.all(orderId, since)) ids.add(row.id);
    if (!explicit) for (const row of this.#q.recentCases.all(since)) ids.add(row.id);
    return [...ids];
  }

  #reevaluateCase(
    policy: FraudPolicy,
    caseId: string,
    operatorId: string | null,
  ): { raised: number; updated: number; stale: number } | null {
    const { db, events, clock } = this.#deps;
    const q = this.#q;
    let outcome: { raised: number; updated: number; stale: number } | null = null;
    db.transaction(() => {
      const row = q.caseById.get(caseId);
      if (!row || row.status !== 'closed') return;
      const items = q.items.all(caseId);
      const customerId = row.order_id ? (q.order.get(row.order_id)?.customer_id ?? null) : null;
      const refund = row.refund ? (JSON.parse(row.refund) as { status: string; totalCents: number }) : null;
      const snapshot: CaseSnapshot = {
        case: row,
        items,
        customerId,
        refundCents: refund && refund.status !== 'denied' ? refund.totalCents : null,
      };
      const at = row.closed_at ?? row.opened_at;
      const result = evaluateFraud(policy, this.facts(snapshot, at, policy));
      const now = clock();
      const ours = q.flags.all(caseId).filter((f) => f.rule?.startsWith(`${policy.id}@`));
      const fresh = new Map(toNewFlags(result, this.#records(caseId, items)).map((f) => [flagKey(f), f]));
      const existing = new Set(ours.map((f) => flagKey({ type: f.type, evidence: parseEvidence(f.evidence) })));
      const counts = { raised: 0, updated: 0, stale: 0 };
      for (const [key, flag] of fresh) {
        if (existing.has(key)) continue;
        const id = ulid(now);
        q.insertFlag.run({
          id,
          case_id: caseId,
          type: flag.type,
          severity: flag.severity,
          score: flag.score,
          explanation: flag.explanation,
          evidence: JSON.stringify(flag.evidence),
          rule: flag.rule,
          raised_at: now,
          reevaluated_at: now,
        });
        events.append({
          type: 'fraud.flag_raised',
          operatorId,
          subject: caseId,
          payload: { flagId: id, ...flag, reevaluation: true },
        });
        counts.raised++;
      }
      for (const flag of ours) {
        if (!(UNRESOLVED_STATUSES as readonly string[]).includes(flag.status)) continue;
        const now_ = fresh.get(flagKey({ type: flag.type, evidence: parseEvidence(flag.evidence) }));
        if (now_) {
          const evidence = JSON.stringify(now_.evidence);
          if (flag.stale === 0 && flag.explanation === now_.explanation && flag.evidence === evidence) continue;
          q.updateFlag.run(now_.explanation, evidence, now_.score, now_.rule, now, flag.id);
          events.append({
            type: 'fraud.flag_updated',
            operatorId,
            subject: caseId,
            payload: {
              flagId: flag.id,
              flagType: flag.type,
              explanation: now_.explanation,
              evidence: now_.evidence,
              rule: now_.rule,
              stillFires: true,
            },
          });
          counts.updated++;
        } else if (flag.stale === 0) {
          q.markStale.run(now, flag.id);
          events.append({
            type: 'fraud.flag_stale',
            operatorId,
            subject: caseId,
            payload: {
              flagId: flag.id,
              flagType: flag.type,
              rule: `${policy.id}@${policy.version}`,
              stillFires: false,
            },
          });
          counts.stale++;
        }
      }
      // In the same transaction: a new flag and the refund it holds are one change.
      if (counts.raised + counts.updated + counts.stale > 0) this.#deps.refundChanged?.(caseId, operatorId);
      outcome = counts;
    }).immediate();
    return outcome;
  }
}

/** What a case's flags can point at: its items, their events and photos, the parcel's weighings. */
type CaseRecords = {
  items: readonly { itemNo: number; reason: string | null }[];
  byItem: ReadonlyMap<number, readonly string[]>;
  weighings: readonly string[];
  photos: ReadonlyMap<number, readonly string[]>;
};

/**
 * The policy's flags as the bench stores them: each with the case score, and the ids of the
 * events and the sha256 of the photos it rests on, so a supervisor (or a chargeback) can find
 * them in the log and the photo store.
 */
function toNewFlags(result: { score: number; flags: RaisedFlag[] }, records: CaseRecords): NewFlag[] {
  return result.flags.map((flag) => {
    const itemNos = concernedItems(flag, records.items);
    const weight = flag.type === 'empty_box' || flag.type === 'weight_mismatch';
    const events = weight ? [...records.weighings] : itemNos.flatMap((n) => records.byItem.get(n) ?? []);
    const photos = [...new Set(itemNos.flatMap((n) => records.photos.get(n) ?? []))];
    return {
      type: flag.type,
      severity: flag.severity,
      score: flag.share,
      explanation: flag.explanation,
      evidence: { ...flag.evidence, caseScore: result.score, events, photos },
      rule: flag.rule,
    };
  });
}

/**
 * The items a flag is about: those its evidence names (a swap, wardrobing), those returned for
 * the repeated reason, none for the parcel's weight (its weighings are the evidence), and every
 * item for the rules about the whole case or the customer.
 */
function concernedItems(flag: RaisedFlag, all: CaseRecords['items']): number[] {
  const listed = flag.evidence.items;
  if (Array.isArray(listed)) return listed.map((i) => (i as { itemNo: number }).itemNo);
  if (flag.type === 'empty_box' || flag.type === 'weight_mismatch') return [];
  if (flag.type === 'repeated_reason') return all.filter((i) => i.reason === flag.evidence.reason).map((i) => i.itemNo);
  return all.map((i) => i.itemNo);
}

/** One flag per rule, except the repeated reason: one per reason. */
function flagKey(flag: { type: string; evidence: Record<string, unknown> }): string {
  return flag.type === 'repeated_reason' ? `${flag.type}:${String(flag.evidence.reason)}` : flag.type;
}

function parseEvidence(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

type StoredFlag = FlagRow & { stale: number };

/** The fraud rules' reads, prepared once per connection. */
function fraudQueries(db: Db) {
  return {
    product: db.prepare<[string], { sku: string; category: string; return_window_days: number }>(
      'SELECT sku, category, return_window_days FROM products WHERE id = ?',
    ),
    customer: db.prepare<
      [string],
      { orders_count: number; returns_count: number; returns_value_cents: number; address_key: string | null }
    >('SELECT orders_count, returns_count, returns_value_cents, address_key FROM customers WHERE id = ?'),
    /**
     * The customer's other closed cases since a time, each with its value and reasons: one range
     * of `return_cases_customer` (customer, closed_at), then the items of each case by its key.
     */
    history: db.prepare<
      [string, number, string],
      { id: string; closed_at: number; value: number; reasons: string | null }
    >(
      `SELECT c.id, c.closed_at, coalesce(sum(i.value_cents), 0) AS value, group_concat(i.reason) AS reasons
         FROM return_cases c LEFT JOIN return_items i ON i.case_id = c.id
        WHERE c.customer_id = ? AND c.closed_at >= ? AND c.status = 'closed' AND c.id <> ?
        GROUP BY c.id`,
    ),
    accountsAt: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM customers WHERE address_key = ?'),
    /** The customer's orders placed since a time: a count over one range of `orders_customer_placed` (0170). */
    ordersSince: db.prepare<[string, number], { n: number }>(
      'SELECT count(*) AS n FROM orders WHERE customer_id = ? AND placed_at >= ?',
    ),
    order: db.prepare<
      [string],
      { placed_at: number; value: number; shipped_at: number | null; customer_id: string | null }
    >(
      `SELECT o.placed_at, o.customer_id,
              (SELECT coalesce(sum(l.quantity * p.price_cents), 0) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id) AS value,
              (SELECT max(completed_at) FROM packages k WHERE k.order_id = o.id AND k.status = 'done') AS shipped_at
         FROM orders o WHERE o.id = ?`,
    ),
    caseById: db.prepare<[string], CaseRow>('SELECT * FROM return_cases WHERE id = ?'),
    /** The case's item events and weighings, in the order they were written (`events_subject_seq`). */
    caseEvents: db.prepare<[string], { id: string; type: string; item_no: number | null }>(
      `SELECT id, type, json_extract(payload, '$.itemNo') AS item_no FROM events
        WHERE subject = ? AND type IN ('returns.item_received', 'returns.serial_recorded', 'returns.item_graded',
                                       'returns.photo_attached', 'returns.weighed')
        ORDER BY seq`,
    ),
    items: db.prepare<[string], ItemRow>('SELECT * FROM return_items WHERE case_id = ? ORDER BY item_no'),
    flags: db.prepare<[string], StoredFlag>('SELECT * FROM fraud_flags WHERE case_id = ? ORDER BY raised_at, id'),
    recentCases: db.prepare<[number], { id: string }>(
      "SELECT id FROM return_cases WHERE status = 'closed' AND closed_at >= ? ORDER BY closed_at",
    ),
    casesOfCustomer: db.prepare<[string, number], { id: string }>(
      "SELECT id FROM return_cases WHERE customer_id = ? AND closed_at >= ? AND status = 'closed'",
    ),
    casesOfOrder: db.prepare<[string, number], { id: string }>(
      "SELECT id FROM return_cases WHERE order_id = ? AND status = 'closed' AND closed_at >= ?",
    ),
    insertFlag: db.prepare<{
      id: string;
      case_id: string;
      type: string;
      severity: string;
      score: number;
      explanation: string;
      evidence: string;
      rule: string | null;
      raised_at: number;
      reevaluated_at: number;
    }>(
      `INSERT INTO fraud_flags (id, case_id, type, severity, score, explanation, evidence, rule, status, raised_at, reevaluated_at)
       VALUES (@id, @case_id, @type, @severity, @score, @explanation, @evidence, @rule, 'open', @raised_at, @reevaluated_at)`,
    ),
    updateFlag: db.prepare<[string, string, number, string | null, number, string]>(
      'UPDATE fraud_flags SET explanation = ?, evidence = ?, score = ?, rule = ?, stale = 0, reevaluated_at = ? WHERE id = ?',
    ),
    markStale: db.prepare<[number, string]>('UPDATE fraud_flags SET stale = 1, reevaluated_at = ? WHERE id = ?'),
  };
}

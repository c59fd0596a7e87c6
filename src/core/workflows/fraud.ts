import { evaluateFraud, type CaseFacts } from '#shared/policy/fraud';
import type { Db } from '../db/connection';
import type { PolicyStore } from '../db/queries/policies';
import type { CaseSnapshot, NewFlag } from './returns';

const DAY = 86_400_000;

/**
 * Builds the facts of a closing case from the station database — the customer's counters from
 * the order system, this station's own history of the customer, accounts at the same address,
 * the parcel weight against the outbound weight, the window — and runs the fraud policy over
 * them. Installed as the returns bench's fraud hook.
 */
export class FraudService {
  readonly #db: Db;
  readonly #policies: PolicyStore;
  readonly #clock: () => number;

  constructor(deps: { db: Db; policies: PolicyStore; clock: () => number }) {
    this.#db = deps.db;
    this.#policies = deps.policies;
    this.#clock = deps.clock;
  }

  /** The flags of a case; none when the station has no fraud policy. */
  evaluate(snapshot: CaseSnapshot): NewFlag[] {
    const policy = this.#policies.one('fraud');
    if (!policy) return [];
    const result = evaluateFraud(policy, this.facts(snapshot));
    return result.flags.map((flag) => ({
      type: flag.type,
      severity: flag.severity,
      score: flag.share,
      explanation: flag.explanation,
      evidence: { ...flag.evidence, caseScore: result.score },
      rule: flag.rule,
    }));
  }

  /** What the rules look at, read from the database. */
  facts(snapshot: CaseSnapshot): CaseFacts {
    const db = this.#db;
    const now = this.#clock();
    const { case: c, items, customerId } = snapshot;
    const products = new Map(
      items.map((i) => [
        i.product_id,
        db
          .prepare<[string], { sku: string; category: string; return_window_days: number }>(
            'SELECT sku, category, return_window_days FROM products WHERE id = ?',
          )
          .get(i.product_id),
      ]),
    );
    const customer = customerId
      ? db
          .prepare<
            [string],
            { orders_count: number; returns_count: number; returns_value_cents: number; address_key: string | null }
          >('SELECT orders_count, returns_count, returns_value_cents, address_key FROM customers WHERE id = ?')
          .get(customerId)
      : undefined;
    const history = customerId
      ? db
          .prepare<[string, string], { id: string; closed_at: number; value: number; reasons: string | null }>(
            `SELECT c.id, c.closed_at, (SELECT coalesce(sum(i.value_cents), 0) FROM return_items i WHERE i.case_id = c.id) AS value,
                    (SELECT group_concat(i.reason) FROM return_items i WHERE i.case_id = c.id AND i.reason IS NOT NULL) AS reasons
               FROM return_cases c JOIN orders o ON o.id = c.order_id
              WHERE o.customer_id = ? AND c.status = 'closed' AND c.id <> ?`,
          )
          .all(customerId, c.id)
      : [];
    const accounts = customer?.address_key
      ? db
          .prepare<[string], { n: number }>('SELECT count(*) AS n FROM customers WHERE address_key = ?')
          .get(customer.address_key)!.n
      : 0;
    const order = c.order_id
      ? db
          .prepare<[string], { placed_at: number; value: number; shipped_at: number | null }>(
            `SELECT o.placed_at,
                    (SELECT coalesce(sum(l.quantity * p.price_cents), 0) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id) AS value,
                    (SELECT max(completed_at) FROM packages k WHERE k.order_id = o.id AND k.status = 'done') AS shipped_at
               FROM orders o WHERE o.id = ?`,
          )
          .get(c.order_id)
      : undefined;
    const delivered = order ? (order.shipped_at ?? order.placed_at) : null;
    const windows = items
      .map((i) => products.get(i.product_id)?.return_window_days)
      .filter((w): w is number => w !== undefined);
    return {
      now,
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
      accountsAtAddress: accounts,
      weight:
        c.weight_g !== null ? { grams: c.weight_g, packedGrams: c.packed_weight_g, outcome: c.weight_outcome } : null,
      daysSinceDelivery: delivered !== null ? Math.floor(now / DAY) - Math.floor(delivered / DAY) : null,
      windowDays: windows.length > 0 ? Math.min(...windows) : null,
      refundCents: snapshot.refundCents,
      orderValueCents: order?.value ?? null,
    };
  }
}

import { z } from 'zod';

/**
 * Return-fraud rules: versioned policy data, evaluated by one pure function over the facts of a
 * case. Each rule that fires gives a flag with a severity, its share of the case's score, the
 * evidence it used, and a sentence a supervisor can read. The bench sees the item — it compares
 * the return with what was packed — which is what cloud-side fraud tools cannot.
 */

const severity = z.enum(['low', 'medium', 'high']);
export type FlagSeverity = z.infer<typeof severity>;

export const fraudPolicySchema = z.strictObject({
  id: z.string().min(1),
  version: z.number().int().min(1),
  /** Weight of each severity in the case score. */
  weights: z.strictObject({ low: z.number().positive(), medium: z.number().positive(), high: z.number().positive() }),
  serialReturner: z.strictObject({
    periodDays: z.number().int().positive(),
    minReturns: z.number().int().positive(),
    minValueCents: z.number().int().nonnegative(),
    /**
     * Returns per order in the period, 0–1: the customer's returns closed at this station in the
     * period (this one included) over the customer's orders placed in it.
     */
    minRate: z.number().min(0).max(1),
    severity,
  }),
  itemSwap: z.strictObject({ severity }),
  weightMismatch: z.strictObject({ severity }),
  wardrobing: z.strictObject({
    categories: z.array(z.string().min(1)).min(1),
    minValueCents: z.number().int().nonnegative(),
    tagsQuestion: z.string().min(1),
    tagsRemoved: z.array(z.string().min(1)).min(1),
    wornQuestion: z.string().min(1),
    worn: z.array(z.string().min(1)).min(1),
    severity,
  }),
  outsideWindow: z.strictObject({ graceDays: z.number().int().nonnegative(), severity }),
  highValue: z.strictObject({ thresholdCents: z.number().int().positive(), severity }),
  repeatedReason: z.strictObject({
    periodDays: z.number().int().positive(),
    minSame: z.number().int().min(2),
    severity,
  }),
  sharedAddress: z.strictObject({ minAccounts: z.number().int().min(2), severity }),
  refundAnomaly: z.strictObject({ maxRatioToOrder: z.number().positive(), severity }),
  /** Confirming fraud on a case worth more than this needs a second supervisor. */
  secondSupervisorAboveCents: z.number().int().nonnegative(),
});
export type FraudPolicy = z.infer<typeof fraudPolicySchema>;

export type CaseItemFacts = {
  itemNo: number;
  sku: string;
  category: string;
  valueCents: number;
  match: 'matched' | 'extra' | 'wrong_item';
  serial: string | null;
  expectedSerial: string | null;
  reason: string | null;
  answers: Readonly<Record<string, string>>;
};

export type PastReturn = { closedAt: number; valueCents: number; reasons: string[] };

export type CaseFacts = {
  now: number;
  items: CaseItemFacts[];
  /** The customer's counters from the order system, when the return is linked to a customer. */
  customer: { ordersCount: number; returnsCount: number; returnsValueCents: number } | null;
  /** Returns of the same customer already closed at this station. */
  localHistory: PastReturn[];
  /**
   * The customer's orders placed in the serial-returner period, of those the station holds (the
   * order system's orders stream): the denominator of the rate over the period.
   */
  ordersInPeriod: number;
  /** How many customer accounts share this order's delivery address. */
  accountsAtAddress: number;
  weight: { grams: number; packedGrams: number | null; outcome: 'pass' | 'warn' | 'fail' | null } | null;
  /** Calendar days between delivery and receipt, and the tightest window of the items. */
  daysSinceDelivery: number | null;
  windowDays: number | null;
  refundCents: number | null;
  orderValueCents: number | null;
};

export type RaisedFlag = {
  type: string;
  severity: FlagSeverity;
  /** This flag's share of the case score, 0–1; the shares of a case add up to 1. */
  share: number;
  explanation: string;
  evidence: Record<string, unknown>;
  rule: string;
};

const DAY = 86_400_000;

/** Every rule of the policy over the facts of a case. Pure; the unit tables test each rule. */
export function evaluateFraud(policy: FraudPolicy, facts: CaseFacts): { score: number; flags: RaisedFlag[] } {
  const rule = (name: string): string => `${policy.id}@${policy.version}:${name}`;
  const raised: Omit<RaisedFlag, 'share'>[] = [];
  const money = (cents: number): string => (cents / 100).toFixed(2);

  // Serial returner: the order system's counters or this station's own history in the period
  // (whichever knows more: the counters lag until sync brings them, and they include returns
  // received elsewhere), plus this return — its count and its value alike. The rate is over the
  // period alone: the returns closed here in it (and this one) per order placed in it. The
  // counters cannot give it (they count a customer's whole history, with no dates). With no
  // order in the period (this return's order was placed before it) nothing dilutes the rate: 1.
  const caseValue = facts.items.reduce((s, i) => s + i.valueCents, 0);
  const sr = policy.serialReturner;
  const since = facts.now - sr.periodDays * DAY;
  const recent = facts.localHistory.filter((r) => r.closedAt >= since);
  const returns = Math.max(facts.customer?.returnsCount ?? 0, recent.length) + 1;
  const value =
    Math.max(
      facts.customer?.returnsValueCents ?? 0,
      recent.reduce((s, r) => s + r.valueCents, 0),
    ) + caseValue;
  const periodReturns = recent.length + 1;
  const periodOrders = facts.ordersInPeriod;
  const rate = periodOrders > 0 ? Math.min(1, periodReturns / periodOrders) : 1;
  if (returns >= sr.minReturns && value >= sr.minValueCents && rate >= sr.minRate) {
    raised.push({
      type: 'serial_returner',
      severity: sr.severity,
      explanation: `This customer has returned ${returns} times (${money(value)} in value); in the last ${sr.periodDays} days ${periodReturns} return(s) for ${periodOrders} order(s), ${Math.round(rate * 100)} %.`,
      evidence: { returns, valueCents: value, periodDays: sr.periodDays, periodReturns, periodOrders, rate },
      rule: rule('serialReturner'),
    });
  }

  const swapped = facts.items.filter(
    (i) =>
      i.match === 'wrong_item' || (i.expectedSerial !== null && i.serial !== null && i.serial !== i.expectedSerial),
  );
  if (swapped.length > 0) {
    raised.push({
      type: 'item_swap',
      severity: policy.itemSwap.severity,
      explanation: `${swapped.length} item(s) differ from the outbound package: ${swapped
        .map((i) =>
          i.match === 'wrong_item'
            ? `${i.sku} was not in the order`
            : `${i.sku} serial ${i.serial} is not the ${i.expectedSerial} shipped`,
        )
        .join('; ')}.`,
      evidence: {
        items: swapped.map((i) => ({
          itemNo: i.itemNo,
          sku: i.sku,
          serial: i.serial,
          expectedSerial: i.expectedSerial,
          match: i.match,
        })),
      },
      rule: rule('itemSwap'),
    });
  }

  if (facts.weight?.outcome === 'fail' && facts.weight.packedGrams !== null) {
    const lighter = facts.weight.grams < facts.weight.packedGrams;
    raised.push({
      type: lighter ? 'empty_box' : 'weight_mismatch',
      severity: policy.weightMismatch.severity,
      explanation: `The parcel weighs ${facts.weight.grams} g; it left weighing ${facts.weight.packedGrams} g.`,
      evidence: { grams: facts.weight.grams, packedGrams: facts.weight.packedGrams },
      rule: rule('weightMismatch'),
    });
  }

  const w = policy.wardrobing;
  const worn = facts.items.filter(
    (i) =>
      w.categories.includes(i.category) &&
      i.valueCents >= w.minValueCents &&
      w.tagsRemoved.includes(i.answers[w.tagsQuestion] ?? '') &&
      w.worn.includes(i.answers[w.wornQuestion] ?? ''),
  );
  if (worn.length > 0) {
    raised.push({
      type: 'wardrobing',
      severity: w.severity,
      explanation: `${worn.map((i) => i.sku).join(', ')}: tags removed and signs of wear on a ${money(Math.max(...worn.map((i) => i.valueCents)))} item.`,
      evidence: { items: worn.map((i) => ({ itemNo: i.itemNo, sku: i.sku, answers: i.answers })) },
      rule: rule('wardrobing'),
    });
  }

  if (
    facts.daysSinceDelivery !== null &&
    facts.windowDays !== null &&
    facts.daysSinceDelivery > facts.windowDays + policy.outsideWindow.graceDays
  ) {
    raised.push({
      type: 'outside_window',
      severity: policy.outsideWindow.severity,
      explanation: `Returned ${facts.daysSinceDelivery} days after delivery; the window is ${facts.windowDays} days.`,
      evidence: { days: facts.daysSinceDelivery, windowDays: facts.windowDays },
      rule: rule('outsideWindow'),
    });
  }

  if (caseValue >= policy.highValue.thresholdCents) {
    raised.push({
      type: 'high_value',
      severity: policy.highValue.severity,
      explanation: `High-value return: ${money(caseValue)}.`,
      evidence: { valueCents: caseValue },
      rule: rule('highValue'),
    });
  }

  const rr = policy.repeatedReason;
  const recentReasons = facts.localHistory
    .filter((r) => r.closedAt >= facts.now - rr.periodDays * DAY)
    .flatMap((r) => r.reasons);
  const reasons = new Set(facts.items.map((i) => i.reason).filter((r): r is string => r !== null));
  for (const reason of reasons) {
    const count = recentReasons.filter((r) => r === reason).length + 1;
    if (count >= rr.minSame) {
      raised.push({
        type: 'repeated_reason',
        severity: rr.severity,
        explanation: `The same reason "${reason.replace(/_/g, ' ')}" ${count} times in ${rr.periodDays} days.`,
        evidence: { reason, count },
        rule: rule('repeatedReason'),
      });
    }
  }

  if (facts.accountsAtAddress >= policy.sharedAddress.minAccounts) {
    raised.push({
      type: 'shared_address',
      severity: policy.sharedAddress.severity,
      explanation: `${facts.accountsAtAddress} customer accounts share this delivery address.`,
      evidence: { accounts: facts.accountsAtAddress },
      rule: rule('sharedAddress'),
    });
  }

  if (
    facts.refundCents !== null &&
    facts.orderValueCents !== null &&
    facts.orderValueCents > 0 &&
    facts.refundCents > facts.orderValueCents * policy.refundAnomaly.maxRatioToOrder
  ) {
    raised.push({
      type: 'refund_anomaly',
      severity: policy.refundAnomaly.severity,
      explanation: `The refund (${money(facts.refundCents)}) is more than the order was worth (${money(facts.orderValueCents)}).`,
      evidence: { refundCents: facts.refundCents, orderValueCents: facts.orderValueCents },
      rule: rule('refundAnomaly'),
    });
  }

  const total = raised.reduce((s, f) => s + policy.weights[f.severity], 0);
  const flags = raised.map((f) => ({ ...f, share: total > 0 ? round3(policy.weights[f.severity] / total) : 0 }));
  return { score: round3(total), flags };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

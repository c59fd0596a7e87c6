import { z } from 'zod';
import type { Grade } from './grades';

/**
 * Refund recommendations, computed at the bench from versioned policy data: the return window,
 * a restocking fee by category (none, fixed or a percentage), a deduction by grade, and the
 * shipping refund rule. Amounts are integer cents; every line of the result explains itself.
 */

const fee = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('fixed'), cents: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('percent'), percent: z.number().min(0).max(100) }),
]);
export type RestockingFee = z.infer<typeof fee>;

export const refundPolicySchema = z.strictObject({
  id: z.string().min(1),
  version: z.number().int().min(1),
  /** Restocking fee per category; `default` for the others. */
  restockingFee: z.record(z.string(), fee).refine((fees) => 'default' in fees, 'a default fee is required'),
  /** Share of the price deducted per grade (0–100). */
  gradeDeductionPercent: z.strictObject({
    A: z.number().min(0).max(100),
    B: z.number().min(0).max(100),
    C: z.number().min(0).max(100),
    D: z.number().min(0).max(100),
    F: z.number().min(0).max(100),
  }),
  /** Return reasons that waive the fee and the grade deduction (the brand's fault, not the customer's). */
  faultReasons: z.array(z.string().min(1)),
  /** When the original shipping is refunded. */
  shippingRefund: z.enum(['never', 'always', 'fault_only']),
});
export type RefundPolicy = z.infer<typeof refundPolicySchema>;

export type RefundItem = {
  sku: string;
  priceCents: number;
  category: string;
  grade: Grade;
  reason: string;
  /** The product's return window, in days from delivery. */
  returnWindowDays: number;
};

export type RefundInput = {
  items: RefundItem[];
  /** When the order reached the customer (or was shipped, if delivery is unknown), epoch ms. */
  deliveredAt: number;
  /** When the return reached the bench, epoch ms. */
  receivedAt: number;
  shippingPaidCents: number;
  /** Open fraud flags on the case: the refund waits for a supervisor's decision. */
  openFlags: number;
};

export type RefundLine = { label: string; cents: number };

export type RefundRecommendation = {
  policyId: string;
  version: number;
  status: 'recommended' | 'on_hold' | 'outside_window';
  totalCents: number;
  lines: RefundLine[];
  explanation: string[];
};

const DAY = 86_400_000;

/** Whole calendar days (UTC) from one instant to another: the same day is 0. */
export function calendarDays(from: number, to: number): number {
  return Math.floor(to / DAY) - Math.floor(from / DAY);
}

function feeCents(rule: RestockingFee, priceCents: number): number {
  if (rule.type === 'none') return 0;
  if (rule.type === 'fixed') return rule.cents;
  return Math.round((priceCents * rule.percent) / 100);
}

/**
 * The refund the bench recommends. Per item: the price, minus the grade deduction and the
 * restocking fee unless the reason is the brand's fault — never below zero (a fee larger than a
 * cheap item's price takes the item to zero, not the refund negative). Items outside their window
 * are listed at zero. Shipping per the rule. Open fraud flags put the whole refund on hold.
 */
export function recommendRefund(policy: RefundPolicy, input: RefundInput): RefundRecommendation {
  const lines: RefundLine[] = [];
  const explanation: string[] = [];
  const days = calendarDays(input.deliveredAt, input.receivedAt);
  let anyInWindow = false;
  let anyFault = false;
  for (const item of input.items) {
    const fault = policy.faultReasons.includes(item.reason);
    anyFault ||= fault;
    if (days > item.returnWindowDays) {
      lines.push({ label: `${item.sku}: returned after ${days} days (window ${item.returnWindowDays})`, cents: 0 });
      explanation.push(`${item.sku} is outside its ${item.returnWindowDays}-day window (day ${days}): no refund.`);
      continue;
    }
    anyInWindow = true;
    lines.push({ label: `${item.sku}: price`, cents: item.priceCents });
    let remaining = item.priceCents;
    if (fault) {
      explanation.push(`${item.sku}: reason "${item.reason}" is the brand's fault — no fee, no grade deduction.`);
    } else {
      const deduction = Math.min(
        remaining,
        Math.round((item.priceCents * policy.gradeDeductionPercent[item.grade]) / 100),
      );
      if (deduction > 0) {
        lines.push({
          label: `${item.sku}: grade ${item.grade} (−${policy.gradeDeductionPercent[item.grade]} %)`,
          cents: -deduction,
        });
        remaining -= deduction;
      }
      const rule = policy.restockingFee[item.category] ?? policy.restockingFee.default!;
      const wanted = feeCents(rule, item.priceCents);
      const charged = Math.min(remaining, wanted);
      if (charged > 0) {
        lines.push({ label: `${item.sku}: restocking fee (${describeFee(rule)})`, cents: -charged });
        remaining -= charged;
      }
      if (charged < wanted) {
        explanation.push(
          `${item.sku}: the restocking fee is capped at what is left of the price; the item refunds 0, not less.`,
        );
      }
      explanation.push(
        `${item.sku}: day ${days} of ${item.returnWindowDays}, grade ${item.grade}, reason "${item.reason}" → ${fmt(remaining)}.`,
      );
    }
  }
  const shipping =
    anyInWindow && (policy.shippingRefund === 'always' || (policy.shippingRefund === 'fault_only' && anyFault))
      ? input.shippingPaidCents
      : 0;
  if (shipping > 0) {
    lines.push({ label: 'Original shipping', cents: shipping });
    explanation.push(`Shipping refunded: rule "${policy.shippingRefund}".`);
  } else if (input.shippingPaidCents > 0) {
    explanation.push(`Shipping not refunded: rule "${policy.shippingRefund}".`);
  }
  const totalCents = Math.max(
    0,
    lines.reduce((sum, line) => sum + line.cents, 0),
  );
  // Nothing refundable (only extra or swapped items) is not "outside the window": it is zero.
  let status: RefundRecommendation['status'] =
    anyInWindow || input.items.length === 0 ? 'recommended' : 'outside_window';
  if (input.openFlags > 0) {
    status = 'on_hold';
    explanation.push(`On hold: ${input.openFlags} open fraud flag(s) on this case wait for a supervisor.`);
  }
  return { policyId: policy.id, version: policy.version, status, totalCents, lines, explanation };
}

function describeFee(rule: RestockingFee): string {
  if (rule.type === 'fixed') return fmt(rule.cents);
  if (rule.type === 'percent') return `${rule.percent} %`;
  return 'none';
}

function fmt(cents: number): string {
  return (cents / 100).toFixed(2);
}

import { z } from 'zod';

/**
 * A weight tolerance: the larger of an absolute allowance and a share of the expected weight.
 * Inside `warn` it passes; between `warn` and `fail` it warns; beyond `fail` it fails. A parcel
 * of 120 g and one of 12 kg need different absolute slack, hence both.
 */
export const weightToleranceSchema = z.strictObject({
  warnGrams: z.number().nonnegative(),
  warnPercent: z.number().nonnegative().max(100),
  failGrams: z.number().nonnegative(),
  failPercent: z.number().nonnegative().max(100),
});
export type WeightTolerance = z.infer<typeof weightToleranceSchema>;

export const DEFAULT_WEIGHT_TOLERANCE: WeightTolerance = {
  warnGrams: 20,
  warnPercent: 3,
  failGrams: 60,
  failPercent: 8,
};

export type WeightCheck = {
  outcome: 'pass' | 'warn' | 'fail';
  expectedGrams: number;
  actualGrams: number;
  /** actual − expected: negative is lighter than expected (a missing item, an empty box). */
  differenceGrams: number;
  warnAllowanceGrams: number;
  failAllowanceGrams: number;
  /** One sentence for the operator and the audit trail. */
  explanation: string;
};

/** Compares a stable weight against the expected one. Pure: the unit tables test it. */
export function checkWeight(expectedGrams: number, actualGrams: number, tolerance: WeightTolerance): WeightCheck {
  const warnAllowance = Math.max(tolerance.warnGrams, (expectedGrams * tolerance.warnPercent) / 100);
  const failAllowance = Math.max(tolerance.failGrams, (expectedGrams * tolerance.failPercent) / 100, warnAllowance);
  const difference = round1(actualGrams - expectedGrams);
  const off = Math.abs(difference);
  const outcome = off <= warnAllowance ? 'pass' : off <= failAllowance ? 'warn' : 'fail';
  const direction = difference < 0 ? 'lighter' : 'heavier';
  const explanation =
    outcome === 'pass'
      ? `${fmt(actualGrams)} g is within ${fmt(warnAllowance)} g of the expected ${fmt(expectedGrams)} g.`
      : `${fmt(actualGrams)} g is ${fmt(off)} g ${direction} than the expected ${fmt(expectedGrams)} g (${outcome === 'warn' ? 'warning' : 'limit'} beyond ${fmt(outcome === 'warn' ? warnAllowance : failAllowance)} g).`;
  return {
    outcome,
    expectedGrams,
    actualGrams,
    differenceGrams: difference,
    warnAllowanceGrams: round1(warnAllowance),
    failAllowanceGrams: round1(failAllowance),
    explanation,
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function fmt(value: number): string {
  return String(round1(value));
}

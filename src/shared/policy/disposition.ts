import { z } from 'zod';
import { GRADES, type Grade } from './grades';

/** Where a returned item goes. */
export const DISPOSITIONS = [
  'restock',
  'refurbish',
  'repair',
  'return_to_vendor',
  'liquidate',
  'donate',
  'recycle',
  'dispose',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

const target = z.strictObject({ action: z.enum(DISPOSITIONS), bin: z.string().min(1).max(32) });

/**
 * Disposition rules: the first rule whose conditions all hold decides; a fallback decides
 * otherwise. Versioned policy data.
 */
export const dispositionPolicySchema = z.strictObject({
  id: z.string().min(1),
  version: z.number().int().min(1),
  rules: z.array(
    z.strictObject({
      when: z.strictObject({
        categories: z.array(z.string().min(1)).min(1).optional(),
        grades: z.array(z.enum(GRADES)).min(1).optional(),
        minValueCents: z.number().int().nonnegative().optional(),
        maxValueCents: z.number().int().nonnegative().optional(),
      }),
      then: target,
    }),
  ),
  fallback: target,
  /** Any override of an item worth more than this needs a supervisor at the bench. */
  overrideSupervisorAboveCents: z.number().int().nonnegative(),
});
export type DispositionPolicy = z.infer<typeof dispositionPolicySchema>;

export type DispositionInput = { category: string; grade: Grade; valueCents: number };

export type DispositionDecision = {
  action: Disposition;
  bin: string;
  policyId: string;
  version: number;
  /** The index of the rule that decided, or null for the fallback. */
  rule: number | null;
  explanation: string;
};

/** Applies the disposition rules to one graded item. */
export function decideDisposition(policy: DispositionPolicy, item: DispositionInput): DispositionDecision {
  const index = policy.rules.findIndex(({ when }) => {
    if (when.categories && !when.categories.includes(item.category)) return false;
    if (when.grades && !when.grades.includes(item.grade)) return false;
    if (when.minValueCents !== undefined && item.valueCents < when.minValueCents) return false;
    if (when.maxValueCents !== undefined && item.valueCents > when.maxValueCents) return false;
    return true;
  });
  const chosen = index >= 0 ? policy.rules[index]!.then : policy.fallback;
  const why =
    index >= 0
      ? `rule ${index + 1} of ${policy.id} v${policy.version} (${describe(policy.rules[index]!.when)})`
      : `no rule matched ${item.category} grade ${item.grade}: fallback of ${policy.id} v${policy.version}`;
  return {
    action: chosen.action,
    bin: chosen.bin,
    policyId: policy.id,
    version: policy.version,
    rule: index >= 0 ? index : null,
    explanation: `${chosen.action} to bin ${chosen.bin}: ${why}.`,
  };
}

/**
 * Whether a clerk's override needs a supervisor's badge and PIN: putting a grade C, D or F item
 * back on the shelf, or overriding anything worth more than the policy's threshold.
 */
export function overrideNeedsSupervisor(policy: DispositionPolicy, item: DispositionInput, to: Disposition): boolean {
  if (to === 'restock' && (item.grade === 'C' || item.grade === 'D' || item.grade === 'F')) return true;
  return item.valueCents > policy.overrideSupervisorAboveCents;
}

function describe(when: DispositionPolicy['rules'][number]['when']): string {
  const parts: string[] = [];
  if (when.categories) parts.push(`category ${when.categories.join('/')}`);
  if (when.grades) parts.push(`grade ${when.grades.join('/')}`);
  if (when.minValueCents !== undefined) parts.push(`value ≥ ${(when.minValueCents / 100).toFixed(2)}`);
  if (when.maxValueCents !== undefined) parts.push(`value ≤ ${(when.maxValueCents / 100).toFixed(2)}`);
  return parts.length > 0 ? parts.join(', ') : 'any item';
}

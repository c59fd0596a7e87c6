import { z } from 'zod';

/**
 * Outbound QC checklists: versioned policy data. A checklist applies to a category or to one
 * product (a product's own checklist wins), samples the units it inspects, and either blocks the
 * parcel or only warns when a step fails.
 */

const text = z.string().min(1).max(300);

export const checklistStepSchema = z.discriminatedUnion('type', [
  z.strictObject({ id: z.string().min(1), type: z.literal('instruction'), text }),
  z.strictObject({ id: z.string().min(1), type: z.literal('pass_fail'), text, defectCode: z.string().min(1) }),
  z.strictObject({
    id: z.string().min(1),
    type: z.literal('measurement'),
    text,
    unit: z.string().min(1).max(12),
    nominal: z.number(),
    /** Allowed deviation either side of the nominal, in the unit. */
    tolerance: z.number().nonnegative(),
    defectCode: z.string().min(1),
  }),
  z.strictObject({ id: z.string().min(1), type: z.literal('photo'), text, required: z.boolean() }),
  z.strictObject({ id: z.string().min(1), type: z.literal('note'), text, required: z.boolean() }),
]);
export type ChecklistStep = z.infer<typeof checklistStepSchema>;

export const samplingSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('every') }),
  z.strictObject({ mode: z.literal('nth'), n: z.number().int().min(1) }),
  z.strictObject({ mode: z.literal('percent'), percent: z.number().min(0).max(100) }),
]);
export type Sampling = z.infer<typeof samplingSchema>;

export const checklistSchema = z.strictObject({
  id: z.string().min(1),
  version: z.number().int().min(1),
  name: text,
  appliesTo: z.union([
    z.strictObject({ category: z.string().min(1) }),
    z.strictObject({ productId: z.string().min(1) }),
  ]),
  sampling: samplingSchema,
  onFail: z.enum(['block', 'warn']),
  steps: z.array(checklistStepSchema).min(1),
});
export type Checklist = z.infer<typeof checklistSchema>;

export const DEFECT_SEVERITIES = ['minor', 'major', 'critical'] as const;
export type DefectSeverity = (typeof DEFECT_SEVERITIES)[number];

/** An inspector's answer to one step. */
export type StepAnswer =
  | { type: 'done' }
  | { type: 'pass' }
  | { type: 'fail' }
  | { type: 'measured'; value: number }
  | { type: 'photo'; sha256: string }
  | { type: 'note'; text: string }
  /** An optional photo or note step left out on purpose (the SKIP barcode). */
  | { type: 'skip' };

export type StepResult = {
  stepId: string;
  status: 'pass' | 'fail' | 'missing';
  defectCode: string | null;
  detail: string;
};

export type ChecklistResult = {
  checklistId: string;
  version: number;
  /** `incomplete` while a required step has no answer. */
  outcome: 'pass' | 'fail' | 'incomplete';
  /** What a failure does to the parcel: held (block) or only flagged (warn). */
  consequence: 'none' | 'hold' | 'warn';
  steps: StepResult[];
};

/** Picks the checklist for a product: its own, else its category's, else none. Highest version wins. */
export function checklistFor(checklists: readonly Checklist[], productId: string, category: string): Checklist | null {
  const newest = (matches: Checklist[]): Checklist | null => matches.sort((a, b) => b.version - a.version)[0] ?? null;
  return (
    newest(checklists.filter((c) => 'productId' in c.appliesTo && c.appliesTo.productId === productId)) ??
    newest(checklists.filter((c) => 'category' in c.appliesTo && c.appliesTo.category === category))
  );
}

/**
 * Whether unit number `unitIndex` (1-based, counted per checklist at this station) is inspected.
 * `random` is a number in [0, 1) from the caller — injected so the decision is reproducible in
 * tests and recorded as-is in the event.
 */
export function isSampled(sampling: Sampling, unitIndex: number, random: number): boolean {
  switch (sampling.mode) {
    case 'every':
      return true;
    case 'nth':
      return unitIndex % sampling.n === 0;
    case 'percent':
      return random * 100 < sampling.percent;
  }
}

/** True when a measured value is within the step's tolerance (inclusive at both ends). */
export function withinTolerance(nominal: number, tolerance: number, value: number): boolean {
  // Compare in integer thousandths: 10.1 − 10 must not fail a tolerance of 0.1 by rounding.
  const scale = 1000;
  return Math.abs(Math.round(value * scale) - Math.round(nominal * scale)) <= Math.round(tolerance * scale);
}

/** Evaluates one step against its answer (or its absence). */
export function evaluateStep(step: ChecklistStep, answer: StepAnswer | undefined): StepResult {
  const result = (status: StepResult['status'], detail: string, defectCode: string | null = null): StepResult => ({
    stepId: step.id,
    status,
    defectCode,
    detail,
  });
  switch (step.type) {
    case 'instruction':
      return answer?.type === 'done' ? result('pass', 'done') : result('missing', 'not confirmed');
    case 'pass_fail':
      if (answer?.type === 'pass') return result('pass', 'pass');
      if (answer?.type === 'fail') return result('fail', 'failed', step.defectCode);
      return result('missing', 'not answered');
    case 'measurement': {
      if (answer?.type !== 'measured') return result('missing', 'not measured');
      const ok = withinTolerance(step.nominal, step.tolerance, answer.value);
      const detail = `${answer.value} ${step.unit} (nominal ${step.nominal} ± ${step.tolerance})`;
      return ok ? result('pass', detail) : result('fail', detail, step.defectCode);
    }
    case 'photo':
      if (answer?.type === 'photo') return result('pass', `photo ${answer.sha256.slice(0, 12)}`);
      if (step.required) return result('missing', 'no photo');
      return result('pass', answer?.type === 'skip' ? 'skipped (optional)' : 'no photo (optional)');
    case 'note':
      if (answer?.type === 'note' && answer.text.trim()) return result('pass', 'noted');
      if (step.required) return result('missing', 'no note');
      return result('pass', answer?.type === 'skip' ? 'skipped (optional)' : 'no note (optional)');
  }
}

/** Whether a step may be left out with SKIP: only an optional photo or note. */
export function isSkippable(step: ChecklistStep): boolean {
  return (step.type === 'photo' || step.type === 'note') && !step.required;
}

/**
 * The step the inspector is asked next: the first one without a fitting answer. An optional
 * photo or note is asked too — the inspector takes it or SKIPs it — so it is never passed over
 * unseen. Null when every step has its answer.
 */
export function nextStep(checklist: Checklist, answers: Readonly<Record<string, StepAnswer>>): ChecklistStep | null {
  return (
    checklist.steps.find((step) => {
      const answer = answers[step.id];
      return answer === undefined || evaluateStep(step, answer).status === 'missing';
    }) ?? null
  );
}

/**
 * Whether an inspection is over: at its first failure (a failed step decides the outcome), or
 * when it passes and every step — optional ones included — has been answered or skipped.
 */
export function isFinished(checklist: Checklist, answers: Readonly<Record<string, StepAnswer>>): boolean {
  const { outcome } = evaluateChecklist(checklist, answers);
  return outcome === 'fail' || (outcome === 'pass' && nextStep(checklist, answers) === null);
}

/**
 * Evaluates a checklist: any failed step fails it (and holds or flags the parcel, per the
 * checklist); otherwise any missing required answer leaves it incomplete.
 */
export function evaluateChecklist(
  checklist: Checklist,
  answers: Readonly<Record<string, StepAnswer>>,
): ChecklistResult {
  const steps = checklist.steps.map((step) => evaluateStep(step, answers[step.id]));
  const failed = steps.some((s) => s.status === 'fail');
  const missing = steps.some((s) => s.status === 'missing');
  const outcome = failed ? 'fail' : missing ? 'incomplete' : 'pass';
  return {
    checklistId: checklist.id,
    version: checklist.version,
    outcome,
    consequence: outcome === 'fail' ? (checklist.onFail === 'block' ? 'hold' : 'warn') : 'none',
    steps,
  };
}

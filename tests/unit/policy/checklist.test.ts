import { describe, expect, it } from 'vitest';
import {
  checklistFor,
  checklistSchema,
  evaluateChecklist,
  evaluateStep,
  isFinished,
  isSampled,
  isSkippable,
  nextStep,
  withinTolerance,
  type Checklist,
  type ChecklistStep,
  type StepAnswer,
} from '#shared/policy/checklist';

const measure: ChecklistStep = {
  id: 'm',
  type: 'measurement',
  text: 'width',
  unit: 'cm',
  nominal: 30,
  tolerance: 2,
  defectCode: 'FOLD',
};

describe('tolerances', () => {
  it.each<[number, number, number, boolean]>([
    [30, 2, 30, true],
    [30, 2, 32, true], // the upper bound is inside
    [30, 2, 28, true], // the lower bound is inside
    [30, 2, 32.001, false],
    [30, 2, 27.999, false],
    [10, 0.1, 10.1, true], // 10.1 − 10 is 0.09999… in floating point: still inside
    [10, 0.1, 9.9, true],
    [10, 0.1, 10.2, false],
    [0, 0, 0, true],
    [-5, 1, -6, true],
  ])('nominal %d ± %d, measured %d → %s', (nominal, tolerance, value, inside) => {
    expect(withinTolerance(nominal, tolerance, value)).toBe(inside);
  });
});

describe('sampling', () => {
  it('every unit', () => {
    expect([1, 2, 3].map((i) => isSampled({ mode: 'every' }, i, 0.99))).toEqual([true, true, true]);
  });
  it('every 5th unit: 5, 10, 15', () => {
    const picked = Array.from({ length: 16 }, (_, i) => i + 1).filter((i) => isSampled({ mode: 'nth', n: 5 }, i, 0));
    expect(picked).toEqual([5, 10, 15]);
  });
  it('every 1st is every unit', () => {
    expect([1, 2, 3].every((i) => isSampled({ mode: 'nth', n: 1 }, i, 0))).toBe(true);
  });
  it.each<[number, number, boolean]>([
    [10, 0.0, true],
    [10, 0.0999, true],
    [10, 0.1, false], // exactly the percentage is outside: [0, 0.1) is 10 %
    [0, 0.0, false],
    [100, 0.9999, true],
  ])('%d %% with draw %d → %s', (percent, draw, sampled) => {
    expect(isSampled({ mode: 'percent', percent }, 1, draw)).toBe(sampled);
  });
  it('a 10 % sample picks about 10 % of many units', () => {
    let seed = 7;
    const draw = (): number => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const picked = Array.from({ length: 10_000 }, (_, i) =>
      isSampled({ mode: 'percent', percent: 10 }, i + 1, draw()),
    ).filter(Boolean).length;
    expect(picked).toBeGreaterThan(900);
    expect(picked).toBeLessThan(1100);
  });
});

const checklist: Checklist = checklistSchema.parse({
  id: 'qc',
  version: 3,
  name: 'QC',
  appliesTo: { category: 'apparel' },
  sampling: { mode: 'every' },
  onFail: 'block',
  steps: [
    { id: 'i', type: 'instruction', text: 'open' },
    { id: 'p', type: 'pass_fail', text: 'clean', defectCode: 'STAIN' },
    measure,
    { id: 'ph', type: 'photo', text: 'photo', required: true },
    { id: 'n', type: 'note', text: 'note', required: false },
  ],
});

describe('checklist evaluation', () => {
  const all = {
    i: { type: 'done' },
    p: { type: 'pass' },
    m: { type: 'measured', value: 31 },
    ph: { type: 'photo', sha256: 'ab'.repeat(32) },
  } as const;

  it('passes when every step passes (optional note left out)', () => {
    const result = evaluateChecklist(checklist, all);
    expect(result).toMatchObject({ checklistId: 'qc', version: 3, outcome: 'pass', consequence: 'none' });
  });

  it('is incomplete while a required answer is missing', () => {
    const { ph: _photo, ...rest } = all;
    expect(evaluateChecklist(checklist, rest)).toMatchObject({ outcome: 'incomplete', consequence: 'none' });
  });

  it('fails, with the step defect code, on a failed step or a measurement out of tolerance — and holds when it blocks', () => {
    const failed = evaluateChecklist(checklist, { ...all, m: { type: 'measured', value: 33 } });
    expect(failed).toMatchObject({ outcome: 'fail', consequence: 'hold' });
    expect(failed.steps.find((s) => s.stepId === 'm')).toEqual({
      stepId: 'm',
      status: 'fail',
      defectCode: 'FOLD',
      detail: '33 cm (nominal 30 ± 2)',
    });
    const warnOnly = evaluateChecklist({ ...checklist, onFail: 'warn' }, { ...all, p: { type: 'fail' } });
    expect(warnOnly).toMatchObject({ outcome: 'fail', consequence: 'warn' });
  });

  it('a failure outranks a missing answer', () => {
    expect(evaluateChecklist(checklist, { p: { type: 'fail' } }).outcome).toBe('fail');
  });

  it('asks every step in order, optional ones too, until each is answered or skipped', () => {
    const cases: [string, Record<string, StepAnswer>, string | null, boolean][] = [
      ['nothing answered', {}, 'i', false],
      ['first two answered', { i: all.i, p: all.p }, 'm', false],
      ['required ones answered: the optional note is asked', all, 'n', false],
      ['the optional note skipped', { ...all, n: { type: 'skip' } }, null, true],
      ['the optional note written', { ...all, n: { type: 'note', text: 'fine' } }, null, true],
      ['a failure ends it with steps unanswered', { i: all.i, p: { type: 'fail' } }, 'm', true],
      ['a required photo cannot be skipped', { ...all, ph: { type: 'skip' }, n: { type: 'skip' } }, 'ph', false],
      ['a skip on a pass/fail step is no answer', { ...all, p: { type: 'skip' }, n: { type: 'skip' } }, 'p', false],
    ];
    for (const [name, answers, next, finished] of cases) {
      expect({ name, next: nextStep(checklist, answers)?.id ?? null }).toEqual({ name, next });
      expect({ name, finished: isFinished(checklist, answers) }).toEqual({ name, finished });
    }
  });

  it('skips only an optional photo or note', () => {
    expect(checklist.steps.filter(isSkippable).map((s) => s.id)).toEqual(['n']);
    expect(evaluateStep(checklist.steps[4]!, { type: 'skip' })).toMatchObject({
      status: 'pass',
      detail: 'skipped (optional)',
    });
    expect(evaluateStep(checklist.steps[3]!, { type: 'skip' }).status).toBe('missing');
  });

  it('an answer of the wrong kind counts as missing', () => {
    expect(evaluateStep(measure, { type: 'pass' }).status).toBe('missing');
  });

  it('picks the product checklist over the category one, and the newest version', () => {
    const product = { ...checklist, id: 'p1', appliesTo: { productId: 'prod-1' } };
    const newer = { ...checklist, id: 'qc', version: 4 };
    expect(checklistFor([checklist, newer, product], 'prod-1', 'apparel')?.id).toBe('p1');
    expect(checklistFor([checklist, newer, product], 'prod-2', 'apparel')?.version).toBe(4);
    expect(checklistFor([checklist], 'prod-2', 'home')).toBeNull();
  });

  it('refuses a malformed checklist', () => {
    expect(checklistSchema.safeParse({ ...checklist, steps: [] }).success).toBe(false);
    expect(checklistSchema.safeParse({ ...checklist, sampling: { mode: 'nth', n: 0 } }).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { POLICY_SCHEMAS, type PolicyKind } from '#shared/policy/index';
import { decideDisposition, overrideNeedsSupervisor, type DispositionPolicy } from '#shared/policy/disposition';
import { calendarDays, recommendRefund, type RefundPolicy, type RefundItem } from '#shared/policy/refund';
import { goodAnswers, rubricProblem, walkRubric, type Rubric } from '#shared/policy/rubric';
import { DEMO_POLICIES } from '#shared/demo/policies';

function demo<K extends PolicyKind>(kind: K, id: string) {
  const entry = DEMO_POLICIES.find((p) => p.kind === kind && p.document.id === id);
  if (!entry) throw new Error(`no demo ${kind} ${id}`);
  return POLICY_SCHEMAS[kind].parse(entry.document) as never;
}

describe('the demo policies', () => {
  it('all parse against their schemas', () => {
    for (const { kind, document } of DEMO_POLICIES) {
      const parsed = POLICY_SCHEMAS[kind].safeParse(document);
      expect({
        kind,
        id: document.id,
        ok: parsed.success,
        error: parsed.success ? null : parsed.error.issues[0],
      }).toMatchObject({ ok: true });
    }
  });
  it('grade apparel, footwear, electronics and home goods', () => {
    const categories = DEMO_POLICIES.filter((p) => p.kind === 'rubric').map((p) => (p.document as Rubric).category);
    expect(categories.sort()).toEqual(['apparel', 'electronics', 'footwear', 'home']);
  });
});

describe('rubrics', () => {
  const electronics: Rubric = demo('rubric', 'grade-electronics');
  const apparel: Rubric = demo('rubric', 'grade-apparel');

  it.each<[string, Record<string, string>, string | null, string]>([
    ['nothing answered yet', {}, 'sealed', 'A'],
    ['sealed and perfect', { sealed: 'YES', accessories: 'YES', damage: 'NO' }, null, 'A'],
    ['opened: the functional test comes next', { sealed: 'NO' }, 'powers', 'B'],
    [
      'opened, works, complete, perfect: open box',
      { sealed: 'NO', powers: 'YES', accessories: 'YES', damage: 'NO' },
      null,
      'B',
    ],
    ['opened, dead: parts', { sealed: 'NO', powers: 'NO', accessories: 'YES', damage: 'NO' }, null, 'D'],
    [
      'the worst cap wins: missing accessory then major damage',
      { sealed: 'YES', accessories: 'NO', damage: 'MAJOR' },
      null,
      'F',
    ],
    ['an answer off the path is ignored', { sealed: 'YES', powers: 'NO', accessories: 'YES', damage: 'NO' }, null, 'A'],
  ])('electronics: %s', (_name, answers, next, grade) => {
    const state = walkRubric(electronics, answers);
    expect({ next: state.next, grade: state.grade }).toEqual({ next, grade });
  });

  it('branches: heavy wear ends the apparel rubric at F and asks for a photo', () => {
    const state = walkRubric(apparel, { tags: 'YES', worn: 'HEAVY' });
    expect(state).toMatchObject({ next: null, grade: 'F', photosRequired: ['worn'] });
  });

  it('answers a whole rubric "all good" in one go, from any point', () => {
    expect(walkRubric(apparel, goodAnswers(apparel))).toMatchObject({ next: null, grade: 'A', photosRequired: [] });
    const partly = goodAnswers(apparel, { tags: 'NO' });
    expect(walkRubric(apparel, partly)).toMatchObject({ next: null, grade: 'B' });
  });

  it('refuses a rubric that loops, leads nowhere, or has no good answer', () => {
    const base = {
      start: 'a',
      questions: [
        {
          id: 'a',
          text: { en: 'a', es: 'a' },
          answers: [
            { id: 'Y', label: { en: 'y', es: 'y' }, good: true, next: 'b' },
            { id: 'N', label: { en: 'n', es: 'n' } },
          ],
        },
      ],
    };
    expect(rubricProblem(base)).toMatch(/unknown question b/);
    const loop = {
      ...base,
      questions: [
        ...base.questions,
        {
          id: 'b',
          text: { en: 'b', es: 'b' },
          answers: [
            { id: 'Y', label: { en: 'y', es: 'y' }, good: true, next: 'a' },
            { id: 'N', label: { en: 'n', es: 'n' } },
          ],
        },
      ],
    };
    expect(rubricProblem(loop)).toMatch(/loops/);
    const noGood = {
      start: 'a',
      questions: [
        {
          id: 'a',
          text: { en: 'a', es: 'a' },
          answers: [
            { id: 'Y', label: { en: 'y', es: 'y' } },
            { id: 'N', label: { en: 'n', es: 'n' } },
          ],
        },
      ],
    };
    expect(rubricProblem(noGood)).toMatch(/exactly one good answer/);
  });
});

describe('dispositions', () => {
  const policy: DispositionPolicy = demo('disposition', 'disposition');

  it.each<[string, string, 'A' | 'B' | 'C' | 'D' | 'F', number, string, string]>([
    ['apparel as new', 'apparel', 'A', 4_999, 'restock', 'RS-01'],
    ['apparel open box, cheap', 'apparel', 'B', 4_999, 'liquidate', 'LQ-01'],
    ['apparel open box, at the value threshold', 'apparel', 'B', 5_000, 'restock', 'RS-OPENBOX'],
    ['apparel worn', 'apparel', 'C', 8_000, 'donate', 'DN-01'],
    ['home chipped: repair', 'home', 'C', 8_000, 'repair', 'RP-01'],
    ['home for parts', 'home', 'D', 2_000, 'liquidate', 'LQ-PARTS'],
    ['home broken', 'home', 'F', 2_000, 'dispose', 'DSP-01'],
    // A B grade in a category that never restocks opened goods.
    ['electronics open box is never restocked', 'electronics', 'B', 30_000, 'refurbish', 'RF-ELE'],
    ['electronics dead', 'electronics', 'D', 30_000, 'return_to_vendor', 'RTV-LL'],
    ['electronics destroyed', 'electronics', 'F', 30_000, 'recycle', 'WEEE'],
  ])('%s', (_name, category, grade, valueCents, action, bin) => {
    const decision = decideDisposition(policy, { category, grade, valueCents });
    expect({ action: decision.action, bin: decision.bin }).toEqual({ action, bin });
    expect(decision.explanation).toContain(policy.id);
  });

  it('says which rule decided', () => {
    expect(decideDisposition(policy, { category: 'apparel', grade: 'A', valueCents: 1 })).toMatchObject({
      rule: 4,
      version: 1,
    });
    expect(decideDisposition(policy, { category: 'home', grade: 'F', valueCents: 1 })).toMatchObject({ rule: null });
  });

  it.each<[string, 'A' | 'B' | 'C' | 'D' | 'F', number, string, boolean]>([
    ['restocking a C item', 'C', 1_000, 'restock', true],
    ['restocking a D item', 'D', 1_000, 'restock', true],
    ['restocking an F item', 'F', 1_000, 'restock', true],
    ['restocking a B item below the threshold', 'B', 15_000, 'restock', false],
    ['donating an item above the threshold', 'C', 15_001, 'donate', true],
    ['donating a cheap C item', 'C', 1_000, 'donate', false],
  ])('override: %s → supervisor %s', (_name, grade, valueCents, to, needed) => {
    expect(overrideNeedsSupervisor(policy, { category: 'home', grade, valueCents }, to as never)).toBe(needed);
  });
});

describe('refund recommendations', () => {
  const policy: RefundPolicy = demo('refund', 'refund');
  const DAY = 86_400_000;
  const delivered = Date.UTC(2026, 9, 1, 15, 0); // 1 October, 15:00
  const item = (overrides: Partial<RefundItem> = {}): RefundItem => ({
    sku: 'SKU-1',
    priceCents: 10_000,
    category: 'apparel',
    grade: 'A',
    reason: 'changed_mind',
    returnWindowDays: 30,
    ...overrides,
  });
  const base = { deliveredAt: delivered, receivedAt: delivered + 5 * DAY, shippingPaidCents: 495, openFlags: 0 };

  it('counts calendar days: the last day of the window is in, the next is out', () => {
    const lastDay = Date.UTC(2026, 9, 31, 23, 59); // day 30
    const dayAfter = Date.UTC(2026, 10, 1, 0, 1); // day 31
    expect(calendarDays(delivered, lastDay)).toBe(30);
    expect(recommendRefund(policy, { ...base, items: [item()], receivedAt: lastDay })).toMatchObject({
      status: 'recommended',
      totalCents: 10_000,
    });
    const late = recommendRefund(policy, { ...base, items: [item()], receivedAt: dayAfter });
    expect(late).toMatchObject({ status: 'outside_window', totalCents: 0 });
    expect(late.explanation[0]).toMatch(/outside its 30-day window \(day 31\)/);
  });

  it.each<[string, Partial<RefundItem>, number]>([
    ['grade A apparel, no fee', {}, 10_000],
    ['grade B apparel: 10 % off', { grade: 'B' }, 9_000],
    ['grade C: 35 % off', { grade: 'C' }, 6_500],
    ['grade F: nothing', { grade: 'F' }, 0],
    ['electronics: 15 % restocking fee', { category: 'electronics' }, 8_500],
    ['electronics grade B: 10 % then 15 %', { category: 'electronics', grade: 'B' }, 7_500],
    ['footwear: fixed fee 5.00', { category: 'footwear' }, 9_500],
    // The fee is larger than the price: the item refunds zero, never less.
    ['footwear fee larger than a 3.00 item', { category: 'footwear', priceCents: 300 }, 0],
    ['defective: no fee, no deduction', { category: 'electronics', grade: 'C', reason: 'defective' }, 10_000],
  ])('%s', (_name, overrides, itemCents) => {
    const result = recommendRefund(policy, { ...base, shippingPaidCents: 0, items: [item(overrides)] });
    expect(result.totalCents).toBe(itemCents);
    expect(result.lines.reduce((sum, line) => sum + line.cents, 0)).toBe(itemCents);
  });

  it('refunds shipping only when the brand was at fault (policy: fault_only)', () => {
    expect(recommendRefund(policy, { ...base, items: [item({ reason: 'wrong_item' })] }).totalCents).toBe(10_495);
    const customer = recommendRefund(policy, { ...base, items: [item()] });
    expect(customer.totalCents).toBe(10_000);
    expect(customer.explanation.at(-1)).toMatch(/Shipping not refunded/);
  });

  it('explains the fee cap on a cheap item', () => {
    const result = recommendRefund(policy, {
      ...base,
      shippingPaidCents: 0,
      items: [item({ category: 'footwear', priceCents: 300 })],
    });
    expect(result.explanation.join(' ')).toMatch(/capped/);
    expect(result.lines).toEqual([
      { label: 'SKU-1: price', cents: 300 },
      { label: 'SKU-1: restocking fee (5.00)', cents: -300 },
    ]);
  });

  it('holds the refund while a fraud flag is open', () => {
    const held = recommendRefund(policy, { ...base, items: [item()], openFlags: 1 });
    expect(held.status).toBe('on_hold');
    expect(held.totalCents).toBe(10_000);
    expect(held.explanation.at(-1)).toMatch(/On hold: 1 open fraud flag/);
  });

  it('recommends zero, not "outside the window", when nothing is refundable', () => {
    expect(recommendRefund(policy, { ...base, items: [] })).toMatchObject({ status: 'recommended', totalCents: 0 });
  });

  it('adds several items, each with its own window', () => {
    const result = recommendRefund(policy, {
      ...base,
      shippingPaidCents: 0,
      receivedAt: delivered + 20 * DAY,
      items: [item({ sku: 'A' }), item({ sku: 'B', category: 'electronics', returnWindowDays: 15 })],
    });
    expect(result).toMatchObject({ status: 'recommended', totalCents: 10_000 });
  });
});

import { describe, expect, it } from 'vitest';
import {
  evaluateFraud,
  fraudPolicySchema,
  type CaseFacts,
  type CaseItemFacts,
  type FraudPolicy,
} from '#shared/policy/fraud';
import { DEMO_POLICIES } from '#shared/demo/policies';

const policy: FraudPolicy = fraudPolicySchema.parse(DEMO_POLICIES.find((p) => p.kind === 'fraud')!.document);
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22);

const item = (overrides: Partial<CaseItemFacts> = {}): CaseItemFacts => ({
  itemNo: 1,
  sku: 'NW-APP-0001',
  category: 'apparel',
  valueCents: 5_000,
  match: 'matched',
  serial: null,
  expectedSerial: null,
  reason: 'too_small',
  answers: { tags: 'YES', worn: 'NO' },
  ...overrides,
});

const facts = (overrides: Partial<CaseFacts> = {}): CaseFacts => ({
  now: NOW,
  items: [item()],
  customer: { ordersCount: 10, returnsCount: 0, returnsValueCents: 0 },
  localHistory: [],
  ordersInPeriod: 10,
  accountsAtAddress: 1,
  weight: null,
  daysSinceDelivery: 5,
  windowDays: 30,
  refundCents: 5_000,
  orderValueCents: 5_000,
  ...overrides,
});

const types = (f: CaseFacts): string[] => evaluateFraud(policy, f).flags.map((flag) => flag.type);

describe('fraud rules (demo policy)', () => {
  it('raises nothing on an ordinary return', () => {
    expect(evaluateFraud(policy, facts())).toEqual({ score: 0, flags: [] });
  });

  /** Returns closed at this station `days` ago, 50.00 each, for no reason. */
  const closed = (...days: number[]): CaseFacts['localHistory'] =>
    days.map((d) => ({ closedAt: NOW - d * DAY, valueCents: 5_000, reasons: [] }));
  /** The same, 100.00 each: three of them reach the value threshold without the counters. */
  const closedDear = (...days: number[]): CaseFacts['localHistory'] =>
    closed(...days).map((r) => ({ ...r, valueCents: 10_000 }));

  it.each<[string, Partial<CaseFacts>, boolean]>([
    // Period 90 days; minReturns 4, value ≥ 300.00, rate ≥ 50 % — this return (50.00) included in each.
    [
      '3 earlier returns, 250.00 + 50.00, 4 returns for 8 orders in the period: at every threshold',
      {
        customer: { ordersCount: 40, returnsCount: 3, returnsValueCents: 25_000 },
        localHistory: closed(1, 2, 3),
        ordersInPeriod: 8,
      },
      true,
    ],
    [
      '2 earlier returns: one short',
      {
        customer: { ordersCount: 6, returnsCount: 2, returnsValueCents: 30_000 },
        localHistory: closed(1, 2),
        ordersInPeriod: 4,
      },
      false,
    ],
    [
      'value 249.99 + 50.00: one cent short',
      {
        customer: { ordersCount: 8, returnsCount: 3, returnsValueCents: 24_999 },
        localHistory: closed(1, 2, 3),
        ordersInPeriod: 8,
      },
      false,
    ],
    [
      '4 returns for 9 orders in the period: rate just under 50 %',
      {
        customer: { ordersCount: 9, returnsCount: 3, returnsValueCents: 30_000 },
        localHistory: closed(1, 2, 3),
        ordersInPeriod: 9,
      },
      false,
    ],
    [
      'the rate is over the period, not the lifetime: 11 of 12 orders ever, 1 return for 4 orders in the period',
      { customer: { ordersCount: 12, returnsCount: 10, returnsValueCents: 150_000 }, ordersInPeriod: 4 },
      false,
    ],
    [
      'the same counters, 1 return for 2 orders in the period: 50 %',
      { customer: { ordersCount: 12, returnsCount: 10, returnsValueCents: 150_000 }, ordersInPeriod: 2 },
      true,
    ],
    [
      'no order in the period (this return is of an older one): nothing dilutes the rate',
      { customer: { ordersCount: 12, returnsCount: 10, returnsValueCents: 150_000 }, ordersInPeriod: 0 },
      true,
    ],
    [
      'local history counts when the counters lag (sync not yet arrived)',
      {
        customer: { ordersCount: 4, returnsCount: 0, returnsValueCents: 0 },
        localHistory: closedDear(1, 2, 3),
        ordersInPeriod: 4,
      },
      true,
    ],
    [
      'a return closed on the 90th day counts in the period, its rate included',
      {
        customer: { ordersCount: 4, returnsCount: 0, returnsValueCents: 0 },
        localHistory: closedDear(1, 2, 90),
        ordersInPeriod: 8,
      },
      true,
    ],
    [
      'local history outside the 90-day period does not count',
      {
        customer: { ordersCount: 4, returnsCount: 0, returnsValueCents: 0 },
        localHistory: closedDear(1, 2, 91),
        ordersInPeriod: 4,
      },
      false,
    ],
  ])('serial returner: %s', (_name, overrides, fires) => {
    expect(types(facts(overrides)).includes('serial_returner')).toBe(fires);
  });

  it('counts this return in the serial returner figures it explains, the rate over the period', () => {
    const flag = evaluateFraud(
      policy,
      facts({
        customer: { ordersCount: 40, returnsCount: 3, returnsValueCents: 25_000 },
        localHistory: closed(1, 2, 3),
        ordersInPeriod: 8,
      }),
    ).flags.find((f) => f.type === 'serial_returner')!;
    expect(flag.explanation).toBe(
      'This customer has returned 4 times (300.00 in value); in the last 90 days 4 return(s) for 8 order(s), 50 %.',
    );
    expect(flag.evidence).toEqual({
      returns: 4,
      valueCents: 30_000,
      periodDays: 90,
      periodReturns: 4,
      periodOrders: 8,
      rate: 0.5,
    });
  });

  it.each<[string, Partial<CaseItemFacts>, boolean]>([
    ['a SKU that was not in the order', { match: 'wrong_item' }, true],
    ['a serial that is not the one shipped', { serial: 'SN-2', expectedSerial: 'SN-1' }, true],
    ['the serial that was shipped', { serial: 'SN-1', expectedSerial: 'SN-1' }, false],
    ['an extra item from the same order', { match: 'extra' }, false],
    ['no serial recorded at packing', { serial: 'SN-9', expectedSerial: null }, false],
  ])('item swap: %s', (_name, overrides, fires) => {
    expect(types(facts({ items: [item(overrides)] })).includes('item_swap')).toBe(fires);
  });

  it.each<[string, CaseFacts['weight'], string | null]>([
    ['much lighter: empty box', { grams: 150, packedGrams: 900, outcome: 'fail' }, 'empty_box'],
    ['much heavier: something else inside', { grams: 2000, packedGrams: 900, outcome: 'fail' }, 'weight_mismatch'],
    ['within the warning band', { grams: 860, packedGrams: 900, outcome: 'warn' }, null],
    ['no outbound weight to compare', { grams: 150, packedGrams: null, outcome: null }, null],
  ])('weight: %s', (_name, weight, type) => {
    const found = types(facts({ weight })).filter((t) => t === 'empty_box' || t === 'weight_mismatch');
    expect(found).toEqual(type ? [type] : []);
  });

  it.each<[string, Partial<CaseItemFacts>, boolean]>([
    ['tags off and light wear on an 80.00 jacket', { valueCents: 8_000, answers: { tags: 'NO', worn: 'LIGHT' } }, true],
    ['same at 79.99: under the value', { valueCents: 7_999, answers: { tags: 'NO', worn: 'LIGHT' } }, false],
    ['tags on, worn', { valueCents: 20_000, answers: { tags: 'YES', worn: 'HEAVY' } }, false],
    ['tags off, not worn', { valueCents: 20_000, answers: { tags: 'NO', worn: 'NO' } }, false],
    ['home goods never count', { category: 'home', valueCents: 20_000, answers: { tags: 'NO', worn: 'HEAVY' } }, false],
  ])('wardrobing: %s', (_name, overrides, fires) => {
    expect(types(facts({ items: [item(overrides)] })).includes('wardrobing')).toBe(fires);
  });

  it.each<[number, boolean]>([
    [33, false], // 30-day window + 3 days grace
    [34, true],
  ])('outside the window: day %i → %s', (days, fires) => {
    expect(types(facts({ daysSinceDelivery: days })).includes('outside_window')).toBe(fires);
  });

  it.each<[number, boolean]>([
    [49_999, false],
    [50_000, true],
  ])('high value: %i cents → %s', (valueCents, fires) => {
    expect(
      types(facts({ items: [item({ valueCents })], refundCents: 0, orderValueCents: null })).includes('high_value'),
    ).toBe(fires);
  });

  it.each<[number, boolean]>([
    [1, false], // this return is the 2nd "too small"
    [2, true], // the 3rd
  ])('repeated reason: %i earlier → %s', (earlier, fires) => {
    const localHistory = Array.from({ length: earlier }, (_, i) => ({
      closedAt: NOW - (i + 1) * DAY,
      valueCents: 100,
      reasons: ['too_small'],
    }));
    expect(types(facts({ localHistory })).includes('repeated_reason')).toBe(fires);
  });

  it.each<[number, boolean]>([
    [180, true], // the 180-day period includes its last day
    [181, false],
  ])('repeated reason: the older of 2 earlier "too small" %i days ago → %s', (days, fires) => {
    const localHistory = [1, days].map((d) => ({ closedAt: NOW - d * DAY, valueCents: 100, reasons: ['too_small'] }));
    expect(policy.repeatedReason.periodDays).toBe(180);
    expect(types(facts({ localHistory })).includes('repeated_reason')).toBe(fires);
  });

  it.each<[number, boolean]>([
    [2, false],
    [3, true],
  ])('shared address: %i accounts → %s', (accountsAtAddress, fires) => {
    expect(types(facts({ accountsAtAddress })).includes('shared_address')).toBe(fires);
  });

  it.each<[number, boolean]>([
    [5_000, false],
    [5_001, true],
  ])('refund anomaly: refund %i on a 5000 order → %s', (refundCents, fires) => {
    expect(types(facts({ refundCents })).includes('refund_anomaly')).toBe(fires);
  });

  it('gives each flag its share of the score and explains it with the numbers', () => {
    const result = evaluateFraud(
      policy,
      facts({
        items: [item({ match: 'wrong_item' })],
        accountsAtAddress: 4,
        weight: { grams: 100, packedGrams: 800, outcome: 'fail' },
      }),
    );
    // high 6 (swap) + medium 3 (address) + high 6 (empty box) = 15
    expect(result.score).toBe(15);
    expect(Object.fromEntries(result.flags.map((f) => [f.type, f.share]))).toEqual({
      item_swap: 0.4,
      empty_box: 0.4,
      shared_address: 0.2,
    });
    expect(result.flags.find((f) => f.type === 'empty_box')!.explanation).toBe(
      'The parcel weighs 100 g; it left weighing 800 g.',
    );
    expect(result.flags.every((f) => f.rule.startsWith('fraud@1:'))).toBe(true);
  });
});

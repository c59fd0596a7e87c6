import { describe, expect, it } from 'vitest';
import { checkWeight, DEFAULT_WEIGHT_TOLERANCE } from '#shared/policy/weight';

const T = DEFAULT_WEIGHT_TOLERANCE; // warn beyond max(20 g, 3 %), fail beyond max(60 g, 8 %)

describe('weight check', () => {
  it.each<[string, number, number, 'pass' | 'warn' | 'fail']>([
    ['exact', 500, 500, 'pass'],
    ['light parcel: 20 g absolute allowance, at the limit', 300, 320, 'pass'],
    ['light parcel: 21 g over', 300, 321, 'warn'],
    ['light parcel: 60 g under is still a warning', 300, 240, 'warn'],
    ['light parcel: 61 g under fails (an item missing)', 300, 239, 'fail'],
    ['heavy parcel: 3 % of 10 kg is 300 g, at the limit', 10_000, 10_300, 'pass'],
    ['heavy parcel: 301 g over warns', 10_000, 10_301, 'warn'],
    ['heavy parcel: 8 % of 10 kg is 800 g, at the limit', 10_000, 9_200, 'warn'],
    ['heavy parcel: 801 g under fails', 10_000, 9_199, 'fail'],
    ['empty box', 1_200, 180, 'fail'],
    ['decimal grams', 250.4, 270.4, 'pass'],
  ])('%s', (_name, expected, actual, outcome) => {
    expect(checkWeight(expected, actual, T).outcome).toBe(outcome);
  });

  it('explains itself with the numbers', () => {
    const check = checkWeight(1_200, 180, T);
    expect(check.differenceGrams).toBe(-1_020);
    expect(check.failAllowanceGrams).toBe(96);
    expect(check.explanation).toBe('180 g is 1020 g lighter than the expected 1200 g (limit beyond 96 g).');
  });

  it('never fails inside the warn band when fail is configured tighter than warn', () => {
    const odd = { warnGrams: 50, warnPercent: 0, failGrams: 10, failPercent: 0 };
    expect(checkWeight(100, 140, odd).outcome).toBe('pass');
    expect(checkWeight(100, 151, odd).outcome).toBe('fail');
  });
});

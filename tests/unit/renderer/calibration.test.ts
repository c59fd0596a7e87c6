import { describe, expect, it } from 'vitest';
import { CALIBRATION_CODE } from '#shared/barcode/calibration';
import { calibrate, calibratedSettings } from '../../../src/renderer/src/scan/calibration';
import type { WedgeScan } from '../../../src/renderer/src/scan/wedge-engine';

function sample(raw: string, gaps: number[], terminator: 'enter' | 'tab' = 'enter'): WedgeScan {
  return { code: raw, raw, symbology: null, terminator, startedAt: 0, endedAt: 0, gapsMs: gaps, handlerGapsMs: gaps };
}

const N = CALIBRATION_CODE.length;

describe('wedge scanner calibration', () => {
  it('learns a fast scanner: a tight threshold, no problems', () => {
    const result = calibrate([sample(CALIBRATION_CODE, Array<number>(N).fill(2))])!;
    expect(result).toMatchObject({
      avgMsPerChar: 2,
      maxGapMs: 2,
      maxInterKeyMs: 30,
      prefix: '',
      suffix: '',
      aim: false,
    });
    expect(result.problems).toEqual([]);
  });

  it('learns a slow Zebra (80 ms, peaks at 100) from three scans, and warns it is slower than people type', () => {
    const gaps = (peak: number) => Array.from({ length: N }, (_, i) => (i === 5 ? peak : 80));
    const result = calibrate([
      sample(CALIBRATION_CODE, gaps(95)),
      sample(CALIBRATION_CODE, gaps(100)),
      sample(CALIBRATION_CODE, gaps(90)),
    ])!;
    expect(result.maxGapMs).toBe(100);
    expect(result.maxInterKeyMs).toBe(130);
    expect(result.problems).toEqual(['slow_scanner']);
  });

  it('finds the prefix, the AIM id and the suffix around the code, and the Tab terminator', () => {
    const result = calibrate([sample(`#]C0${CALIBRATION_CODE}*`, Array<number>(N + 5).fill(10), 'tab')])!;
    expect(result).toMatchObject({ prefix: '#', suffix: '*', aim: true, terminator: 'tab', problems: [] });
    expect(calibratedSettings(result, 1234.5)).toMatchObject({
      prefix: '#',
      suffix: '*',
      terminator: 'tab',
      maxInterKeyMs: 30,
      calibration: { at: 1235, scans: 1, aim: true, terminator: 'tab' },
    });
  });

  it('tells a wrong scanner layout and Caps Lock emulation apart', () => {
    const azerty = calibrate([sample('Cql)àç:Qw/q8ù:W_', Array<number>(N).fill(5))])!;
    expect(azerty.problems).toContain('layout_mismatch');
    const inverted = calibrate([sample('cAL-09:aZ/Q_@w8', Array<number>(N).fill(5))])!;
    expect(inverted.problems).toEqual(['case_inverted']);
  });

  it('needs a scan', () => {
    expect(calibrate([])).toBeNull();
  });
});

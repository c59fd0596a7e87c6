import { describe, expect, it } from 'vitest';
import { CALIBRATION_CODE } from '#shared/barcode/calibration';
import { SCANNER_LAYOUTS, type ScannerLayout } from '#shared/domain/settings';
import { calibrate, calibratedSettings } from '../../../src/renderer/src/scan/calibration';
import { charOf, keyFor } from '../../../src/renderer/src/scan/keymap';
import type { WedgeScan } from '../../../src/renderer/src/scan/wedge-engine';

function sample(raw: string, gaps: number[], terminator: 'enter' | 'tab' = 'enter'): WedgeScan {
  const keys = [...raw].map((c) => keyFor(c, 'us'));
  return {
    code: raw,
    raw,
    symbology: null,
    keys,
    terminator,
    startedAt: 0,
    endedAt: 0,
    gapsMs: gaps,
    handlerGapsMs: gaps,
  };
}

/** A scan of `text` by a scanner programmed for `scanner`, as a station set to `station` read it. */
function sampleFrom(text: string, scanner: ScannerLayout, station: ScannerLayout): WedgeScan {
  const keys = [...text].map((c) => keyFor(c, scanner)!);
  const raw = keys.map((k) => charOf(k, station) ?? '\uFFFD').join('');
  const gaps = Array<number>(text.length).fill(5);
  return {
    code: raw,
    raw,
    symbology: null,
    keys,
    terminator: 'enter',
    startedAt: 0,
    endedAt: 0,
    gapsMs: gaps,
    handlerGapsMs: gaps,
  };
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

  it('finds the layout the scanner is programmed for, and applying sets it (with prefix, AIM id, suffix)', () => {
    const result = calibrate([sampleFrom(`#]C0${CALIBRATION_CODE}@`, 'de', 'us')], CALIBRATION_CODE, 'us')!;
    expect(result).toMatchObject({ layout: 'de', layoutChanged: true, prefix: '#', suffix: '@', aim: true });
    expect(result.problems).toEqual([]);
    expect(calibratedSettings(result, 0)).toMatchObject({ layout: 'de', prefix: '#', suffix: '@' });
  });

  it('keeps the current layout when the barcode reads right under it', () => {
    const result = calibrate([sampleFrom(CALIBRATION_CODE, 'fr', 'fr')], CALIBRATION_CODE, 'fr')!;
    expect(result).toMatchObject({ layout: 'fr', layoutChanged: false, problems: [] });
  });

  // The calibration barcode tells every pair of layouts apart: its keys under one layout never
  // read as its text under another, so the layout found is the scanner's, whatever the station's.
  for (const scanner of SCANNER_LAYOUTS) {
    it(`finds a ${scanner} scanner whatever the station is set to`, () => {
      for (const station of SCANNER_LAYOUTS) {
        const keys = [...CALIBRATION_CODE].map((c) => keyFor(c, scanner)!);
        for (const other of SCANNER_LAYOUTS.filter((l) => l !== scanner)) {
          expect(keys.map((k) => charOf(k, other) ?? '?').join('')).not.toBe(CALIBRATION_CODE);
        }
        const result = calibrate([sampleFrom(CALIBRATION_CODE, scanner, station)], CALIBRATION_CODE, station)!;
        expect([result.layout, result.layoutChanged, result.problems]).toEqual([scanner, scanner !== station, []]);
      }
    });
  }

  it('needs a scan', () => {
    expect(calibrate([])).toBeNull();
  });
});

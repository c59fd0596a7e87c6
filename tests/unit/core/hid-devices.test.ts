import { describe, expect, it } from 'vitest';
import { parseScannerReport, ScannerReportJoiner, scannerReports } from '../../../src/core/devices/hid-pos';
import {
  decimalText,
  parseScaleReport,
  roundGrams,
  ScaleReader,
  scaleReport,
  type ScaleReading,
} from '../../../src/core/devices/scale';

const GS = '\x1d';

/** A 64-byte scanned-data report laid out by hand, as the research note describes it. */
function report(bytes: Record<number, number>, text = '', at = 5): Buffer {
  const buffer = Buffer.alloc(64);
  for (const [index, value] of Object.entries(bytes)) buffer[Number(index)] = value;
  buffer.write(text, at, 'latin1');
  return buffer;
}

describe('HID POS scanner reports (recorded layouts)', () => {
  it('reads a single report: report id 2, length, AIM id, data', () => {
    const single = report({ 0: 2, 1: 13, 2: 0x5d, 3: 0x45, 4: 0x30 }, '4006381333931');
    const joiner = new ScannerReportJoiner();
    expect(joiner.push(single, 0)).toEqual({ code: '4006381333931', symbology: 'E0' });
  });

  it('joins a code spread over three reports (continuation bit in byte 63)', () => {
    const code = `0109506000134352` + `10${'L'.repeat(18)}${GS}` + `21${'S'.repeat(20)}${GS}` + `91${'X'.repeat(80)}`;
    const reports = scannerReports(code, 'd2');
    expect(reports).toHaveLength(3);
    expect(reports.map((r) => r[63])).toEqual([1, 1, 0]);
    const joiner = new ScannerReportJoiner();
    expect(joiner.push(reports[0]!, 0)).toBeNull();
    expect(joiner.push(reports[1]!, 5)).toBeNull();
    expect(joiner.push(reports[2]!, 10)).toEqual({ code, symbology: 'd2' });
  });

  it('ignores a zero-length report, reports of other ids, and garbage; then reads the next scan whole', () => {
    const joiner = new ScannerReportJoiner();
    expect(joiner.push(report({ 0: 2, 1: 0 }), 0)).toBeNull(); // zero-length
    expect(joiner.push(report({ 0: 3, 1: 10 }, 'XXXXXXXXXX'), 1)).toBeNull(); // another report id
    expect(joiner.push(Buffer.from([2, 1]), 2)).toBeNull(); // too short
    expect(joiner.push(report({ 0: 2, 1: 200 }), 3)).toBeNull(); // impossible length
    expect(joiner.push(report({ 0: 2, 1: 8, 2: 0xff, 3: 0x13, 4: 0x99 }, 'GARBAGE!'), 4)).toBeNull(); // no AIM, no zeros
    expect(joiner.refused).toBe(4);
    const [next] = scannerReports('RMA-30001', 'C0');
    expect(joiner.push(next!, 5)).toEqual({ code: 'RMA-30001', symbology: 'C0' });
  });

  it('a zero-length report between the parts of a code neither ends it nor adds to it', () => {
    const code = `0109506000134352` + `10${'L'.repeat(18)}${GS}` + `21${'S'.repeat(20)}${GS}` + `91${'X'.repeat(80)}`;
    const reports = scannerReports(code, 'd2');
    const joiner = new ScannerReportJoiner();
    expect(joiner.push(reports[0]!, 0)).toBeNull();
    expect(joiner.push(report({ 0: 2, 1: 0 }), 1)).toBeNull(); // no continuation flag, no data
    expect(joiner.push(reports[1]!, 2)).toBeNull();
    expect(joiner.push(report({ 0: 2, 1: 0, 63: 1 }), 3)).toBeNull();
    expect(joiner.push(reports[2]!, 4)).toEqual({ code, symbology: 'd2' });
    expect(joiner.push(report({ 0: 2, 1: 0 }), 5)).toBeNull(); // after the scan: not a second one
  });

  it('a garbage report in the middle drops the half-read code instead of gluing two codes together', () => {
    const joiner = new ScannerReportJoiner();
    const [first] = scannerReports('A'.repeat(100), 'Q1');
    expect(joiner.push(first!, 0)).toBeNull();
    expect(joiner.push(report({ 0: 2, 1: 99 }), 1)).toBeNull();
    const [whole] = scannerReports('NW10001', null);
    expect(joiner.push(whole!, 2)).toEqual({ code: 'NW10001', symbology: null });
  });

  it('drops a continuation that never came (unplugged mid-code) once the next scan is late', () => {
    const joiner = new ScannerReportJoiner(1000);
    const [first] = scannerReports('B'.repeat(70), 'C0');
    joiner.push(first!, 0);
    const [next] = scannerReports('TOTE-104', 'C0');
    expect(joiner.push(next!, 5000)).toEqual({ code: 'TOTE-104', symbology: 'C0' });
  });

  it('finds the AIM id one byte later on devices with an extra byte; strips a trailing CR; keeps GS', () => {
    const [shifted] = scannerReports(`01095060001343521${'0'}ABC${GS}21X\r`, 'C1', { extraByte: true });
    expect(parseScannerReport(shifted!)).toMatchObject({ ok: true, report: { aim: 'C1' } });
    expect(new ScannerReportJoiner().push(shifted!, 0)).toEqual({
      code: `0109506000134352` + `10ABC${GS}21X`,
      symbology: 'C1',
    });
  });

  it('reads AIM ids off (zeros) as no symbology, and UTF-8 data as UTF-8', () => {
    const [plain] = scannerReports('Ærøskøbing-42');
    expect(new ScannerReportJoiner().push(plain!, 0)).toEqual({ code: 'Ærøskøbing-42', symbology: null });
  });
});

describe('USB scale reports (page 0x8D)', () => {
  it.each<[string, number[], string, string, number | null]>([
    // node-hid#286, decoded with a signed exponent: 1135 × 10^-1 oz.
    ['ounces, exponent −1 (Stamps.com 70 lb)', [3, 4, 11, 0xff, 111, 4], 'stable', '113.5 oz', 3218],
    // Fairbanks: 785 × 10^-2 lb = 7.85 lb, which only a signed exponent gives.
    ['pounds, exponent −2 (Fairbanks)', [3, 4, 12, 0xfe, 17, 3], 'stable', '7.85 lb', 3561],
    ['grams, exponent 0 (DYMO M25)', [3, 4, 2, 0, 0xd2, 0x04], 'stable', '1234 g', 1234],
    ['kilograms, exponent −3', [3, 4, 3, 0xfd, 0x39, 0x30], 'stable', '12.345 kg', 12345],
    ['stable at zero', [3, 2, 2, 0, 0, 0], 'zero', '0 g', 0],
    ['in motion: a weight, not stable', [3, 3, 2, 0, 100, 0], 'motion', '100 g', 100],
    ['under zero', [3, 5, 2, 0, 0, 0], 'under_zero', '0 g', null],
    ['over weight', [3, 6, 12, 0xff, 0xff, 0xff], 'over_weight', '6553.5 lb', null],
    ['fault', [3, 1, 2, 0, 0, 0], 'fault', '0 g', null],
    ['needs calibration', [3, 7, 2, 0, 0, 0], 'calibrate', '0 g', null],
    ['needs re-zeroing', [3, 8, 2, 0, 0, 0], 'rezero', '0 g', null],
  ])('%s', (_name, bytes, status, display, grams) => {
    const parsed = parseScaleReport(Uint8Array.from(bytes));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.report.status).toBe(status);
    expect(`${parsed.report.display} ${parsed.report.unit}`).toBe(display);
    expect(parsed.report.exactGrams ? roundGrams(parsed.report.exactGrams) : null).toBe(grams);
  });

  it('converts exactly: 113.5 oz is 3217.6708746875 g (no float drift), 7.85 lb is 3560.7001045 g', () => {
    const oz = parseScaleReport(Uint8Array.from([3, 4, 11, 0xff, 111, 4]));
    const lb = parseScaleReport(Uint8Array.from([3, 4, 12, 0xfe, 17, 3]));
    expect(oz.ok && decimalText(oz.report.exactGrams!)).toBe('3217.6708746875');
    expect(lb.ok && decimalText(lb.report.exactGrams!)).toBe('3560.7001045');
  });

  it('rounds half away from zero', () => {
    expect(roundGrams({ mantissa: 25n, scale: 1 })).toBe(3);
    expect(roundGrams({ mantissa: 24n, scale: 1 })).toBe(2);
    expect(roundGrams({ mantissa: -25n, scale: 1 })).toBe(-3);
  });

  it('refuses an unknown unit (0, tael), another report id, and short reports', () => {
    expect(parseScaleReport(Uint8Array.from([3, 4, 0, 0, 1, 0]))).toEqual({ ok: false, reason: 'unknown_unit' });
    expect(parseScaleReport(Uint8Array.from([3, 4, 5, 0, 1, 0]))).toEqual({ ok: false, reason: 'unknown_unit' });
    expect(parseScaleReport(Uint8Array.from([2, 4, 2, 0, 1, 0]))).toEqual({ ok: false, reason: 'other_report' });
    expect(parseScaleReport(Uint8Array.from([3, 4]))).toEqual({ ok: false, reason: 'garbage' });
  });
});

describe('scale readings at the bench', () => {
  function feed(reader: ScaleReader, reports: Buffer[]): (ScaleReading | null)[] {
    return reports.map((r, i) => reader.push(r, i));
  }

  it('ignores the stale first report after opening, and counts only stable, repeated readings', () => {
    const reader = new ScaleReader({ stableReports: 2 });
    const out = feed(reader, [
      scaleReport(4, 2, 0, 999), // stale: what the scale held before
      scaleReport(3, 2, 0, 480), // in motion
      scaleReport(4, 2, 0, 500), // stable once
      scaleReport(4, 2, 0, 500), // stable twice: counts
    ]);
    expect(out[0]).toBeNull();
    expect(out.slice(1).map((r) => r && [r.status, r.stable, r.grams])).toEqual([
      ['motion', false, 480],
      ['stable', false, 500],
      ['stable', true, 500],
    ]);
  });

  it('zeroes and tares in software, on stable readings only', () => {
    const reader = new ScaleReader({ stableReports: 1 });
    feed(reader, [scaleReport(4, 2, 0, 0), scaleReport(3, 2, 0, 40)]);
    expect(reader.zero()).toBe(false); // in motion: refused
    feed(reader, [scaleReport(4, 2, 0, 40)]); // the platform reads 40 g empty
    expect(reader.zero()).toBe(true);
    expect(reader.reading?.grams).toBe(0);
    feed(reader, [scaleReport(4, 2, 0, 190)]); // a 150 g box
    expect(reader.reading?.grams).toBe(150);
    expect(reader.tare()).toBe(true);
    feed(reader, [scaleReport(4, 2, 0, 1190)]); // 1 kg in the box
    expect(reader.reading).toMatchObject({ grams: 1000, grossGrams: 1190, tareGrams: 150 });
    reader.clearTare();
    expect(reader.reading?.grams).toBe(1150);
  });

  it('tares across units exactly: a tare taken in oz applies to a reading in lb', () => {
    const reader = new ScaleReader({ stableReports: 1 });
    feed(reader, [scaleReport(4, 11, 0xff, 0), scaleReport(4, 11, 0xff, 10)]); // 1.0 oz
    expect(reader.tare()).toBe(true);
    feed(reader, [scaleReport(4, 12, 0xfe, 100)]); // 1.00 lb = 453.59237 g; minus 28.349523125 g
    expect(reader.reading?.grams).toBe(425);
  });
});

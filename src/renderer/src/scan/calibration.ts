import { CALIBRATION_CODE } from '#shared/barcode/calibration';
import { splitAim } from '#shared/barcode/aim';
import {
  SCANNER_LAYOUTS,
  type ScannerCalibration,
  type ScannerLayout,
  type ScannerSettings,
} from '#shared/domain/settings';
import { charOf } from './keymap';
import type { WedgeScan } from './wedge-engine';

/** Bounds of a learnt threshold: above 30 ms (USB polling jitter), below the schema's 300 ms. */
const MIN_THRESHOLD_MS = 30;
const MAX_THRESHOLD_MS = 300;
/** People type faster than this at their quickest; a threshold above it needs a prefix or suffix to stay safe. */
export const HUMAN_TYPING_MS = 120;

export type CalibrationProblem =
  /** The scanner types other characters than the barcode holds, under every layout the station knows. */
  | 'layout_mismatch'
  /** Capitals came out small and small ones capital: the scanner emulates Caps Lock. */
  | 'case_inverted'
  /** Slower than a person types at their fastest: set a prefix or a suffix. */
  | 'slow_scanner';

export type CalibrationResult = {
  scans: number;
  avgMsPerChar: number;
  maxGapMs: number;
  /** The threshold to set: the slowest gap seen, with margin. */
  maxInterKeyMs: number;
  terminator: 'enter' | 'tab';
  prefix: string;
  suffix: string;
  aim: boolean;
  /**
   * The layout the scanner is programmed for: the station's when the barcode reads right under
   * it, else the one under which the same keys read right (the current one when none does).
   */
  layout: ScannerLayout;
  /** `layout` is not the station's current setting: applying the calibration changes it. */
  layoutChanged: boolean;
  /** What the scanner typed, without prefix, suffix and AIM id. */
  read: string;
  problems: CalibrationProblem[];
};

/**
 * What test scans of the calibration barcode say about a wedge scanner: how fast it types (the
 * threshold is the slowest gap seen × 1.2 + 10 ms, so peaks still pass), its terminator, the
 * prefix and suffix it adds around the code, whether it sends AIM ids, the keyboard layout it is
 * programmed for (the keys of a scan that reads wrong under `current` are decoded again under
 * every other layout), and whether it types the barcode's text exactly (Caps Lock emulation, or
 * a layout the station does not know, shows as a mismatch).
 */
export function calibrate(
  samples: readonly WedgeScan[],
  expected: string = CALIBRATION_CODE,
  current: ScannerLayout = 'us',
): CalibrationResult | null {
  const last = samples.at(-1);
  if (!last) return null;
  const gaps = samples.flatMap((s) => s.gapsMs.slice(0, -1));
  const allGaps = samples.flatMap((s) => s.gapsMs);
  const maxGapMs = Math.max(0, ...allGaps);
  const avgMsPerChar = gaps.length > 0 ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0;
  const maxInterKeyMs = Math.round(Math.min(MAX_THRESHOLD_MS, Math.max(MIN_THRESHOLD_MS, maxGapMs * 1.2 + 10)));

  // The layout under which the barcode's text reads right, and where it sits in what the
  // scanner typed: around it, prefix (with an AIM id at its end, when sent) and suffix.
  const found = locate(last, expected, current);
  const problems: CalibrationProblem[] = [];
  const raw = found?.raw ?? last.raw;
  const layout = found?.layout ?? current;
  const at = found?.at ?? -1;
  let read = found?.text ?? expected;
  if (found && found.text !== expected) problems.push('case_inverted');
  let prefix = '';
  let suffix = '';
  let aim = false;
  if (at === -1) {
    problems.push('layout_mismatch');
    read = raw;
  } else {
    const before = raw.slice(0, at);
    const split = splitAimAtEnd(before);
    aim = split.aim;
    prefix = split.rest;
    suffix = raw.slice(at + expected.length);
  }
  if (maxInterKeyMs > HUMAN_TYPING_MS && !prefix && !suffix) problems.push('slow_scanner');
  return {
    scans: samples.length,
    avgMsPerChar: Math.round(avgMsPerChar * 10) / 10,
    maxGapMs: Math.round(maxGapMs * 10) / 10,
    maxInterKeyMs,
    terminator: last.terminator,
    prefix,
    suffix,
    aim,
    layout,
    layoutChanged: layout !== current,
    read,
    problems,
  };
}

/**
 * Finds the barcode's text in a scan: exactly first, then with the case of its letters swapped
 * (Caps Lock emulation); under the station's current layout first, then under each other one.
 */
function locate(
  scan: WedgeScan,
  expected: string,
  current: ScannerLayout,
): { raw: string; layout: ScannerLayout; at: number; text: string } | null {
  const layouts = [current, ...SCANNER_LAYOUTS.filter((l) => l !== current)];
  for (const text of [expected, swapCase(expected)]) {
    for (const layout of layouts) {
      const raw = layout === current ? scan.raw : redecode(scan, layout);
      const at = raw?.indexOf(text) ?? -1;
      if (raw && at !== -1) return { raw, layout, at, text };
    }
  }
  return null;
}

/** What the scan's keys give under another layout; null when some key gives nothing there. */
function redecode(scan: WedgeScan, layout: ScannerLayout): string | null {
  if (scan.keys.length !== scan.raw.length) return null;
  let out = '';
  for (const [index, key] of scan.keys.entries()) {
    const char = key ? charOf(key, layout) : scan.raw[index]!;
    if (char === null) return null;
    out += char;
  }
  return out;
}

/** The settings a calibration result sets. */
export function calibratedSettings(result: CalibrationResult, now: number): Partial<ScannerSettings> {
  const calibration: ScannerCalibration = {
    at: Math.round(now),
    scans: Math.min(20, result.scans),
    avgMsPerChar: Math.min(1000, result.avgMsPerChar),
    maxGapMs: Math.min(1000, result.maxGapMs),
    terminator: result.terminator,
    aim: result.aim,
  };
  return {
    maxInterKeyMs: result.maxInterKeyMs,
    terminator: result.terminator,
    prefix: result.prefix.slice(0, 8),
    suffix: result.suffix.slice(0, 8),
    layout: result.layout,
    calibration,
  };
}

function swapCase(text: string): string {
  return [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

function splitAimAtEnd(before: string): { aim: boolean; rest: string } {
  if (before.length >= 3) {
    const tail = before.slice(-3);
    if (splitAim(tail).aim) return { aim: true, rest: before.slice(0, -3) };
  }
  return { aim: false, rest: before };
}

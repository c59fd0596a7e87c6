import { CALIBRATION_CODE } from '#shared/barcode/calibration';
import { splitAim } from '#shared/barcode/aim';
import type { ScannerCalibration, ScannerSettings } from '#shared/domain/settings';
import type { WedgeScan } from './wedge-engine';

/** Bounds of a learnt threshold: above 30 ms (USB polling jitter), below the schema's 300 ms. */
const MIN_THRESHOLD_MS = 30;
const MAX_THRESHOLD_MS = 300;
/** People type faster than this at their quickest; a threshold above it needs a prefix or suffix to stay safe. */
export const HUMAN_TYPING_MS = 120;

export type CalibrationProblem =
  /** The scanner types other characters than the barcode holds: its keyboard layout is not US. */
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
  /** What the scanner typed, without prefix, suffix and AIM id. */
  read: string;
  problems: CalibrationProblem[];
};

/**
 * What test scans of the calibration barcode say about a wedge scanner: how fast it types (the
 * threshold is the slowest gap seen × 1.2 + 10 ms, so peaks still pass), its terminator, the
 * prefix and suffix it adds around the code, whether it sends AIM ids, and whether it types the
 * barcode's text exactly (a wrong layout or Caps Lock emulation shows as a mismatch).
 */
export function calibrate(
  samples: readonly WedgeScan[],
  expected: string = CALIBRATION_CODE,
): CalibrationResult | null {
  const last = samples.at(-1);
  if (!last) return null;
  const gaps = samples.flatMap((s) => s.gapsMs.slice(0, -1));
  const allGaps = samples.flatMap((s) => s.gapsMs);
  const maxGapMs = Math.max(0, ...allGaps);
  const avgMsPerChar = gaps.length > 0 ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0;
  const maxInterKeyMs = Math.round(Math.min(MAX_THRESHOLD_MS, Math.max(MIN_THRESHOLD_MS, maxGapMs * 1.2 + 10)));

  // Where the barcode's text sits in what the scanner typed: around it, prefix (with an AIM id
  // at its end, when sent) and suffix.
  const raw = last.raw;
  let at = raw.indexOf(expected);
  let read = expected;
  const problems: CalibrationProblem[] = [];
  if (at === -1) {
    const swapped = swapCase(expected);
    at = raw.indexOf(swapped);
    if (at !== -1) {
      problems.push('case_inverted');
      read = swapped;
    }
  }
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
    read,
    problems,
  };
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

/**
 * USB HID scales (HID Point of Sale Usage Tables, page 0x8D, "weighing devices"). The data
 * report, as node-hid hands it over (the report ID included):
 *
 *   byte 0   report ID (3; 4 accepted)
 *   byte 1   status: 1 fault · 2 stable at zero · 3 in motion · 4 stable · 5 under zero ·
 *            6 over weight · 7 needs calibration · 8 needs re-zeroing
 *   byte 2   unit: 1 mg · 2 g · 3 kg · 4 carat · 5 tael · 6 grain · 7 pennyweight ·
 *            8 metric ton · 9 avoirdupois ton · 10 troy ounce · 11 ounce · 12 pound
 *   byte 3   exponent, a *signed* byte: weight × 10^exponent (0xFF = −1: tenths)
 *   byte 4–5 weight, little-endian, unsigned
 *
 * Weights are converted exactly (decimal arithmetic on integers, never floats) and rounded to
 * whole grams half away from zero: 113.5 oz is 3 217.670 874 687 5 g exactly, recorded as 3 218 g.
 */

export const SCALE_USAGE_PAGE = 0x8d;

export const SCALE_STATUSES = [
  'fault',
  'zero',
  'motion',
  'stable',
  'under_zero',
  'over_weight',
  'calibrate',
  'rezero',
] as const;
export type ScaleStatus = (typeof SCALE_STATUSES)[number];

/** Units and their exact size in grams, as mantissa × 10^-scale. Tael has several definitions: refused. */
const UNITS: Record<number, { unit: string; mantissa: bigint; scale: number }> = {
  1: { unit: 'mg', mantissa: 1n, scale: 3 },
  2: { unit: 'g', mantissa: 1n, scale: 0 },
  3: { unit: 'kg', mantissa: 1000n, scale: 0 },
  4: { unit: 'ct', mantissa: 2n, scale: 1 },
  6: { unit: 'gr', mantissa: 6479891n, scale: 8 },
  7: { unit: 'dwt', mantissa: 155517384n, scale: 8 },
  8: { unit: 't', mantissa: 1_000_000n, scale: 0 },
  9: { unit: 'ton', mantissa: 90718474n, scale: 2 },
  10: { unit: 'ozt', mantissa: 311034768n, scale: 7 },
  // The international avoirdupois pound is 0.45359237 kg exactly; the ounce is a 16th of it.
  11: { unit: 'oz', mantissa: 28349523125n, scale: 9 },
  12: { unit: 'lb', mantissa: 45359237n, scale: 5 },
};

/** An exact decimal: mantissa × 10^-scale. */
export type Decimal = { mantissa: bigint; scale: number };

export type ScaleReport = {
  status: ScaleStatus;
  unit: string;
  /** The reading as the scale shows it: `113.5` (in `unit`). */
  display: string;
  /** The weight in grams, exact. Null when the status carries no weight (fault, motion…). */
  exactGrams: Decimal | null;
};

export type ScaleParse =
  { ok: true; report: ScaleReport } | { ok: false; reason: 'other_report' | 'unknown_unit' | 'garbage' };

/** Reads one scale data report. */
export function parseScaleReport(raw: Uint8Array): ScaleParse {
  if (raw.length < 6 || (raw[0] !== 3 && raw[0] !== 4))
    return { ok: false, reason: raw.length < 6 ? 'garbage' : 'other_report' };
  const statusByte = raw[1]!;
  if (statusByte < 1 || statusByte > 8) return { ok: false, reason: 'garbage' };
  const status = SCALE_STATUSES[statusByte - 1]!;
  const unit = UNITS[raw[2]!];
  if (!unit) return { ok: false, reason: 'unknown_unit' };
  const exponent = (raw[3]! << 24) >> 24; // signed byte
  const value = raw[4]! | (raw[5]! << 8);
  const display = decimalText({ mantissa: BigInt(value), scale: -exponent });
  const weighs = status === 'stable' || status === 'zero' || status === 'motion';
  const exactGrams = weighs ? toGrams(BigInt(value), exponent, unit) : null;
  return { ok: true, report: { status, unit: unit.unit, display, exactGrams } };
}

function toGrams(value: bigint, exponent: number, unit: { mantissa: bigint; scale: number }): Decimal {
  return normalise({ mantissa: value * unit.mantissa, scale: unit.scale - exponent });
}

function normalise(d: Decimal): Decimal {
  if (d.scale >= 0) return d;
  return { mantissa: d.mantissa * 10n ** BigInt(-d.scale), scale: 0 };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  const am = a.mantissa * 10n ** BigInt(scale - a.scale);
  const bm = b.mantissa * 10n ** BigInt(scale - b.scale);
  return { mantissa: am - bm, scale };
}

/** Whole grams, half away from zero. */
export function roundGrams(d: Decimal): number {
  const n = normalise(d);
  const divisor = 10n ** BigInt(n.scale);
  const negative = n.mantissa < 0n;
  const magnitude = negative ? -n.mantissa : n.mantissa;
  let whole = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor && divisor > 1n) whole += 1n;
  return Number(negative ? -whole : whole);
}

/** `{mantissa: 1135, scale: 1}` → `113.5`, exactly. */
export function decimalText(d: Decimal): string {
  const n = normalise(d);
  const negative = n.mantissa < 0n;
  const digits = (negative ? -n.mantissa : n.mantissa).toString().padStart(n.scale + 1, '0');
  const text = n.scale === 0 ? digits : `${digits.slice(0, -n.scale)}.${digits.slice(-n.scale)}`;
  return negative ? `-${text}` : text;
}

/** What the bench may use: a stable net weight, or why there is none. */
export type ScaleReading = {
  status: ScaleStatus;
  /** Only stable readings (status stable or zero, unchanged over `stableReports` reports). */
  stable: boolean;
  /** Net grams (gross minus software zero and tare), rounded; null without a weight. */
  grams: number | null;
  grossGrams: number | null;
  tareGrams: number;
  /** The scale's own display, e.g. `113.5 oz`. */
  display: string;
  at: number;
};

/**
 * One scale's readings: the stale first report after opening is ignored, a weight counts as
 * stable only when the scale says so and the same value came `stableReports` times in a row,
 * and zero and tare are done in software (many scales have no way to receive them; an offset
 * is reliable on all).
 */
export class ScaleReader {
  readonly #stableReports: number;
  #seen = 0;
  #last: ScaleReport | null = null;
  #same = 0;
  #zero: Decimal = { mantissa: 0n, scale: 0 };
  #tare: Decimal = { mantissa: 0n, scale: 0 };
  #reading: ScaleReading | null = null;
  /** Reports refused (unknown unit, garbage), for diagnosis. */
  refused = 0;

  constructor(options: { stableReports?: number } = {}) {
    this.#stableReports = options.stableReports ?? 2;
  }

  /** Feeds a report; returns the new reading when it changed what the bench sees. */
  push(raw: Uint8Array, now: number): ScaleReading | null {
    const parsed = parseScaleReport(raw);
    if (!parsed.ok) {
      if (parsed.reason !== 'other_report') this.refused++;
      return null;
    }
    this.#seen++;
    // The first report after opening may be what the scale held before: usbscale discards it too.
    if (this.#seen === 1) return null;
    const report = parsed.report;
    const same =
      this.#last !== null &&
      this.#last.status === report.status &&
      this.#last.display === report.display &&
      this.#last.unit === report.unit;
    this.#same = same ? this.#same + 1 : 1;
    this.#last = report;
    const stable = (report.status === 'stable' || report.status === 'zero') && this.#same >= this.#stableReports;
    const gross = report.exactGrams;
    const net = gross ? subtract(subtract(gross, this.#zero), this.#tare) : null;
    const reading: ScaleReading = {
      status: report.status,
      stable,
      grams: net ? roundGrams(net) : null,
      grossGrams: gross ? roundGrams(gross) : null,
      tareGrams: roundGrams(this.#tare),
      display: `${report.display} ${report.unit}`,
      at: now,
    };
    const previous = this.#reading;
    this.#reading = reading;
    const changed =
      !previous ||
      previous.status !== reading.status ||
      previous.stable !== reading.stable ||
      previous.grams !== reading.grams ||
      previous.display !== reading.display;
    return changed ? reading : null;
  }

  get reading(): ScaleReading | null {
    return this.#reading;
  }

  /** Software zero: what is on the platform now reads 0 (stable readings only). */
  zero(): boolean {
    const gross = this.#stableGross();
    if (!gross) return false;
    this.#zero = gross;
    this.#tare = { mantissa: 0n, scale: 0 };
    this.#recompute();
    return true;
  }

  /** Software tare: the container now on the platform is subtracted from what follows. */
  tare(): boolean {
    const gross = this.#stableGross();
    if (!gross) return false;
    this.#tare = subtract(gross, this.#zero);
    this.#recompute();
    return true;
  }

  clearTare(): void {
    this.#tare = { mantissa: 0n, scale: 0 };
    this.#recompute();
  }

  #stableGross(): Decimal | null {
    if (!this.#reading?.stable || !this.#last?.exactGrams) return null;
    return this.#last.exactGrams;
  }

  #recompute(): void {
    if (!this.#reading || !this.#last?.exactGrams) return;
    const net = subtract(subtract(this.#last.exactGrams, this.#zero), this.#tare);
    this.#reading = { ...this.#reading, grams: roundGrams(net), tareGrams: roundGrams(this.#tare) };
  }
}

/** A scale data report, for tests and the simulator. */
export function scaleReport(status: number, unit: number, exponent: number, value: number): Buffer {
  return Buffer.from([3, status, unit, exponent & 0xff, value & 0xff, (value >> 8) & 0xff]);
}

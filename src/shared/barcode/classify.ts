import { isGs1Symbology, splitAim, symbologyOf, type Symbology } from './aim';
import { parseTracking, type Tracking } from './carriers';
import { parseCommand, type Command } from './commands';
import { parseDigitalLink } from './digital-link';
import { GS, gs1Data, parseElementString, parseHri, type Gs1Data, type Gs1Error } from './gs1';
import { expandUpcE, gtinForm, gtinRange, isValidGtin, type GtinForm, type GtinRange } from './gtin';
import { DEFAULT_BARCODE_PATTERNS, matchPattern, type BarcodePatterns, type PatternKind } from './patterns';

/** What a scanned code is, read from its text alone (no database). */
export type Reading =
  | { kind: 'command'; command: Command }
  /** A GTIN (any length; UPC-E expanded), in its 14-digit form. */
  | { kind: 'gtin'; gtin: string; form: GtinForm | 'UPC-E'; range: GtinRange | null }
  /** GS1 element string (GS1-128, DataMatrix, QR, DataBar), HRI text, or a Digital Link URI. */
  | { kind: 'gs1'; data: Gs1Data; source: 'element_string' | 'hri' | 'digital_link'; warnings: string[] }
  /** An 18-digit SSCC without its AI. */
  | { kind: 'sscc'; sscc: string }
  | { kind: 'tracking'; tracking: Tracking }
  /** Looks like one of the company's own labels. */
  | { kind: 'pattern'; pattern: PatternKind }
  /** Meant to be something, and broken: a wrong check digit, a GS1 string that does not parse. */
  | { kind: 'invalid'; expected: 'gtin' | 'sscc' | 'gs1' | 'digital_link' | 'command'; reason: string }
  /** Nothing the bench knows the shape of. */
  | { kind: 'text' };

export type Classification = {
  /** The data, without an AIM identifier. */
  code: string;
  /** The AIM identifier without `]`, from the scanner or from the code's own start. */
  aim: string | null;
  symbology: Symbology | null;
  reading: Reading;
};

export type ClassifyOptions = {
  /** The AIM identifier the input reported (wedge, HID), without `]`. */
  symbology?: string | null | undefined;
  patterns?: BarcodePatterns;
  /** For the century of two-digit GS1 years; the current year by default. */
  referenceYear?: number;
};

const URI = /^https?:\/\//i;
const HRI = /^\(\d{2,4}\)/;

/**
 * Reads any scan — from a wedge, HID or camera scanner, or typed — into what it is, without a
 * database: commands, GTINs (check digit checked; UPC-E expanded; in-store, ISBN and coupon
 * ranges flagged), GS1 element strings from GS1 symbologies (or when the data starts with GS, or
 * is HRI text, or is digits that parse as GS1 behind AI 00/01/02), GS1 Digital Link URIs, bare
 * SSCCs, the company's own label patterns, carrier tracking numbers. What is none of those is
 * `text`; what tried to be one and failed (a wrong check digit) is `invalid` with the reason.
 * Never throws: every string gets a reading.
 */
export function classifyScan(raw: string, options: ClassifyOptions = {}): Classification {
  let aim = options.symbology ?? null;
  let code = raw;
  if (!aim) {
    const split = splitAim(raw);
    aim = split.aim;
    code = split.data;
  }
  const symbology = symbologyOf(aim);
  const reading = read(code, symbology, options);
  return { code, aim, symbology, reading };
}

function read(code: string, symbology: Symbology | null, options: ClassifyOptions): Reading {
  const patterns = options.patterns ?? DEFAULT_BARCODE_PATTERNS;
  const year = options.referenceYear;

  const command = parseCommand(code, patterns.commandPrefix);
  if (command) return { kind: 'command', command };
  if (code.toUpperCase().startsWith(patterns.commandPrefix.toUpperCase()))
    return { kind: 'invalid', expected: 'command', reason: 'unknown_command' };

  if (isGs1Symbology(symbology) || code.startsWith(GS)) {
    const tracking = parseTracking(code);
    if (tracking && /^42[01]/.test(code)) return { kind: 'tracking', tracking };
    return gs1Reading(parseElementString(code, { referenceYear: year }), 'element_string', year);
  }
  if (URI.test(code)) {
    const link = parseDigitalLink(code, { referenceYear: year });
    if (link.ok) return { kind: 'gs1', data: gs1Data(link.elements, year), source: 'digital_link', warnings: [] };
    if (link.reason === 'qualifier_order' || link.reason === 'bad_value')
      return { kind: 'invalid', expected: 'digital_link', reason: link.error?.code ?? link.reason };
    return { kind: 'text' };
  }
  if (HRI.test(code)) {
    const hri = parseHri(code, { referenceYear: year });
    if (hri.ok || hri.error.ai !== null) return gs1Reading(hri, 'hri', year);
  }

  if (/^\d+$/.test(code)) {
    const digits = digitsReading(code, symbology, year);
    if (digits) return digits;
  }

  const pattern = matchPattern(patterns, code);
  if (pattern) return { kind: 'pattern', pattern };
  const tracking = parseTracking(code);
  if (tracking) return { kind: 'tracking', tracking };

  if (code.includes(GS)) {
    const parsed = parseElementString(code, { referenceYear: year });
    if (parsed.ok) return gs1Reading(parsed, 'element_string', year);
  }
  if (/^\d+$/.test(code) && [8, 12, 13, 14, 18].includes(code.length))
    return { kind: 'invalid', expected: code.length === 18 ? 'sscc' : 'gtin', reason: 'check_digit' };
  if (symbology === 'ean-upc' || symbology === 'ean-8') return { kind: 'invalid', expected: 'gtin', reason: 'format' };
  return { kind: 'text' };
}

/** Readings of an all-digit code that are certain: valid GTINs, SSCCs, GS1 behind 00/01/02. */
function digitsReading(code: string, symbology: Symbology | null, year: number | undefined): Reading | null {
  if ([8, 12, 13, 14].includes(code.length) && isValidGtin(code)) {
    const gtin = code.padStart(14, '0');
    return { kind: 'gtin', gtin, form: gtinForm(code)!, range: gtinRange(gtin) };
  }
  if (code.length === 8 && (symbology === 'ean-upc' || symbology === null)) {
    const upca = expandUpcE(code);
    if (upca) {
      const gtin = upca.padStart(14, '0');
      return { kind: 'gtin', gtin, form: 'UPC-E', range: gtinRange(gtin) };
    }
  }
  if (code.length === 18 && isValidGtin18(code)) return { kind: 'sscc', sscc: code };
  // GS1 data from a scanner without AIM ids: (00) SSCC or (01)/(02) GTIN first, then more AIs.
  if (/^0[012]/.test(code) && code.length >= 16) {
    const parsed = parseElementString(code, { referenceYear: year });
    if (parsed.ok && parsed.warnings.length === 0) return gs1Reading(parsed, 'element_string', year);
  }
  return null;
}

function isValidGtin18(code: string): boolean {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (code.charCodeAt(16 - i) - 48) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === code.charCodeAt(17) - 48;
}

function gs1Reading(
  parsed: ReturnType<typeof parseElementString>,
  source: 'element_string' | 'hri',
  year: number | undefined,
): Reading {
  if (!parsed.ok) return { kind: 'invalid', expected: 'gs1', reason: describeGs1Error(parsed.error) };
  return { kind: 'gs1', data: gs1Data(parsed.elements, year), source, warnings: parsed.warnings };
}

function describeGs1Error(error: Gs1Error): string {
  return error.ai ? `${error.code}:${error.ai}` : error.code;
}

/** A short text of what was read, for the operator and the audit trail (`GTIN-13 4006381333931`). */
export function describeReading(classification: Classification): string {
  const { reading, code } = classification;
  switch (reading.kind) {
    case 'command':
      return `command ${code}`;
    case 'gtin':
      return `${reading.form} ${reading.gtin}${reading.range ? ` (${reading.range})` : ''}`;
    case 'gs1':
      return reading.data.elements.map((e) => `(${e.ai})${e.value}`).join('');
    case 'sscc':
      return `SSCC ${reading.sscc}`;
    case 'tracking':
      return `${reading.tracking.carrier.toUpperCase()} ${reading.tracking.number}`;
    case 'pattern':
      return `${reading.pattern} ${code}`;
    case 'invalid':
      return `${reading.expected} ${reading.reason}: ${printable(code)}`;
    case 'text':
      return printable(code);
  }
}

/** The code with GS shown as `<GS>` and other control characters as `�`. */
export function printable(code: string): string {
  // eslint-disable-next-line no-control-regex
  return code.replace(/\x1d/g, '<GS>').replace(/[\x00-\x1f\x7f]/g, '\ufffd');
}

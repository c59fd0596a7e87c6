import { gs1CheckDigit } from './gtin';

export type Carrier = 'ups' | 'fedex' | 'usps' | 'dhl' | 'postal';

/** A carrier tracking number found in a scan. */
export type Tracking = {
  carrier: Carrier;
  /** Which of the carrier's formats, e.g. `ups-1z`, `fedex-12`, `usps-impb`. */
  format: string;
  /** The tracking number as the carrier's site takes it (a routing prefix removed). */
  number: string;
};

type Format = { carrier: Carrier; format: string; pattern: RegExp; valid: (m: RegExpExecArray) => string | null };

function digits(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0) - 48);
}

/** GS1 mod-10 over the data digits; the last digit of `code` is the check digit. */
function mod10(code: string): boolean {
  return gs1CheckDigit(code.slice(0, -1)) === Number(code.slice(-1));
}

/** Weights applied left to right, sum modulo `m1`, then modulo 10 (FedEx Express). */
function weighted(data: string, weights: number[], check: string): boolean {
  const sum = digits(data).reduce((total, d, i) => total + d * weights[i % weights.length]!, 0);
  return (sum % 11) % 10 === Number(check);
}

/**
 * UPS 1Z: the 15 characters after `1Z` and before the check character, letters turned into
 * digits ((code − 63) mod 10), odd positions once and even positions twice.
 */
function ups(body: string, check: string): boolean {
  let sum = 0;
  [...body].forEach((c, i) => {
    const value = /\d/.test(c) ? Number(c) : (c.charCodeAt(0) - 63) % 10;
    sum += i % 2 === 1 ? value * 2 : value;
  });
  return (10 - (sum % 10)) % 10 === Number(check);
}

/** UPU S10 (international postal items): weights 8 6 4 2 3 5 9 7, 11 − sum mod 11. */
function s10(serial: string, check: string): boolean {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = digits(serial).reduce((total, d, i) => total + d * weights[i]!, 0);
  let expected = 11 - (sum % 11);
  if (expected === 10) expected = 0;
  else if (expected === 11) expected = 5;
  return expected === Number(check);
}

/**
 * The formats, most specific first. Patterns and check-digit rules follow the carriers'
 * published formats (collected in the `tracking_number_data` project): a format is recognised
 * only when its check digit holds, so a random number does not become a tracking number.
 */
const FORMATS: Format[] = [
  {
    carrier: 'ups',
    format: 'ups-1z',
    pattern: /^1Z([0-9A-Z]{15})([0-9A-Z])$/,
    valid: (m) => (ups(m[1]!, m[2]!) ? m[0] : null),
  },
  {
    // IMpb with its routing prefix, as printed in the GS1-128 of a USPS label: 420 + ZIP
    // (5 digits, or 9 after GS), then the 22 or 26-digit tracking number.
    carrier: 'usps',
    format: 'usps-impb',
    // eslint-disable-next-line no-control-regex
    pattern: /^420(\d{5}|\d{9}|\d{5}\x1d|\d{9}\x1d)(9[1-5]\d{20}|9[1-5]\d{24}|\d{22})$/,
    valid: (m) => (mod10(m[2]!) ? m[2]! : null),
  },
  {
    carrier: 'usps',
    format: 'usps-impb',
    pattern: /^(9[1-5]\d{20}|9[1-5]\d{24})$/,
    valid: (m) => (mod10(m[1]!) ? m[1]! : null),
  },
  {
    carrier: 'fedex',
    format: 'fedex-ground-96',
    // 96, two-digit SCNC, three-digit service, then the 14-digit serial and its check digit.
    pattern: /^96\d{5}(\d{15})$/,
    valid: (m) => (mod10(m[1]!) ? m[0] : null),
  },
  {
    carrier: 'fedex',
    format: 'fedex-34',
    pattern: /^100\d{2}\d{10}\d{5}(\d{13})(\d)$/,
    valid: (m) => (weighted(m[1]!, [1, 7, 3], m[2]!) ? m[0].slice(-12) : null),
  },
  {
    carrier: 'usps',
    format: 'usps-20',
    pattern: /^\d{20}$/,
    valid: (m) => (mod10(m[0]) ? m[0] : null),
  },
  {
    // SmartPost numbers are IMpb numbers printed without their leading 92.
    carrier: 'fedex',
    format: 'fedex-smartpost',
    pattern: /^\d{20}$/,
    valid: (m) => (mod10(`92${m[0]}`) ? m[0] : null),
  },
  {
    carrier: 'fedex',
    format: 'fedex-12',
    pattern: /^(\d{11})(\d)$/,
    valid: (m) => (weighted(m[1]!, [3, 1, 7], m[2]!) ? m[0] : null),
  },
  {
    carrier: 'fedex',
    format: 'fedex-ground-15',
    pattern: /^\d{15}$/,
    valid: (m) => (mod10(m[0]) ? m[0] : null),
  },
  {
    carrier: 'dhl',
    format: 'dhl-express',
    pattern: /^(\d{9,10})(\d)$/,
    valid: (m) => (Number(BigInt(m[1]!) % 7n) === Number(m[2]) ? m[0] : null),
  },
  {
    carrier: 'dhl',
    format: 'dhl-piece',
    pattern: /^J[A-Z]{2,3}\d{9,10}$/,
    valid: (m) => m[0],
  },
  {
    carrier: 'dhl',
    format: 'dhl-ecommerce',
    pattern: /^(GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)\d{10,39}$/,
    valid: (m) => m[0],
  },
  {
    carrier: 'postal',
    format: 's10',
    pattern: /^[A-Z]{2}(\d{8})(\d)([A-Z]{2})$/,
    valid: (m) => (s10(m[1]!, m[2]!) ? m[0] : null),
  },
];

/**
 * The carrier tracking number a code is, or null. Spaces are ignored (labels print tracking
 * numbers in groups). An S10 number ending in `US` is USPS's.
 */
export function parseTracking(code: string): Tracking | null {
  const compact = code.replace(/ /g, '').toUpperCase();
  for (const format of FORMATS) {
    const match = format.pattern.exec(compact);
    if (!match) continue;
    const number = format.valid(match);
    if (number === null) continue;
    const carrier = format.carrier === 'postal' && compact.endsWith('US') ? 'usps' : format.carrier;
    return { carrier, format: format.format, number };
  }
  return null;
}

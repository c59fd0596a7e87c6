import { aiAt, AI_TABLE, inCharset, type AiSpec } from './gs1-ai';
import { gs1CheckDigit } from './gtin';

/** The GS1 separator (FNC1 as transmitted by a scanner): ASCII 29. */
export const GS = '\x1d';

/** One AI and its data, as read. */
export type Gs1Element = { ai: string; value: string };

export type Gs1ErrorCode =
  'unknown_ai' | 'truncated' | 'bad_charset' | 'check_digit' | 'bad_date' | 'bad_time' | 'empty' | 'repeated_ai';

export type Gs1Error = { code: Gs1ErrorCode; ai: string | null; at: number; message: string };

export type Gs1ParseResult =
  { ok: true; elements: Gs1Element[]; warnings: string[] } | { ok: false; error: Gs1Error; elements: Gs1Element[] };

/**
 * Reads a GS1 element string as a scanner sends it after the symbology identifier: AIs and
 * their data back to back, variable-length fields ended by GS (0x1D) unless last. Tolerates a
 * leading GS (decoders that turn the leading FNC1 of a DataMatrix into GS), doubled GS and a
 * trailing GS. Refuses, rather than guess: an unknown AI, a fixed field cut short (a truncated
 * date is an error, never a different date), characters outside the AI's set, a wrong check
 * digit, an impossible date or time, an AI seen twice with two values.
 *
 * `warnings` names variable fields that may have swallowed a missing separator: `10ABC17250101`
 * reads as lot `ABC17250101`, which is valid but probably meant lot `ABC` and expiry 2025-01-01.
 */
export function parseElementString(data: string, options: { referenceYear?: number } = {}): Gs1ParseResult {
  const elements: Gs1Element[] = [];
  const warnings: string[] = [];
  let i = 0;
  const fail = (code: Gs1ErrorCode, ai: string | null, at: number, message: string): Gs1ParseResult => ({
    ok: false,
    error: { code, ai, at, message },
    elements,
  });
  while (i < data.length) {
    if (data[i] === GS) {
      i++;
      continue;
    }
    const spec = aiAt(data, i);
    if (!spec) return fail('unknown_ai', null, i, `no known AI at position ${i}: ${data.slice(i, i + 4)}`);
    const start = i;
    i += spec.ai.length;
    let value = '';
    for (const component of spec.components) {
      if (component.fixed) {
        const part = data.slice(i, i + component.length);
        const cut = part.indexOf(GS);
        if (part.length < component.length || cut !== -1) {
          if (component.optional && (part.length === 0 || cut === 0)) break;
          return fail('truncated', spec.ai, start, `AI ${spec.ai} needs ${spec.minLength} characters`);
        }
        value += part;
        i += component.length;
      } else {
        let end = i;
        while (end < data.length && end - i < component.length && data[end] !== GS) end++;
        if (end === i) {
          if (component.optional) break;
          return fail('truncated', spec.ai, start, `AI ${spec.ai} has no data`);
        }
        value += data.slice(i, end);
        i = end;
      }
    }
    const problem = validateValue(spec, value, options.referenceYear);
    if (problem) return fail(problem.code, spec.ai, start, problem.message);
    const previous = elements.find((e) => e.ai === spec.ai);
    if (previous) {
      if (previous.value !== value)
        return fail('repeated_ai', spec.ai, start, `AI ${spec.ai} appears twice with different data`);
    } else {
      elements.push({ ai: spec.ai, value });
    }
    // A variable field is followed by GS or the end; at its maximum length the next AI may
    // follow directly, which the loop reads as the next element.
  }
  for (const element of elements) {
    const spec = AI_TABLE.get(element.ai)!;
    if (!spec.predefined && spec.components.length === 1 && hiddenElement(element.value)) {
      warnings.push(`missing_separator:${element.ai}`);
    }
  }
  if (elements.length === 0) return fail('empty', null, 0, 'no GS1 data');
  return { ok: true, elements, warnings };
}

/**
 * True when a variable field's value ends with what reads as a complete predefined-length
 * element (`ABC` + `17` + `250101`): the sign of a separator the printer forgot.
 */
function hiddenElement(value: string): boolean {
  for (let k = 1; k < value.length - 2; k++) {
    const spec = aiAt(value, k);
    if (!spec || !spec.predefined) continue;
    const rest = value.slice(k + spec.ai.length);
    if (rest.length === spec.maxLength && validateValue(spec, rest) === null) return true;
  }
  return false;
}

/** Checks an AI's data against its format: character sets, check digits, dates. */
export function validateValue(
  spec: AiSpec,
  value: string,
  referenceYear?: number,
): { code: Gs1ErrorCode; message: string } | null {
  let at = 0;
  for (const component of spec.components) {
    const rest = value.slice(at);
    const length = component.fixed ? component.length : Math.min(component.length, rest.length);
    if (rest.length === 0 && component.optional) break;
    const part = value.slice(at, at + length);
    at += length;
    if (!inCharset(part, component.charset))
      return { code: 'bad_charset', message: `AI ${spec.ai} allows only ${charsetName(component.charset)}` };
    for (const linter of component.linters) {
      if (linter === 'csum' && gs1CheckDigit(part.slice(0, -1)) !== Number(part.slice(-1)))
        return { code: 'check_digit', message: `AI ${spec.ai}: the check digit is wrong` };
      if ((linter === 'yymmd0' || linter === 'yymmdd') && gs1Date(part, referenceYear, linter === 'yymmd0') === null)
        return { code: 'bad_date', message: `AI ${spec.ai}: ${part} is not a date` };
      if (linter === 'hhmm' && !/^([01]\d|2[0-3])[0-5]\d$/.test(part))
        return { code: 'bad_time', message: `AI ${spec.ai}: ${part} is not a time` };
    }
  }
  if (at !== value.length) return { code: 'truncated', message: `AI ${spec.ai}: too much data` };
  return null;
}

function charsetName(charset: AiSpec['components'][number]['charset']): string {
  return { N: 'digits', X: 'GS1 characters', Y: 'CSET 39 characters', Z: 'base64url characters' }[charset];
}

/**
 * A GS1 date `YYMMDD` as `YYYY-MM-DD` text (never a JS Date: a date-only Date shifts a day
 * across time zones), or null when it is no date. The century follows GS1's sliding window
 * (General Specifications §7.12): a two-digit year more than 50 years ahead of the reference
 * year is in the previous century, more than 49 years behind in the next one. With `day00`,
 * day 00 means the last day of the month (February 29 in leap years).
 */
export function gs1Date(yymmdd: string, referenceYear = new Date().getUTCFullYear(), day00 = true): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  let day = Number(yymmdd.slice(4, 6));
  const current = referenceYear % 100;
  const century = referenceYear - current;
  const difference = yy - current;
  let year = century + yy;
  if (difference >= 51) year -= 100;
  else if (difference <= -50) year += 100;
  if (month < 1 || month > 12) return null;
  const last = daysInMonth(year, month);
  if (day === 0) {
    if (!day00) return null;
    day = last;
  }
  if (day > last) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Writes elements as a scanner would send them: AIs and data back to back, GS after every
 * variable-length field except the last.
 */
export function serializeElements(elements: readonly Gs1Element[]): string {
  let out = '';
  elements.forEach((element, index) => {
    out += element.ai + element.value;
    const spec = AI_TABLE.get(element.ai);
    if (spec && !spec.predefined && index < elements.length - 1) out += GS;
  });
  return out;
}

/** The human-readable form, `(01)09521234543213(10)ABC`. */
export function toHri(elements: readonly Gs1Element[]): string {
  return elements.map((e) => `(${e.ai})${e.value}`).join('');
}

/**
 * Reads the human-readable form `(01)…(10)…` (typed, or sent by scanners configured for it).
 * A `(` inside data is allowed when what follows is not a known AI in parentheses.
 */
export function parseHri(text: string, options: { referenceYear?: number } = {}): Gs1ParseResult {
  const starts: { at: number; ai: string }[] = [];
  const pattern = /\((\d{2,4})\)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (AI_TABLE.has(match[1]!)) starts.push({ at: match.index, ai: match[1]! });
  }
  if (starts.length === 0 || starts[0]!.at !== 0) {
    return { ok: false, error: { code: 'unknown_ai', ai: null, at: 0, message: 'not GS1 text' }, elements: [] };
  }
  const elements: Gs1Element[] = starts.map((start, index) => ({
    ai: start.ai,
    value: text.slice(start.at + start.ai.length + 2, starts[index + 1]?.at ?? text.length),
  }));
  // The elements as a scanner would send them, so one parser validates both forms.
  return parseElementString(serializeElements(elements), options);
}

/** What a bench makes of GS1 data: the keys and attributes it acts on, dates as text. */
export type Gs1Data = {
  elements: Gs1Element[];
  /** AI 01 (GTIN-14). */
  gtin: string | null;
  /** AI 02: the GTIN of the contents of a logistic unit. */
  contentGtin: string | null;
  /** AI 00. */
  sscc: string | null;
  lot: string | null;
  serial: string | null;
  /** AI 17, as `YYYY-MM-DD`. */
  expiry: string | null;
  bestBefore: string | null;
  productionDate: string | null;
  packagingDate: string | null;
  /** AI 30 or 37. */
  count: number | null;
  /** AI 310n/320n: net weight in the unit of the AI, as a decimal string (`1.250` kg). */
  netWeight: { unit: 'kg' | 'lb'; value: string } | null;
  /** AI 392n: price as a decimal string in the local currency. */
  price: string | null;
  orderNumber: string | null;
};

/** The AIs' data put to use. */
export function gs1Data(elements: Gs1Element[], referenceYear?: number): Gs1Data {
  const get = (ai: string): string | null => elements.find((e) => e.ai === ai)?.value ?? null;
  const startsWith = (prefix: string): Gs1Element | null =>
    elements.find((e) => e.ai.length === 4 && e.ai.startsWith(prefix)) ?? null;
  const date = (ai: string): string | null => {
    const value = get(ai);
    return value ? gs1Date(value, referenceYear) : null;
  };
  const kg = startsWith('310');
  const lb = startsWith('320');
  const weight = kg ?? lb;
  const price = startsWith('392');
  const count = get('30') ?? get('37');
  return {
    elements,
    gtin: get('01'),
    contentGtin: get('02'),
    sscc: get('00'),
    lot: get('10'),
    serial: get('21'),
    expiry: date('17'),
    bestBefore: date('15'),
    productionDate: date('11'),
    packagingDate: date('13'),
    count: count === null ? null : Number(count),
    netWeight: weight ? { unit: kg ? 'kg' : 'lb', value: decimal(weight.value, Number(weight.ai[3])) } : null,
    price: price ? decimal(price.value, Number(price.ai[3])) : null,
    orderNumber: get('400'),
  };
}

/** `001250` with 3 decimals → `1.250`: exact, no floating point. */
export function decimal(digits: string, decimals: number): string {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  if (decimals === 0) return trimmed;
  const padded = trimmed.padStart(decimals + 1, '0');
  return `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
}

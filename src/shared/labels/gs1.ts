import { gs1CheckDigit, withCheckDigit } from '../barcode/gtin';
import { LabelLayoutError } from './model';

/** One GS1 element: an application identifier and its value. */
export type Gs1Element = { ai: string; value: string };

/**
 * Element strings whose length is predefined by their first two digits (GS1 General
 * Specifications, figure 7.8.5-2): no FNC1 separator is needed after them. Lengths include the AI.
 */
const PREDEFINED: Readonly<Record<string, number>> = {
  '00': 20,
  '01': 16,
  '02': 16,
  '03': 16,
  '04': 18,
  '11': 8,
  '12': 8,
  '13': 8,
  '14': 8,
  '15': 8,
  '16': 8,
  '17': 8,
  '18': 8,
  '19': 8,
  '20': 4,
  '31': 10,
  '32': 10,
  '33': 10,
  '34': 10,
  '35': 10,
  '36': 10,
  '41': 16,
};

/** Reads bracketed element strings, `(00)106141410000000012(10)LOT7`. */
export function parseBracketed(text: string): Gs1Element[] {
  const elements: Gs1Element[] = [];
  const pattern = /\((\d{2,4})\)([^()]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(text)) !== null) {
    elements.push({ ai: match[1]!, value: match[2]! });
    consumed = pattern.lastIndex;
  }
  if (elements.length === 0 || consumed !== text.length)
    throw new LabelLayoutError(`Not a bracketed GS1 element string: "${text}"`);
  for (const element of elements) {
    const fixed = PREDEFINED[element.ai.slice(0, 2)];
    if (fixed !== undefined && element.ai.length + element.value.length !== fixed)
      throw new LabelLayoutError(`GS1 AI (${element.ai}) needs ${fixed - element.ai.length} characters`);
    if (!/^[\x21-\x7e]+$/.test(element.value))
      throw new LabelLayoutError(`GS1 AI (${element.ai}) holds a character a GS1-128 cannot encode`);
  }
  return elements;
}

/** The human-readable interpretation printed under a GS1-128: `(00) 106141410000000012`. */
export function gs1Hri(elements: Gs1Element[]): string {
  return elements.map((e) => `(${e.ai}) ${e.value}`).join(' ');
}

/** Whether an element needs an FNC1 after it when another element follows. */
export function needsSeparator(ai: string): boolean {
  return PREDEFINED[ai.slice(0, 2)] === undefined;
}

/** A Code 128 symbol as data characters and FNC1s, before subsets are chosen. */
export type Code128Token = { fnc1: true } | { char: string };

export function plainTokens(text: string): Code128Token[] {
  return Array.from(text).map((char) => ({ char }));
}

/** GS1-128: FNC1 first, then each element, with FNC1 after variable-length ones but the last. */
export function gs1Tokens(elements: Gs1Element[]): Code128Token[] {
  const tokens: Code128Token[] = [{ fnc1: true }];
  elements.forEach((element, index) => {
    tokens.push(...plainTokens(element.ai + element.value));
    if (index < elements.length - 1 && needsSeparator(element.ai)) tokens.push({ fnc1: true });
  });
  return tokens;
}

/**
 * The field data of a ZPL `^BC` in mode N (no automatic mode: it behaves the same on every
 * firmware): explicit start codes and subset switches, `>8` for FNC1, `><` for `>`. Runs of at
 * least four digits (or two at the end) go in subset C, two digits a character; the rest in B
 * (bwip-js, which draws the PDF, chooses the same number of symbols).
 */
export function zplCode128(tokens: Code128Token[]): string {
  let out = '';
  let subset: 'B' | 'C' | null = null;
  const isDigit = (t: Code128Token | undefined): boolean => t !== undefined && 'char' in t && /^\d$/.test(t.char);
  const digitRun = (from: number): number => {
    let n = 0;
    while (isDigit(tokens[from + n])) n++;
    return n;
  };
  for (let i = 0; i < tokens.length;) {
    const token = tokens[i]!;
    if ('fnc1' in token) {
      if (subset === null) {
        subset = digitRun(i + 1) >= 2 ? 'C' : 'B';
        out += subset === 'C' ? '>;' : '>:';
      }
      out += '>8';
      i++;
      continue;
    }
    const run = digitRun(i);
    const reachesEnd = i + run === tokens.length || 'fnc1' in tokens[i + run]!;
    const useC = run >= 4 || (run >= 2 && (subset === 'C' || (reachesEnd && run % 2 === 0)));
    // An odd run met in subset B: its first digit goes in B, the even rest in C (one symbol less
    // when the run ends the data, never more).
    const oddInB = useC && run % 2 === 1 && subset === 'B';
    if (useC && !oddInB) {
      const even = run - (run % 2);
      if (subset === null) out += '>;';
      else if (subset !== 'C') out += '>5';
      subset = 'C';
      for (let k = 0; k < even; k++) out += (tokens[i + k] as { char: string }).char;
      i += even;
      continue;
    }
    const code = token.char.codePointAt(0)!;
    if (code < 32 || code > 126)
      throw new LabelLayoutError(`Code 128 cannot encode the character U+${code.toString(16).padStart(4, '0')}`);
    if (subset === null) out += '>:';
    else if (subset !== 'B') out += '>6';
    subset = 'B';
    out += token.char === '>' ? '><' : token.char;
    i++;
  }
  return out;
}

/**
 * A Serial Shipping Container Code: extension digit, GS1 company prefix (7 to 10 digits), serial
 * reference filling 17 digits, and the check digit.
 */
export function makeSscc(extension: number, companyPrefix: string, serial: number): string {
  if (!Number.isInteger(extension) || extension < 0 || extension > 9)
    throw new Error('The SSCC extension digit is 0 to 9');
  if (!/^\d{7,10}$/.test(companyPrefix)) throw new Error('A GS1 company prefix has 7 to 10 digits');
  const width = 16 - companyPrefix.length;
  if (!Number.isInteger(serial) || serial < 0 || serial >= 10 ** width)
    throw new Error(`The SSCC serial reference must fit ${width} digits`);
  return withCheckDigit(`${extension}${companyPrefix}${String(serial).padStart(width, '0')}`);
}

export function isValidSscc(code: string): boolean {
  return /^\d{18}$/.test(code) && gs1CheckDigit(code.slice(0, 17)) === Number(code[17]);
}

/** EAN-13 data for a symbol: 12 digits get their check digit; 13 must carry the right one. */
export function ean13Digits(data: string): string {
  if (/^\d{12}$/.test(data)) return withCheckDigit(data);
  if (/^\d{13}$/.test(data) && gs1CheckDigit(data.slice(0, 12)) === Number(data[12])) return data;
  throw new LabelLayoutError(`Not an EAN-13: "${data}"`);
}

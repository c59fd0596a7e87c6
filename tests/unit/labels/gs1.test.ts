import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { returnPortalLink } from '#shared/labels/data';
import {
  gs1Hri,
  gs1Tokens,
  isValidSscc,
  makeSscc,
  parseBracketed,
  plainTokens,
  zplCode128,
  type Code128Token,
} from '#shared/labels/gs1';

/** Reads a ZPL ^BC mode N field back into data characters and FNC1s, as the printer would. */
function readZplField(field: string): Code128Token[] {
  const out: Code128Token[] = [];
  let subset: 'B' | 'C' | null = null;
  for (let i = 0; i < field.length;) {
    if (field[i] === '>') {
      const code = field[i + 1]!;
      i += 2;
      if (code === ';' || code === '5') subset = 'C';
      else if (code === ':' || code === '6') subset = 'B';
      else if (code === '8') out.push({ fnc1: true });
      else if (code === '<') out.push({ char: '>' });
      else throw new Error(`unexpected invocation >${code}`);
      continue;
    }
    if (subset === null) subset = 'B';
    if (subset === 'C') {
      const pair = field.slice(i, i + 2);
      expect(pair).toMatch(/^\d\d$/);
      out.push({ char: pair[0]! }, { char: pair[1]! });
      i += 2;
    } else {
      out.push({ char: field[i]! });
      i++;
    }
  }
  return out;
}

describe('GS1 element strings', () => {
  it('reads bracketed element strings and prints their HRI', () => {
    const elements = parseBracketed('(01)09506000134352(10)LOT-7(17)261231');
    expect(elements).toEqual([
      { ai: '01', value: '09506000134352' },
      { ai: '10', value: 'LOT-7' },
      { ai: '17', value: '261231' },
    ]);
    expect(gs1Hri(elements)).toBe('(01) 09506000134352 (10) LOT-7 (17) 261231');
  });

  it('refuses a fixed-length element of the wrong length, and text that is not bracketed', () => {
    expect(() => parseBracketed('(00)12345')).toThrow(/needs 18/);
    expect(() => parseBracketed('00106141411234567897')).toThrow(/bracketed/);
  });

  it('puts FNC1 first, and after variable-length elements that are not last', () => {
    const tokens = gs1Tokens(parseBracketed('(10)AB(01)09506000134352(21)S1'));
    const fnc1At = tokens.flatMap((t, i) => ('fnc1' in t ? [i] : []));
    // FNC1, "10AB", FNC1, "0109506000134352" (fixed: no FNC1), "21S1".
    expect(fnc1At).toEqual([0, 5]);
  });
});

describe('Code 128 for ZPL ^BC (mode N)', () => {
  it('encodes an SSCC as start C, FNC1 and digit pairs', () => {
    const field = zplCode128(gs1Tokens(parseBracketed('(00)106141411234567897')));
    expect(field).toBe('>;>800106141411234567897');
  });

  it('switches to B for letters and escapes ">"', () => {
    expect(zplCode128(plainTokens('CMD:DONE'))).toBe('>:CMD:DONE');
    expect(zplCode128(plainTokens('A>B'))).toBe('>:A><B');
    expect(zplCode128(plainTokens('LP00000042'))).toBe('>:LP>500000042');
  });

  it('reads back to the same characters and FNC1s (property)', () => {
    const char = fc.constantFrom(...'0123456789ABCXYZ-:>_ '.split(''));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(char, char, char, fc.constant('FNC1')), { minLength: 1, maxLength: 40 }),
        (items) => {
          const tokens: Code128Token[] = items.map((c) => (c === 'FNC1' ? { fnc1: true } : { char: c }));
          expect(readZplField(zplCode128(tokens))).toEqual(tokens);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses characters Code 128 subset B cannot carry', () => {
    expect(() => zplCode128(plainTokens('Ж'))).toThrow(/cannot encode/);
  });
});

describe('SSCC', () => {
  it('builds 18 digits with the check digit (GS1 example 106141411234567897)', () => {
    expect(makeSscc(1, '0614141', 123456789)).toBe('106141411234567897');
    expect(isValidSscc('106141411234567897')).toBe(true);
    expect(isValidSscc('106141411234567890')).toBe(false);
  });

  it('refuses a serial too long for the company prefix', () => {
    expect(() => makeSscc(0, '0614141123', 10_000_000)).toThrow(/fit 6 digits/);
  });
});

describe('return portal link', () => {
  it('fills {order}, or adds an order parameter, URL-encoded', () => {
    expect(returnPortalLink('https://r.example/{order}/start', 'NW 1')).toBe('https://r.example/NW%201/start');
    expect(returnPortalLink('https://r.example/start', 'NW10001')).toBe('https://r.example/start?order=NW10001');
    expect(returnPortalLink('https://r.example/start?lang=es#top', 'A&B')).toBe(
      'https://r.example/start?lang=es&order=A%26B#top',
    );
  });
});

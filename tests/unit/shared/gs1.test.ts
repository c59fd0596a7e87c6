import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AI_TABLE, CSET82_CHARS, type AiSpec } from '#shared/barcode/gs1-ai';
import {
  GS,
  decimal,
  gs1Data,
  gs1Date,
  parseElementString,
  parseHri,
  serializeElements,
  toHri,
  type Gs1Element,
} from '#shared/barcode/gs1';
import { digitalLinkUri, parseDigitalLink } from '#shared/barcode/digital-link';
import { expandUpcE, gtinRange, withCheckDigit } from '#shared/barcode/gtin';

const YEAR = 2026;

function parse(data: string) {
  return parseElementString(data, { referenceYear: YEAR });
}

function elementsOf(data: string): Gs1Element[] {
  const result = parse(data);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.elements;
}

describe('GS1 element strings — GS1 published examples', () => {
  it.each<[string, string, Gs1Element[]]>([
    // GS1 General Specifications §3: GTIN with a net weight in kg, three decimals.
    [
      'GTIN + net weight (GenSpecs)',
      '0109521234543213' + '3103000123',
      [
        { ai: '01', value: '09521234543213' },
        { ai: '3103', value: '000123' },
      ],
    ],
    // GS1 DataMatrix Guideline: GTIN, expiry, batch (variable, last: no GS).
    [
      'GTIN + expiry + lot (DataMatrix Guideline)',
      '0109506000134352' + '17201225' + '10ABC123',
      [
        { ai: '01', value: '09506000134352' },
        { ai: '17', value: '201225' },
        { ai: '10', value: 'ABC123' },
      ],
    ],
    // Lot before serial: the variable lot ends with GS.
    [
      'GTIN + lot + GS + serial',
      `0109506000134352` + `10ABC1${GS}` + `2112345`,
      [
        { ai: '01', value: '09506000134352' },
        { ai: '10', value: 'ABC1' },
        { ai: '21', value: '12345' },
      ],
    ],
    // GS1 Logistic Label: SSCC, content GTIN, count, batch.
    [
      'SSCC + content + count (Logistic Label Guideline)',
      `00106141412345678908` + `0209521234543213` + `3724${GS}` + `10LOT7`,
      [
        { ai: '00', value: '106141412345678908' },
        { ai: '02', value: '09521234543213' },
        { ai: '37', value: '24' },
        { ai: '10', value: 'LOT7' },
      ],
    ],
    [
      'price with two decimals (392n) and an order number (400)',
      `0109521234543213` + `39221299${GS}` + `400PO-77`,
      [
        { ai: '01', value: '09521234543213' },
        { ai: '3922', value: '1299' },
        { ai: '400', value: 'PO-77' },
      ],
    ],
    [
      'fixed AIs back to back, no GS needed',
      '0109521234543213' + '11250101' + '17270630',
      [
        { ai: '01', value: '09521234543213' },
        { ai: '11', value: '250101' },
        { ai: '17', value: '270630' },
      ],
    ],
  ])('%s', (_name, data, expected) => {
    expect(elementsOf(data)).toEqual(expected);
  });

  it('tolerates a leading GS (zxing DataMatrix), a trailing GS and a GS after a fixed AI', () => {
    expect(elementsOf(`${GS}0109506000134352${GS}17201225${GS}10ABC${GS}`)).toEqual([
      { ai: '01', value: '09506000134352' },
      { ai: '17', value: '201225' },
      { ai: '10', value: 'ABC' },
    ]);
  });

  it.each<[string, string, string]>([
    ['a truncated date is an error, not another date', '0109521234543213' + '1725063', 'truncated'],
    ['a truncated GTIN', '01095212345432', 'truncated'],
    ['a GS inside a fixed field', `01095212345${GS}43213`, 'truncated'],
    ['a truncated measure', '0109521234543213' + '310305', 'truncated'],
    ['a wrong GTIN check digit', '0109521234543214', 'check_digit'],
    ['a wrong SSCC check digit', '00106141412345678909', 'check_digit'],
    ['an unknown AI', '0109521234543213' + '2399', 'unknown_ai'],
    ['letters in a numeric AI', '0109521234543213' + '37AB', 'bad_charset'],
    ['a lower-case é outside CSET 82', '0109521234543213' + '10é', 'bad_charset'],
    ['month 13', '0109521234543213' + '17251301', 'bad_date'],
    ['June 31', '0109521234543213' + '17250631', 'bad_date'],
    ['day 00 where the AI does not allow it (7006)', '0109521234543213' + '7006250600', 'bad_date'],
    ['the same AI twice with different data', `0109521234543213${'10A' + GS}10B`, 'repeated_ai'],
    ['nothing but separators', `${GS}${GS}`, 'empty'],
  ])('refuses %s', (_name, data, code) => {
    const result = parse(data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('flags a variable field that seems to have swallowed a missing GS (10 then 17)', () => {
    const result = parse('0109521234543213' + '10ABC' + '17250101');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.elements.at(-1)).toEqual({ ai: '10', value: 'ABC17250101' });
      expect(result.warnings).toEqual(['missing_separator:10']);
    }
    const separated = parse(`0109521234543213` + `10ABC${GS}` + `17250101`);
    expect(separated.ok && separated.warnings).toEqual([]);
  });

  it('reads the HRI form, parentheses and all', () => {
    const result = parseHri('(01)09506000134352(17)201225(10)ABC(123)', { referenceYear: YEAR });
    expect(result.ok && result.elements).toEqual([
      { ai: '01', value: '09506000134352' },
      { ai: '17', value: '201225' },
      { ai: '10', value: 'ABC(123)' },
    ]);
    expect(toHri(elementsOf('0109506000134352' + '17201225'))).toBe('(01)09506000134352(17)201225');
  });
});

describe('GS1 dates', () => {
  it.each<[string, string | null]>([
    ['250615', '2025-06-15'],
    ['250600', '2025-06-30'], // day 00 = last day of the month
    ['240200', '2024-02-29'], // leap year
    ['230200', '2023-02-28'],
    ['000200', '2000-02-29'], // 2000 is a leap year
    ['991231', '1999-12-31'], // 73 years ahead of 2026: the previous century
    ['751231', '2075-12-31'], // 49 years ahead: this century
    ['770101', '1977-01-01'], // 51 ahead: previous century
    ['250631', null],
    ['251301', null],
    ['250001', null],
    ['25061', null],
  ])('%s → %s', (yymmdd, expected) => {
    expect(gs1Date(yymmdd, YEAR)).toBe(expected);
  });

  it('uses the sliding century window around the reference year', () => {
    // GenSpecs §7.12: within 50 years back, 49 years ahead.
    expect(gs1Date('760101', 2026)).toBe('2076-01-01');
    expect(gs1Date('770101', 2026)).toBe('1977-01-01');
    expect(gs1Date('050101', 2099)).toBe('2105-01-01');
    expect(gs1Date('500101', 2099)).toBe('2050-01-01');
    expect(gs1Date('490101', 2099)).toBe('2149-01-01');
  });

  it('gives the bench the lot, expiry, serial, weight and price', () => {
    const data = gs1Data(
      elementsOf(`0109506000134352` + `17250600` + `3103001250` + `10L-9${GS}` + `21SN42${GS}` + `39221299`),
      YEAR,
    );
    expect(data).toMatchObject({
      gtin: '09506000134352',
      lot: 'L-9',
      serial: 'SN42',
      expiry: '2025-06-30',
      netWeight: { unit: 'kg', value: '1.250' },
      price: '12.99',
    });
    expect(decimal('000007', 3)).toBe('0.007');
    expect(decimal('1234', 0)).toBe('1234');
  });
});

describe('GS1 Digital Link', () => {
  it('reads the GS1 examples on id.gs1.org and on a brand domain with a path prefix', () => {
    const a = parseDigitalLink('https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=201225', {
      referenceYear: YEAR,
    });
    expect(a).toEqual({
      ok: true,
      host: 'id.gs1.org',
      primaryKey: '01',
      elements: [
        { ai: '01', value: '09506000134352' },
        { ai: '10', value: 'ABC123' },
        { ai: '21', value: '12345' },
        { ai: '17', value: '201225' },
      ],
    });
    const b = parseDigitalLink(
      'https://brand.example.com/products/dl/01/09506000134352/10/A%2FB%25C?foo=1&3103=000500',
    );
    expect(b.ok && b.elements).toEqual([
      { ai: '01', value: '09506000134352' },
      { ai: '10', value: 'A/B%C' },
      { ai: '3103', value: '000500' },
    ]);
  });

  it('normalises GTIN-13 in the path to 14 digits; refuses out-of-order qualifiers and bad check digits', () => {
    const short = parseDigitalLink('https://id.gs1.org/01/9506000134352');
    expect(short.ok && short.elements[0]).toEqual({ ai: '01', value: '09506000134352' });
    expect(parseDigitalLink('https://id.gs1.org/01/09506000134352/21/1/10/A')).toMatchObject({
      ok: false,
      reason: 'qualifier_order',
    });
    expect(parseDigitalLink('https://id.gs1.org/01/09506000134353')).toMatchObject({ ok: false, reason: 'bad_value' });
    expect(parseDigitalLink('https://example.com/about')).toMatchObject({ ok: false, reason: 'no_primary_key' });
    expect(parseDigitalLink('https://id.gs1.org/00/106141412345678908').ok).toBe(true);
  });

  it('round-trips through a URI it builds', () => {
    const elements = [
      { ai: '01', value: '09506000134352' },
      { ai: '21', value: 'S/1-2' },
      { ai: '10', value: 'L%1' },
      { ai: '17', value: '270101' },
    ];
    const uri = digitalLinkUri(elements);
    expect(uri).toBe('https://id.gs1.org/01/09506000134352/10/L%251/21/S%2F1-2?17=270101');
    const parsed = parseDigitalLink(uri);
    expect(parsed.ok && parsed.elements).toEqual([elements[0], elements[2], elements[1], elements[3]]);
  });
});

describe('GTIN ranges and UPC-E', () => {
  it.each<[string, string | null]>([
    ['04252614', '042100005264'], // last digit 1: XX d 0000 XXX
    ['01234565', '012345000065'], // 5–9: XXXXX 0000 d
    ['04252615', null], // wrong check digit
    ['24252614', null], // number system 2 has no UPC-E
  ])('UPC-E %s → %s', (upce, upca) => {
    expect(expandUpcE(upce)).toBe(upca);
  });

  it('expands each of the ten last-digit cases to a UPC-A with the same check digit', () => {
    for (let last = 0; last <= 9; last++) {
      const data = `12345${last}`;
      for (let check = 0; check <= 9; check++) {
        const upca = expandUpcE(`0${data}${check}`);
        if (upca) expect(upca.slice(-1)).toBe(String(check));
      }
      const valid = [...Array(10).keys()].filter((check) => expandUpcE(`0${data}${check}`) !== null);
      expect(valid).toHaveLength(1);
    }
  });

  it.each<[string, string | null]>([
    ['02012345678904', 'restricted'],
    ['00212345678906', 'restricted'],
    ['09771234567003', 'issn'],
    ['09780306406157', 'isbn'],
    ['09990000000019', 'coupon'],
    ['04006381333931'.padStart(14, '0'), null],
  ])('range of %s is %s', (gtin, range) => {
    expect(gtinRange(gtin)).toBe(range);
  });
});

// ——— property tests ———

const SAMPLE_YEAR = 2026;

function arbitraryValue(spec: AiSpec): fc.Arbitrary<string> {
  const parts = spec.components.map((component) => {
    const chars =
      component.charset === 'N'
        ? '0123456789'
        : component.charset === 'X'
          ? CSET82_CHARS
          : component.charset === 'Y'
            ? '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
            : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const char = fc.constantFrom(...chars);
    const min = component.fixed ? component.length : 1;
    let arbitrary: fc.Arbitrary<string> = fc
      .array(char, { minLength: min, maxLength: component.length })
      .map((cs) => cs.join(''));
    if (component.linters.includes('csum')) arbitrary = arbitrary.map((d) => withCheckDigit(d.slice(0, -1)));
    if (component.linters.includes('yymmd0') || component.linters.includes('yymmdd')) {
      const lastDay = component.linters.includes('yymmd0') ? 0 : 1;
      arbitrary = fc
        .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: lastDay, max: 28 }))
        .map(([y, m, d]) => [y, m, d].map((n) => String(n).padStart(2, '0')).join(''));
    }
    if (component.linters.includes('hhmm'))
      arbitrary = fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([h, m]) => `${String(h).padStart(2, '0')}${String(m).padStart(2, '0')}`);
    return component.optional ? fc.option(arbitrary, { nil: '' }) : arbitrary;
  });
  return fc.tuple(...parts).map((values) => {
    // An optional part after an empty one cannot exist.
    const out: string[] = [];
    for (const value of values) {
      if (value === '') break;
      out.push(value);
    }
    return out.join('');
  });
}

const SPECS = [...AI_TABLE.values()];
const arbitraryElement = fc
  .constantFrom(...SPECS)
  .chain((spec) => arbitraryValue(spec).map((value) => ({ ai: spec.ai, value })));
const arbitraryElements = fc.uniqueArray(arbitraryElement, { minLength: 1, maxLength: 6, selector: (e) => e.ai });

describe('GS1 properties (fast-check)', () => {
  it('any valid element string round-trips: serialise, parse, same elements', () => {
    fc.assert(
      fc.property(arbitraryElements, (elements) => {
        const parsed = parseElementString(serializeElements(elements), { referenceYear: SAMPLE_YEAR });
        expect(parsed.ok && parsed.elements).toEqual(elements);
      }),
      { numRuns: 2000 },
    );
  });

  it('…and through the HRI form and a trailing GS', () => {
    fc.assert(
      fc.property(arbitraryElements, (elements) => {
        const hri = parseHri(toHri(elements), { referenceYear: SAMPLE_YEAR });
        // HRI is ambiguous only when data itself contains "(NN)" of a known AI.
        if (!elements.some((e) => /\(\d{2,4}\)/.test(e.value))) expect(hri.ok && hri.elements).toEqual(elements);
        const trailing = parseElementString(`${serializeElements(elements)}${GS}`, { referenceYear: SAMPLE_YEAR });
        expect(trailing.ok && trailing.elements).toEqual(elements);
      }),
      { numRuns: 500 },
    );
  });

  it('a GTIN element string round-trips through a Digital Link URI', () => {
    const gtin = fc.stringMatching(/^\d{13}$/).map((d) => withCheckDigit(d));
    const x20 = fc.array(fc.constantFrom(...CSET82_CHARS), { minLength: 1, maxLength: 20 }).map((c) => c.join(''));
    fc.assert(
      fc.property(gtin, fc.option(x20, { nil: null }), fc.option(x20, { nil: null }), (g, lot, serial) => {
        const elements = [{ ai: '01', value: g }];
        if (lot) elements.push({ ai: '10', value: lot });
        if (serial) elements.push({ ai: '21', value: serial });
        const parsed = parseDigitalLink(digitalLinkUri(elements));
        expect(parsed.ok && parsed.elements).toEqual(elements);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any string, and a success only holds valid data', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          // eslint-disable-next-line no-control-regex
          fc.stringMatching(/^[0-9\x1d]{0,60}$/),
          fc
            .array(fc.constantFrom('01', '10', '17', '21', '00', '3103', GS, '9', 'A'), { maxLength: 20 })
            .map((p) => p.join('')),
        ),
        (data) => {
          const result = parseElementString(data, { referenceYear: SAMPLE_YEAR });
          if (result.ok)
            expect(parseElementString(serializeElements(result.elements), { referenceYear: SAMPLE_YEAR }).ok).toBe(
              true,
            );
        },
      ),
      { numRuns: 3000 },
    );
  });
});

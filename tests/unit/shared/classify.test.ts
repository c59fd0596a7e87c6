import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAim, symbologyOf } from '#shared/barcode/aim';
import { parseTracking } from '#shared/barcode/carriers';
import { classifyScan, describeReading, type Reading } from '#shared/barcode/classify';
import { GS } from '#shared/barcode/gs1';
import {
  barcodePatternsSchema,
  DEFAULT_BARCODE_PATTERNS,
  matchPattern,
  type BarcodePatterns,
} from '#shared/barcode/patterns';

const YEAR = 2026;

function reading(code: string, symbology?: string, patterns?: BarcodePatterns): Reading {
  return classifyScan(code, { symbology, referenceYear: YEAR, ...(patterns ? { patterns } : {}) }).reading;
}

describe('classifying scans', () => {
  it.each<[string, string, string | undefined, Partial<Reading> & { kind: Reading['kind'] }]>([
    ['EAN-13', '4006381333931', undefined, { kind: 'gtin', gtin: '04006381333931', form: 'GTIN-13' }],
    ['UPC-A', '036000291452', undefined, { kind: 'gtin', gtin: '00036000291452', form: 'GTIN-12' }],
    ['UPC-A sent as ]E0 with 13 digits', '0036000291452', 'E0', { kind: 'gtin', gtin: '00036000291452' }],
    ['EAN-8', '96385074', 'E4', { kind: 'gtin', gtin: '00000096385074', form: 'GTIN-8' }],
    ['GTIN-14', '10614141000415', undefined, { kind: 'gtin', gtin: '10614141000415', form: 'GTIN-14' }],
    ['UPC-E expanded', '04252614', undefined, { kind: 'gtin', gtin: '00042100005264', form: 'UPC-E' }],
    ['an ISBN is a GTIN outside the catalogue', '9780306406157', 'E0', { kind: 'gtin', range: 'isbn' }],
    ['an in-store code (prefix 2)', '2012345678903', undefined, { kind: 'gtin', range: 'restricted' }],
    ['bare SSCC', '106141412345678908', undefined, { kind: 'sscc', sscc: '106141412345678908' }],
    ['a wrong EAN-13 check digit', '4006381333932', 'E0', { kind: 'invalid', expected: 'gtin' }],
    ['a wrong SSCC check digit', '106141412345678909', undefined, { kind: 'invalid', expected: 'sscc' }],
    ['a command', 'CMD:DONE', undefined, { kind: 'command', command: { name: 'done' } }],
    ['NEXT is a command', 'cmd:next', undefined, { kind: 'command', command: { name: 'next' } }],
    ['a grade', 'CMD:GRADE:B', undefined, { kind: 'command', command: { name: 'grade', value: 'B' } }],
    [
      'a disposition',
      'CMD:ROUTE:RESTOCK',
      undefined,
      { kind: 'command', command: { name: 'route', value: 'RESTOCK' } },
    ],
    ['a command that does not exist', 'CMD:FLY', undefined, { kind: 'invalid', expected: 'command' }],
    ['an RMA', 'RMA-30001', undefined, { kind: 'pattern', pattern: 'rma' }],
    ['a return label', 'RT007000000000', undefined, { kind: 'pattern', pattern: 'rma' }],
    ['an order', 'NW10001', undefined, { kind: 'pattern', pattern: 'order' }],
    ['a tote', 'TOTE-104', undefined, { kind: 'pattern', pattern: 'tote' }],
    ['a badge', 'BADGE-P-1001', undefined, { kind: 'pattern', pattern: 'badge' }],
    ['a bin', 'RS-OPENBOX', undefined, { kind: 'pattern', pattern: 'bin' }],
    [
      'UPS',
      '1Z5R89390357567127',
      'C0',
      { kind: 'tracking', tracking: { carrier: 'ups', format: 'ups-1z', number: '1Z5R89390357567127' } },
    ],
    ['FedEx 12 (not a UPC: check fails)', '986578788855', undefined, { kind: 'tracking' }],
    ['USPS IMpb', '9400111201080805483016', undefined, { kind: 'tracking' }],
    ['DHL Express', '3318810025', undefined, { kind: 'tracking' }],
    ['anything else is text', 'hello world', undefined, { kind: 'text' }],
    ['a URL that is no Digital Link', 'https://example.com/returns', undefined, { kind: 'text' }],
  ])('%s', (_name, code, symbology, expected) => {
    expect(reading(code, symbology)).toMatchObject(expected);
  });

  it('reads GS1-128 (]C1) with lot, expiry and serial', () => {
    const result = classifyScan(`0109506000134352` + `17250600` + `10LOT-7${GS}` + `21SN0001`, {
      symbology: 'C1',
      referenceYear: YEAR,
    });
    expect(result.symbology).toBe('gs1-128');
    expect(result.reading).toMatchObject({
      kind: 'gs1',
      source: 'element_string',
      data: { gtin: '09506000134352', lot: 'LOT-7', serial: 'SN0001', expiry: '2025-06-30' },
    });
    expect(describeReading(result)).toBe('(01)09506000134352(17)250600(10)LOT-7(21)SN0001');
  });

  it('reads the AIM id at the start of the code when the input did not strip it', () => {
    const result = classifyScan(`]d20109506000134352${'10ABC'}`, { referenceYear: YEAR });
    expect(result).toMatchObject({ aim: 'd2', symbology: 'gs1-datamatrix', code: '0109506000134352' + '10ABC' });
    expect(result.reading).toMatchObject({ kind: 'gs1', data: { lot: 'ABC' } });
  });

  it('reads GS1 from a DataMatrix decoded with a leading GS and no AIM id (zxing)', () => {
    expect(reading(`${GS}0109506000134352${'21XYZ'}`)).toMatchObject({ kind: 'gs1', data: { serial: 'XYZ' } });
  });

  it('reads GS1 digits from a scanner without AIM ids: (01)+(17), (00)', () => {
    expect(reading('0109506000134352' + '17261231')).toMatchObject({
      kind: 'gs1',
      data: { gtin: '09506000134352', expiry: '2026-12-31' },
    });
    expect(reading('00106141412345678908')).toMatchObject({ kind: 'gs1', data: { sscc: '106141412345678908' } });
  });

  it('reads HRI text and Digital Link URIs', () => {
    expect(reading('(01)09506000134352(10)ABC')).toMatchObject({ kind: 'gs1', source: 'hri', data: { lot: 'ABC' } });
    expect(reading('https://id.gs1.org/01/09506000134352/21/77?17=270101', 'Q1')).toMatchObject({
      kind: 'gs1',
      source: 'digital_link',
      data: { serial: '77', expiry: '2027-01-01' },
    });
    expect(reading('https://id.gs1.org/01/09506000134352/21/77/10/A')).toMatchObject({
      kind: 'invalid',
      expected: 'digital_link',
    });
  });

  it('says why a GS1 string is broken', () => {
    expect(reading('0109506000134352' + '1725063', 'C1')).toEqual({
      kind: 'invalid',
      expected: 'gs1',
      reason: 'truncated:17',
    });
    expect(reading('0109506000134353', 'd2')).toEqual({ kind: 'invalid', expected: 'gs1', reason: 'check_digit:01' });
  });

  it('takes a USPS GS1-128 label (420 + ZIP, GS, IMpb) as a tracking number', () => {
    expect(reading(`42022153${GS}9101026837331000039521`, 'C1')).toMatchObject({
      kind: 'tracking',
      tracking: { carrier: 'usps', number: '9101026837331000039521' },
    });
  });

  it('uses the company patterns it is given', () => {
    const patterns = barcodePatternsSchema.parse({
      ...DEFAULT_BARCODE_PATTERNS,
      id: 'acme',
      commandPrefix: '%%',
      rma: ['R\\d{7}'],
    });
    expect(reading('R1234567', undefined, patterns)).toMatchObject({ kind: 'pattern', pattern: 'rma' });
    expect(reading('%%DONE', undefined, patterns)).toMatchObject({ kind: 'command', command: { name: 'done' } });
    expect(reading('CMD:DONE', undefined, patterns)).toEqual({ kind: 'text' });
    expect(matchPattern(patterns, 'RMA-30001')).toBeNull();
    expect(barcodePatternsSchema.safeParse({ ...DEFAULT_BARCODE_PATTERNS, rma: ['(unclosed'] }).success).toBe(false);
  });

  it('splits AIM ids and names the symbology, Zebra variants too', () => {
    expect(splitAim(']C1011234')).toEqual({ aim: 'C1', data: '011234' });
    expect(splitAim('C1011234')).toEqual({ aim: null, data: 'C1011234' });
    expect(symbologyOf('Q3')).toBe('gs1-qr');
    expect(symbologyOf('e0')).toBe('gs1-databar');
    expect(symbologyOf('X9')).toBe('ean-upc');
    expect(symbologyOf('I0')).toBe('itf');
  });

  it('any string gets a reading without a crash (property)', () => {
    const codes = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      // eslint-disable-next-line no-control-regex
      fc.stringMatching(/^\][A-Za-z][0-9][0-9\x1d]{0,40}$/),
      fc.stringMatching(/^https?:\/\/[a-z.]{1,10}(\/\d{2,4}\/[A-Za-z0-9%]{0,15}){0,4}(\?\d{2}=[0-9]{0,8})?$/),
      fc.stringMatching(/^(\(\d{2,4}\)[A-Z0-9(]{0,10}){1,4}$/),
      fc.stringMatching(/^\d{6,40}$/),
    );
    const symbologies = fc.option(fc.constantFrom('C1', 'C0', 'E0', 'E4', 'd2', 'Q3', 'e0', 'A0', 'I1', 'X9'), {
      nil: undefined,
    });
    fc.assert(
      fc.property(codes, symbologies, (code, symbology) => {
        const result = classifyScan(code, { symbology, referenceYear: YEAR });
        expect(typeof result.reading.kind).toBe('string');
        expect(typeof describeReading(result)).toBe('string');
      }),
      { numRuns: 5000 },
    );
  });
});

describe('carrier tracking numbers — published test numbers', () => {
  it.each([
    ['1Z5R89390357567127', 'ups'],
    ['1Z879E930346834440', 'ups'],
    ['1Z410E7W0392751591', 'ups'],
    ['986578788855', 'fedex'],
    ['477179081230', 'fedex'],
    ['1001921334250001000300779017972697', 'fedex'],
    ['041441760228964', 'fedex'],
    ['9611020987654312345672', 'fedex'],
    ['61299998820821171811', 'fedex'],
    ['03071790000523483741', 'usps'],
    ['4201002334249200190132607600833457', 'usps'],
    ['9400111201080805483016', 'usps'],
    ['92748931507708513018050063', 'usps'],
    ['RB123456785US', 'usps'],
    ['3318810025', 'dhl'],
    ['73891051146', 'dhl'],
    ['JJD0099999999', 'dhl'],
    ['GM2951173225174494', 'dhl'],
    ['RB123456785GB', 'postal'],
    ['0307 1790 0005 2348 3741', 'usps'],
  ])('%s is %s', (code, carrier) => {
    expect(parseTracking(code)?.carrier).toBe(carrier);
  });

  it.each([
    '2Z5R89390357567127',
    '1Z1111111111111111',
    '996578788855',
    '1001901781990001000300617767839438',
    '9600000000000000000001',
    '9200000000000000000000',
    '3318810010',
    'RB123456786US',
    'hello',
  ])('%s is none', (code) => {
    expect(parseTracking(code)).toBeNull();
  });
});

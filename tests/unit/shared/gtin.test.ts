import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, isValidGtin, toGtin14, withCheckDigit } from '#shared/barcode/gtin';

describe('GS1 check digits', () => {
  // Published examples: GS1 General Specifications and well-known retail barcodes.
  it.each([
    ['629104150021', 3], // GS1 check digit calculator example (GTIN-13 629104150021-3)
    ['03600029145', 2], // UPC-A 036000291452
    ['400638133393', 1], // EAN-13 4006381333931
    ['9638507', 4], // EAN-8 96385074
    ['0950600013435', 2], // GTIN-14 of the GS1 Digital Link standard's examples (09506000134352)
    ['10614141123456789', 7], // SSCC of the GS1 Digital Link examples (106141411234567897)
  ])('%s → %i', (data, check) => {
    expect(gs1CheckDigit(data)).toBe(check);
  });

  it('validates GTIN-8, 12, 13 and 14 and refuses a wrong check digit', () => {
    expect(isValidGtin('96385074')).toBe(true);
    expect(isValidGtin('036000291452')).toBe(true);
    expect(isValidGtin('4006381333931')).toBe(true);
    expect(isValidGtin('09506000134352')).toBe(true);
    expect(isValidGtin('4006381333932')).toBe(false);
    expect(isValidGtin('40063813339')).toBe(false);
    expect(isValidGtin('ABCDEFGHIJKLM')).toBe(false);
  });

  it('meets a UPC-A, its EAN-13 form and its GTIN-14 form at one key', () => {
    expect(toGtin14('036000291452')).toBe('00036000291452');
    expect(toGtin14('0036000291452')).toBe('00036000291452');
    expect(toGtin14('00036000291452')).toBe('00036000291452');
    expect(toGtin14('036000291453')).toBeNull();
  });

  it('any digits with their check digit appended are a valid GTIN (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(7, 11, 12, 13), fc.nat(), (length, seed) => {
        const data = String(seed).padStart(length, '7').slice(-length);
        const code = withCheckDigit(data);
        expect(isValidGtin(code)).toBe(true);
        // Changing the check digit always breaks it.
        const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
        expect(isValidGtin(wrong)).toBe(false);
      }),
    );
  });
});

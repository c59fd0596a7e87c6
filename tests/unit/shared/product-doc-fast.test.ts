import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withCheckDigit } from '#shared/barcode/gtin';
import { productDocFast, productDocSchema } from '#shared/sync/records';

/** Text with the characters that matter: plain, accented, astral, a lone surrogate, controls. */
const oddText = fc.constantFrom('', 'Ω-ñ', '😀', '\uD800', 'a\u0001b', 'tab\tok', 'x'.repeat(129), 'y'.repeat(501));
const gtin = fc.integer({ min: 0, max: 999_999_999 }).map((n) => withCheckDigit(`400${String(n).padStart(9, '0')}`));
const validCode = fc.oneof(
  gtin,
  gtin.map((g) => `0${g}`),
  fc.string({ minLength: 1, maxLength: 10 }),
);
const validBarcode = fc.record({ code: validCode, kind: fc.constantFrom('ean13', 'upca', 'code128') });

/** Inputs the schema takes (defaults sometimes left out, barcodes in any form and order). */
const validInput = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 8 }),
    sku: fc.string({ minLength: 1, maxLength: 8 }),
    brandId: fc.constantFrom('brand-a', 'Ω-brand'),
    name: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('Ω-ñ', '😀 mug', 'tab\tok')),
    category: fc.constantFrom('apparel', 'home'),
    weightG: fc.integer({ min: 0, max: 100_000 }),
    priceCents: fc.integer({ min: 0, max: 100_000 }),
    currency: fc.constantFrom('EUR', 'USD'),
    serialised: fc.boolean(),
    returnWindowDays: fc.integer({ min: 0, max: 3650 }),
    imageUrl: fc.oneof(fc.constant(null), fc.webUrl()),
    barcodes: fc.uniqueArray(validBarcode, { maxLength: 5, selector: (b) => b.code.replace(/^0/, '') }),
  },
  { requiredKeys: ['id', 'sku', 'brandId', 'name', 'category', 'weightG', 'priceCents', 'currency'] },
);

/** A field set to something the schema refuses (or a key it does not know). */
const breakage = fc.oneof(
  fc.record({ key: fc.constantFrom('id', 'sku', 'brandId', 'name', 'category', 'imageUrl'), value: oddText }),
  fc.record({
    key: fc.constantFrom('weightG', 'priceCents', 'returnWindowDays'),
    value: fc.constantFrom(-1, 1.5, 3651, Number.MAX_SAFE_INTEGER + 2, Number.NaN, '7'),
  }),
  fc.record({ key: fc.constant('currency'), value: fc.constantFrom('eur', 'EURO', 1) }),
  fc.record({ key: fc.constant('serialised'), value: fc.constantFrom('yes', 0, null) }),
  fc.record({
    key: fc.constant('barcodes'),
    value: fc.constantFrom([{ code: '', kind: 'x' }], [{ code: 'A', kind: 'x', extra: 1 }], 'none', [null]),
  }),
  fc.record({ key: fc.constant('extra'), value: fc.constant(1) }),
);

/** What reaches a station: the schema's output as sent (JSON), as an OMS wrote it, or broken. */
const sent = (input: unknown): Record<string, unknown> =>
  JSON.parse(JSON.stringify(productDocSchema.parse(input))) as Record<string, unknown>;
const productLike = fc.oneof(
  validInput.map(sent),
  validInput,
  fc.tuple(validInput, breakage).map(([input, { key, value }]) => ({ ...sent(input), [key]: value })),
);

describe('the product document fast path', () => {
  it('accepts only what the schema accepts, and only when the schema would give it back unchanged', () => {
    let accepted = 0;
    fc.assert(
      fc.property(productLike, (doc) => {
        const fast = productDocFast(doc);
        if (fast === null) return;
        accepted++;
        const parsed = productDocSchema.safeParse(doc);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(doc);
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(1000);
  });

  it('takes every document the schema outputs — what the cloud stores and sends', () => {
    let outputs = 0;
    fc.assert(
      fc.property(productLike, (doc) => {
        const parsed = productDocSchema.safeParse(doc);
        if (!parsed.success) return;
        outputs++;
        // The document as it travels: canonical JSON, parsed again.
        expect(productDocFast(JSON.parse(JSON.stringify(parsed.data)))).toEqual(parsed.data);
      }),
      { numRuns: 5000 },
    );
    expect(outputs).toBeGreaterThan(2000);
  });

  it('leaves to the schema a document with a barcode in another form, out of order or twice', () => {
    const normal = productDocSchema.parse({
      id: 'p1',
      sku: 'SKU-1',
      brandId: 'b1',
      name: 'Mug',
      category: 'home',
      weightG: 300,
      priceCents: 1200,
      currency: 'EUR',
      barcodes: [
        { code: '4006381333931', kind: 'ean13' },
        { code: 'INTERNAL-1', kind: 'code128' },
      ],
    });
    expect(productDocFast(normal)).toBe(normal);
    const [first, second] = normal.barcodes;
    expect(productDocFast({ ...normal, barcodes: [{ ...first!, code: '4006381333931' }] })).toBeNull();
    expect(productDocFast({ ...normal, barcodes: [second, first] })).toBeNull();
    expect(productDocFast({ ...normal, barcodes: [first, first] })).toBeNull();
    const { imageUrl: _imageUrl, ...withoutDefault } = normal;
    expect(productDocFast(withoutDefault)).toBeNull();
  });
});

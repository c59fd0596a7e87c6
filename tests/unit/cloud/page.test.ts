import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/util/canonical-json';
import { PageWriter, type PageHead } from '../../../src/cloud/services/page';
import { splitPage } from '../../../src/core/sync/client';
import { pageLine, pageValue, stringPage, type PageRow } from '../../support/page-reference';

function write(head: PageHead, rows: readonly PageRow[]): Buffer {
  const writer = new PageWriter();
  for (const row of rows) writer.add(pageLine(row));
  expect(writer.rows).toBe(rows.length);
  return writer.finish(head);
}

const HEAD: PageHead = {
  stream: 'catalog',
  cursor: 'v1.0b8e2a64-3f4c-4a0e-9a57-2d7f3e1c5b90.123456.789',
  more: true,
  upToDate: false,
  checksum: null,
  total: 1_000_000,
};

const put = (kind: string, id: string, doc: unknown, hash = 12345): PageRow => ({
  kind,
  id,
  body: canonicalJson(doc),
  hash,
  deleted: false,
});

/** What the station reads of a page, row by row (docs/sync-protocol.md). */
function readByLines(bytes: Buffer): { envelope: Record<string, unknown>; rows: unknown[] } {
  const split = splitPage(bytes);
  if (!split) throw new Error('the station would not read this page row by row');
  const rows: unknown[] = [];
  for (let i = 0; i < split.length; i++) rows.push(JSON.parse(split.line(i)));
  return { envelope: split.envelope, rows };
}

describe('a download page written as bytes', () => {
  const ROWS: PageRow[] = [
    put('product', 'prod-1', { name: 'Camiseta — algodón orgánico, talla M', price: 999, tags: ['a', 'ñ'] }),
    put('brand', 'brand-"q"\\é😀', { name: 'Dé "quoted" \\ back\u2028slash 😀', note: 'tab\there' }, 0),
    { kind: 'product', id: 'prod-gone', body: null, hash: 0, deleted: true },
    // A tombstone whose old text is still there is a tombstone all the same.
    { kind: 'product', id: 'prod-stale', body: '{"old":true}', hash: 77, deleted: true },
    put('product', 'ctrl\u0001\u001f\n\r\b\f', { empty: '', nested: { z: [null, true, 1.5e-7] } }, 4_294_967_295),
    put('product', 'prod-2', {}),
  ];

  it('is byte for byte the string-built page: deleted rows, non-ASCII, quotes, escapes, checksums', () => {
    const heads: PageHead[] = [
      HEAD,
      { ...HEAD, more: false, upToDate: true, checksum: { rows: 5, sum: 4_294_967_295 }, total: null },
      { ...HEAD, stream: 'rmas', more: false, upToDate: false, checksum: null, total: 0 },
    ];
    for (const head of heads) {
      for (const rows of [ROWS, [], ROWS.slice(2, 3), ROWS.slice(0, 1)]) {
        const bytes = write(head, rows);
        expect(bytes.equals(Buffer.from(stringPage(head, rows)))).toBe(true);
        expect(JSON.parse(bytes.toString('utf8'))).toEqual(pageValue(head, rows));
      }
    }
  });

  it('keeps one row to a line, readable by the station row by row', () => {
    const bytes = write(HEAD, ROWS);
    const lines = bytes.toString('utf8').split('\n');
    expect(lines).toHaveLength(ROWS.length + 2);
    expect(lines[0]!.endsWith('"rows":[')).toBe(true);
    expect(lines[3]).toBe('["del","product","prod-gone",0,null],');
    expect(lines[4]).toBe('["del","product","prod-stale",0,null],');
    expect(lines.at(-1)).toBe(']}');
    const read = readByLines(bytes);
    expect(read.rows).toEqual((pageValue(HEAD, ROWS) as { rows: unknown[] }).rows);
    expect(read.envelope).toMatchObject({ stream: 'catalog', cursor: HEAD.cursor, more: true, total: 1_000_000 });
    // An empty page is still laid out for reading row by row.
    expect(write(HEAD, []).toString('utf8').endsWith('"rows":[\n]}')).toBe(true);
    expect(readByLines(write(HEAD, [])).rows).toEqual([]);
  });

  it('spans the pieces of memory it writes into: a full page, and a document larger than a piece', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      put(i % 3 ? 'product' : 'brand', `prod-${i}`, {
        name: `Bench product ${i} — organic cotton tee, size M, colour ${i % 17}`,
        barcodes: [{ code: `BENCH${i}`, kind: 'code128' }],
        price: 999 + i,
      }),
    );
    const huge = put('order', 'order-huge', { lines: 'ñ😀'.repeat(600_000), more: 'x'.repeat(300_000) });
    const rows = [...many.slice(0, 2500), huge, ...many.slice(2500)];
    const bytes = write(HEAD, rows);
    expect(bytes.length).toBeGreaterThan(4_000_000);
    expect(bytes.equals(Buffer.from(stringPage(HEAD, rows)))).toBe(true);
  });

  it('equals the string-built page for any rows and envelope (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const row: fc.Arbitrary<PageRow> = fc.record({
      kind: fc.oneof(fc.constantFrom('product', 'brand', 'rma', 'order'), text),
      id: text,
      body: fc.option(
        fc.jsonValue().map((value) => canonicalJson(value)),
        { nil: null, freq: 5 },
      ),
      hash: fc.integer({ min: 0, max: 4_294_967_295 }),
      deleted: fc.boolean(),
    });
    const head: fc.Arbitrary<PageHead> = fc.record({
      stream: fc.constantFrom('config', 'operators', 'rmas', 'orders', 'catalog', 'customers'),
      cursor: fc.string({ unit: 'binary', maxLength: 120 }),
      more: fc.boolean(),
      upToDate: fc.boolean(),
      checksum: fc.option(fc.record({ rows: fc.nat(), sum: fc.integer({ min: 0, max: 4_294_967_295 }) }), {
        nil: null,
      }),
      total: fc.option(fc.nat(), { nil: null }),
    });
    fc.assert(
      fc.property(head, fc.array(row, { maxLength: 40 }), (h, rows) => {
        const bytes = write(h, rows);
        expect(bytes.toString('hex')).toBe(Buffer.from(stringPage(h, rows)).toString('hex'));
        expect(JSON.parse(bytes.toString('utf8'))).toEqual(pageValue(h, rows));
      }),
      { numRuns: 400 },
    );
  });
});

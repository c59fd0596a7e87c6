import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { SyncHttpError, inflatePage, splitPage, type SplitPage } from '../../../src/core/sync/client';

/** A page as the cloud writes it (src/cloud/services/records.ts): the rows last, one to a line. */
function cloudPage(rows: unknown[], envelope: Record<string, unknown> = { stream: 'catalog', cursor: 'c1' }): string {
  const head = JSON.stringify(envelope).slice(0, -1);
  return `${head},"rows":[${rows.map((row) => `\n${JSON.stringify(row)}`).join(',')}\n]}`;
}

const lines = (split: SplitPage): string[] => Array.from({ length: split.length }, (_, i) => split.line(i));
const parseLines = (split: SplitPage): unknown[] => lines(split).map((line) => JSON.parse(line) as unknown);

describe('a pulled page read row by row', () => {
  it('splits the cloud layout into its envelope and one line per row, which parse to the rows', () => {
    const rows = [
      ['put', 'product', 'p1', 1, { name: 'Tee, "red"\nsize M', barcodes: [{ code: '4006381333931' }] }],
      ['del', 'product', 'p2', 0, null],
    ];
    const text = cloudPage(rows, { stream: 'catalog', cursor: 'c9', more: true });
    const split = splitPage(text)!;
    expect(split.envelope).toEqual({ stream: 'catalog', cursor: 'c9', more: true, rows: [] });
    expect(split.length).toBe(2);
    expect(lines(split)).toEqual(rows.map((row) => JSON.stringify(row)));
    expect(parseLines(split)).toEqual(rows);
    expect({ ...split.envelope, rows: parseLines(split) }).toEqual(JSON.parse(text));
    // The bytes as they come off the wire, not a string: the same rows, the UTF-8 decoded per row.
    const utf8 = [['put', 'product', 'p3', 3, { name: 'Tee — größe M, 🧦' }]];
    expect(parseLines(splitPage(new TextEncoder().encode(cloudPage(utf8)))!)).toEqual(utf8);
  });

  it('reads a page without rows', () => {
    const split = splitPage(cloudPage([]))!;
    expect(split.length).toBe(0);
    expect(split.envelope['cursor']).toBe('c1');
  });

  it('refuses a page cut off in its rows, and leaves any other layout to be parsed whole', () => {
    const text = cloudPage([
      ['put', 'product', 'p1', 1, { a: 1 }],
      ['put', 'product', 'p2', 2, { a: 2 }],
    ]);
    expect(splitPage(text.slice(0, -5))).toBeNull();
    expect(splitPage(text.slice(0, text.length - 1))).toBeNull();
    // The same page on one line (another cloud, a proxy that re-encoded it): not split.
    expect(splitPage(JSON.stringify(JSON.parse(text)))).toBeNull();
    // A page pretty-printed: a row spread over several lines would not parse line by line.
    expect(splitPage(JSON.stringify(JSON.parse(text), null, 1))).toBeNull();
  });

  it('gives back exactly the rows of any page (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('put', 'del'), fc.string(), fc.string({ minLength: 1 }), fc.nat(), fc.jsonValue()),
          { maxLength: 40 },
        ),
        fc.string(),
        (rows, cursor) => {
          // What the page carries after a JSON round trip (-0 becomes 0, as JSON.parse reads it).
          const expected = JSON.parse(JSON.stringify(rows)) as unknown[];
          const split = splitPage(cloudPage(rows, { stream: 'catalog', cursor }));
          expect(split).not.toBeNull();
          expect(split!.envelope['cursor']).toBe(cursor);
          expect(parseLines(split!)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a page sent as a gzip file', () => {
  it('inflates to the page as it was, whatever its size', async () => {
    for (const count of [0, 1, 40, 3000]) {
      const rows = Array.from({ length: count }, (_, i) => [
        'put',
        'product',
        `p${i}`,
        i,
        { name: `Tee ${i} — größe M` },
      ]);
      const text = cloudPage(rows, { stream: 'catalog', cursor: `c${count}` });
      const inflated = await inflatePage(gzipSync(text, { level: 1 }));
      expect(inflated.toString('utf8')).toBe(text);
      expect(parseLines(splitPage(inflated)!)).toEqual(rows);
    }
  });

  it('refuses a gzip stream cut short or corrupt as a retryable network failure', async () => {
    const zipped = gzipSync(cloudPage([['put', 'product', 'p1', 1, { a: 'x'.repeat(5000) }]]));
    const failures = [zipped.subarray(0, zipped.length - 12), Buffer.from('not gzip at all'), Buffer.alloc(0)];
    const corrupt = Buffer.from(zipped);
    corrupt[20] = corrupt[20]! ^ 0xff;
    failures.push(corrupt);
    for (const bytes of failures) {
      const error = await inflatePage(bytes).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SyncHttpError);
      expect(error).toMatchObject({ code: 'network', retryable: true });
    }
  });

  it('inflates a page whose recorded size lies (a bomb claims little, a liar claims much)', async () => {
    const text = cloudPage([['put', 'product', 'p1', 1, { a: 'y'.repeat(300_000) }]]);
    const zipped = gzipSync(text);
    for (const claimed of [1, 0xffffffff]) {
      const lying = Buffer.from(zipped);
      lying.writeUInt32LE(claimed, lying.length - 4);
      // zlib checks the size at the end: a wrong one is a corrupt stream, refused like any other.
      await expect(inflatePage(lying)).rejects.toMatchObject({ code: 'network' });
    }
  });
});

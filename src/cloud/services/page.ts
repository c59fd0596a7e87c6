import type { PullResponse } from '#shared/sync/protocol';

/**
 * A row of a download page as PostgreSQL writes it from a `records` row: `["put",kind,id,hash,<body>`
 * or `["del",kind,id,0,null` — its closing bracket comes with the next row (`PageWriter.add`). The
 * stored body is canonical JSON text, spliced in as it is. `to_json` escapes text as
 * `JSON.stringify` does for the text a record may hold (no control characters, no lone surrogates):
 * the bytes are the same as the page built in JavaScript (tests/integration/sync/cloud-api.test.ts).
 */
export const PAGE_LINE_SQL = `CASE WHEN deleted OR body IS NULL
    THEN '["del",' || to_json(kind)::text || ',' || to_json(id)::text || ',0,null'
    ELSE '["put",' || to_json(kind)::text || ',' || to_json(id)::text || ',' || hash::text || ',' || body END`;

/** Everything of a download page but its rows. */
export type PageHead = Omit<PullResponse, 'rows'>;

/** The first piece of a page's buffer; each further piece is twice the last, up to `MAX_PIECE`. */
const FIRST_PIECE = 16 * 1024;
const MAX_PIECE = 1024 * 1024;

/**
 * Writes the UTF-8 text of a download page (docs/sync-protocol.md, "A page is read row by row"):
 * the envelope, then `"rows":[`, one row to a line (`\n<row>` joined by `,`), then `\n]}`.
 *
 * Rows are added one by one as the database hands them over (`Queryable.each`), each already its
 * text (`PAGE_LINE_SQL`), so a page's rows are never all alive at once as JavaScript objects; they
 * are encoded straight into pieces of memory, and `finish` puts the envelope — known only once the
 * last row is — in front. Building the same text as one JavaScript string (template strings per
 * row, a join, then a Buffer for gzip) cost about 45 ms of a 5000-row page: bodies holding
 * non-ASCII text make the page a 1.8-million-character two-byte string, built, flattened and
 * encoded again. Having PostgreSQL write each row's text, rather than handing over five columns
 * for JavaScript to put together, took ≈ 2.5 µs a row off the cloud's process for ≈ 1 more in
 * PostgreSQL's (a 300 000-row download, two builds of the cloud alternated).
 */
export class PageWriter {
  readonly #pieces: Buffer[] = [];
  #piece: Buffer = Buffer.allocUnsafe(FIRST_PIECE);
  #used = 0;
  #rows = 0;

  /** Rows added so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Appends a row's text (`PAGE_LINE_SQL`), in page order. */
  add(line: string): void {
    // Each row's closing bracket goes out with the next row's opening.
    this.#write(this.#rows++ === 0 ? '\n' : '],\n');
    this.#write(line);
  }

  /** The whole page: the envelope, the rows added, the end. */
  finish(head: PageHead): Buffer {
    this.#write(this.#rows === 0 ? '\n]}' : ']\n]}');
    const pieces = [Buffer.from(envelope(head)), ...this.#pieces, this.#piece.subarray(0, this.#used)];
    return Buffer.concat(pieces);
  }

  #write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair: 4 bytes for 2 units).
    const room = text.length * 3;
    if (this.#used + room > this.#piece.length) {
      this.#pieces.push(this.#piece.subarray(0, this.#used));
      this.#piece = Buffer.allocUnsafe(Math.max(Math.min(this.#piece.length * 2, MAX_PIECE), room));
      this.#used = 0;
    }
    this.#used += this.#piece.write(text, this.#used, 'utf8');
  }
}

/** The envelope of a page up to and including `"rows":[`, its fields in the protocol's order. */
function envelope(head: PageHead): string {
  return (
    `{"stream":${JSON.stringify(head.stream)},"cursor":${JSON.stringify(head.cursor)},` +
    `"more":${head.more},"upToDate":${head.upToDate},"checksum":${JSON.stringify(head.checksum)},` +
    `"total":${head.total === null ? 'null' : head.total},"rows":[`
  );
}

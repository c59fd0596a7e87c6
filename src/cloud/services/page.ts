import type { PullResponse } from '#shared/sync/protocol';

/** One row of a download page as `records` holds it (`body` is canonical JSON text, or null). */
export type PageRow = {
  kind: string;
  id: string;
  body: string | null;
  hash: number;
  deleted: boolean;
};

/** Everything of a download page but its rows. */
export type PageHead = Omit<PullResponse, 'rows'>;

/** The first piece of a page's buffer; each further piece is twice the last, up to `MAX_PIECE`. */
const FIRST_PIECE = 16 * 1024;
const MAX_PIECE = 1024 * 1024;

/**
 * Writes the UTF-8 text of a download page (docs/sync-protocol.md, "A page is read row by row"):
 * the envelope, then `"rows":[`, one row to a line (`\n<row>` joined by `,`), then `\n]}`. A row is
 * `["put",kind,id,hash,<body>]` or `["del",kind,id,0,null]`; stored documents are canonical JSON
 * text (no line break) and are spliced in as they are, never parsed and re-encoded.
 *
 * Rows are added one by one as the database hands them over (`Queryable.each`), so a page's rows
 * are never all alive at once as JavaScript objects; they are encoded straight into pieces of
 * memory, and `finish` puts the envelope — known only once the last row is — in front. Building
 * the same text as one JavaScript string (template strings per row, a join, then a Buffer for gzip)
 * cost about 45 ms of a 5000-row page: bodies holding non-ASCII text make the page a 1.8-million-
 * character two-byte string, built, flattened and encoded again. The bytes are the same
 * (tests/unit/cloud/page.test.ts).
 */
export class PageWriter {
  readonly #pieces: Buffer[] = [];
  #piece: Buffer = Buffer.allocUnsafe(FIRST_PIECE);
  #used = 0;
  #rows = 0;
  #kind = '';
  #kindJson = '""';

  /** Rows added so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Appends a row, in page order. */
  add(row: PageRow): void {
    // Each row's closing bracket goes out with the next row's opening, one write fewer per row.
    const before = this.#rows++ === 0 ? '\n' : '],\n';
    if (row.kind !== this.#kind) {
      this.#kind = row.kind;
      this.#kindJson = JSON.stringify(row.kind);
    }
    if (row.deleted || row.body === null) {
      this.#write(`${before}["del",${this.#kindJson},${JSON.stringify(row.id)},0,null`);
    } else {
      this.#write(`${before}["put",${this.#kindJson},${JSON.stringify(row.id)},${Number(row.hash)},`);
      this.#write(row.body);
    }
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

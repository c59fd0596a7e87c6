import type { PageHead } from '../../src/cloud/services/page';

/** A `records` row as a page is written from it (`body` is canonical JSON text, or null). */
export type PageRow = { kind: string; id: string; body: string | null; hash: number; deleted: boolean };

/** A row's line as `PAGE_LINE_SQL` writes it (without its closing bracket), built in JavaScript. */
export function pageLine(row: PageRow): string {
  return row.deleted || row.body === null
    ? `["del",${JSON.stringify(row.kind)},${JSON.stringify(row.id)},0,null`
    : `["put",${JSON.stringify(row.kind)},${JSON.stringify(row.id)},${Number(row.hash)},${row.body}`;
}

/**
 * A download page built the plain way, as one string — what the cloud served before it wrote pages
 * as bytes (`PageWriter`), kept here as the reference the bytes must equal.
 */
export function stringPage(head: PageHead, rows: readonly PageRow[]): string {
  const lines = rows.map((row) => `${pageLine(row)}]`);
  const checksum: PageHead['checksum'] = head.checksum ? { rows: head.checksum.rows, sum: head.checksum.sum } : null;
  return (
    `{"stream":${JSON.stringify(head.stream)},"cursor":${JSON.stringify(head.cursor)},` +
    `"more":${head.more},"upToDate":${head.upToDate},"checksum":${JSON.stringify(checksum)},` +
    `"total":${head.total === null ? 'null' : Number(head.total)},"rows":[${lines.map((line) => `\n${line}`).join(',')}\n]}`
  );
}

/** The JSON value a page must parse to, built from the rows as values (documents parsed). */
export function pageValue(head: PageHead, rows: readonly PageRow[]): unknown {
  return {
    ...head,
    rows: rows.map((row) =>
      row.deleted || row.body === null
        ? ['del', row.kind, row.id, 0, null]
        : ['put', row.kind, row.id, Number(row.hash), JSON.parse(row.body) as unknown],
    ),
  };
}

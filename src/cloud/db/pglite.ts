import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { beginStatement, type Queryable, type QueryResult, type Row, type Store } from './store';

/**
 * PGlite: PostgreSQL compiled to WebAssembly, in this process, persisted in a data folder. One
 * connection, so statements and transactions run one at a time — fine for a demo, a test or a
 * small warehouse; several instances need PostgreSQL (`DATABASE_URL`).
 */
export async function pgliteStore(dataDir: string | null): Promise<Store> {
  const db = new PGlite(dataDir ?? undefined, {
    // int8 as a number (as the pg adapter does); xid8 stays text.
    parsers: { [pgliteTypes.INT8]: (value: string) => Number(value) },
  });
  await db.waitReady;
  // Transactions run one at a time on the single connection; plain queries wait for them.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const query = async <R extends Row = Row>(
    q: { query: PGlite['query']; exec: PGlite['exec'] },
    text: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>> => {
    if (params === undefined || params.length === 0) {
      // The simple protocol: several statements in one text (migrations), no parameters.
      const results = await q.exec(text);
      const last = results[results.length - 1];
      return { rows: (last?.rows ?? []) as R[], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
    }
    const result = await q.query<R>(text, params as unknown[]);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
  // One connection, no streaming: the rows are read whole and then handed over one by one.
  const each = async <R extends Row = Row>(
    q: { query: PGlite['query']; exec: PGlite['exec'] },
    text: string,
    params: readonly unknown[],
    onRow: (row: R) => void,
  ): Promise<number> => {
    const { rows } = await query<R>(q, text, params);
    for (const row of rows) onRow(row);
    return rows.length;
  };
  return {
    kind: 'pglite',
    query: (text, params) => exclusive(() => query(db, text, params)),
    each: (text, params, onRow) => exclusive(() => each(db, text, params, onRow)),
    tx: (fn, options) =>
      exclusive(async () => {
        await db.query(beginStatement(options));
        const inner: Queryable = {
          query: (text, params) => query(db, text, params),
          each: (text, params, onRow) => each(db, text, params, onRow),
        };
        try {
          const result = await fn(inner);
          await db.query('COMMIT');
          return result;
        } catch (error) {
          await db.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    close: () => exclusive(() => db.close()),
  };
}

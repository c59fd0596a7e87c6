import pg from 'pg';
import { beginStatement, type Queryable, type QueryResult, type Row, type Store } from './store';

const INT8 = 20;

/** int8 (bigint) as a JavaScript number; our counters, sizes and times stay far below 2^53. */
const types = {
  getTypeParser: (oid: number, format?: string): ((value: string) => unknown) =>
    oid === INT8
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown),
};

/** A pool of connections to a PostgreSQL server. Several cloud instances may share the database. */
export function pgStore(connectionString: string, options: { max?: number } = {}): Store {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, types });
  // An idle client that loses its server (a restart) must not crash the process.
  pool.on('error', () => undefined);
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await client.query<R>(text, params as unknown[]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async each<R extends Row = Row>(
      text: string,
      params: readonly unknown[],
      onRow: (row: R) => void,
    ): Promise<number> {
      if (client instanceof pg.Pool) {
        const connection = await client.connect();
        try {
          return await each(connection, text, params, onRow);
        } finally {
          connection.release();
        }
      }
      return each(client, text, params, onRow);
    },
  });
  return {
    kind: 'pg',
    ...wrap(pool),
    async tx(fn, txOptions) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query(beginStatement(txOptions));
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * A query whose rows go to `onRow` one by one as they are parsed: a `pg.Query` with a `row`
 * listener and no callback does not collect them.
 */
function each<R extends Row>(
  client: pg.PoolClient,
  text: string,
  params: readonly unknown[],
  onRow: (row: R) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    // The client gives a submitted query its own type parsers (int8 as a number), as for `query`.
    const query = new pg.Query<R>({ text, values: params as unknown[] });
    let count = 0;
    let failure: { error: unknown } | null = null;
    query.on('row', (row: R) => {
      if (failure) return;
      try {
        onRow(row);
        count++;
      } catch (error) {
        // Thrown into pg's parser it would break the connection; the query runs to its end instead.
        failure = { error };
      }
    });
    query.on('error', reject);
    query.on('end', () => (failure ? reject(failure.error as Error) : resolve(count)));
    void client.query(query);
  });
}

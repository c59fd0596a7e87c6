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

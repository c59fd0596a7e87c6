import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgStore } from '../../../src/cloud/db/pg';
import { pgliteStore } from '../../../src/cloud/db/pglite';
import { sqlState, type Store } from '../../../src/cloud/db/store';
import { startPostgres, type Postgres } from '../../support/postgres';

const STORES = ['pglite', 'postgresql'] as const;

type Row = { n: number; big: number; text: string; nothing: string | null };

/** Rows 1..count: an int8, a bigint past 2^32, non-ASCII text, a null. */
const SERIES = `SELECT g::int8 AS n, (g::int8 * 4294967296) AS big, repeat('é—😀"', g) AS text, NULL::text AS nothing
                  FROM generate_series(1, $1::int) AS g ORDER BY g`;

describe.each(STORES)('Store.each on %s', (storeKind) => {
  let postgres: Postgres | null = null;
  let store: Store;

  beforeAll(async () => {
    if (storeKind === 'postgresql') {
      postgres = await startPostgres();
      // A small pool: a connection `each` failed to give back would soon leave none.
      store = pgStore(await postgres.database(), { max: 2 });
    } else {
      store = await pgliteStore(null);
    }
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await postgres?.stop();
  });

  it('hands over every row in order, typed as `query` types them, and counts them', async () => {
    const expected = (await store.query<Row>(SERIES, [300])).rows;
    expect(expected[299]).toEqual({ n: 300, big: 300 * 4294967296, text: 'é—😀"'.repeat(300), nothing: null });
    const seen: Row[] = [];
    const inTx = await store.tx((q) => q.each<Row>(SERIES, [300], (row) => seen.push(row)), {
      isolation: 'repeatable read',
      readOnly: true,
    });
    expect(inTx).toBe(300);
    expect(seen).toEqual(expected);
    const outside: Row[] = [];
    expect(await store.each<Row>(SERIES, [7], (row) => outside.push(row))).toBe(7);
    expect(outside).toEqual(expected.slice(0, 7));
    expect(await store.each(SERIES, [0], () => expect.unreachable())).toBe(0);
  });

  it('stops handing over rows when `onRow` throws, rejects with its error, and leaves the store usable', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      let calls = 0;
      const failing = store.tx((q) =>
        q.each<Row>(SERIES, [50], (row) => {
          calls++;
          if (row.n === 3) throw new Error(`refused row ${row.n}`);
        }),
      );
      await expect(failing).rejects.toThrow('refused row 3');
      expect(calls).toBe(3);
      await expect(
        store.each<Row>(SERIES, [10], () => {
          throw new RangeError('outside a transaction');
        }),
      ).rejects.toThrow(RangeError);
    }
    // Every connection went back to the pool in a state to serve (five rounds on a pool of two).
    const after = await store.tx(async (q) => {
      const rows: number[] = [];
      await q.each<Row>(SERIES, [4], (row) => rows.push(row.n));
      return rows;
    });
    expect(after).toEqual([1, 2, 3, 4]);
  });

  it('rejects with the database error of a query that fails, and the transaction rolls back', async () => {
    await store.query('CREATE TABLE IF NOT EXISTS each_probe (id int PRIMARY KEY)');
    const failing = store.tx(async (q) => {
      await q.query('INSERT INTO each_probe (id) VALUES (1)');
      return q.each('SELECT 1 / (g - 2) AS x FROM generate_series(1, $1::int) AS g', [3], () => undefined);
    });
    const error = await failing.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(sqlState(error)).toBe('22012');
    expect((await store.query('SELECT count(*)::int AS n FROM each_probe')).rows[0]).toEqual({ n: 0 });
  });
});

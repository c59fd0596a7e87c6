/**
 * The cloud's one door to its database: PostgreSQL through `pg` when DATABASE_URL is set, or an
 * embedded PGlite in a data folder. Everything above this file writes plain PostgreSQL and does
 * not know which one it talks to.
 *
 * Values are always bound parameters. Numbers: int8 columns come back as JavaScript numbers
 * (both adapters are configured so; our counters stay far below 2^53); xid8 and numeric come back
 * as strings.
 */
export type Row = Record<string, unknown>;

export type QueryResult<R extends Row = Row> = { rows: R[]; rowCount: number };

export type Queryable = {
  query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /**
   * Runs a query and hands each row to `onRow` as it arrives, without keeping the rows: a large
   * result (a 5000-row download page) is never held whole in memory, so its rows die young instead
   * of being copied by the garbage collector. Resolves to the number of rows; if `onRow` throws,
   * the rest of the rows are skipped and the promise rejects with that error.
   */
  each<R extends Row = Row>(text: string, params: readonly unknown[], onRow: (row: R) => void): Promise<number>;
};

export type TxOptions = {
  /** REPEATABLE READ: every statement sees one snapshot (download pages read rows and checksum together). */
  isolation?: 'read committed' | 'repeatable read';
  readOnly?: boolean;
};

export type Store = Queryable & {
  readonly kind: 'pg' | 'pglite';
  /**
   * Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. Never hold a
   * transaction across a network call to a client.
   */
  tx<T>(fn: (q: Queryable) => Promise<T>, options?: TxOptions): Promise<T>;
  close(): Promise<void>;
};

/** The SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/** Serialization failures and deadlocks: the transaction may simply be run again. */
export function isRetryable(error: unknown): boolean {
  const state = sqlState(error);
  return state === '40001' || state === '40P01' || state === '55P03';
}

export function beginStatement(options: TxOptions = {}): string {
  const parts = ['BEGIN'];
  if (options.isolation === 'repeatable read') parts.push('ISOLATION LEVEL REPEATABLE READ');
  if (options.readOnly) parts.push('READ ONLY');
  return parts.join(' ');
}

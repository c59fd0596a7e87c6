import Database from 'better-sqlite3';

/** A better-sqlite3 handle. Only the core opens one; everything else goes through queries. */
export type Db = Database.Database;

/**
 * Opens the station database with the settings every bench relies on:
 * - WAL, so readers never block the writer;
 * - `synchronous=FULL`: better-sqlite3 defaults WAL to NORMAL, which can lose the last committed
 *   transactions on power loss — a scan the operator saw acknowledged must survive;
 * - foreign keys on; a busy timeout for the rare second connection (reports, backups);
 * - a 32 MiB page cache instead of SQLite's 2 MiB: a scan looks up a product, an order and an RMA
 *   at random in tables of a million rows, and the upper levels of their indexes stay in memory.
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -32768');
  return db;
}

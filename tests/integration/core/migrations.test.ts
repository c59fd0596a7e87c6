import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/core/db/connection';
import { DbFromFutureError, LATEST_SCHEMA_VERSION, migrate, MIGRATIONS } from '../../../src/core/db/migrations/index';
import type { Migration } from '../../../src/core/db/migrations/types';
import { tempDir } from '../../support/paths';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function freshFile(): string {
  const temp = tempDir();
  cleanups.push(temp.remove);
  return join(temp.dir, 'station.db');
}

describe('station database', () => {
  it('opens with WAL, synchronous=FULL and foreign keys on', () => {
    const db = openDatabase(freshFile());
    cleanups.push(() => db.close());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('migrates a new file to the latest version, and every table is STRICT', () => {
    const db = openDatabase(freshFile());
    cleanups.push(() => db.close());
    expect(migrate(db)).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    const tables = db
      .prepare<[], { name: string; strict: number }>(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
      )
      .all();
    expect(tables.length).toBeGreaterThan(10);
    for (const table of tables)
      expect({ table: table.name, strict: table.strict }).toEqual({ table: table.name, strict: 1 });
    // A second run changes nothing.
    expect(migrate(db)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
  });

  it('refuses a database written by a newer Benchline, and does not touch it', () => {
    const file = freshFile();
    const raw = new Database(file);
    raw.exec('CREATE TABLE from_the_future (x INTEGER) STRICT');
    raw.pragma('user_version = 9990');
    raw.close();
    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(() => migrate(db)).toThrow(DbFromFutureError);
    expect(db.pragma('user_version', { simple: true })).toBe(9990);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'").get()).toEqual({ n: 0 });
  });

  it('runs all pending migrations in one transaction: a failure leaves the old schema and version', () => {
    const db = openDatabase(freshFile());
    cleanups.push(() => db.close());
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 10,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x INTEGER) STRICT');
        throw new Error('boom');
      },
    };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
  });

  it('refuses migrations whose versions do not increase', () => {
    const db = openDatabase(freshFile());
    cleanups.push(() => db.close());
    const same: Migration = { version: MIGRATIONS[0]!.version, name: 'dup', up() {} };
    expect(() => migrate(db, [...MIGRATIONS, same])).toThrow(/not monotonic/);
  });

  it('numbers migrations in steps of ten, each named after its file', () => {
    for (const migration of MIGRATIONS) expect(migration.version % 10).toBe(0);
  });
});

describe('order serials', () => {
  function withOrder(db: Database.Database, id: string, serials: string | null): void {
    db.prepare(`INSERT INTO orders (id, number, brand_id, status, placed_at) VALUES (?, ?, 'b', 'shipped', 1)`).run(
      id,
      `N-${id}`,
    );
    db.prepare(
      `INSERT INTO order_lines (order_id, line_no, product_id, quantity, serials) VALUES (?, 1, 'p', 2, ?)`,
    ).run(id, serials);
  }
  const serialsOf = (db: Database.Database): string[] =>
    db
      .prepare<[], { row: string }>("SELECT serial || '@' || order_id AS row FROM order_serials ORDER BY serial")
      .all()
      .map((r) => r.row);

  it('keeps one row per shipped serial as order lines are written, changed and deleted', () => {
    const db = openDatabase(freshFile());
    cleanups.push(() => db.close());
    migrate(db);
    withOrder(db, 'o1', '["SN-1","SN-2"]');
    withOrder(db, 'o2', null);
    withOrder(db, 'o3', 'not json');
    expect(serialsOf(db)).toEqual(['SN-1@o1', 'SN-2@o1']);
    db.prepare(`UPDATE order_lines SET serials = '["SN-9"]' WHERE order_id = 'o2'`).run();
    db.prepare(`UPDATE order_lines SET serials = '["SN-2"]' WHERE order_id = 'o1'`).run();
    expect(serialsOf(db)).toEqual(['SN-2@o1', 'SN-9@o2']);
    db.prepare(`DELETE FROM orders WHERE id = 'o2'`).run();
    expect(serialsOf(db)).toEqual(['SN-2@o1']);
  });

  it('fills itself from the lines already there when the migration runs', () => {
    const db = openDatabase(freshFile());
    cleanups.push(() => db.close());
    const before = MIGRATIONS.filter((m) => m.version < 120);
    migrate(db, before);
    withOrder(db, 'o1', '["SN-1","SN-2"]');
    migrate(db);
    expect(serialsOf(db)).toEqual(['SN-1@o1', 'SN-2@o1']);
  });

  it('finds an order by a shipped serial with one index probe', () => {
    const db = openDatabase(freshFile());
    cleanups.push(() => db.close());
    migrate(db);
    const plan = db
      .prepare<[string], { detail: string }>(
        `EXPLAIN QUERY PLAN SELECT s.order_id FROM order_serials s JOIN orders o ON o.id = s.order_id WHERE s.serial = ? ORDER BY o.placed_at DESC LIMIT 1`,
      )
      .all('SN-1')
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toMatch(/SEARCH s USING PRIMARY KEY \(serial=\?\)/);
    expect(plan).not.toMatch(/SCAN/);
  });
});

describe('migration 0140: the latest parcel and return case of a station', () => {
  it('finds each with one index probe, not a scan and a sort of every one', () => {
    const db = openDatabase(freshFile());
    cleanups.push(() => db.close());
    migrate(db);
    for (const table of ['packages', 'return_cases']) {
      const plan = db
        .prepare<[string], { detail: string }>(
          `EXPLAIN QUERY PLAN SELECT * FROM ${table} WHERE station_id = ? ORDER BY opened_at DESC, rowid DESC LIMIT 1`,
        )
        .all('ST-1')
        .map((r) => r.detail)
        .join(' | ');
      expect(plan).toMatch(new RegExp(`SEARCH ${table} USING INDEX ${table}_station_latest \\(station_id=\\?\\)`));
      expect(plan).not.toMatch(/SCAN|TEMP B-TREE/);
    }
  });
});

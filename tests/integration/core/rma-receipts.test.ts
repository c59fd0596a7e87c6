import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/core/db/connection';
import { migrate, MIGRATIONS } from '../../../src/core/db/migrations/index';
import { returnsQueries, SECOND_RECEIPTS_OF_RMA_SQL } from '../../../src/core/db/queries/returns';
import { tempDir } from '../../support/paths';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function database(): Db {
  const temp = tempDir();
  cleanups.push(temp.remove);
  const db = openDatabase(join(temp.dir, 'station.db'));
  cleanups.push(() => db.close());
  return db;
}

/** A station before migration 0180, its rmas stream live at a cursor. */
function before0180(parkedReceipt: boolean): Db {
  const db = database();
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version < 180),
  );
  db.prepare(
    "INSERT INTO sync_streams (stream, cursor, rows, checksum, up_to_date) VALUES ('rmas', 'cursor-at-42', 2, 77, 1)",
  ).run();
  db.prepare(
    "INSERT INTO sync_stage_rmas (id, number, order_id, status, return_tracking, requested_resolution, created_at, sync_hash) VALUES ('r9', 'RMA-9', NULL, 'authorized', NULL, 'refund', 0, 5)",
  ).run();
  if (parkedReceipt) {
    // What a station without the kind did with a receipt it was sent: parked, with its hash.
    db.prepare(
      `INSERT INTO sync_parked (generation, stream, kind, id, hash, doc, reason)
       VALUES ('live', 'rmas', 'rma_receipt', 'r1', 33, '{"rmaId":"r1"}', 'this station does not know documents of kind "rma_receipt" in rmas')`,
    ).run();
  }
  return db;
}

type StreamRow = { cursor: string | null; staging: number; stage_cursor: string | null; up_to_date: number };
const stream = (db: Db): StreamRow =>
  db
    .prepare<[], StreamRow>("SELECT cursor, staging, stage_cursor, up_to_date FROM sync_streams WHERE stream = 'rmas'")
    .get()!;

describe('migration 0180: RMA receipts', () => {
  it('downloads the rmas stream again, beside the live data, when receipts were parked before it', () => {
    const db = before0180(true);
    migrate(db);
    // The live cursor stays (the benches keep their RMAs); a staged download starts from zero,
    // and its swap stores the receipts and checks every local case against them.
    expect(stream(db)).toEqual({ cursor: 'cursor-at-42', staging: 1, stage_cursor: null, up_to_date: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM sync_stage_rmas').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM rma_receipts').get()).toEqual({ n: 0 });
  });

  it('leaves the stream alone when nothing was parked', () => {
    const db = before0180(false);
    migrate(db);
    expect(stream(db)).toEqual({ cursor: 'cursor-at-42', staging: 0, stage_cursor: null, up_to_date: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM sync_stage_rmas').get()).toEqual({ n: 1 });
  });
});

describe('second receipts', () => {
  it('finds the local cases of one RMA received first by another case with index probes only', () => {
    const db = database();
    migrate(db);
    const plan = db
      .prepare<[string], { detail: string }>(`EXPLAIN QUERY PLAN ${SECOND_RECEIPTS_OF_RMA_SQL}`)
      .all('r1')
      .map((row) => row.detail);
    expect(plan.some((d) => /SEARCH c USING INDEX return_cases_rma/.test(d))).toBe(true);
    expect(plan.some((d) => /SEARCH r USING INDEX sqlite_autoindex_rma_receipts_1/.test(d))).toBe(true);
    expect(plan.some((d) => /SEARCH f USING INDEX fraud_flags_case/.test(d))).toBe(true);
    expect(plan.filter((d) => /^SCAN (c|r|f)\b/.test(d))).toEqual([]);
  });

  it('names each local case whose RMA another case received first, and none already flagged or its own', () => {
    const db = database();
    migrate(db);
    const q = returnsQueries(db);
    db.exec(`
      INSERT INTO rma_receipts (rma_id, case_id, event_id, station_id, station_local_id, station_name, received_at, sync_hash)
        VALUES ('r1', 'case-elsewhere', 'e1', 's-other', 'L-other', 'RET-02', 1, 9),
               ('r2', 'case-own', 'e2', 's-me', 'L-me', 'RET-01', 1, 9);
    `);
    const insert = db.prepare(
      `INSERT INTO return_cases (id, station_id, clerk_id, kind, quarantined, status, rma_id, order_id, found_by, opened_at)
       VALUES (?, 'L-me', 'op', 'rma', 0, ?, ?, NULL, 'rma', ?)`,
    );
    insert.run('case-a', 'closed', 'r1', 1);
    insert.run('case-b', 'open', 'r1', 2);
    insert.run('case-own', 'closed', 'r2', 3);
    insert.run('case-c', 'closed', 'r3', 4);
    expect(q.secondReceipts('r1').map((r) => r.local_case_id)).toEqual(['case-a', 'case-b']);
    expect(q.secondReceipts('r2')).toEqual([]);
    expect(q.secondReceipts('r3')).toEqual([]);
    db.prepare(
      `INSERT INTO fraud_flags (id, case_id, type, severity, score, explanation, evidence, rule, status, raised_at)
       VALUES ('f1', 'case-a', 'duplicate_receipt', 'high', 0.8, 'x', '{}', NULL, 'cleared', 5)`,
    ).run();
    expect(q.secondReceipts(null)).toMatchObject([
      { local_case_id: 'case-b', rma_id: 'r1', case_id: 'case-elsewhere', station_name: 'RET-02' },
    ]);
  });
});

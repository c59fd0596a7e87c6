import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/core/db/connection';
import { migrate, MIGRATIONS } from '../../../src/core/db/migrations/index';
import { EventLog } from '../../../src/core/events/log';
import { GENESIS_HASH } from '../../../src/core/events/chain';
import { tempDir } from '../../support/paths';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function freshLog(): { db: Db; log: EventLog; file: string } {
  const temp = tempDir();
  const file = join(temp.dir, 'station.db');
  const db = openDatabase(file);
  migrate(db);
  cleanup = () => {
    if (db.open) db.close();
    temp.remove();
  };
  let time = 1_700_000_000_000;
  return { db, log: new EventLog(db, 'STATION-1', () => time++), file };
}

describe('event log', () => {
  it('appends with seq 1, 2, 3… and chains each hash to the previous one', () => {
    const { log } = freshLog();
    const a = log.record({ type: 't.a', operatorId: 'op', payload: { n: 1 } });
    const b = log.record({ type: 't.b', operatorId: null, subject: 'x', payload: { n: 2 } });
    const c = log.record({ type: 't.c', operatorId: 'op', payload: {} });
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(c.prevHash).toBe(b.hash);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    // ULIDs sort in creation order.
    expect([a.id, b.id, c.id]).toEqual([a.id, b.id, c.id].sort());
    expect(log.verify()).toEqual({ ok: true, checked: 3, brokenAtSeq: null, reason: null });
  });

  it('stores the payload as canonical JSON (sorted keys)', () => {
    const { log } = freshLog();
    const event = log.record({ type: 't', operatorId: null, payload: { b: 1, a: { d: 2, c: 3 } } });
    expect(event.payload).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('leaves no gap when the surrounding transaction rolls back', () => {
    const { db, log } = freshLog();
    log.record({ type: 'kept', operatorId: null, payload: {} });
    expect(() =>
      db.transaction(() => {
        log.append({ type: 'lost', operatorId: null, payload: {} });
        throw new Error('the projection failed');
      })(),
    ).toThrow('the projection failed');
    const next = log.record({ type: 'kept', operatorId: null, payload: {} });
    expect(next.seq).toBe(2);
    expect(log.verify().ok).toBe(true);
  });

  it('refuses an append outside a transaction', () => {
    const { log } = freshLog();
    expect(() => log.append({ type: 't', operatorId: null, payload: {} })).toThrow(/inside a transaction/);
  });

  it('is append-only: UPDATE and DELETE are refused by the database', () => {
    const { db, log } = freshLog();
    log.record({ type: 't', operatorId: null, payload: {} });
    expect(() => db.prepare("UPDATE events SET type = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
  });

  it('points at the first event edited behind its back', () => {
    const { db, log, file } = freshLog();
    for (let i = 0; i < 10; i++) log.record({ type: 'scan.recorded', operatorId: 'op', payload: { i } });
    db.close();
    // Someone with the file drops the guard and edits event 6.
    const raw = new Database(file);
    raw.exec('DROP TRIGGER events_append_only_update');
    raw.prepare('UPDATE events SET payload = ? WHERE seq = 6').run('{"i":600}');
    raw.close();
    const reopened = openDatabase(file);
    const verdict = new EventLog(reopened, 'STATION-1').verify();
    reopened.close();
    expect(verdict.ok).toBe(false);
    expect(verdict.brokenAtSeq).toBe(6);
    expect(verdict.checked).toBe(5);
  });

  it('notices a deleted event as a gap', () => {
    const { db, log, file } = freshLog();
    for (let i = 0; i < 5; i++) log.record({ type: 't', operatorId: null, payload: { i } });
    db.close();
    const raw = new Database(file);
    raw.exec('DROP TRIGGER events_append_only_delete');
    raw.prepare('DELETE FROM events WHERE seq = 3').run();
    raw.close();
    const reopened = openDatabase(file);
    const verdict = new EventLog(reopened, 'STATION-1').verify();
    reopened.close();
    expect(verdict).toMatchObject({ ok: false, brokenAtSeq: 4 });
  });

  it('uses indexes for the audit queries', () => {
    const { db } = freshLog();
    const plan = (sql: string, ...params: unknown[]): string =>
      db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((row) => row.detail)
        .join(' | ');
    const byType = plan(
      'SELECT e.* FROM event_types t JOIN events e ON e.seq = t.seq WHERE t.type = ? AND t.seq < ? ORDER BY t.seq DESC LIMIT ?',
      'x',
      10,
      5,
    );
    expect(byType).toMatch(/USING (COVERING )?INDEX event_types_type_seq/);
    expect(byType).not.toMatch(/TEMP B-TREE/);
    expect(
      plan('SELECT count(*) FROM event_types WHERE type = ? AND created_at >= ? AND created_at < ?', 'x', 1, 2),
    ).toMatch(/USING COVERING INDEX event_types_type_created/);
    // The chain head is read on every append: the rowid b-tree walked backwards, no sort.
    const head = plan('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
    expect(head).toMatch(/SCAN events/);
    expect(head).not.toMatch(/TEMP B-TREE/);
  });

  it('keeps the by-type look-ups out of the append: indexed in batches, caught up before any read', () => {
    const { db, log } = freshLog();
    const pages = (): number => db.prepare('SELECT count(*) FROM event_types').pluck().get() as number;
    for (let i = 0; i < 10; i++) log.record({ type: i % 2 ? 't.odd' : 't.even', operatorId: null, payload: { i } });
    // Appending writes no index row by type…
    expect(pages()).toBe(0);
    // …yet a read by type sees every event, newest first, after catching the index up.
    expect(log.count('t.odd')).toBe(5);
    expect(log.page(3, Number.MAX_SAFE_INTEGER, 't.even').map((e) => e.seq)).toEqual([9, 7, 5]);
    expect(pages()).toBe(10);
    // The idle upkeep adds a batch only once enough events wait.
    log.record({ type: 't.odd', operatorId: null, payload: {} });
    expect(log.indexTypes(2)).toBe(0);
    log.record({ type: 't.even', operatorId: null, payload: {} });
    expect(log.indexTypes(2)).toBe(2);
    expect(db.prepare('SELECT seq, type FROM event_types WHERE seq > 10 ORDER BY seq').all()).toEqual([
      { seq: 11, type: 't.odd' },
      { seq: 12, type: 't.even' },
    ]);
  });

  it('moves the events of a station upgraded from before the by-type index into it (migration 0220)', () => {
    const temp = tempDir();
    const db = openDatabase(join(temp.dir, 'station.db'));
    cleanup = () => {
      if (db.open) db.close();
      temp.remove();
    };
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 220),
    );
    let time = 1_700_000_000_000;
    // This build's log prepares its by-type reads at once: a stand-in table, gone before upgrading.
    db.exec('CREATE TABLE event_types (seq INTEGER PRIMARY KEY, type TEXT, created_at INTEGER)');
    const before = new EventLog(db, 'STATION-1', () => time++);
    for (let i = 0; i < 4; i++) before.record({ type: `t.${i % 2}`, operatorId: null, payload: { i } });
    db.exec('DROP TABLE event_types');
    migrate(db);
    expect(db.prepare('SELECT seq, type, created_at FROM event_types ORDER BY seq').all()).toEqual([
      { seq: 1, type: 't.0', created_at: 1_700_000_000_000 },
      { seq: 2, type: 't.1', created_at: 1_700_000_000_001 },
      { seq: 3, type: 't.0', created_at: 1_700_000_000_002 },
      { seq: 4, type: 't.1', created_at: 1_700_000_000_003 },
    ]);
    expect(
      db.prepare("SELECT name FROM sqlite_schema WHERE name IN ('events_type_seq', 'events_created')").all(),
    ).toEqual([]);
  });
});

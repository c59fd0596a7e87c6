import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/core/db/connection';
import { migrate } from '../../../src/core/db/migrations/index';
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
    expect(plan('SELECT * FROM events WHERE type = ? AND seq < ? ORDER BY seq DESC LIMIT ?', 'x', 10, 5)).toMatch(
      /USING (COVERING )?INDEX events_type_seq/,
    );
    // The chain head is read on every append: the rowid b-tree walked backwards, no sort.
    const head = plan('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
    expect(head).toMatch(/SCAN events/);
    expect(head).not.toMatch(/TEMP B-TREE/);
  });
});

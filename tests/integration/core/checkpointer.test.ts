import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Checkpointer } from '../../../src/core/db/checkpointer';
import { openDatabase, type Db } from '../../../src/core/db/connection';
import { m0210LogRestarts } from '../../../src/core/db/migrations/0210-log-restarts';
import type { Logger } from '../../../src/core/util/log';
import { tempDir } from '../../support/paths';

const temps: ReturnType<typeof tempDir>[] = [];
const open: Db[] = [];

function database(): { db: Db; file: string } {
  const temp = tempDir();
  temps.push(temp);
  const file = join(temp.dir, 'station.db');
  const db = openDatabase(file);
  open.push(db);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, blob BLOB NOT NULL)');
  m0210LogRestarts.up(db);
  return { db, file };
}

function logger(): Logger & { warn: ReturnType<typeof vi.fn> } {
  const log = { warn: vi.fn(), info: vi.fn(), error: vi.fn(), debug: vi.fn() };
  return log as unknown as Logger & { warn: ReturnType<typeof vi.fn> };
}

/** Pages in the write-ahead log (a probe's checkpoint copies nothing new: the core already did). */
function logPages(file: string): number {
  const probe = openDatabase(file);
  const [result] = probe.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
  probe.close();
  return result!.log;
}

/** About `pages` pages of 4 KiB in one commit. */
function write(db: Db, pages: number): void {
  const insert = db.prepare('INSERT INTO t (blob) VALUES (randomblob(3500))');
  db.transaction(() => {
    for (let i = 0; i < pages; i++) insert.run();
  })();
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const temp of temps.splice(0)) temp.remove();
});

describe('the write-ahead log checkpointer', () => {
  it('turns off checkpoints in commits and leaves a big log to its worker, off the core thread', async () => {
    const { db, file } = database();
    const checkpointer = new Checkpointer(db, file, logger(), { idle: () => false });
    expect(checkpointer.inWorker).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(file).size;
    write(db, 6000);
    // More than the core copies itself: this call only asks the worker.
    checkpointer.maintain();
    expect(statSync(file).size).toBe(before);
    expect(await until(() => statSync(file).size >= before + 6000 * 3500, 5000)).toBe(true);
    expect(checkpointer.restarts).toBe(0);
    // Once the worker is done, the next idle moment starts the log over with the core's own
    // one-row write.
    expect(
      await until(() => {
        checkpointer.maintain();
        return checkpointer.restarts === 1;
      }, 5000),
    ).toBe(true);
    expect(logPages(file)).toBeLessThanOrEqual(2);
    checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('keeps the log short under a steady stream of small commits, starting it over when idle', () => {
    const { db, file } = database();
    const checkpointer = new Checkpointer(db, file, logger(), { idle: () => false });
    // 1000 commits of 5 pages, upkeep after each as the core does between calls: 5000 pages
    // written; the log starts over at about 1000.
    for (let i = 0; i < 1000; i++) {
      write(db, 5);
      checkpointer.maintain();
    }
    expect(checkpointer.restarts).toBeGreaterThanOrEqual(4);
    expect(logPages(file)).toBeLessThan(1100);
    expect(db.prepare('SELECT restarts FROM log_restarts').pluck().get()).toBe(checkpointer.restarts);
    checkpointer.stop();
  });

  it('does nothing while the core is answering a call, and catches up once it is idle', async () => {
    const { db, file } = database();
    let idle = false;
    const checkpointer = new Checkpointer(db, file, logger(), { idle: () => idle });
    write(db, 1500);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(checkpointer.restarts).toBe(0);
    expect(logPages(file)).toBeGreaterThanOrEqual(1500);
    idle = true;
    expect(await until(() => checkpointer.restarts === 1, 5000)).toBe(true);
    checkpointer.stop();
  });

  it('during big writes (a sync cycle) leaves even a short copy to the worker and never restarts the log itself', async () => {
    const { db, file } = database();
    const checkpointer = new Checkpointer(db, file, logger(), { idle: () => false, bulk: () => true });
    const before = statSync(file).size;
    write(db, 1500);
    checkpointer.maintain();
    expect(statSync(file).size).toBe(before);
    expect(await until(() => statSync(file).size >= before + 1500 * 3500, 5000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    checkpointer.maintain();
    expect(checkpointer.restarts).toBe(0);
    checkpointer.stop();
  });

  it('leaves everything in the database file when it stops, even with the worker still closing', () => {
    const { db, file } = database();
    const checkpointer = new Checkpointer(db, file, logger());
    write(db, 800);
    checkpointer.stop();
    // The log is empty: a copy of the database file alone has every row.
    expect(statSync(`${file}-wal`).size).toBe(0);
    db.close();
  });

  it('lets the log start over once it was folded in, so it does not grow with every commit', async () => {
    const { db, file } = database();
    const checkpointer = new Checkpointer(db, file, logger());
    for (let round = 0; round < 6; round++) {
      write(db, 500);
      await new Promise((resolve) => setTimeout(resolve, 450));
    }
    // Six rounds of 500 pages; a log that never started over would hold about 3000 pages.
    expect(statSync(`${file}-wal`).size).toBeLessThan(2000 * 4096);
    checkpointer.stop();
  });

  it('goes back to checkpoints in commits, and says so, when the worker fails', async () => {
    const { db } = database();
    const log = logger();
    // A file the worker cannot open (it never creates one).
    const checkpointer = new Checkpointer(db, join(temps[0]!.dir, 'missing', 'station.db'), log);
    expect(await until(() => !checkpointer.inWorker, 5000)).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const [fields, message] = log.warn.mock.calls[0] as [{ reason: unknown }, string];
    expect(typeof fields.reason).toBe('string');
    expect(message).toMatch(/checkpoint/);
  });
});

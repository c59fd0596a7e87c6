import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../util/log';
import type { Db } from './connection';

/** A write-ahead log bigger than this is cut back to it when it starts over. */
const WAL_LIMIT_BYTES = 64 * 1024 * 1024;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
/** SQLite's default: every commit that leaves the log this many pages long checkpoints it. */
const AUTOCHECKPOINT_PAGES = 1000;
/** How often the core looks at the log when nothing else wakes it. */
const EVERY_MS = 200;
/**
 * Frames in the log before the core starts it over, at an idle moment: a returns scan and what
 * follows it (its bin label) write about seventeen, so the log starts over about every sixty scans
 * and stays around four megabytes.
 */
const RESTART_FRAMES = 1024;
/**
 * Frames not yet copied into the database file above which copying them is the worker's job (a
 * sync page, a swap), not a pause of the core's thread.
 */
const CORE_FRAMES = 4096;
/**
 * Where the wal-index (the `-shm` file, https://sqlite.org/walformat.html §2.1) keeps the number
 * of frames in the log (`mxFrame`, in the header) and how many of them are copied into the
 * database file (`nBackfill`, after the header's two copies); native byte order.
 */
const MX_FRAME_AT = 16;
const BACKFILL_AT = 96;

/**
 * The worker: its own connection to the station database, one PASSIVE checkpoint each time the
 * core asks. Plain CommonJS run with `eval`, so it needs no file of its own in the bundle; the
 * driver's path is resolved by the core and handed over.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ done: true });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

/**
 * Keeps the station's write-ahead log short, and its upkeep out of the scans.
 *
 * SQLite's own way — the commit that makes the log 1000 pages long copies it into the database
 * file — puts that copy, and the fsyncs, inside a scan now and then; after a big write (the swap
 * that ends a first download) that one commit took seconds (`sync.responsive`: a 2.7 s stall).
 * Checkpoints at random moments from another thread cost the scans too: the log starts over only
 * at a commit that finds it wholly copied, and that commit writes the log's header and fsyncs it
 * first, one fsync more; under a steady stream of scans the copy never catches up at all, so the
 * log grew by every commit — half a gigabyte over 6 000 scans, every page read searching it, every
 * commit growing the file (`returns.scan`: p99 3.1–4.5 ms against 2.1–2.5 with a short log).
 *
 * So the core decides, when it is idle (no call in flight), reading the log's length in the
 * wal-index: once it holds `RESTART_FRAMES` frames, the core copies what is left into the database
 * file (more than `CORE_FRAMES` frames is left to the worker, off the core's thread) and then
 * starts the log over itself with a one-row write, paying the header's fsync between scans. The
 * worker copies only when asked, so nothing else finishes the copy and hands a restart to a scan.
 * Where the wal-index cannot be read, the worker is asked after every write and SQLite restarts
 * the log as it does by itself.
 *
 * If the worker cannot start or fails, the connection goes back to the automatic checkpoint.
 */
export class Checkpointer {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #idle: () => boolean;
  readonly #bulk: () => boolean;
  #worker: Worker | null = null;
  #workerBusy = false;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #changes;
  readonly #restart;
  readonly #shmFile: string;
  #shm: number | null = null;
  readonly #header = Buffer.alloc(BACKFILL_AT + 4);
  /** `total_changes()` when the worker was last asked (the fallback without the wal-index). */
  #rowsAtWorker = 0;
  #askedAt = -Infinity;
  #restarts = 0;

  /**
   * `idle` says whether the core has no call in flight (upkeep never runs inside one); `bulk`
   * whether big writes are under way (a sync cycle): the worker then copies whatever the log
   * holds, as it comes, and SQLite restarts the log itself. The database has the `log_restarts`
   * table (migration 0210).
   */
  constructor(db: Db, file: string, log: Logger, when: { idle?: () => boolean; bulk?: () => boolean } = {}) {
    this.#db = db;
    this.#log = log;
    this.#idle = when.idle ?? (() => true);
    this.#bulk = when.bulk ?? (() => false);
    this.#shmFile = `${file}-shm`;
    db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    this.#changes = db.prepare<[], number>('SELECT total_changes()').pluck();
    this.#restart = db.prepare(
      'INSERT INTO log_restarts (id, restarts, at) VALUES (1, 1, ?) ON CONFLICT (id) DO UPDATE SET restarts = restarts + 1, at = excluded.at',
    );
    this.#rowsAtWorker = this.#changes.get()!;
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(WORKER, { eval: true, workerData: { driver, file } });
      worker.unref();
      worker.on('message', (message: { error?: string; done?: boolean }) => {
        this.#workerBusy = false;
        if (message.error) this.#fallBack(message.error);
      });
      worker.on('error', (error) => this.#fallBack(error.message));
      this.#worker = worker;
      db.pragma('wal_autocheckpoint = 0');
    } catch (error) {
      this.#fallBack(error instanceof Error ? error.message : String(error));
    }
    this.#timer = setInterval(() => {
      if (this.#idle()) this.maintain();
    }, EVERY_MS);
    this.#timer.unref();
  }

  /** Whether checkpoints run in the worker (else in commits, as SQLite does by itself). */
  get inWorker(): boolean {
    return this.#worker !== null;
  }

  /** How many times the core started the log over (since it opened the database). */
  get restarts(): number {
    return this.#restarts;
  }

  /**
   * The upkeep, called when the core is idle: nothing while the log is short; the worker asked
   * to copy a big log; else the rest copied here and the log started over. Cheap when there is
   * nothing to do (a read of the wal-index header).
   */
  maintain(): void {
    const db = this.#db;
    if (!db.open || db.inTransaction || this.#workerBusy) return;
    const frames = this.#frames();
    if (!frames || this.#bulk()) {
      // Big writes under way, or no wal-index to read: the worker copies what was written since
      // it was last asked, and SQLite restarts the log at the first commit after a whole copy.
      // At most every EVERY_MS: a copy after every call would keep the disk busy under the calls.
      const rows = this.#changes.get()!;
      if (rows !== this.#rowsAtWorker && performance.now() - this.#askedAt >= EVERY_MS) this.#ask(rows);
      return;
    }
    if (frames.log < RESTART_FRAMES) return;
    if (this.#worker && frames.log - frames.copied > CORE_FRAMES) {
      this.#ask(this.#changes.get()!);
      return;
    }
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      // A reader still holds older pages (a report, a backup): the log cannot start over yet.
      if (!result || result.busy !== 0 || result.log !== result.checkpointed) return;
      this.#restart.run(Date.now());
      this.#restarts++;
    } catch (error) {
      // SQLITE_BUSY from another connection's write: the next idle moment tries again.
      this.#log.debug({ err: error }, 'write-ahead log upkeep deferred');
    }
  }

  #ask(rows: number): void {
    if (!this.#worker) return;
    this.#workerBusy = true;
    this.#rowsAtWorker = rows;
    this.#askedAt = performance.now();
    this.#worker.postMessage('checkpoint');
  }

  /** Frames in the log and frames copied into the database file, from the wal-index; null if unreadable. */
  #frames(): { log: number; copied: number } | null {
    try {
      this.#shm ??= openSync(this.#shmFile, 'r');
      if (readSync(this.#shm, this.#header, 0, this.#header.length, 0) < this.#header.length) return null;
      const little = endianness() === 'LE';
      const u32 = (at: number): number => (little ? this.#header.readUInt32LE(at) : this.#header.readUInt32BE(at));
      return { log: u32(MX_FRAME_AT), copied: u32(BACKFILL_AT) };
    } catch {
      return null;
    }
  }

  /**
   * Stops the worker and folds the whole log into the database file from this connection, so the
   * file alone holds everything once the core has closed (a backup copying `station.db` of a
   * closed station misses nothing) even while the worker's connection is still closing.
   */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#shm !== null) closeSync(this.#shm);
    this.#shm = null;
    const worker = this.#worker;
    this.#worker = null;
    if (!worker) return;
    worker.postMessage('close');
    if (!this.#db.open) return;
    this.#db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    // The worker may be in the middle of a checkpoint of its own: a moment, then again.
    for (let attempt = 0; attempt < 400; attempt++) {
      const [result] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result?.busy === 0) return;
      Atomics.wait(PAUSE, 0, 0, 5);
    }
    this.#log.warn({}, 'the write-ahead log could not be folded in at close; it is kept beside the database');
  }

  #fallBack(reason: string): void {
    if (this.#worker) void this.#worker.terminate();
    this.#worker = null;
    this.#workerBusy = false;
    if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    this.#log.warn({ reason }, 'write-ahead log checkpoints run in commits: the checkpoint worker failed');
  }
}

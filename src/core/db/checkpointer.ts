import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../util/log';
import type { Db } from './connection';

/** How often the worker folds the write-ahead log back into the database file. */
const EVERY_MS = 200;
/** A write-ahead log bigger than this is cut back to it when it starts over. */
const WAL_LIMIT_BYTES = 64 * 1024 * 1024;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
/** SQLite's default: every commit that leaves the log this many pages long checkpoints it. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * The worker: its own connection to the station database, a PASSIVE checkpoint every EVERY_MS.
 * Plain CommonJS run with `eval`, so it needs no file of its own in the bundle; the driver's path
 * is resolved by the core and handed over.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const run = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
};
const timer = setInterval(run, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints the station's write-ahead log from a worker thread instead of inside commits.
 *
 * With SQLite's automatic checkpoint, the commit that makes the log 1000 pages long copies the
 * whole log into the database file and fsyncs it, on the core's thread. After a big write (the
 * swap that ends a first download writes every row of a stream) that one commit took seconds —
 * every window's call waited behind it (`sync.responsive`: a 2.7 s stall during live pages). A
 * PASSIVE checkpoint on another connection never blocks the writer; the log starts over from its
 * beginning at the next commit after one that caught up.
 *
 * If the worker cannot start or fails, the connection goes back to the automatic checkpoint.
 */
export class Checkpointer {
  readonly #db: Db;
  readonly #log: Logger;
  #worker: Worker | null = null;

  constructor(db: Db, file: string, log: Logger) {
    this.#db = db;
    this.#log = log;
    db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(WORKER, { eval: true, workerData: { driver, file, everyMs: EVERY_MS } });
      worker.unref();
      worker.on('message', (message: { error?: string }) => {
        if (message.error) this.#fallBack(message.error);
      });
      worker.on('error', (error) => this.#fallBack(error.message));
      this.#worker = worker;
      db.pragma('wal_autocheckpoint = 0');
    } catch (error) {
      this.#fallBack(error instanceof Error ? error.message : String(error));
    }
  }

  /** Whether checkpoints run in the worker (else in commits, as SQLite does by itself). */
  get inWorker(): boolean {
    return this.#worker !== null;
  }

  /**
   * Stops the worker and folds the whole log into the database file from this connection, so the
   * file alone holds everything once the core has closed (a backup copying `station.db` of a
   * closed station misses nothing) even while the worker's connection is still closing.
   */
  stop(): void {
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
    if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    this.#log.warn({ reason }, 'write-ahead log checkpoints run in commits: the checkpoint worker failed');
  }
}

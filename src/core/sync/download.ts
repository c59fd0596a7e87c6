import { mod32, sameChecksum } from '#shared/sync/hash';
import { asPullRow, LIMITS } from '#shared/sync/protocol';
import { STREAMS, type StreamName } from '#shared/sync/records';
import type { Db } from '../db/connection';
import type { Logger } from '../util/log';
import type { IncomingRow, ReferenceApplier } from './apply';
import { SyncHttpError, type PulledPage, type SyncClient } from './client';
import type { SyncState, StreamState } from './state';
import type { SyncFaults } from './upload';

export type DownloaderDeps = {
  db: Db;
  state: SyncState;
  applier: ReferenceApplier;
  clock: () => number;
  log: Logger;
  faults: SyncFaults;
  /** A page was applied (progress for the windows). */
  progressed: (stream: StreamName) => void;
  /** Operators or policies changed: the session and the policy cache must look again. */
  operatorsChanged: () => void;
  policiesChanged: () => void;
  /**
   * The live rows of a stream changed: the ids a page brought, or null when a whole download was
   * swapped in (anything may have changed). Orders and customers matter to the benches (recalls,
   * the fraud rules); it is said after the page committed.
   */
  referenceChanged: (stream: StreamName, ids: readonly string[] | null) => void;
  yieldToLoop: () => Promise<void>;
  /** Milliseconds one page's transaction should take; the page size follows. */
  pageTargetMs: number;
  pageRowsMax: number;
};

/** A checksum that disagreed after a download: the stream is downloaded again. */
export class ChecksumMismatchError extends Error {
  constructor(stream: StreamName, mismatches: number) {
    super(`The ${stream} stream did not add up ${mismatches} times in a row; downloading it again.`);
    this.name = 'ChecksumMismatchError';
  }
}

/** After this many mismatches in a row, the stream waits for the backoff before trying again. */
const MISMATCH_LIMIT = 3;

/**
 * Downloads the reference streams, in priority order, page by page; each live page and its cursor
 * are written in one SQLite transaction, so the cursor never runs ahead of the data (a crash between
 * them is impossible). A stream never downloaded — or whose cursor the cloud answers 410 for, or
 * whose checksum disagreed — is downloaded again into the staging tables while the live data
 * stays in use, and swapped in atomically with the transaction that completes it.
 *
 * Pages are small enough (the size adapts to how long a page takes to write) that a window's
 * call never waits long for the database, and the loop yields between pages; the next page is
 * fetched while this one is written.
 */
export class Downloader {
  readonly #deps: DownloaderDeps;
  readonly #limits = new Map<StreamName, number>();

  constructor(deps: DownloaderDeps) {
    this.#deps = deps;
  }

  /** Downloads every stream; true when one was held back by a running cloud transaction. */
  async run(client: SyncClient, signal: AbortSignal): Promise<{ heldBack: boolean }> {
    let heldBack = false;
    for (const stream of STREAMS) {
      signal.throwIfAborted();
      if (await this.#stream(client, stream, signal)) heldBack = true;
    }
    return { heldBack };
  }

  async #stream(client: SyncClient, name: StreamName, signal: AbortSignal): Promise<boolean> {
    const { state, applier, db } = this.#deps;
    let st = state.stream(name);
    if (!st.staging && st.cursor === null) {
      st = this.#restage(st);
    }
    let refetches = 0;
    let pending: Promise<PulledPage> | null = this.#fetch(client, name, st, signal);
    for (;;) {
      if (pending === null) return false;
      let page: PulledPage;
      try {
        page = await pending;
      } catch (error) {
        if (error instanceof SyncHttpError && error.code === 'must_refetch' && refetches++ < 2) {
          this.#deps.log.warn(
            { stream: name, reason: error.details?.['reason'] },
            'cursor refused (410): downloading the stream again',
          );
          st = this.#restage(state.stream(name));
          pending = this.#fetch(client, name, st, signal);
          continue;
        }
        throw error;
      }
      this.#deps.faults.at?.('after_page_fetch');
      const staging = st.staging;
      // The next page, while this one is written (its cursor is already known).
      const next: StreamState = staging ? { ...st, stageCursor: page.cursor } : { ...st, cursor: page.cursor };
      pending = page.more ? this.#fetch(client, name, next, signal) : null;
      pending?.catch(() => undefined);
      // The page arrived (and was split) in the loop's poll phase, or follows the last page's
      // writes: calls waiting meanwhile go first.
      await this.#deps.yieldToLoop();
      signal.throwIfAborted();

      // A staging page is big (fewer round trips) and written in short transactions, yielding
      // between them — each chunk's rows parsed as it is written; the last one saves the stage
      // cursor. Writing a row to the stage twice (a crash between chunks, the page fetched again)
      // leaves one row: stage rows are keyed.
      let from = 0;
      if (staging) {
        let chunk = this.#chunk(name);
        while (page.length - from > chunk) {
          const to = from + chunk;
          const chunkStarted = performance.now();
          inSyncTransaction(db, () => applier.applyStage(name, toRows(page, from, to)));
          this.#adapt(name, to - from, performance.now() - chunkStarted, false);
          from = to;
          chunk = this.#chunk(name);
          await this.#deps.yieldToLoop();
          signal.throwIfAborted();
        }
      }
      const rows = toRows(page, from, page.length);

      const started = performance.now();
      let mismatch = false;
      let operators = false;
      let policies = false;
      let swappedIn = false;
      const now = this.#deps.clock();
      st = inSyncTransaction(db, () => {
        const current = state.stream(name);
        const updated: StreamState = { ...current, lastPullAt: now, upToDate: false };
        if (staging) {
          applier.applyStage(name, rows);
          updated.stageCursor = page.cursor;
          updated.stageRows = current.stageRows + page.length;
          if (page.total !== null) updated.stageTotal = page.total;
          if (page.upToDate && page.checksum) {
            let staged = applier.stageChecksum(name);
            // Not what the cloud says: the staged rows themselves decide (the tally is a shortcut).
            if (!sameChecksum(staged, page.checksum)) staged = applier.stageChecksum(name, true);
            if (sameChecksum(staged, page.checksum)) {
              this.#deps.faults.at?.('before_swap_commit');
              // After a mismatch the live rows are not trusted: all of them are rewritten.
              const swapped = applier.swap(name, current.mismatches > 0, staged);
              operators = swapped.operators;
              policies = name === 'config';
              swappedIn = true;
              Object.assign(updated, {
                cursor: page.cursor,
                rows: swapped.checksum.rows,
                checksum: swapped.checksum.sum,
                staging: false,
                stageCursor: null,
                stageRows: 0,
                stageTotal: null,
                upToDateAt: now,
                upToDate: true,
                lastChangeAt: now,
                mismatches: 0,
              });
            } else {
              this.#deps.log.warn(
                { stream: name, staged: { rows: staged.rows, sum: staged.sum }, cloud: page.checksum },
                'staged download does not add up',
              );
              applier.clearStage(name);
              Object.assign(updated, { stageCursor: null, stageRows: 0, mismatches: current.mismatches + 1 });
              mismatch = true;
            }
          }
        } else {
          const applied = applier.applyLive(name, rows);
          operators = applied.operators;
          policies = applied.policies;
          updated.cursor = page.cursor;
          updated.rows = current.rows + applied.rowsDelta;
          updated.checksum = mod32(current.checksum + applied.sumDelta);
          if (rows.length > 0) updated.lastChangeAt = now;
          if (page.upToDate && page.checksum) {
            if (sameChecksum({ rows: updated.rows, sum: updated.checksum }, page.checksum)) {
              Object.assign(updated, { upToDateAt: now, upToDate: true, mismatches: 0 });
            } else {
              this.#deps.log.warn(
                { stream: name, station: { rows: updated.rows, sum: updated.checksum }, cloud: page.checksum },
                'stream does not add up: downloading it again beside the live data',
              );
              applier.clearStage(name);
              Object.assign(updated, {
                staging: true,
                stageCursor: null,
                stageRows: 0,
                stageTotal: null,
                mismatches: current.mismatches + 1,
              });
              mismatch = true;
            }
          }
        }
        this.#deps.faults.at?.('before_page_commit');
        state.saveStream(updated);
        return updated;
      });
      if (!mismatch) this.#adapt(name, rows.length, performance.now() - started, staging && st.cursor !== null);
      if (operators) this.#deps.operatorsChanged();
      if (policies) this.#deps.policiesChanged();
      if (swappedIn) this.#deps.referenceChanged(name, null);
      else if (!staging && rows.length > 0)
        this.#deps.referenceChanged(
          name,
          rows.map((row) => row.id),
        );
      this.#deps.progressed(name);
      if (mismatch) {
        if (st.mismatches >= MISMATCH_LIMIT) throw new ChecksumMismatchError(name, st.mismatches);
        pending = this.#fetch(client, name, st, signal);
      }
      // The next page yields to the loop once it is here, before its first write.
      if (pending) continue;
      // The last page: up to date, or held back by a transaction still running in the cloud.
      return !page.upToDate;
    }
  }

  /** Starts (or restarts) a download into the staging tables; the live data stays as it is. */
  #restage(current: StreamState): StreamState {
    const updated: StreamState = {
      ...current,
      staging: true,
      stageCursor: null,
      stageRows: 0,
      stageTotal: null,
      upToDate: false,
    };
    inSyncTransaction(this.#deps.db, () => {
      this.#deps.applier.clearStage(current.stream);
      this.#deps.state.saveStream(updated);
    });
    return updated;
  }

  #fetch(client: SyncClient, name: StreamName, st: StreamState, signal: AbortSignal): Promise<PulledPage> {
    const cursor = st.staging ? st.stageCursor : st.cursor;
    // Live pages are written in one transaction with their cursor: their size is the adaptive
    // chunk. Staging pages are as big as the cloud allows, written in chunks.
    const limit = st.staging ? Math.min(LIMITS.pageRows, this.#deps.pageRowsMax) : this.#chunk(name);
    return client.page(`/v1/sync/streams/${name}`, { query: { cursor: cursor ?? undefined, limit }, signal });
  }

  /** Rows one transaction should write, adapted to how long the last ones took. */
  #chunk(name: StreamName): number {
    return this.#limits.get(name) ?? Math.min(500, this.#deps.pageRowsMax);
  }

  /** Sizes the next pages so one page's transaction takes about the target time. */
  #adapt(name: StreamName, rows: number, ms: number, swapped: boolean): void {
    if (rows < 50 || swapped) return;
    const perRow = ms / rows;
    const wanted = Math.round(this.#deps.pageTargetMs / Math.max(perRow, 0.0005));
    const previous = this.#limits.get(name) ?? 500;
    const max = Math.min(LIMITS.pageRows, this.#deps.pageRowsMax);
    const next = Math.max(Math.min(100, max), Math.min(max, Math.round((previous + wanted) / 2)));
    this.#limits.set(name, next);
  }

  /**
   * Counts each live stream's rows and compares with the checksum kept page by page; a stream
   * that does not match is downloaded again (beside the live data). Returns the streams that did not.
   */
  recount(): StreamName[] {
    const wrong: StreamName[] = [];
    for (const name of STREAMS) {
      const st = this.#deps.state.stream(name);
      if (st.staging || st.cursor === null) continue;
      const counted = this.#deps.applier.liveChecksum(name);
      if (sameChecksum(counted, { rows: st.rows, sum: st.checksum })) continue;
      this.#deps.log.warn(
        { stream: name, counted, kept: { rows: st.rows, sum: st.checksum } },
        'stream rows changed behind sync: downloading it again',
      );
      this.#restage({ ...st, mismatches: st.mismatches + 1 });
      wrong.push(name);
    }
    return wrong;
  }
}

/**
 * A download transaction. Reference data is committed with synchronous=NORMAL: a power cut may
 * lose the last pages, but a page and its cursor are lost together (WAL commits are atomic), and
 * the next download fetches them again. Bench records keep synchronous=FULL (this is reset before
 * any other transaction can run: the process has one thread).
 */
export function inSyncTransaction<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return db.transaction(fn).immediate();
  } finally {
    db.pragma('synchronous = FULL');
  }
}

/** Rows `from` up to `to` of a page, parsed and checked. */
function toRows(page: PulledPage, from: number, to: number): IncomingRow[] {
  const rows: IncomingRow[] = [];
  for (let i = from; i < to; i++) {
    const row = asPullRow(page.row(i));
    // A row that is not a row at all cannot even be parked (no kind or id): the page is refused.
    if (!row)
      throw new SyncHttpError(200, 'bad_response', 'A page holds a row that is not [op, kind, id, hash, doc].', true);
    rows.push({ op: row[0], kind: row[1], id: row[2], hash: row[3], doc: row[4] });
  }
  return rows;
}

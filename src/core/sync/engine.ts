import { randomBytes } from 'node:crypto';
import type { SyncView } from '#shared/contract/sync';
import { enrolResponseSchema } from '#shared/sync/protocol';
import { STREAMS, type StreamName } from '#shared/sync/records';
import type { Db } from '../db/connection';
import type { StationRecord } from '../db/queries/station';
import type { EventLog } from '../events/log';
import type { PhotoStore } from '../photos';
import { BenchError } from '../util/errors';
import type { Logger } from '../util/log';
import { yieldToLoop } from '../util/yield-to-loop';
import { ReferenceApplier } from './apply';
import { SyncClient, SyncHttpError } from './client';
import { ChecksumMismatchError, Downloader } from './download';
import { FileUploader } from './files';
import { syncState, type SyncState } from './state';
import { Uploader, type SyncFaults } from './upload';

export type SyncTimings = {
  /** A full cycle (uploads and downloads) this often when all is well. */
  pollMs: number;
  /** New events are uploaded this long after they were written (a burst of scans goes as one batch). */
  kickDelayMs: number;
  /** Backoff after failures: base × 2^(failures−1), capped, with jitter (half fixed, half random). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Every request's deadline. */
  requestTimeoutMs: number;
  /** The watchdog looks this often. */
  watchdogMs: number;
  /** A cycle running longer than this is stuck (a request that never ends): it is aborted. */
  maxCycleMs: number;
  /** Events waiting without progress for this long, while online, raise an error. */
  stuckAfterMs: number;
  /** A stream held back by a transaction still running in the cloud is asked again after this. */
  heldBackRetryMs: number;
  /** How long one downloaded page's transaction should take. */
  pageTargetMs: number;
  /** The largest page asked for (the protocol allows 5000). */
  pageRowsMax: number;
};

export const DEFAULT_SYNC_TIMINGS: SyncTimings = {
  pollMs: 30_000,
  kickDelayMs: 500,
  backoffBaseMs: 1000,
  backoffCapMs: 5 * 60_000,
  requestTimeoutMs: 30_000,
  watchdogMs: 5000,
  maxCycleMs: 15 * 60_000,
  stuckAfterMs: 10 * 60_000,
  heldBackRetryMs: 2000,
  pageTargetMs: 12,
  pageRowsMax: 5000,
};

/** Timings from `BENCHLINE_SYNC_*` environment variables (tests and demos speed sync up). */
export function syncTimingsFromEnv(env: NodeJS.ProcessEnv): Partial<SyncTimings> {
  const read = (name: string): number | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const number = Number(value);
    return Number.isFinite(number) && number >= 0 ? number : undefined;
  };
  const timings: Partial<SyncTimings> = {};
  const map: [keyof SyncTimings, string][] = [
    ['pollMs', 'BENCHLINE_SYNC_POLL_MS'],
    ['kickDelayMs', 'BENCHLINE_SYNC_KICK_MS'],
    ['backoffBaseMs', 'BENCHLINE_SYNC_BACKOFF_BASE_MS'],
    ['backoffCapMs', 'BENCHLINE_SYNC_BACKOFF_CAP_MS'],
    ['requestTimeoutMs', 'BENCHLINE_SYNC_TIMEOUT_MS'],
    ['watchdogMs', 'BENCHLINE_SYNC_WATCHDOG_MS'],
    ['stuckAfterMs', 'BENCHLINE_SYNC_STUCK_MS'],
    ['pageRowsMax', 'BENCHLINE_SYNC_PAGE_ROWS'],
  ];
  for (const [key, name] of map) {
    const value = read(name);
    if (value === undefined) continue;
    // A page is 100 to 5000 rows (the protocol's most).
    if (key === 'pageRowsMax' && (value < 100 || value > 5000)) continue;
    timings[key] = Math.round(value);
  }
  return timings;
}

/** Thrown by a test's fault hook: the engine stops dead, as if the process had been killed there. */
export class SimulatedCrash extends Error {
  constructor(point: string) {
    super(`simulated crash at ${point}`);
    this.name = 'SimulatedCrash';
  }
}

export type SyncEngineDeps = {
  db: Db;
  events: EventLog;
  station: StationRecord;
  photos: PhotoStore;
  clock: () => number;
  log: Logger;
  appVersion: string;
  /** The windows must hear about it (`sync.changed`, and the status bar). */
  changed: (view: SyncView) => void;
  operatorsChanged: () => void;
  policiesChanged: () => void;
  /** See `DownloaderDeps.referenceChanged`. */
  referenceChanged?: (stream: StreamName, ids: readonly string[] | null) => void;
  timings?: Partial<SyncTimings>;
  faults?: SyncFaults;
  random?: () => number;
};

const LEASE_MS = 20_000;

/** True when a process with this pid exists (signal 0 checks without sending anything). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
const TRANSIENT = new Set(['network', 'server', 'bad_response', 'aborted', 'not_leader']);

/**
 * Sync in the background of the core. One cycle uploads the event log, then the photos, then
 * downloads every stream; cycles run one at a time, never block a call (every database write is a
 * short transaction and the loop yields between them), and are scheduled:
 * - after new events (shortly, so a burst goes as one batch),
 * - after a failure, with exponential backoff and jitter, capped — retries need no new write,
 * - otherwise every `pollMs`;
 * and a watchdog aborts a cycle that hangs and re-arms the schedule if it was ever lost. Only the
 * process holding the lease in the database syncs (a second process on the same station waits).
 */
export class SyncEngine {
  readonly #deps: SyncEngineDeps;
  readonly #timings: SyncTimings;
  readonly #state: SyncState;
  readonly #applier: ReferenceApplier;
  readonly #uploader: Uploader;
  readonly #downloader: Downloader;
  readonly #files: FileUploader;
  readonly #random: () => number;
  /** `<pid>:<random>`: the pid lets a new process see that the lease's holder is dead. */
  readonly #owner = `${process.pid}:${randomBytes(6).toString('hex')}`;
  #client: SyncClient | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerDue = 0;
  #nextAttemptAt: number | null = null;
  #watchdog: ReturnType<typeof setInterval> | null = null;
  #running: Promise<void> | null = null;
  #controller: AbortController | null = null;
  #cycleStartedAt = 0;
  #kickPending = false;
  #stopped = true;
  #crashed = false;
  #failures = 0;
  #lastError: SyncView['lastError'] = null;
  #lastSuccessAt: number | null = null;
  #lastAttemptAt: number | null = null;
  #progress = { acked: -1, at: 0 };
  #stuck = false;
  #recounted = false;
  /** The cycle in flight has visible work (events waiting, a stream downloading): say "syncing". */
  #visibleWork = false;
  #changedTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(deps: SyncEngineDeps) {
    this.#deps = deps;
    this.#timings = { ...DEFAULT_SYNC_TIMINGS, ...deps.timings };
    this.#random = deps.random ?? Math.random;
    this.#state = syncState(deps.db);
    this.#applier = new ReferenceApplier(deps.db);
    const faults = deps.faults ?? {};
    this.#uploader = new Uploader({
      db: deps.db,
      state: this.#state,
      events: deps.events,
      station: deps.station,
      clock: deps.clock,
      log: deps.log,
      faults,
      progressed: () => this.#changed(),
      yieldToLoop,
    });
    this.#downloader = new Downloader({
      db: deps.db,
      state: this.#state,
      applier: this.#applier,
      clock: deps.clock,
      log: deps.log,
      faults,
      progressed: () => this.#changed(),
      operatorsChanged: deps.operatorsChanged,
      policiesChanged: deps.policiesChanged,
      referenceChanged: deps.referenceChanged ?? (() => undefined),
      yieldToLoop,
      pageTargetMs: this.#timings.pageTargetMs,
      pageRowsMax: this.#timings.pageRowsMax,
    });
    this.#files = new FileUploader({ state: this.#state, photos: deps.photos, clock: deps.clock, log: deps.log });
  }

  get enrolled(): boolean {
    return this.#state.link() !== null;
  }

  /** Whether a sync cycle (upload, download) is running now. */
  get busy(): boolean {
    return this.#running !== null;
  }

  /** Starts background sync if the station is enrolled. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#watchdog = setInterval(() => {
      // A timer's exception would end the core: a busy database (a backup holding the write
      // lock) only postpones the watch to the next tick.
      try {
        this.#watch();
      } catch (error) {
        this.#deps.log.warn({ err: error }, 'sync watchdog skipped a tick');
      }
    }, this.#timings.watchdogMs);
    this.#watchdog.unref();
    const link = this.#state.link();
    if (link && link.revokedAt === null) this.#schedule(0);
  }

  /** Stops: the cycle in flight is aborted; nothing is written after this resolves. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#watchdog) clearInterval(this.#watchdog);
    if (this.#changedTimer) clearTimeout(this.#changedTimer);
    this.#timer = null;
    this.#controller?.abort();
    const running = this.#running;
    if (running) await running.catch(() => undefined);
    try {
      if (this.#deps.db.open) this.#deps.db.prepare('DELETE FROM sync_lease WHERE owner = ?').run(this.#owner);
    } catch {
      // The database is already closed: the lease expires by itself.
    }
  }

  /** New events were written: upload them soon (unless backing off after failures). */
  kick(): void {
    if (this.#stopped || this.#crashed || !this.#deps.db.open) return;
    if (this.#running) {
      this.#kickPending = true;
      return;
    }
    if (this.#failures > 0) return;
    if (!this.#state.link()) return;
    this.#schedule(this.#timings.kickDelayMs);
  }

  /** Sync now, whatever the backoff says. */
  syncNow(): SyncView {
    if (!this.#state.link()) throw new BenchError('NOT_AVAILABLE', 'This station is not enrolled: enrol it first.');
    if (this.#running) this.#kickPending = true;
    else this.#schedule(0);
    return this.view();
  }

  /** Runs one cycle now and waits for it, started or not (tests and tools). */
  async runOnce(): Promise<void> {
    if (this.#running) await this.#running.catch(() => undefined);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#run(true);
  }

  /** Waits for the cycle in flight, if any. */
  async idle(): Promise<void> {
    if (this.#running) await this.#running.catch(() => undefined);
  }

  /** Enrols the station with a one-time code; sync starts at once. */
  async enrol(url: string, code: string): Promise<SyncView> {
    const { station, clock, events } = this.#deps;
    const client = new SyncClient({
      baseUrl: url,
      token: null,
      timeoutMs: this.#timings.requestTimeoutMs,
      userAgent: `benchline-station/${this.#deps.appVersion}`,
    });
    let answer;
    try {
      answer = await client.json('POST', '/v1/enrol', enrolResponseSchema, {
        body: {
          code: code.trim(),
          station: {
            localId: station.id,
            name: station.name,
            incarnation: station.incarnation,
            appVersion: this.#deps.appVersion,
          },
        },
      });
    } catch (error) {
      if (error instanceof SyncHttpError) {
        const message = TRANSIENT.has(error.code)
          ? `The cloud at ${client.baseUrl} cannot be reached: ${error.message}`
          : error.message;
        throw new BenchError('NOT_AVAILABLE', message, { code: error.code });
      }
      throw error;
    }
    await this.stop();
    const now = clock();
    this.#deps.db.transaction(() => {
      // The station now belongs to the cloud's warehouse, under the name the company gave it.
      this.#deps.db
        .prepare('UPDATE station SET name = ?, warehouse = ?')
        .run(answer.station.name, answer.warehouse.name);
      this.#state.saveLink({
        cloudUrl: client.baseUrl,
        token: answer.token,
        stationId: answer.station.id,
        stationName: answer.station.name,
        companyId: answer.company.id,
        companyName: answer.company.name,
        warehouseId: answer.warehouse.id,
        warehouseName: answer.warehouse.name,
        serverEpoch: answer.serverEpoch,
        enrolledAt: now,
        revokedAt: null,
      });
      this.#state.saveUpload({
        incarnation: station.incarnation,
        previous: null,
        baseSeq: 0,
        ackedSeq: 0,
        registered: true,
        ackedAt: null,
      });
      // Another company's data, or a first sync: every stream is downloaded afresh.
      this.#deps.db.exec(
        "UPDATE sync_streams SET cursor = NULL, staging = 0, stage_cursor = NULL, stage_rows = 0, stage_total = NULL, up_to_date = 0, mismatches = 0; DELETE FROM sync_parked WHERE generation = 'stage'",
      );
      events.append({
        type: 'sync.enrolled',
        operatorId: null,
        subject: station.id,
        payload: {
          cloudUrl: client.baseUrl,
          stationId: answer.station.id,
          companyId: answer.company.id,
          warehouseId: answer.warehouse.id,
        },
      });
    })();
    station.name = answer.station.name;
    station.warehouse = answer.warehouse.name;
    this.#client = null;
    this.#failures = 0;
    this.#lastError = null;
    this.#crashed = false;
    this.start();
    this.#changed();
    return this.view();
  }

  /** The status bar's line. */
  summary(): { state: SyncView['state']; queueDepth: number } {
    const link = this.#state.link();
    const head = this.#state.head().seq;
    if (!link) return { state: 'not_enrolled', queueDepth: head };
    const acked = this.#state.upload(this.#deps.station.incarnation)?.ackedSeq ?? 0;
    return { state: this.#stateName(link.revokedAt !== null), queueDepth: Math.max(0, head - acked) };
  }

  /** Everything the Sync screen shows. */
  view(): SyncView {
    const link = this.#state.link();
    const head = this.#state.head().seq;
    const upload = this.#state.upload(this.#deps.station.incarnation);
    const acked = link ? (upload?.ackedSeq ?? 0) : 0;
    const depth = Math.max(0, head - acked);
    return {
      enrolled: link !== null,
      state: link ? this.#stateName(link.revokedAt !== null) : 'not_enrolled',
      cloudUrl: link?.cloudUrl ?? null,
      company: link ? { id: link.companyId, name: link.companyName } : null,
      warehouse: link ? { id: link.warehouseId, name: link.warehouseName } : null,
      stationName: link?.stationName ?? null,
      queue: {
        depth,
        oldestUnsentAt: depth > 0 ? this.#state.createdAtOf(acked + 1) : null,
        ackedSeq: acked,
        headSeq: head,
        incarnation: this.#deps.station.incarnation,
      },
      files: { pending: link ? this.#state.pendingFileCount() : 0 },
      lastSuccessAt: this.#lastSuccessAt,
      lastAttemptAt: this.#lastAttemptAt,
      nextAttemptAt: this.#nextAttemptAt,
      failures: this.#failures,
      lastError: this.#lastError,
      streams: this.#state.streams().map((s) => ({
        name: s.stream,
        phase: s.staging ? 'staging' : s.cursor === null ? 'never' : 'live',
        rows: s.rows,
        stageRows: s.stageRows,
        stageTotal: s.stageTotal,
        upToDate: !s.staging && s.cursor !== null && s.upToDate,
        lastPullAt: s.lastPullAt,
        upToDateAt: s.upToDateAt,
        mismatches: s.mismatches,
      })),
      refused: this.#state.refused(50),
      refusedTotal: this.#state.refusedCount(),
    };
  }

  /** The reference data of a stream as documents (tests compare them with the cloud's). */
  documents(stream: StreamName): Map<string, string> {
    return this.#applier.documents(stream);
  }

  /** Rebuilds every document of a stream from the tables and checks each against its hash. */
  verify(stream: StreamName): ReturnType<ReferenceApplier['verify']> {
    return this.#applier.verify(stream);
  }

  /** True when every event is acknowledged and every stream is live and up to date. */
  quiescent(): boolean {
    const view = this.view();
    return (
      view.queue.depth === 0 && view.files.pending === 0 && view.streams.every((s) => s.phase === 'live' && s.upToDate)
    );
  }

  #stateName(revoked: boolean): SyncView['state'] {
    if (revoked || this.#crashed || this.#stuck) return 'error';
    // A retry in flight after failures is still "offline" until it succeeds.
    if (this.#failures > 0 && this.#lastError) return TRANSIENT.has(this.#lastError.code) ? 'offline' : 'error';
    if (this.#running && (this.#visibleWork || this.#lastSuccessAt === null)) return 'syncing';
    return this.#lastSuccessAt === null ? 'syncing' : 'online';
  }

  #schedule(ms: number): void {
    if (this.#stopped || this.#crashed) return;
    const due = performance.now() + ms;
    if (this.#timer && this.#timerDue <= due) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#nextAttemptAt = this.#deps.clock() + ms;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // The watchdog schedules again if a cycle could not even start.
      this.#run().catch((error: unknown) => this.#deps.log.warn({ err: error }, 'sync cycle could not start'));
    }, ms);
    this.#timer.unref();
  }

  async #run(force = false): Promise<void> {
    if (this.#running || (this.#stopped && !force) || this.#crashed) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#cycleStartedAt = performance.now();
    this.#lastAttemptAt = this.#deps.clock();
    this.#nextAttemptAt = null;
    this.#visibleWork =
      this.summary().queueDepth > 0 || this.#state.streams().some((s) => s.staging || s.cursor === null);
    const cycle = this.#cycle(controller.signal);
    this.#running = cycle.then(
      () => undefined,
      () => undefined,
    );
    this.#changed();
    let next: number | null = this.#timings.pollMs;
    try {
      const more = await cycle;
      this.#failures = 0;
      this.#lastError = null;
      this.#lastSuccessAt = this.#deps.clock();
      if (more) next = this.#timings.heldBackRetryMs;
    } catch (error) {
      next = this.#failed(error);
    } finally {
      this.#running = null;
      this.#controller = null;
    }
    if (this.#stopped || this.#crashed || !this.#deps.db.open) return;
    if (this.#kickPending) {
      this.#kickPending = false;
      if (this.#failures === 0) next = Math.min(next ?? Infinity, this.#timings.kickDelayMs);
    }
    if (next !== null) this.#schedule(next);
    this.#changed();
  }

  /** One cycle; true when a stream was held back and should be asked again soon. */
  async #cycle(signal: AbortSignal): Promise<boolean> {
    const link = this.#state.link();
    if (!link || link.revokedAt !== null) return false;
    if (!this.#lease()) {
      throw new SyncHttpError(null, 'not_leader', 'Another process of this station is syncing.', true);
    }
    this.#client ??= new SyncClient({
      baseUrl: link.cloudUrl,
      token: link.token,
      timeoutMs: this.#timings.requestTimeoutMs,
      userAgent: `benchline-station/${this.#deps.appVersion}`,
    });
    if (!this.#recounted) {
      // Once per start: each live stream's rows counted against its bookkeeping, so rows lost
      // or deleted behind sync's back (a restored file, a hand edit) bring the stream down again.
      this.#recounted = true;
      this.#downloader.recount();
    }
    const upload = await this.#uploader.run(this.#client, signal);
    this.#progressed();
    await this.#files.run(this.#client, signal);
    const { heldBack } = await this.#downloader.run(this.#client, signal);
    // Events the cloud is too old to read stay queued; reference data still came down. The cycle
    // fails with the cloud's reason (shown on the Sync screen) and is retried with backoff.
    this.#lease();
    if (upload.held) throw upload.held;
    return heldBack;
  }

  /** Records a failed cycle; returns when to try again (null: not until something changes). */
  #failed(error: unknown): number | null {
    if (error instanceof SimulatedCrash) {
      this.#crashed = true;
      this.#deps.log.warn({ err: error }, 'sync stopped by a simulated crash');
      return null;
    }
    // Closed under the cycle (the core is closing): nothing to record.
    if (!this.#deps.db.open) return null;
    const now = this.#deps.clock();
    this.#failures++;
    if (error instanceof SyncHttpError) {
      this.#lastError = { code: error.code, message: error.message, at: now };
      if (error.status === 401) {
        // Revoked, or the token is unknown: nothing will work until the station is enrolled again.
        this.#state.markRevoked(now);
        this.#deps.log.error({ code: error.code }, 'the cloud refused the station token: enrol the station again');
        return null;
      }
    } else if (error instanceof ChecksumMismatchError) {
      this.#lastError = { code: 'checksum_mismatch', message: error.message, at: now };
    } else {
      const message = error instanceof Error ? error.message : String(error);
      this.#lastError = { code: 'internal', message, at: now };
      this.#deps.log.error({ err: error }, 'sync cycle failed');
    }
    const exp = Math.min(
      this.#timings.backoffCapMs,
      this.#timings.backoffBaseMs * 2 ** Math.min(this.#failures - 1, 30),
    );
    return Math.round(exp / 2 + (this.#random() * exp) / 2);
  }

  /**
   * Takes or renews the lease; false when another live process of this station holds it. A lease
   * whose holder is dead (its pid is gone: the process was killed) is taken over at once, not
   * after it expires.
   */
  #lease(): boolean {
    const now = Date.now();
    const db = this.#deps.db;
    const result = db
      .prepare(
        `INSERT INTO sync_lease (singleton, owner, expires_at) VALUES (1, ?, ?)
         ON CONFLICT (singleton) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE sync_lease.owner = excluded.owner OR sync_lease.expires_at < ? OR sync_lease.expires_at > ?`,
      )
      // A lease that ends implausibly far ahead was written before the clock went back: it is void.
      .run(this.#owner, now + LEASE_MS, now, now + 4 * LEASE_MS);
    if (result.changes === 1) return true;
    const holder = db.prepare<[], { owner: string }>('SELECT owner FROM sync_lease').get()?.owner ?? '';
    const pid = Number(holder.split(':')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) {
      const taken = db
        .prepare('UPDATE sync_lease SET owner = ?, expires_at = ? WHERE owner = ?')
        .run(this.#owner, now + LEASE_MS, holder);
      if (taken.changes === 1) this.#deps.log.warn({ previous: holder }, 'took over the sync lease of a dead process');
      return taken.changes === 1;
    }
    return false;
  }

  /** The watchdog: a hung cycle is aborted, a lost schedule re-armed, a stalled queue reported. */
  #watch(): void {
    if (this.#stopped || this.#crashed || !this.#deps.db.open) return;
    const link = this.#state.link();
    if (!link || link.revokedAt !== null) return;
    const now = performance.now();
    if (this.#running && now - this.#cycleStartedAt > this.#timings.maxCycleMs) {
      this.#deps.log.error({ ms: Math.round(now - this.#cycleStartedAt) }, 'sync cycle hung: aborting it');
      this.#controller?.abort();
    }
    if (!this.#running && !this.#timer) this.#schedule(0);
    // Renewed while this process lives, busy or idle between cycles.
    this.#lease();
    const { queueDepth } = this.summary();
    const acked = this.#state.upload(this.#deps.station.incarnation)?.ackedSeq ?? 0;
    if (queueDepth === 0 || acked !== this.#progress.acked) {
      this.#progress = { acked, at: now };
      if (this.#stuck) {
        this.#stuck = false;
        this.#changed();
      }
    } else if (!this.#stuck && now - this.#progress.at > this.#timings.stuckAfterMs) {
      this.#stuck = true;
      this.#lastError = {
        code: 'stalled',
        message: `${queueDepth} events have waited ${Math.round((now - this.#progress.at) / 60_000)} minutes without upload progress.`,
        at: this.#deps.clock(),
      };
      this.#deps.log.error({ queueDepth }, 'upload queue stalled');
      this.#changed();
    }
  }

  #progressed(): void {
    this.#changed();
  }

  /** Tells the windows, at most every 200 ms. */
  #changed(): void {
    if (this.#changedTimer) return;
    this.#changedTimer = setTimeout(() => {
      this.#changedTimer = null;
      if (!this.#deps.db.open) return;
      try {
        this.#deps.changed(this.view());
      } catch (error) {
        this.#deps.log.warn({ err: error }, 'could not report sync status');
      }
    }, 200);
    this.#changedTimer.unref();
  }

  /** Every stream's name (for tools that iterate). */
  static readonly streams = STREAMS;
}

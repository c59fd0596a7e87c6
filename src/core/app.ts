import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Status } from '#shared/contract/app';
import { fail, ok, type Result } from '#shared/contract/errors';
import type { CoreEventName, CoreEventPayload } from '#shared/contract/events';
import { callFrameSchema } from '#shared/rpc/protocol';
import type { Settings } from '#shared/domain/settings';
import { Checkpointer } from './db/checkpointer';
import { openDatabase, type Db } from './db/connection';
import { DbFromFutureError, migrate } from './db/migrations/index';
import { readSettings } from './db/queries/settings';
import { getStation, insertStation, type StationRecord } from './db/queries/station';
import { renderDemoSheet } from './demo/sheet';
import { seedDemo } from './demo/seed';
import { EventLog } from './events/log';
import type { Connection } from './rpc/connection';
import { Dispatcher } from './rpc/dispatcher';
import { foundationHandlers } from './rpc/handlers';
import { packingHandlers } from './rpc/packing-handlers';
import { returnsHandlers } from './rpc/returns-handlers';
import { PhotoStore } from './photos';
import { ReturnsService } from './workflows/returns';
import { FraudService } from './workflows/fraud';
import { RegradeService } from './workflows/regrade';
import { ReviewService } from './workflows/review';
import { afterCommit } from './db/unit';
import { reviewHandlers } from './rpc/review-handlers';
import { PolicyStore } from './db/queries/policies';
import { PackService } from './workflows/pack';
import { QcService } from './workflows/qc';
import type { Handlers } from './rpc/dispatcher';
import { ulid } from './util/ulid';
import type { Logger } from './util/log';
import { ScanService } from './workflows/scan';
import { DeviceManager } from './devices/manager';
import { loadNodeHid, type HidLoadResult } from './devices/hid-backend';
import { devicesHandlers } from './rpc/devices-handlers';
import { SessionService } from './workflows/session';
import { FontSet } from './labels/fonts';
import { LabelRenderer } from './labels/render';
import { CupsClient, type CupsOptions } from './printing/cups';
import { PrintQueue } from './printing/queue';
import { Raw9100Client, type Raw9100Options } from './printing/raw9100';
import { jobView, PrintService } from './printing/service';
import type { SystemPrinter } from './printing/transport';
import { printingHandlers } from './rpc/printing-handlers';
import { printingQueries } from './db/queries/printing';
import { syncHandlers } from './rpc/sync-handlers';
import { SyncEngine, type SyncTimings } from './sync/engine';
import { syncScanHandler } from './sync/scan';
import type { SyncFaults } from './sync/upload';

/** Events appended before the idle upkeep adds them to the by-type index: a dozen scans or so. */
const TYPE_INDEX_BATCH = 32;

export type CoreOptions = {
  dataDir: string;
  /** Seed the demo warehouse into a new station. */
  demo: boolean;
  version: string;
  log: Logger;
  clock?: () => number;
  /** Draws in [0, 1) for QC sampling by percentage; tests fix it, production leaves it random. */
  random?: () => number;
  /** Where `resources/` (label fonts) is; found from the app's location by default. */
  resourcesDir?: string;
  /** CUPS client programs and timeouts; tests shorten the timeouts. */
  cups?: CupsOptions;
  raw9100?: Raw9100Options;
  /**
   * System printers through Electron (Windows): given by the Electron host, which relays to
   * main. Absent in web mode; jobs for a system printer then fail with a clear message.
   */
  systemPrinter?: SystemPrinter;
  /**
   * How HID scanners and scales are reached: node-hid by default (loaded on first use), a fake
   * backend in tests, or `false` for none.
   */
  hid?: (() => Promise<HidLoadResult>) | false;
  /** Sync with the cloud: timings (tests speed them up), fault hooks (tests), and whether to start it. */
  sync?: { timings?: Partial<SyncTimings>; faults?: SyncFaults; start?: boolean };
};

/** What the host does with one window's link: feed it frames, and say when it closed. */
export type AttachedConnection = {
  readonly id: string;
  receive(raw: unknown): void;
  detach(): void;
};

type Services = {
  db: Db;
  checkpointer: Checkpointer;
  station: StationRecord;
  events: EventLog;
  session: SessionService;
  dispatcher: Dispatcher;
  pack: PackService;
  printQueue: PrintQueue;
  devices: DeviceManager;
  sync: SyncEngine;
};

/**
 * The core: the station database, the workflows and the dispatcher, independent of how windows
 * reach it (WebSocket in web mode, MessagePort in Electron). If the database cannot be opened —
 * most importantly one written by a newer Benchline — the core still starts and answers every
 * call with that error, so the window can show it instead of a blank screen.
 */
export class Core {
  readonly #options: CoreOptions;
  readonly #clock: () => number;
  readonly #connections = new Map<string, Connection>();
  readonly #services: Services | null;
  readonly #failure: { code: 'DB_FROM_FUTURE' | 'DB_ERROR'; message: string } | null;
  readonly #startedAt: number;
  #settings: Settings | null = null;
  #demoSheet: Promise<Buffer> | null = null;
  #statusTimer: ReturnType<typeof setTimeout> | null = null;
  /** Calls being answered; the log's upkeep waits for none. */
  #calls = 0;
  #upkeepQueued = false;
  #nextConnection = 1;

  constructor(options: CoreOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#startedAt = this.#clock();
    let services: Services | null = null;
    let failure: { code: 'DB_FROM_FUTURE' | 'DB_ERROR'; message: string } | null = null;
    try {
      services = this.#open();
    } catch (error) {
      if (error instanceof DbFromFutureError) {
        failure = { code: 'DB_FROM_FUTURE', message: error.message };
      } else {
        failure = {
          code: 'DB_ERROR',
          message: `The station database could not be opened: ${(error as Error).message}`,
        };
      }
      options.log.error({ err: error }, 'core started without a database');
    }
    this.#services = services;
    this.#failure = failure;
  }

  get startedAt(): number {
    return this.#startedAt;
  }

  /** Links a window. Every frame it sends goes to `receive`; results and events go back through `send`. */
  attach(send: Connection['send']): AttachedConnection {
    const id = `c${this.#nextConnection++}`;
    const connection: Connection = { id, send };
    this.#connections.set(id, connection);
    send({ t: 'hello', coreVersion: this.#options.version, pid: process.pid, startedAt: this.#startedAt });
    return {
      id,
      receive: (raw) => {
        void this.#receive(connection, raw);
      },
      detach: () => {
        this.#connections.delete(id);
      },
    };
  }

  /** Runs one call, as a window would. */
  async call(method: string, input: unknown, connectionId = 'local'): Promise<Result<unknown>> {
    if (!this.#services) {
      return method === 'app.status' ? ok(this.#status()) : fail(this.#failure!.code, this.#failure!.message);
    }
    this.#calls++;
    try {
      return await this.#services.dispatcher.dispatch(method, input, connectionId);
    } finally {
      if (--this.#calls === 0) this.#upkeepSoon();
    }
  }

  /**
   * The upkeep at the first idle moment after the calls: the event log's by-type index
   * (`EventLog.indexTypes`), then the write-ahead log (see `db/checkpointer.ts`).
   */
  #upkeepSoon(): void {
    if (this.#upkeepQueued) return;
    this.#upkeepQueued = true;
    setImmediate(() => {
      this.#upkeepQueued = false;
      // Not during a call, and not after close (a test closes the core right after its last call).
      if (this.#calls !== 0 || !this.#services?.db.open) return;
      this.#services.events.indexTypes(TYPE_INDEX_BATCH);
      this.#services.checkpointer.maintain();
    });
  }

  /**
   * Orders changed under the benches (sync applied a page of them): a stopped order recalls the
   * parcels packed for it, and the packing benches must hear of it now.
   */
  ordersChanged(): void {
    this.#services?.pack.ordersChanged();
  }

  /** Tells every window (or one) about something that happened in the core. */
  emit<E extends CoreEventName>(event: E, payload: CoreEventPayload<E>, connectionId?: string): void {
    const db = this.#services?.db;
    // Said while a scan's unit of work is still writing: told once it committed, never before.
    if (db) afterCommit(db, () => this.#send(event, payload, connectionId));
    else this.#send(event, payload, connectionId);
  }

  #send<E extends CoreEventName>(event: E, payload: CoreEventPayload<E>, connectionId?: string): void {
    for (const connection of this.#connections.values()) {
      if (connectionId !== undefined && connection.id !== connectionId) continue;
      try {
        connection.send({ t: 'event', name: event, payload });
      } catch (error) {
        this.#options.log.warn({ err: error, connection: connection.id }, 'could not send an event');
      }
    }
  }

  /**
   * Runs the periodic checks now (the idle lock, print retries that are due, old print documents
   * to drop); a timer does this every second.
   */
  tick(): void {
    this.#services?.session.checkIdle();
    this.#services?.printQueue.kick();
    this.#services?.printQueue.prune();
  }

  /**
   * Resolves when the background work (views still to push, the log's upkeep, the print queue)
   * has nothing left to do now.
   */
  async idle(): Promise<void> {
    // Views pushed after a scan's answer, and the log's upkeep, run on the next turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.#services?.printQueue.settled();
  }

  /** Background sync with the cloud (null when the core has no database). */
  get sync(): SyncEngine | null {
    return this.#services?.sync ?? null;
  }

  /** Stops the timers and closes the database; safe to call twice. */
  close(): void {
    if (!this.#services || !this.#services.db.open) return;
    if (this.#statusTimer) clearTimeout(this.#statusTimer);
    this.#services.devices.stop();
    // Aborts the cycle in flight; its writes after this point fail on the closed database.
    void this.#services.sync.stop();
    this.#services.session.stop();
    this.#services.printQueue.stop();
    this.#services.checkpointer.stop();
    this.#services.db.close();
  }

  async #receive(connection: Connection, raw: unknown): Promise<void> {
    const frame = callFrameSchema.safeParse(raw);
    if (!frame.success) {
      const id =
        typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number'
          ? (raw as { id: number }).id
          : -1;
      connection.send({
        t: 'result',
        id,
        result: fail('BAD_FRAME', 'The message is not a call frame: {t:"call", id, method, input}.'),
      });
      return;
    }
    const { id, method, input } = frame.data;
    const result = await this.call(method, input, connection.id);
    try {
      connection.send({ t: 'result', id, result });
    } catch (error) {
      // The window went away before its answer; what the call wrote is committed regardless.
      this.#options.log.warn({ err: error, method }, 'could not deliver a result');
    }
  }

  #open(): Services {
    const { dataDir, log } = this.#options;
    mkdirSync(dataDir, { recursive: true });
    const db = openDatabase(join(dataDir, 'station.db'));
    try {
      const migrated = migrate(db);
      if (migrated.from !== migrated.to) log.info(migrated, 'database migrated');
    } catch (error) {
      db.close();
      throw error;
    }
    let sync: SyncEngine | null = null;
    const checkpointer = new Checkpointer(db, join(dataDir, 'station.db'), log, {
      idle: () => this.#calls === 0,
      bulk: () => sync?.busy ?? false,
    });
    const station = this.#ensureStation(db);
    this.#settings = readSettings(db);
    const events = new EventLog(db, station.id, this.#clock, () => {
      this.#statusSoon();
      sync?.kick();
    });
    const session = new SessionService({
      db,
      events,
      clock: this.#clock,
      settings: () => this.#settings!,
      changed: (view) => this.emit('session.changed', view),
    });
    const policies = new PolicyStore(db, log);
    const scan = new ScanService({ db, events, session, policies, clock: this.#clock });
    // Printing: workflows commit their record, then queue their labels (see printing/queue.ts).
    const renderer = new LabelRenderer(new FontSet(this.#options.resourcesDir));
    const cups = new CupsClient(this.#options.cups);
    const printQueries = printingQueries(db);
    const printQueue = new PrintQueue({
      db,
      events,
      queries: printQueries,
      renderer,
      cups,
      raw: new Raw9100Client(this.#options.raw9100),
      system: this.#options.systemPrinter ?? null,
      clock: this.#clock,
      log,
      changed: (jobId) => {
        const job = printQueries.summary(jobId);
        if (job) this.emit('print.changed', jobView(job));
      },
    });
    const printing = new PrintService({
      db,
      events,
      queue: printQueue,
      renderer,
      cups,
      system: this.#options.systemPrinter ?? null,
      clock: this.#clock,
      log,
      stationName: station.name,
      settings: () => this.#settings!,
      operator: () => session.active()?.operator.id ?? null,
    });
    scan.command('print', (active, code) => printing.command(active, 'print', code));
    scan.command('reprint', (active, code) => printing.command(active, 'reprint', code));
    const photos = new PhotoStore(db, dataDir);
    const qc = new QcService({
      db,
      events,
      policies,
      photos,
      stationId: station.id,
      clock: this.#clock,
      ...(this.#options.random ? { random: this.#options.random } : {}),
      changed: (view) => this.emit('qc.changed', view),
      held: (packageId) => printing.qcHeld(packageId),
    });
    const pack = new PackService({
      db,
      events,
      policies,
      qc,
      stationId: station.id,
      clock: this.#clock,
      settings: () => this.#settings!,
      changed: (view) => this.emit('pack.changed', view),
      completed: (packageId) => printing.packCompleted(packageId),
    });
    // The fraud rules re-evaluate closed cases when sync brings new history (customer counters,
    // orders): sync's `referenceChanged` below calls `fraud.reevaluate` after applying a page. A
    // flag raised then holds the case's refund, through the returns bench.
    // eslint-disable-next-line prefer-const -- assigned below; the closure runs only after.
    let returns: ReturnsService;
    const fraud = new FraudService({
      db,
      events,
      policies,
      clock: this.#clock,
      refundChanged: (caseId, operatorId) => returns.reassessRefund(operatorId, caseId),
    });
    returns = new ReturnsService({
      db,
      events,
      policies,
      photos,
      session,
      stationId: station.id,
      clock: this.#clock,
      changed: (view) => this.emit('returns.changed', view),
      fraud: (snapshot) => fraud.evaluate(snapshot),
      routed: (caseId, itemNo) => printing.returnsRouted(caseId, itemNo),
      regradePercent: () => this.#settings!.regradePercent,
      ...(this.#options.random ? { random: this.#options.random } : {}),
    });
    const review = new ReviewService({
      db,
      events,
      policies,
      session,
      returns,
      photos,
      clock: this.#clock,
      changed: (view) => this.emit('review.changed', view),
    });
    const regrades = new RegradeService({ db, events, clock: this.#clock });
    const hid = this.#options.hid;
    const devices = new DeviceManager({
      load:
        hid === false
          ? () => Promise.resolve({ ok: false as const, error: 'HID devices are turned off' })
          : (hid ?? (() => loadNodeHid(log))),
      log,
      clock: this.#clock,
      wanted: () => ({ scanners: this.#settings!.scanner.mode !== 'wedge', scales: true }),
      // An HID scan belongs to no window: every window shows its verdict.
      scan: ({ code, symbology, device }) => {
        const input = {
          code,
          source: 'hid' as const,
          ...(symbology && /^[A-Za-z][0-9A-Za-z]$/.test(symbology) ? { symbology } : {}),
        };
        scan.submit(input).then(
          (verdict) => this.emit('scan.verdict', verdict),
          (error: unknown) => log.error({ err: error, device }, 'HID scan failed'),
        );
      },
      scale: (reading) => this.emit('scale', reading),
      changed: () => this.#statusSoon(),
    });
    sync = new SyncEngine({
      db,
      events,
      station,
      photos,
      clock: this.#clock,
      log,
      appVersion: this.#options.version,
      changed: (view) => {
        this.emit('sync.changed', view);
        this.#statusSoon();
      },
      operatorsChanged: () => session.operatorsChanged(),
      policiesChanged: () => policies.invalidate(),
      // New orders and customer history: recalls at the packing benches, the fraud rules again
      // over closed returns (a flag raised now holds the refund). RMA receipts: duplicate
      // receipts flagged on this station's cases.
      referenceChanged: (stream, ids) => {
        try {
          let flagged: string[] = [];
          if (stream === 'orders') {
            pack.ordersChanged();
            flagged = fraud.reevaluateCases(ids ? { orderIds: ids } : {}).flagged;
          } else if (stream === 'customers') {
            flagged = fraud.reevaluateCases(ids ? { customerIds: ids } : {}).flagged;
          } else if (stream === 'rmas') {
            // RMAs received at another station first: a local case of one is a second receipt.
            flagged = returns.receiptsLearnt(ids);
          }
          // A supervisor looking at the queue, or at one of these cases, sees the flags now.
          if (flagged.length > 0) this.emit('review.flagged', { caseIds: flagged });
        } catch (error) {
          log.error({ err: error, stream }, 'reacting to downloaded reference data failed');
        }
      },
      ...(this.#options.sync?.timings ? { timings: this.#options.sync.timings } : {}),
      ...(this.#options.sync?.faults ? { faults: this.#options.sync.faults } : {}),
    });
    scan.route('pack', pack);
    scan.route('qc', qc);
    scan.route('returns', returns);
    scan.route('review', review);
    scan.route('sync', syncScanHandler(sync));
    const foundation = foundationHandlers({
      db,
      events,
      session,
      scan,
      station,
      clock: this.#clock,
      settings: {
        get: () => this.#settings!,
        set: (settings) => {
          this.#settings = settings;
          this.emit('settings.changed', settings);
          session.settingsChanged();
          // HID scanners are opened or closed by the scanner mode.
          void devices.poll();
        },
      },
      status: () => this.#status(),
      demoSheet: () => (this.#demoSheet ??= renderDemoSheet(db, station.name)),
    });
    // Every domain's handlers, merged; the type makes a contract method without one an error.
    const handlers: Handlers = {
      ...foundation,
      ...packingHandlers({ pack, qc, session }),
      ...returnsHandlers({ returns, session }),
      ...devicesHandlers({ devices, session, pack, returns, scaleChanged: (reading) => this.emit('scale', reading) }),
      ...reviewHandlers({
        review,
        regrades,
        fraud,
        session,
        db,
        events,
        photos,
        dataDir,
        stationId: station.id,
        stationName: station.name,
        clock: this.#clock,
      }),
      ...printingHandlers({ printing, session }),
      ...syncHandlers({ sync }),
    };
    const dispatcher = new Dispatcher({
      handlers,
      session: () => session.active(),
      touch: () => session.touch(),
      unavailable: () => this.#failure,
      log,
      refused: ({ connectionId, method, operator, allowed }) => {
        events.record({
          type: 'security.call_refused',
          operatorId: operator.id,
          subject: operator.id,
          payload: { method, role: operator.role, allowed },
        });
        log.warn({ method, operator: operator.id, role: operator.role }, 'call refused for role');
        this.emit('call.refused', { method, role: operator.role, allowed }, connectionId);
      },
    });
    session.start();
    printQueue.start();
    void devices.start().catch((error: unknown) => log.error({ err: error }, 'device manager failed to start'));
    if (this.#options.sync?.start !== false) sync.start();
    return { db, checkpointer, station, events, session, dispatcher, pack, printQueue, devices, sync };
  }

  /**
   * Tells the windows the station's status (the upload queue grew) a moment after events were
   * written: one message for a burst of scans, and after the transaction has committed.
   */
  #statusSoon(): void {
    if (this.#statusTimer) return;
    this.#statusTimer = setTimeout(() => {
      this.#statusTimer = null;
      if (this.#services?.db.open) this.emit('status.changed', this.#status());
    }, 250);
    this.#statusTimer.unref();
  }

  #ensureStation(db: Db): StationRecord {
    const existing = getStation(db);
    if (existing) return existing;
    const now = this.#clock();
    const station: StationRecord = {
      id: ulid(now),
      name: this.#options.demo ? 'DEMO-01' : 'NEW-STATION',
      warehouse: this.#options.demo ? 'Demo warehouse' : 'Not enrolled',
      incarnation: ulid(now),
      demo: this.#options.demo,
      createdAt: now,
    };
    // One transaction: a crash while seeding leaves no half-made station behind.
    db.transaction(() => {
      insertStation(db, station);
      if (this.#options.demo) seedDemo(db, now);
    })();
    if (this.#options.demo) this.#options.log.info('new demo station seeded');
    return station;
  }

  #status(): Status {
    const services = this.#services;
    return {
      app: { name: 'Benchline', version: this.#options.version },
      state: services ? 'ready' : 'error',
      error: this.#failure,
      station: services
        ? {
            id: services.station.id,
            name: services.station.name,
            warehouse: services.station.warehouse,
            incarnation: services.station.incarnation,
            demo: services.station.demo,
          }
        : null,
      settings: this.#settings,
      sync: services ? services.sync.summary() : { state: 'not_enrolled', queueDepth: 0 },
      devices: services ? services.devices.statuses() : [],
    };
  }
}

import type { Language } from '#shared/domain/settings';
import { LABEL_MEDIA, MEDIA, mmToPt, type LabelType, type Media } from '#shared/labels/model';
import type { LabelRequest } from '#shared/labels/templates/index';
import type { Db } from '../db/connection';
import type { JobSummaryRow, PrinterRow, PrintingQueries } from '../db/queries/printing';
import type { EventLog } from '../events/log';
import type { LabelRenderer } from '../labels/render';
import type { Logger } from '../util/log';
import type { CupsClient } from './cups';
import type { Raw9100Client } from './raw9100';
import { TransportError, type SendResult, type SystemPrinter } from './transport';

/**
 * Waits before the automatic retries of a failure that surely did not print: 2 s, 10 s, 30 s,
 * 2 min. After the fifth attempt the job waits for someone (PRINT, or Retry in the queue).
 */
export const BACKOFF_MS = [2_000, 10_000, 30_000, 120_000] as const;
/** How long the queue follows a job CUPS accepted before leaving it to CUPS. */
const WATCH_MS = 120_000;
const WATCH_EVERY_MS = 400;

export type PrintQueueDeps = {
  db: Db;
  events: EventLog;
  queries: PrintingQueries;
  renderer: LabelRenderer;
  cups: CupsClient;
  raw: Raw9100Client;
  system: SystemPrinter | null;
  clock: () => number;
  log: Logger;
  /** A job changed: tell the windows. */
  changed: (jobId: string) => void;
};

/**
 * How long a job keeps the document it was printed from. Every label's PDF or ZPL is stored with
 * its job (12–40 KB a label: tens of MB a day at a bench printing a thousand), and a station runs for
 * years; an older job's document is made again from the job's data when someone asks for it (a
 * preview, a download, a retry), the same label.
 */
export const DOCUMENT_KEPT_MS = 30 * 24 * 60 * 60_000;
/** How often the queue looks for documents past their time, and how many it drops in one go. */
const PRUNE_EVERY_MS = 60 * 60_000;
const PRUNE_BATCH = 100;

/** A job's document as printed, and whether to store it with the job's next step. */
type Rendering = { bytes: Buffer; contentType: string; pages: number; store: boolean };

/**
 * The print queue. Workflows commit their record first, then queue a job (a row and a
 * `print.queued` event in one transaction) and return: printing never blocks a bench, and a
 * printer failure never loses the record — only the job waits.
 *
 * The queue renders each job once (the document is kept with the job for `DOCUMENT_KEPT_MS`),
 * sends it by its printer's transport, one job at a time per printer, and records every step as
 * an event: `print.sent`, `print.printed`, `print.failed` (with the next automatic attempt, if
 * any), `print.held` (no printer, or automatic printing off). A failure that surely did not reach
 * the printer is retried with a backoff; one that may have printed waits for a person, so a label
 * is never printed twice by itself.
 */
export class PrintQueue {
  readonly #deps: PrintQueueDeps;
  readonly #active = new Set<Promise<unknown>>();
  readonly #watching = new Map<string, { queue: string; externalId: string; since: number }>();
  #follower: Promise<void> | null = null;
  #pumping = false;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  #pruneAt = 0;

  constructor(deps: PrintQueueDeps) {
    this.#deps = deps;
  }

  /**
   * After a start: a job that was being sent when the core stopped may have printed. A CUPS job
   * with its id is followed again; any other is failed with that warning, for a person to decide.
   */
  start(): void {
    const { queries, clock } = this.#deps;
    for (const job of queries.inStatus('sent')) {
      if (job.transport === 'cups' && job.external_id && job.printer_id) this.#watch(job);
      else if (job.printed_at === null)
        this.#fail(
          job,
          new TransportError(
            'INTERRUPTED',
            'The station stopped while this label was being sent: check whether it printed, then retry or reprint.',
            { retryable: false, sent: true },
          ),
          clock(),
        );
    }
    this.kick();
  }

  /** Looks for work soon (a job was queued, a retry is due, a printer was assigned). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    void this.#track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#pump()));
  }

  /**
   * Runs `work` on a later turn of the event loop, counted as the queue's work (`settled` waits
   * for it): a workflow's answer goes out first, its label is made after.
   */
  later(work: () => void): void {
    if (this.#stopped) return;
    void this.#track(
      new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (!this.#stopped) work();
      }),
    );
  }

  /** Resolves when the queue has nothing left to do now (retries due later excepted). */
  async settled(): Promise<void> {
    while (this.#active.size > 0) await Promise.allSettled([...this.#active]);
  }

  /**
   * Drops the documents of jobs older than `DOCUMENT_KEPT_MS` that are done with (see
   * `PrintingQueries.dropDocuments`): a hundred at a time, one short statement, once an hour — or
   * at every call while a backlog lasts (the core's tick calls this every second).
   */
  prune(): void {
    const { db, queries, clock, log } = this.#deps;
    const now = clock();
    if (this.#stopped || !db.open || now < this.#pruneAt) return;
    const dropped = queries.dropDocuments(now - DOCUMENT_KEPT_MS, PRUNE_BATCH);
    this.#pruneAt = dropped === PRUNE_BATCH ? now : now + PRUNE_EVERY_MS;
    if (dropped > 0) log.info({ dropped }, 'print documents past their time dropped');
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Queues a job; must run inside the caller's transaction. Returns its row. */
  enqueue(job: {
    id: string;
    request: LabelRequest;
    title: string;
    subject: string | null;
    bench: string | null;
    operatorId: string | null;
    language: Language;
    reprintOf: string | null;
    test: boolean;
    /** Asked for by a person: prints even when automatic printing is off. */
    forced: boolean;
    /** A media other than the assignment's (a command sheet on A4). */
    media?: Media | null;
    now: number;
  }): JobSummaryRow {
    const { queries, events } = this.#deps;
    const assigned = this.profile(job.request.type);
    const profile = {
      ...assigned,
      media: job.media && LABEL_MEDIA[job.request.type].includes(job.media) ? job.media : assigned.media,
    };
    queries.insertJob({
      id: job.id,
      label_type: job.request.type,
      subject: job.subject,
      title: job.title,
      bench: job.bench,
      operator_id: job.operatorId,
      data: JSON.stringify(job.request.data),
      language: job.language,
      printer_id: profile.printer?.id ?? null,
      printer_name: profile.printer?.name ?? null,
      transport: profile.printer?.transport ?? null,
      format: profile.format,
      dpi: profile.dpi,
      media: profile.media,
      offset_x_mm: profile.offsetXMm,
      offset_y_mm: profile.offsetYMm,
      darkness: profile.darkness,
      copies: profile.copies,
      zpl_font: profile.printer?.zpl_font ?? '0',
      status: 'queued',
      reprint_of: job.reprintOf,
      test: job.test ? 1 : 0,
      forced: job.forced ? 1 : 0,
      created_at: job.now,
      updated_at: job.now,
    });
    events.append({
      type: 'print.queued',
      operatorId: job.operatorId,
      subject: job.id,
      payload: {
        labelType: job.request.type,
        for: job.subject,
        title: job.title,
        printer: profile.printer?.name ?? null,
        format: profile.format,
        dpi: profile.dpi,
        media: profile.media,
        reprintOf: job.reprintOf,
        test: job.test,
        autoPrint: profile.autoPrint,
      },
    });
    return queries.summary(job.id)!;
  }

  /** How a label type prints now: its assignment, or PDF at 300 dpi with no printer. */
  profile(type: LabelType) {
    const { queries } = this.#deps;
    const assignment = queries.assignment(type);
    const printer = assignment?.printer_id ? (queries.printer(assignment.printer_id) ?? null) : null;
    return {
      printer,
      format: assignment?.format ?? ('pdf' as const),
      dpi: assignment?.dpi ?? 300,
      media: assignment?.media ?? defaultMedia(type),
      offsetXMm: assignment?.offset_x_mm ?? 0,
      offsetYMm: assignment?.offset_y_mm ?? 0,
      darkness: assignment?.darkness ?? null,
      copies: assignment?.copies ?? 1,
      autoPrint: assignment ? assignment.auto_print === 1 : true,
    };
  }

  /** A job's document, rendered and stored now if it has none to keep yet (a download, a preview). */
  async document(job: JobSummaryRow): Promise<{ bytes: Buffer; contentType: string; pages: number }> {
    const rendered = await this.#render(job);
    if (rendered.store) {
      if (!this.#deps.db.open) throw new Error('the station database is closed');
      this.#deps.queries.setDocument(job.id, rendered.bytes, rendered.contentType, rendered.pages, this.#deps.clock());
    }
    return rendered;
  }

  /**
   * A job's stored document, or a new rendering of it — to be stored (`store`) unless the job is
   * older than `DOCUMENT_KEPT_MS` (its document was dropped for its age: a preview, a download or
   * a retry makes it again and keeps it no longer).
   */
  async #render(job: JobSummaryRow): Promise<Rendering> {
    const { queries, renderer } = this.#deps;
    const stored = queries.job(job.id);
    if (stored?.document && stored.content_type)
      return { bytes: stored.document, contentType: stored.content_type, pages: stored.pages ?? 1, store: false };
    const label = renderer.layout(requestOf(job), job.media, job.language as Language);
    const rendered = await renderer.render(label, {
      format: job.format,
      dpi: job.dpi,
      media: job.media,
      offsetXMm: job.offset_x_mm,
      offsetYMm: job.offset_y_mm,
      darkness: job.darkness,
      copies: job.copies,
      zplFont: job.zpl_font,
    });
    const store = job.created_at >= this.#deps.clock() - DOCUMENT_KEPT_MS;
    return { bytes: rendered.bytes, contentType: rendered.contentType, pages: label.pages.length, store };
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#active.add(promise);
    void promise
      .catch((error: unknown) => this.#deps.log.error({ err: error }, 'print queue'))
      .finally(() => this.#active.delete(promise));
    return promise;
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.#stopped) return;
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        if (!this.#deps.db.open) return;
        const due = this.#deps.queries.due(this.#deps.clock());
        // One lane per printer: a stuck printer does not hold up the others.
        const lanes = new Map<string, JobSummaryRow[]>();
        for (const job of due) {
          const lane = job.printer_id ?? '';
          lanes.set(lane, [...(lanes.get(lane) ?? []), job]);
        }
        await Promise.all(
          [...lanes].map(async ([lane, jobs]) => {
            if (lane === '') return this.#holdAll(jobs);
            for (const job of jobs) await this.#process(job);
          }),
        );
      } while (this.#again && !this.#stopped);
    } finally {
      this.#pumping = false;
    }
    this.#schedule();
  }

  /** Wakes up for the next automatic retry. */
  #schedule(): void {
    if (this.#stopped || !this.#deps.db.open) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const at = this.#deps.queries.nextRetryAt();
    if (at === null) return;
    this.#timer = setTimeout(() => this.kick(), Math.max(50, at - this.#deps.clock()));
    this.#timer.unref();
  }

  /**
   * Jobs without a printer: rendered, stored and held, all in one commit — a parcel's label and
   * insert are ready together, with one fsync instead of one each.
   */
  async #holdAll(jobs: JobSummaryRow[]): Promise<void> {
    const { db, queries, events, clock } = this.#deps;
    const done: {
      job: JobSummaryRow;
      document: Rendering;
    }[] = [];
    for (const job of jobs) {
      if (this.#stopped || !db.open) return;
      try {
        done.push({ job, document: await this.#render(job) });
      } catch (error) {
        this.#fail(
          job,
          new TransportError('RENDER_FAILED', `The label could not be made: ${(error as Error).message}`, {
            retryable: false,
          }),
          clock(),
        );
      }
    }
    if (!db.open || done.length === 0) return;
    db.transaction(() => {
      for (const { job, document } of done) {
        queries.update(
          job.id,
          {
            status: 'held',
            next_attempt_at: null,
            ...(document.store
              ? { document: document.bytes, content_type: document.contentType, pages: document.pages }
              : {}),
          },
          clock(),
        );
        events.append({
          type: 'print.held',
          operatorId: job.operator_id,
          subject: job.id,
          payload: { labelType: job.label_type, for: job.subject, reason: 'no printer is assigned to this label type' },
        });
      }
    }).immediate();
    for (const { job } of done) this.#deps.changed(job.id);
  }

  async #process(job: JobSummaryRow): Promise<void> {
    const { queries, clock, db } = this.#deps;
    if (this.#stopped || !db.open) return;
    let document: Rendering;
    try {
      document = await this.#render(job);
    } catch (error) {
      this.#fail(
        job,
        new TransportError('RENDER_FAILED', `The label could not be made: ${(error as Error).message}`, {
          retryable: false,
        }),
        clock(),
      );
      return;
    }
    // A new rendering is stored with the job's next step: one commit, not two.
    const stored = document.store
      ? { document: document.bytes, content_type: document.contentType, pages: document.pages }
      : {};
    const printer = job.printer_id ? queries.printer(job.printer_id) : undefined;
    const autoPrint = job.forced === 1 || job.attempts > 0 || this.profile(job.label_type).autoPrint;
    if (!printer || !autoPrint) {
      this.#transition(job, { status: 'held', next_attempt_at: null, ...stored }, 'print.held', {
        reason: printer ? 'automatic printing is off for this label type' : 'no printer is assigned to this label type',
      });
      return;
    }
    const attempt = job.attempts + 1;
    let result: SendResult;
    try {
      result = await this.#send(job, printer, document.bytes);
    } catch (error) {
      const failure =
        error instanceof TransportError
          ? error
          : new TransportError('LP_FAILED', (error as Error).message, { retryable: true });
      this.#fail({ ...job, attempts: attempt - 1 }, failure, clock(), stored);
      return;
    }
    if (!db.open) return;
    this.#transition(
      job,
      {
        ...stored,
        status: 'sent',
        attempts: attempt,
        external_id: result.externalId,
        next_attempt_at: null,
        error: null,
        error_code: null,
      },
      'print.sent',
      { attempt, printer: printer.name, transport: printer.transport, externalId: result.externalId },
    );
    if (result.printed) {
      this.#transition(job, { status: 'printed', printed_at: clock() }, 'print.printed', {
        attempt,
        confirmedBy: printer.transport,
      });
    } else if (result.externalId) {
      this.#watch({ ...job, external_id: result.externalId, printer_id: printer.id });
    }
  }

  async #send(job: JobSummaryRow, printer: PrinterRow, bytes: Buffer): Promise<SendResult> {
    const { cups, raw, system } = this.#deps;
    const media = MEDIA[job.media];
    switch (printer.transport) {
      case 'cups':
        if (!printer.queue) throw notConfigured(printer);
        return cups.print(printer.queue, bytes, {
          title: `benchline-${job.id}`,
          widthPt: mmToPt(media.width),
          heightPt: mmToPt(media.height),
          copies: job.format === 'zpl' ? 1 : job.copies,
          raw: job.format === 'zpl',
          extra: JSON.parse(printer.options) as string[],
        });
      case 'raw9100':
        if (!printer.host) throw notConfigured(printer);
        if (job.format !== 'zpl')
          throw new TransportError(
            'NOT_CONFIGURED',
            `${printer.name} takes ZPL on port 9100; this label type is set to PDF: choose ZPL in Settings → Printers.`,
            { retryable: false },
          );
        return raw.print(printer.host, printer.port ?? 9100, bytes);
      case 'system':
        if (!system)
          throw new TransportError(
            'SYSTEM_UNAVAILABLE',
            `${printer.name} is a system printer, reachable only from the Benchline app (Electron); this station runs without it.`,
            { retryable: false },
          );
        if (!printer.queue) throw notConfigured(printer);
        await system.print(bytes, {
          deviceName: printer.queue,
          widthMicrons: Math.round(media.width * 1000),
          heightMicrons: Math.round(media.height * 1000),
          copies: job.copies,
        });
        // The system's spooler took the job: as far as the station can know, it printed (the
        // spooler has no job id to follow, unlike CUPS).
        return { externalId: null, printed: true };
    }
  }

  /**
   * Follows a job CUPS accepted until CUPS completes it. One follower for all such jobs: each
   * round asks CUPS once per queue (two `lpstat` calls), however many jobs are in flight. A job
   * not completed within two minutes of being sent is left to CUPS (it stays "sent").
   */
  #watch(job: JobSummaryRow): void {
    if (this.#watching.has(job.id) || !job.external_id || !job.printer_id) return;
    const printer = this.#deps.queries.printer(job.printer_id);
    if (!printer?.queue) return;
    this.#watching.set(job.id, { queue: printer.queue, externalId: job.external_id, since: Date.now() });
    if (this.#follower) return;
    this.#follower = this.#track(this.#follow()).finally(() => {
      this.#follower = null;
    });
  }

  async #follow(): Promise<void> {
    while (this.#watching.size > 0 && !this.#stopped) {
      await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
      const queues = new Map<string, string[]>();
      for (const watched of this.#watching.values())
        queues.set(watched.queue, [...(queues.get(watched.queue) ?? []), watched.externalId]);
      for (const [queue, ids] of queues) {
        const states = await this.#deps.cups.jobStates(queue, ids);
        if (!this.#deps.db.open || this.#stopped) return;
        for (const [jobId, watched] of [...this.#watching]) {
          if (watched.queue !== queue) continue;
          if (states.get(watched.externalId) === 'completed') {
            this.#watching.delete(jobId);
            const current = this.#deps.queries.summary(jobId);
            if (current?.status === 'sent')
              this.#transition(current, { status: 'printed', printed_at: this.#deps.clock() }, 'print.printed', {
                attempt: current.attempts,
                confirmedBy: 'cups',
                externalId: watched.externalId,
              });
          } else if (Date.now() - watched.since > WATCH_MS) this.#watching.delete(jobId);
        }
      }
    }
  }

  #fail(
    job: JobSummaryRow,
    error: TransportError,
    now: number,
    extra: Parameters<PrintingQueries['update']>[1] = {},
  ): void {
    if (!this.#deps.db.open) return;
    const attempts = job.attempts + (error.code === 'RENDER_FAILED' || error.code === 'INTERRUPTED' ? 0 : 1);
    const automatic = error.retryable && !error.sent && attempts > 0 && attempts <= BACKOFF_MS.length;
    const retryAt = automatic ? now + BACKOFF_MS[attempts - 1]! : null;
    this.#transition(
      job,
      { ...extra, status: 'failed', attempts, error: error.message, error_code: error.code, next_attempt_at: retryAt },
      'print.failed',
      { attempt: attempts, code: error.code, message: error.message, retryAt, maybePrinted: error.sent },
    );
    this.#deps.log.warn({ job: job.id, code: error.code, retryAt }, 'print job failed');
  }

  #transition(
    job: JobSummaryRow,
    fields: Parameters<PrintingQueries['update']>[1],
    type: string,
    payload: Record<string, unknown>,
  ): void {
    const { db, queries, events, clock } = this.#deps;
    if (!db.open) return;
    db.transaction(() => {
      queries.update(job.id, fields, clock());
      events.append({
        type,
        operatorId: job.operator_id,
        subject: job.id,
        payload: { labelType: job.label_type, for: job.subject, ...payload },
      });
    }).immediate();
    this.#deps.changed(job.id);
  }
}

/** The template and data a job prints. */
export function requestOf(job: Pick<JobSummaryRow, 'label_type' | 'data'>): LabelRequest {
  const data: unknown = JSON.parse(job.data);
  return { type: job.label_type, data } as LabelRequest;
}

function notConfigured(printer: PrinterRow): TransportError {
  return new TransportError(
    'NOT_CONFIGURED',
    `${printer.name} has no ${printer.transport === 'raw9100' ? 'address' : 'queue'}: complete it in Settings → Printers.`,
    { retryable: false },
  );
}

function defaultMedia(type: LabelType) {
  switch (type) {
    case 'bin':
      return '2x1' as const;
    case 'badge':
      return 'cr80' as const;
    case 'insert':
      return 'a5' as const;
    case 'command_sheet':
      return 'letter' as const;
    default:
      return '4x6' as const;
  }
}

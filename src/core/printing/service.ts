import type { MethodOutput } from '#shared/contract/index';
import {
  printingConfigSchema,
  type AssignmentView,
  type PrinterView,
  type PrintingConfig,
  type PrintJobView,
} from '#shared/contract/printing';
import type { Verdict } from '#shared/contract/scan';
import type { Bench } from '#shared/domain/roles';
import type { Settings } from '#shared/domain/settings';
import { LABEL_MEDIA, zplAllowed, type LabelType, type Media } from '#shared/labels/model';
import { sampleRequest } from '#shared/labels/samples';
import type { Db } from '../db/connection';
import { afterCommit } from '../db/unit';
import {
  printingQueries,
  readConfig,
  writeConfig,
  type AssignmentRow,
  type JobSummaryRow,
  type PrinterRow,
  type PrintingQueries,
} from '../db/queries/printing';
import type { EventLog } from '../events/log';
import type { LabelRenderer } from '../labels/render';
import { BenchError } from '../util/errors';
import type { Logger } from '../util/log';
import { ulid } from '../util/ulid';
import { verdict } from '../workflows/scan';
import type { ActiveSession } from '../workflows/session';
import type { CupsClient } from './cups';
import { LabelData, type PreparedLabel } from './label-data';
import { requestOf, type PrintQueue } from './queue';
import { TransportError, type SystemPrinter } from './transport';

export const DEFAULT_PRINTING_CONFIG: PrintingConfig = {
  // GS1's own example company prefix: a real station sets its own in Settings → Printers.
  gs1CompanyPrefix: '0614141',
  ssccExtension: 0,
  shipFrom: { name: 'Warehouse', line1: '', line2: null, postalCode: '', city: '', region: null, country: '' },
};

/** Which labels REPRINT prints again, by bench. */
const REPRINT_TYPES: Partial<Record<Bench, readonly LabelType[]>> = {
  pack: ['shipping'],
  qc: ['qc_hold'],
  returns: ['bin', 'licence_plate'],
};

export type PrintServiceDeps = {
  db: Db;
  events: EventLog;
  queue: PrintQueue;
  renderer: LabelRenderer;
  cups: CupsClient;
  /** System printers through the Benchline app (Electron); null in web mode. */
  system: SystemPrinter | null;
  clock: () => number;
  log: Logger;
  stationName: string;
  settings: () => Settings;
  /** The operator at the station, for labels a workflow asks for. */
  operator: () => string | null;
};

/**
 * Printing for the benches: the hooks the workflows call once their record is committed (pack
 * DONE → shipping label and insert; QC hold → hold label; a routed return item → bin label),
 * reprints and retries, the PRINT and REPRINT barcodes, previews, and the printer settings.
 * A hook never throws into its workflow: a label that cannot be queued is logged, and the
 * record stands.
 */
export class PrintService {
  readonly #deps: PrintServiceDeps;
  readonly #q: PrintingQueries;
  readonly #data: LabelData;

  constructor(deps: PrintServiceDeps) {
    this.#deps = deps;
    this.#q = printingQueries(deps.db);
    this.#data = new LabelData(deps.db, this.#q, () => this.config());
  }

  // --- Hooks from the workflows (after their transaction committed) ---

  /** Pack DONE: the shipping label and the branded insert. */
  packCompleted(packageId: string): void {
    this.#hook({
      'shipping label': () => this.#data.shipping(packageId, this.#deps.clock()),
      insert: () => this.#data.insert(packageId),
    });
  }

  /** A parcel went on QC hold: its hold label. */
  qcHeld(packageId: string): void {
    this.#hook({ 'hold label': () => this.#data.qcHold(packageId, this.#deps.clock()) });
  }

  /**
   * A return item was routed: its bin label — queued once the scan's unit of work committed and
   * its verdict went out, in a commit of its own. The clerk scans the next item a second or more
   * later; the grade's commit stays small and its verdict does not wait for the label's rows.
   */
  returnsRouted(caseId: string, itemNo: number): void {
    afterCommit(this.#deps.db, () =>
      this.#deps.queue.later(() => this.#hook({ 'bin label': () => this.#data.bin(caseId, itemNo) })),
    );
  }

  /**
   * Queues the labels of one workflow step in one commit; each label in a savepoint of its own,
   * so a label that fails does not take another with it.
   */
  #hook(labels: Record<string, () => PreparedLabel | null>): void {
    try {
      this.#deps.db.transaction(() => {
        for (const [what, prepare] of Object.entries(labels)) {
          try {
            this.#deps.db.transaction(() => {
              const label = prepare();
              if (label) this.#enqueue(label, { operatorId: this.#deps.operator(), forced: false });
            })();
          } catch (error) {
            // The workflow's record is already committed; a label problem must not undo or hide it.
            this.#deps.log.error({ err: error, what }, 'a label could not be queued');
          }
        }
      })();
      this.#deps.queue.kick();
    } catch (error) {
      this.#deps.log.error({ err: error }, 'labels could not be queued');
    }
  }

  // --- Jobs ---

  jobs(
    limit: number,
    status: JobSummaryRow['status'] | null,
    bench: string | null,
  ): { jobs: PrintJobView[]; waiting: number } {
    return { jobs: this.#q.recent(limit, status, bench).map(jobView), waiting: this.#q.waiting() };
  }

  job(id: string): PrintJobView {
    return jobView(this.#require(id));
  }

  /** Prints a job of the history again: a new job with the same data, on today's assignment. */
  reprint(active: ActiveSession, jobId: string): PrintJobView {
    const original = this.#require(jobId);
    return this.#reprint(active, original);
  }

  /** The last label of the operator's bench, again (REPRINT). */
  reprintLast(active: ActiveSession): PrintJobView {
    const types = (active.bench && REPRINT_TYPES[active.bench]) ?? null;
    const last = types ? this.#q.lastOfTypes(types) : this.#q.recent(1).find((j) => j.test === 0);
    if (!last) throw new BenchError('NOT_FOUND', 'There is no label to reprint at this bench yet.');
    return this.#reprint(active, last);
  }

  #reprint(active: ActiveSession, original: JobSummaryRow): PrintJobView {
    const id = this.#deps.db.transaction(() =>
      this.#enqueue(
        {
          request: requestOf(original),
          subject: original.subject,
          bench: original.bench,
        },
        { operatorId: active.operator.id, forced: true, reprintOf: original.id, title: original.title },
      ),
    )();
    this.#deps.queue.kick();
    return this.job(id);
  }

  /**
   * Sends a failed or waiting job again, to the printer its label type has now (a printer may
   * have been assigned since): the document is made again if the format or size changed.
   */
  retry(active: ActiveSession, jobId: string): PrintJobView {
    const job = this.#require(jobId);
    if (job.status !== 'failed' && job.status !== 'held')
      throw new BenchError(
        'NOT_AVAILABLE',
        `This label is ${job.status}: only a failed or waiting label is sent again.`,
      );
    this.#retry(active, job);
    this.#deps.queue.kick();
    return this.job(jobId);
  }

  /** Every failed or waiting job of the station, again (PRINT). */
  retryWaiting(active: ActiveSession): number {
    const waiting = [...this.#q.inStatus('failed'), ...this.#q.inStatus('held')];
    for (const job of waiting) this.#retry(active, job);
    if (waiting.length > 0) this.#deps.queue.kick();
    return waiting.length;
  }

  #retry(active: ActiveSession, job: JobSummaryRow): void {
    const profile = this.#deps.queue.profile(job.label_type);
    const media = LABEL_MEDIA[job.label_type].includes(profile.media) ? profile.media : job.media;
    const rerender =
      profile.format !== job.format ||
      profile.dpi !== job.dpi ||
      media !== job.media ||
      profile.offsetXMm !== job.offset_x_mm ||
      profile.offsetYMm !== job.offset_y_mm ||
      profile.darkness !== job.darkness ||
      profile.copies !== job.copies ||
      (profile.printer?.zpl_font ?? '0') !== job.zpl_font;
    const now = this.#deps.clock();
    this.#deps.db.transaction(() => {
      this.#q.update(
        job.id,
        {
          status: 'queued',
          next_attempt_at: null,
          error: null,
          error_code: null,
          forced: 1,
          printer_id: profile.printer?.id ?? null,
          printer_name: profile.printer?.name ?? null,
          transport: profile.printer?.transport ?? null,
          format: profile.format,
          dpi: profile.dpi,
          media,
          offset_x_mm: profile.offsetXMm,
          offset_y_mm: profile.offsetYMm,
          darkness: profile.darkness,
          copies: profile.copies,
          zpl_font: profile.printer?.zpl_font ?? '0',
          ...(rerender ? { document: null, content_type: null, pages: null } : {}),
        },
        now,
      );
      this.#deps.events.append({
        type: 'print.retried',
        operatorId: active.operator.id,
        subject: job.id,
        payload: {
          labelType: job.label_type,
          for: job.subject,
          from: job.status,
          printer: profile.printer?.name ?? null,
        },
      });
    })();
  }

  /** A PNG of a job's page, made from the data it prints (as the printer gets it: in black on label stock). */
  preview(jobId: string, page: number, dpi: number | null) {
    const job = this.#require(jobId);
    const label = this.#deps.renderer.layout(requestOf(job), job.media, job.language as Settings['language']);
    if (page >= label.pages.length)
      throw new BenchError('NOT_FOUND', `This label has ${label.pages.length} page(s).`, { pages: label.pages.length });
    const renderDpi = dpi ?? (zplAllowed(label.media) ? 203 : 100);
    const png = this.#deps.renderer.png(label, page, { format: job.format, dpi: job.dpi }, renderDpi);
    return {
      jobId,
      page,
      pages: label.pages.length,
      widthMm: label.width,
      heightMm: label.height,
      png: png.toString('base64'),
    };
  }

  /** The job's document (rendered now if it never was), or a PDF of a ZPL job. */
  async document(jobId: string, as: 'original' | 'pdf') {
    const job = this.#require(jobId);
    const name = `${job.label_type}-${job.title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '')}-${job.id}`;
    if (as === 'pdf' && job.format === 'zpl') {
      const label = this.#deps.renderer.layout(requestOf(job), job.media, job.language as Settings['language']);
      const pdf = await this.#deps.renderer.render(label, {
        format: 'pdf',
        dpi: job.dpi,
        media: job.media,
        offsetXMm: 0,
        offsetYMm: 0,
        darkness: null,
        copies: 1,
        zplFont: '0',
      });
      return { filename: `${name}.pdf`, contentType: 'application/pdf', base64: pdf.bytes.toString('base64') };
    }
    const document = await this.#deps.queue.document(job);
    const extension = document.contentType === 'application/pdf' ? 'pdf' : 'zpl';
    return {
      filename: `${name}.${extension}`,
      contentType: document.contentType,
      base64: document.bytes.toString('base64'),
    };
  }

  // --- Labels printed on demand ---

  returnLabel(active: ActiveSession, caseId: string): PrintJobView {
    return this.#onDemand(active, () => this.#data.licencePlate(caseId), 'No return case with that id.');
  }

  badge(active: ActiveSession, operatorId: string): PrintJobView {
    return this.#onDemand(
      active,
      () => this.#data.badge(operatorId, this.#deps.stationName),
      'No operator with that id.',
    );
  }

  commandSheet(active: ActiveSession, media: Media | null): PrintJobView {
    return this.#onDemand(active, () => this.#data.commandSheet(this.#deps.stationName, this.#deps.clock()), '', media);
  }

  /** A test print of a label type, with sample data, on its printer. */
  test(active: ActiveSession, type: LabelType): PrintJobView {
    const label: PreparedLabel = {
      request: sampleRequest(type, this.#deps.clock(), this.#deps.stationName),
      subject: null,
      bench: 'settings',
    };
    const id = this.#deps.db.transaction(() =>
      this.#enqueue(label, { operatorId: active.operator.id, forced: true, test: true, title: `Test print · ${type}` }),
    )();
    this.#deps.queue.kick();
    return this.job(id);
  }

  #onDemand(
    active: ActiveSession,
    prepare: () => PreparedLabel | null,
    missing: string,
    media: Media | null = null,
  ): PrintJobView {
    const id = this.#deps.db.transaction(() => {
      const label = prepare();
      if (!label) throw new BenchError('NOT_FOUND', missing);
      return this.#enqueue(label, { operatorId: active.operator.id, forced: true, media });
    })();
    this.#deps.queue.kick();
    return this.job(id);
  }

  /** Queues a prepared label; inside a transaction. Returns the job id. */
  #enqueue(
    label: PreparedLabel,
    options: {
      operatorId: string | null;
      forced: boolean;
      reprintOf?: string;
      test?: boolean;
      title?: string;
      media?: Media | null;
    },
  ): string {
    const language = this.#deps.settings().language;
    const media = options.media ?? this.#deps.queue.profile(label.request.type).media;
    // Laid out now for its title; a template that cannot take the data fails here, visibly.
    const laid = this.#deps.renderer.layout(label.request, media, language);
    const id = ulid(this.#deps.clock());
    this.#deps.queue.enqueue({
      id,
      request: label.request,
      title: options.title ?? laid.title,
      subject: label.subject,
      bench: label.bench,
      operatorId: options.operatorId,
      language,
      reprintOf: options.reprintOf ?? null,
      test: options.test ?? false,
      forced: options.forced,
      media: options.media ?? null,
      now: this.#deps.clock(),
    });
    return id;
  }

  #require(id: string): JobSummaryRow {
    const job = this.#q.summary(id);
    if (!job) throw new BenchError('NOT_FOUND', 'No print job with that id at this station.');
    return job;
  }

  // --- Scans: PRINT and REPRINT, at any bench ---

  /** The PRINT and REPRINT command barcodes. */
  command(active: ActiveSession, name: 'print' | 'reprint', code: string): Verdict {
    if (name === 'print') {
      const count = this.retryWaiting(active);
      return count > 0
        ? verdict('command', 'good', 'verdict.print.sentAgain', { count }, code)
        : verdict('command', 'info', 'verdict.print.nothingWaiting', {}, code);
    }
    try {
      const job = this.reprintLast(active);
      return verdict('command', 'good', 'verdict.print.reprinted', { title: job.title }, code);
    } catch (error) {
      if (error instanceof BenchError && error.code === 'NOT_FOUND')
        return verdict('command', 'bad', 'verdict.print.nothingToReprint', {}, code);
      throw error;
    }
  }

  // --- Printers and label settings (Settings → Printers) ---

  config(): PrintingConfig {
    const stored = readConfig(this.#deps.db);
    if (!stored) return DEFAULT_PRINTING_CONFIG;
    const parsed = printingConfigSchema.safeParse({ ...DEFAULT_PRINTING_CONFIG, ...stored });
    return parsed.success ? parsed.data : DEFAULT_PRINTING_CONFIG;
  }

  setConfig(operatorId: string | null, patch: Partial<PrintingConfig>): PrintingConfig {
    const before = this.config();
    const after = printingConfigSchema.parse({ ...before, ...patch });
    this.#deps.db.transaction(() => {
      writeConfig(this.#deps.db, after, this.#deps.clock());
      this.#deps.events.append({ type: 'printing.config_changed', operatorId, payload: { before, after } });
    })();
    return after;
  }

  printers(): MethodOutput<'printers.list'> {
    const stored = new Map(this.#q.assignments().map((a) => [a.label_type, a]));
    const assignments = (Object.keys(LABEL_MEDIA) as LabelType[]).map((type) => {
      const row = stored.get(type);
      if (row) return assignmentView(row);
      const profile = this.#deps.queue.profile(type);
      return {
        labelType: type,
        printerId: null,
        format: profile.format,
        dpi: profile.dpi,
        media: profile.media,
        offsetXMm: 0,
        offsetYMm: 0,
        darkness: null,
        copies: 1,
        autoPrint: true,
      };
    });
    return {
      printers: this.#q.printers().map(printerView),
      assignments,
      config: this.config(),
      systemPrinting: this.#deps.system !== null,
    };
  }

  /** The printers this station could add: CUPS queues (lpstat) and system printers (the app), side by side. */
  async discover(): Promise<MethodOutput<'printers.discover'>> {
    const [cups, system] = await Promise.all([this.#discoverCups(), this.#discoverSystem()]);
    return { ...cups, system };
  }

  async #discoverCups(): Promise<Omit<MethodOutput<'printers.discover'>, 'system'>> {
    try {
      return { available: true, message: null, queues: await this.#deps.cups.discover() };
    } catch (error) {
      if (error instanceof TransportError) return { available: false, message: error.message, queues: [] };
      throw error;
    }
  }

  async #discoverSystem(): Promise<MethodOutput<'printers.discover'>['system']> {
    const { system } = this.#deps;
    if (!system)
      return {
        available: false,
        reason: 'no_app',
        message:
          'System printers (Windows) are reached only from the Benchline app; this station runs in a browser (web mode). Use a CUPS queue or a ZPL printer on port 9100.',
        printers: [],
      };
    try {
      return { available: true, reason: null, message: null, printers: await system.list() };
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return { available: false, reason: 'failed', message: error.message, printers: [] };
    }
  }

  savePrinter(
    operatorId: string | null,
    input: {
      id?: string | undefined;
      name: string;
      transport: PrinterRow['transport'];
      queue?: string | undefined;
      host?: string | undefined;
      port?: number | undefined;
      options?: string[] | undefined;
      zplFont?: string | undefined;
    },
  ): PrinterView {
    if ((input.transport === 'cups' || input.transport === 'system') && !input.queue)
      throw new BenchError('BAD_INPUT', 'A CUPS or system printer needs its queue (printer) name.');
    if (input.transport === 'raw9100' && !input.host)
      throw new BenchError('BAD_INPUT', 'A ZPL printer on port 9100 needs its host name or IP address.');
    const now = this.#deps.clock();
    const before = input.id ? this.#q.printer(input.id) : undefined;
    if (input.id && !before) throw new BenchError('NOT_FOUND', 'No printer with that id.');
    const row: PrinterRow = {
      id: input.id ?? ulid(now),
      name: input.name,
      transport: input.transport,
      queue: input.transport === 'raw9100' ? null : (input.queue ?? null),
      host: input.transport === 'raw9100' ? (input.host ?? null) : null,
      port: input.transport === 'raw9100' ? (input.port ?? 9100) : null,
      options: JSON.stringify(input.transport === 'cups' ? (input.options ?? []) : []),
      zpl_font: input.zplFont ?? before?.zpl_font ?? '0',
      created_at: before?.created_at ?? now,
      updated_at: now,
    };
    this.#deps.db.transaction(() => {
      this.#q.savePrinter(row);
      this.#deps.events.append({
        type: 'printing.printer_saved',
        operatorId,
        subject: row.id,
        payload: { before: before ? printerView(before) : null, after: printerView(row) },
      });
    })();
    return printerView(row);
  }

  removePrinter(operatorId: string | null, id: string): boolean {
    const before = this.#q.printer(id);
    if (!before) return false;
    this.#deps.db.transaction(() => {
      this.#q.removePrinter(id);
      this.#deps.events.append({
        type: 'printing.printer_removed',
        operatorId,
        subject: id,
        payload: { printer: printerView(before) },
      });
    })();
    return true;
  }

  assign(
    operatorId: string | null,
    input: {
      labelType: LabelType;
      printerId: string | null;
      format: 'pdf' | 'zpl';
      dpi: number;
      media?: Media | undefined;
      offsetXMm?: number | undefined;
      offsetYMm?: number | undefined;
      darkness?: number | null | undefined;
      copies?: number | undefined;
      autoPrint?: boolean | undefined;
    },
  ): AssignmentView {
    const before = this.#q.assignment(input.labelType);
    const media = input.media ?? before?.media ?? LABEL_MEDIA[input.labelType][0]!;
    if (!LABEL_MEDIA[input.labelType].includes(media))
      throw new BenchError(
        'BAD_INPUT',
        `A ${input.labelType} label prints on ${LABEL_MEDIA[input.labelType].join(' or ')}, not ${media}.`,
      );
    const printer = input.printerId ? this.#q.printer(input.printerId) : null;
    if (input.printerId && !printer) throw new BenchError('NOT_FOUND', 'No printer with that id.');
    if (input.format === 'zpl') {
      if (!zplAllowed(media))
        throw new BenchError('BAD_INPUT', `ZPL prints label stock (4×6, 2×1, cards), not ${media}.`);
      if (input.dpi !== 203 && input.dpi !== 300)
        throw new BenchError('BAD_INPUT', 'ZPL printers print at 203 or 300 dpi.');
    }
    if (printer?.transport === 'raw9100' && input.format !== 'zpl')
      throw new BenchError('BAD_INPUT', `${printer.name} takes ZPL on port 9100: choose ZPL.`);
    if (printer?.transport === 'system' && input.format !== 'pdf')
      throw new BenchError('BAD_INPUT', `${printer.name} is a system printer: it prints PDF.`);
    const row: AssignmentRow = {
      label_type: input.labelType,
      printer_id: input.printerId,
      format: input.format,
      dpi: input.dpi,
      media,
      offset_x_mm: input.offsetXMm ?? before?.offset_x_mm ?? 0,
      offset_y_mm: input.offsetYMm ?? before?.offset_y_mm ?? 0,
      darkness: input.darkness === undefined ? (before?.darkness ?? null) : input.darkness,
      copies: input.copies ?? before?.copies ?? 1,
      auto_print: (input.autoPrint ?? (before ? before.auto_print === 1 : true)) ? 1 : 0,
      updated_at: this.#deps.clock(),
    };
    this.#deps.db.transaction(() => {
      this.#q.saveAssignment(row);
      this.#deps.events.append({
        type: 'printing.assigned',
        operatorId,
        subject: input.labelType,
        payload: { before: before ? assignmentView(before) : null, after: assignmentView(row) },
      });
    })();
    return assignmentView(row);
  }
}

export function jobView(row: JobSummaryRow): PrintJobView {
  return {
    id: row.id,
    labelType: row.label_type,
    title: row.title,
    subject: row.subject,
    bench: row.bench,
    status: row.status,
    printerId: row.printer_id,
    printerName: row.printer_name,
    format: row.format,
    dpi: row.dpi,
    media: row.media,
    pages: row.pages,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    errorCode: row.error_code,
    error: row.error,
    reprintOf: row.reprint_of,
    test: row.test === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    printedAt: row.printed_at,
  };
}

function printerView(row: PrinterRow): PrinterView {
  return {
    id: row.id,
    name: row.name,
    transport: row.transport,
    queue: row.queue,
    host: row.host,
    port: row.port,
    options: JSON.parse(row.options) as string[],
    zplFont: row.zpl_font,
  };
}

function assignmentView(row: AssignmentRow): AssignmentView {
  return {
    labelType: row.label_type,
    printerId: row.printer_id,
    format: row.format,
    dpi: row.dpi,
    media: row.media,
    offsetXMm: row.offset_x_mm,
    offsetYMm: row.offset_y_mm,
    darkness: row.darkness,
    copies: row.copies,
    autoPrint: row.auto_print === 1,
  };
}

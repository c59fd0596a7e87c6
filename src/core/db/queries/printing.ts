import type { LabelType, Media } from '#shared/labels/model';
import type { Db } from '../connection';

export type PrinterTransport = 'cups' | 'raw9100' | 'system';
export type JobStatus = 'queued' | 'sent' | 'printed' | 'failed' | 'held';

export type PrinterRow = {
  id: string;
  name: string;
  transport: PrinterTransport;
  queue: string | null;
  host: string | null;
  port: number | null;
  options: string;
  zpl_font: string;
  created_at: number;
  updated_at: number;
};

export type AssignmentRow = {
  label_type: LabelType;
  printer_id: string | null;
  format: 'pdf' | 'zpl';
  dpi: number;
  media: Media;
  offset_x_mm: number;
  offset_y_mm: number;
  darkness: number | null;
  copies: number;
  auto_print: number;
  updated_at: number;
};

export type JobRow = {
  id: string;
  label_type: LabelType;
  subject: string | null;
  title: string;
  bench: string | null;
  operator_id: string | null;
  data: string;
  language: string;
  printer_id: string | null;
  printer_name: string | null;
  transport: PrinterTransport | null;
  format: 'pdf' | 'zpl';
  dpi: number;
  media: Media;
  offset_x_mm: number;
  offset_y_mm: number;
  darkness: number | null;
  copies: number;
  zpl_font: string;
  status: JobStatus;
  document: Buffer | null;
  content_type: string | null;
  pages: number | null;
  attempts: number;
  next_attempt_at: number | null;
  error_code: string | null;
  error: string | null;
  external_id: string | null;
  reprint_of: string | null;
  test: number;
  /** A person asked for this print (a retry, a reprint, a test): it prints even with automatic printing off. */
  forced: number;
  created_at: number;
  updated_at: number;
  printed_at: number | null;
};

/** A job without its document bytes: what lists and the queue's bookkeeping read. */
export type JobSummaryRow = Omit<JobRow, 'document'>;

const SUMMARY = `id, label_type, subject, title, bench, operator_id, data, language, printer_id, printer_name, transport,
  format, dpi, media, offset_x_mm, offset_y_mm, darkness, copies, zpl_font, status, content_type, pages, attempts,
  next_attempt_at, error_code, error, external_id, reprint_of, test, forced, created_at, updated_at, printed_at`;

/** The printing tables: printers, assignments, jobs and label counters. */
export function printingQueries(db: Db) {
  const printers = db.prepare<[], PrinterRow>('SELECT * FROM printers ORDER BY name');
  const printer = db.prepare<[string], PrinterRow>('SELECT * FROM printers WHERE id = ?');
  const upsertPrinter = db.prepare(
    `INSERT INTO printers (id, name, transport, queue, host, port, options, zpl_font, created_at, updated_at)
     VALUES (@id, @name, @transport, @queue, @host, @port, @options, @zpl_font, @created_at, @updated_at)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, transport = excluded.transport, queue = excluded.queue,
       host = excluded.host, port = excluded.port, options = excluded.options, zpl_font = excluded.zpl_font,
       updated_at = excluded.updated_at`,
  );
  const deletePrinter = db.prepare('DELETE FROM printers WHERE id = ?');
  const assignments = db.prepare<[], AssignmentRow>('SELECT * FROM label_assignments');
  const assignment = db.prepare<[string], AssignmentRow>('SELECT * FROM label_assignments WHERE label_type = ?');
  const upsertAssignment = db.prepare(
    `INSERT INTO label_assignments (label_type, printer_id, format, dpi, media, offset_x_mm, offset_y_mm, darkness, copies, auto_print, updated_at)
     VALUES (@label_type, @printer_id, @format, @dpi, @media, @offset_x_mm, @offset_y_mm, @darkness, @copies, @auto_print, @updated_at)
     ON CONFLICT (label_type) DO UPDATE SET printer_id = excluded.printer_id, format = excluded.format, dpi = excluded.dpi,
       media = excluded.media, offset_x_mm = excluded.offset_x_mm, offset_y_mm = excluded.offset_y_mm,
       darkness = excluded.darkness, copies = excluded.copies, auto_print = excluded.auto_print, updated_at = excluded.updated_at`,
  );
  const insertJob = db.prepare(
    `INSERT INTO print_jobs (id, label_type, subject, title, bench, operator_id, data, language, printer_id, printer_name,
       transport, format, dpi, media, offset_x_mm, offset_y_mm, darkness, copies, zpl_font, status, reprint_of, test,
       forced, created_at, updated_at)
     VALUES (@id, @label_type, @subject, @title, @bench, @operator_id, @data, @language, @printer_id, @printer_name,
       @transport, @format, @dpi, @media, @offset_x_mm, @offset_y_mm, @darkness, @copies, @zpl_font, @status, @reprint_of,
       @test, @forced, @created_at, @updated_at)`,
  );
  const job = db.prepare<[string], JobRow>('SELECT * FROM print_jobs WHERE id = ?');
  const jobSummary = db.prepare<[string], JobSummaryRow>(`SELECT ${SUMMARY} FROM print_jobs WHERE id = ?`);
  const due = db.prepare<[number], JobSummaryRow>(
    `SELECT ${SUMMARY} FROM print_jobs
      WHERE status = 'queued' OR (status = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?)
      ORDER BY created_at, id`,
  );
  const nextRetry = db.prepare<[], { at: number | null }>(
    "SELECT min(next_attempt_at) AS at FROM print_jobs WHERE status = 'failed' AND next_attempt_at IS NOT NULL",
  );
  const dropDocuments = db.prepare<[number, number]>(
    `UPDATE print_jobs SET document = NULL WHERE id IN (
       SELECT id FROM print_jobs INDEXED BY print_jobs_with_document
        WHERE document IS NOT NULL AND created_at < ?
          AND (status IN ('printed', 'held') OR (status = 'failed' AND next_attempt_at IS NULL))
        ORDER BY created_at LIMIT ?)`,
  );
  const inStatus = db.prepare<[string], JobSummaryRow>(
    `SELECT ${SUMMARY} FROM print_jobs WHERE status = ? ORDER BY created_at, id`,
  );
  const recent = db.prepare<[{ status: string | null; bench: string | null; limit: number }], JobSummaryRow>(
    `SELECT ${SUMMARY} FROM print_jobs WHERE (@status IS NULL OR status = @status) AND (@bench IS NULL OR bench = @bench)
      ORDER BY created_at DESC, id DESC LIMIT @limit`,
  );
  const lastOfTypes = db.prepare<[string], JobSummaryRow>(
    `SELECT ${SUMMARY} FROM print_jobs WHERE test = 0 AND label_type IN (SELECT value FROM json_each(?))
      ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const ofSubject = db.prepare<[string, string], JobSummaryRow>(
    `SELECT ${SUMMARY} FROM print_jobs WHERE subject = ? AND label_type = ? ORDER BY created_at, id`,
  );
  const waiting = db.prepare<[], { n: number }>(
    "SELECT count(*) AS n FROM print_jobs WHERE status IN ('queued', 'failed', 'held')",
  );
  const bump = db.prepare<[string, number], { value: number }>(
    `INSERT INTO label_counters (name, next) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET next = next + 1 RETURNING next - 1 AS value`,
  );

  return {
    printers: (): PrinterRow[] => printers.all(),
    printer: (id: string): PrinterRow | undefined => printer.get(id),
    savePrinter: (row: PrinterRow): void => {
      upsertPrinter.run(row);
    },
    removePrinter: (id: string): void => {
      deletePrinter.run(id);
    },
    assignments: (): AssignmentRow[] => assignments.all(),
    assignment: (type: LabelType): AssignmentRow | undefined => assignment.get(type),
    saveAssignment: (row: AssignmentRow): void => {
      upsertAssignment.run(row);
    },
    insertJob: (
      row: Omit<
        JobRow,
        | 'document'
        | 'content_type'
        | 'pages'
        | 'attempts'
        | 'next_attempt_at'
        | 'error_code'
        | 'error'
        | 'external_id'
        | 'printed_at'
      >,
    ): void => {
      insertJob.run(row);
    },
    job: (id: string): JobRow | undefined => job.get(id),
    summary: (id: string): JobSummaryRow | undefined => jobSummary.get(id),
    due: (now: number): JobSummaryRow[] => due.all(now),
    nextRetryAt: (): number | null => nextRetry.get()?.at ?? null,
    inStatus: (status: JobStatus): JobSummaryRow[] => inStatus.all(status),
    recent: (limit: number, status: JobStatus | null = null, bench: string | null = null): JobSummaryRow[] =>
      recent.all({ status, bench, limit }),
    lastOfTypes: (types: readonly LabelType[]): JobSummaryRow | undefined => lastOfTypes.get(JSON.stringify(types)),
    ofSubject: (subject: string, type: LabelType): JobSummaryRow[] => ofSubject.all(subject, type),
    waiting: (): number => waiting.get()?.n ?? 0,
    /** The next number of a counter, starting at `first`. */
    nextNumber: (name: string, first: number): number => {
      // The row holds the number after the one handed out: the first call stores first + 1 and
      // returns first; each later call adds one and returns the number before it.
      const row = bump.get(name, first + 1)!;
      return row.value;
    },
    /**
     * Drops the stored documents of up to `limit` jobs created before `before` that nothing is
     * doing with any more — printed, held, or failed with no retry due (never one queued or being
     * sent) — oldest first. Returns how many.
     */
    dropDocuments: (before: number, limit: number): number => dropDocuments.run(before, limit).changes,
    setDocument: (id: string, document: Buffer, contentType: string, pages: number, now: number): void => {
      db.prepare('UPDATE print_jobs SET document = ?, content_type = ?, pages = ?, updated_at = ? WHERE id = ?').run(
        document,
        contentType,
        pages,
        now,
        id,
      );
    },
    update: (
      id: string,
      fields: Partial<
        Pick<
          JobRow,
          | 'status'
          | 'attempts'
          | 'next_attempt_at'
          | 'error_code'
          | 'error'
          | 'external_id'
          | 'printed_at'
          | 'printer_id'
          | 'printer_name'
          | 'transport'
          | 'format'
          | 'dpi'
          | 'media'
          | 'offset_x_mm'
          | 'offset_y_mm'
          | 'darkness'
          | 'copies'
          | 'zpl_font'
          | 'document'
          | 'content_type'
          | 'pages'
          | 'forced'
        >
      >,
      now: number,
    ): void => {
      const keys = Object.keys(fields);
      if (keys.length === 0) return;
      const sets = keys.map((k) => `${k} = @${k}`).join(', ');
      db.prepare(`UPDATE print_jobs SET ${sets}, updated_at = @updated_at WHERE id = @id`).run({
        ...fields,
        updated_at: now,
        id,
      });
    },
  };
}

export type PrintingQueries = ReturnType<typeof printingQueries>;

/** The station's label settings as stored (validated by the caller), or null. */
export function readConfig(db: Db): object | null {
  const row = db.prepare<[], { value: string }>('SELECT value FROM printing_config WHERE singleton = 1').get();
  return row ? (JSON.parse(row.value) as object) : null;
}

export function writeConfig(db: Db, config: object, now: number): void {
  db.prepare(
    `INSERT INTO printing_config (singleton, value, updated_at) VALUES (1, ?, ?)
     ON CONFLICT (singleton) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(JSON.stringify(config), now);
}

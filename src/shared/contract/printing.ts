import { z } from 'zod';
import { addressSchema } from '../labels/data';
import { LABEL_TYPES, MEDIA_NAMES, type Media } from '../labels/model';
import { benchSchema, empty } from './common';
import { method } from './define';

const SUPERVISOR = ['supervisor'] as const;
const RETURNS_ROLES = ['returns_clerk', 'supervisor'] as const;

export const JOB_STATUSES = ['queued', 'sent', 'printed', 'failed', 'held'] as const;
export const PRINTER_TRANSPORTS = ['cups', 'raw9100', 'system'] as const;
export const LABEL_FORMATS = ['pdf', 'zpl'] as const;

const labelTypeSchema = z.enum(LABEL_TYPES);
const mediaSchema = z.enum(MEDIA_NAMES as [Media, ...Media[]]);
const id = z.string().min(1).max(64);

/** A print job as the history and the queue show it (never its bytes). */
export const printJobSchema = z.object({
  id: z.string(),
  labelType: labelTypeSchema,
  title: z.string(),
  /** What the label is about: a package, a case item (`case:item`), an operator. */
  subject: z.string().nullable(),
  bench: z.string().nullable(),
  status: z.enum(JOB_STATUSES),
  printerId: z.string().nullable(),
  printerName: z.string().nullable(),
  format: z.enum(LABEL_FORMATS),
  dpi: z.number().int(),
  media: mediaSchema,
  pages: z.number().int().nullable(),
  attempts: z.number().int(),
  /** When the queue tries again by itself; null when it waits for someone. */
  nextAttemptAt: z.number().nullable(),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  reprintOf: z.string().nullable(),
  test: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  printedAt: z.number().nullable(),
});
export type PrintJobView = z.infer<typeof printJobSchema>;

export const printerSchema = z.object({
  id: z.string(),
  name: z.string(),
  transport: z.enum(PRINTER_TRANSPORTS),
  /** CUPS queue, or the system printer's name. */
  queue: z.string().nullable(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  /** Extra `lp -o` options for a CUPS queue. */
  options: z.array(z.string()),
  zplFont: z.string(),
});
export type PrinterView = z.infer<typeof printerSchema>;

export const assignmentSchema = z.object({
  labelType: labelTypeSchema,
  printerId: z.string().nullable(),
  format: z.enum(LABEL_FORMATS),
  dpi: z.number().int(),
  media: mediaSchema,
  offsetXMm: z.number(),
  offsetYMm: z.number(),
  darkness: z.number().int().nullable(),
  copies: z.number().int(),
  /** Print as soon as the label is made; off: the label waits in the queue for PRINT. */
  autoPrint: z.boolean(),
});
export type AssignmentView = z.infer<typeof assignmentSchema>;

/** Station-wide label settings: who ships (the warehouse), and the SSCC numbering. */
export const printingConfigSchema = z.strictObject({
  gs1CompanyPrefix: z.string().regex(/^\d{7,10}$/, 'a GS1 company prefix has 7 to 10 digits'),
  ssccExtension: z.number().int().min(0).max(9),
  shipFrom: addressSchema,
});
export type PrintingConfig = z.infer<typeof printingConfigSchema>;

export const cupsQueueSchema = z.object({
  name: z.string(),
  uri: z.string().nullable(),
  isDefault: z.boolean(),
  enabled: z.boolean(),
  accepting: z.boolean(),
  state: z.string(),
});

/**
 * A printer of the operating system, as the Benchline app (Electron) lists it: `name` is the
 * system's own name (what printing needs), `displayName` what people see.
 */
export const systemPrinterSchema = z.object({
  name: z.string(),
  displayName: z.string(),
  description: z.string(),
  isDefault: z.boolean(),
});
export type SystemPrinterInfo = z.infer<typeof systemPrinterSchema>;

/**
 * Why a station lists no system printers: `no_app` — it runs without the Benchline app (web
 * mode, a browser), which is the only way to reach them; `failed` — the app could not list them.
 */
export const SYSTEM_UNAVAILABLE_REASONS = ['no_app', 'failed'] as const;

const optionSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+(=[\x21-\x7e]+)?$/, 'an lp option is name or name=value');
const hostSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or IP address');

export const printingMethods = {
  'print.jobs': method({
    summary: 'Print history and queue of this station, newest first.',
    input: z.strictObject({
      limit: z.number().int().min(1).max(200),
      status: z.enum(JOB_STATUSES).optional(),
      /** Only the labels of one bench (the pack bench's shipping labels and inserts…). */
      bench: benchSchema.optional(),
    }),
    output: z.object({ jobs: z.array(printJobSchema), waiting: z.number().int() }),
    access: 'operator',
    activity: false,
  }),
  'print.preview': method({
    summary: 'A PNG of a page of a print job, rendered by the core from the data it printed.',
    input: z.strictObject({
      jobId: id,
      page: z.number().int().min(0).max(50).optional(),
      dpi: z.number().int().min(50).max(300).optional(),
    }),
    output: z.object({
      jobId: z.string(),
      page: z.number().int(),
      pages: z.number().int(),
      widthMm: z.number(),
      heightMm: z.number(),
      png: z.string(),
    }),
    access: 'operator',
    activity: false,
  }),
  'print.document': method({
    summary: 'The document a job prints (PDF, or ZPL), to download or print elsewhere.',
    input: z.strictObject({ jobId: id, as: z.enum(['original', 'pdf']).optional() }),
    output: z.object({ filename: z.string(), contentType: z.string(), base64: z.string() }),
    access: 'operator',
    activity: false,
  }),
  'print.reprint': method({
    summary: 'Print a job of the history again (a new job, the same label).',
    input: z.strictObject({ jobId: id }),
    output: printJobSchema,
    access: 'operator',
  }),
  'print.reprintLast': method({
    summary: 'Print the last label of this bench again (the REPRINT barcode does the same).',
    input: empty,
    output: printJobSchema,
    access: 'operator',
  }),
  'print.retry': method({
    summary: 'Send a failed or waiting job again, to the printer now assigned to its label type.',
    input: z.strictObject({ jobId: id }),
    output: printJobSchema,
    access: 'operator',
  }),
  'print.returnLabel': method({
    summary: 'Print the 4×6 return label (licence plate) of a return case.',
    input: z.strictObject({ caseId: id }),
    output: printJobSchema,
    access: RETURNS_ROLES,
  }),
  'print.badge': method({
    summary: "Print an operator's badge.",
    input: z.strictObject({ operatorId: id }),
    output: printJobSchema,
    access: SUPERVISOR,
  }),
  'print.commandSheet': method({
    summary: 'Print the command barcode sheet, on Letter or A4.',
    input: z.strictObject({ media: z.enum(['letter', 'a4']).optional() }),
    output: printJobSchema,
    access: SUPERVISOR,
  }),
  'printers.list': method({
    summary: 'The printers of this station, which one prints each label type and how, and the label settings.',
    input: empty,
    output: z.object({
      printers: z.array(printerSchema),
      assignments: z.array(assignmentSchema),
      config: printingConfigSchema,
      /** Whether this station can print to system printers (only in the Benchline app). */
      systemPrinting: z.boolean(),
    }),
    access: SUPERVISOR,
    activity: false,
  }),
  'printers.discover': method({
    summary:
      'The printer queues CUPS knows on this computer (lpstat), and the system printers the Benchline app reaches (Windows).',
    input: empty,
    output: z.object({
      available: z.boolean(),
      message: z.string().nullable(),
      queues: z.array(cupsQueueSchema),
      system: z.object({
        available: z.boolean(),
        reason: z.enum(SYSTEM_UNAVAILABLE_REASONS).nullable(),
        message: z.string().nullable(),
        printers: z.array(systemPrinterSchema),
      }),
    }),
    access: SUPERVISOR,
  }),
  'printers.save': method({
    summary: 'Add or change a printer: a CUPS queue, a ZPL printer on port 9100, or a system printer.',
    input: z
      .strictObject({
        id: id.optional(),
        name: z.string().min(1).max(80),
        transport: z.enum(PRINTER_TRANSPORTS),
        /**
         * The CUPS queue, or the system printer's name. Windows names have spaces and
         * backslashes (`\\server\Zebra ZD421`); CUPS queue names have neither.
         */
        queue: z
          .string()
          .min(1)
          .max(255)
          // eslint-disable-next-line no-control-regex -- control characters are what it refuses
          .regex(/^[^\x00-\x1f\x7f]+$/, 'a printer name has no control characters')
          .optional(),
        host: hostSchema.optional(),
        port: z.number().int().min(1).max(65_535).optional(),
        options: z.array(optionSchema).max(10).optional(),
        zplFont: z
          .string()
          .regex(/^(0|[A-Z]:[A-Z0-9_]{1,16}\.TTF)$/, 'the font is 0 or a printer font such as E:DEJAVU.TTF')
          .optional(),
      })
      .superRefine((input, ctx) => {
        if (input.transport !== 'system' && input.queue !== undefined && !/^[^\s/#]+$/.test(input.queue))
          ctx.addIssue({ code: 'custom', path: ['queue'], message: 'a CUPS queue name has no spaces, "/" or "#"' });
      }),
    output: printerSchema,
    access: SUPERVISOR,
  }),
  'printers.remove': method({
    summary: 'Remove a printer; its label types wait for another assignment.',
    input: z.strictObject({ id }),
    output: z.object({ removed: z.boolean() }),
    access: SUPERVISOR,
  }),
  'printers.assign': method({
    summary: 'Choose the printer of a label type and how it prints: format, resolution, media, offsets, darkness.',
    input: z.strictObject({
      labelType: labelTypeSchema,
      printerId: id.nullable(),
      format: z.enum(LABEL_FORMATS),
      dpi: z.union([z.literal(203), z.literal(300), z.literal(600)]),
      media: mediaSchema.optional(),
      offsetXMm: z.number().min(-10).max(10).optional(),
      offsetYMm: z.number().min(-10).max(10).optional(),
      darkness: z.number().int().min(0).max(30).nullable().optional(),
      copies: z.number().int().min(1).max(20).optional(),
      autoPrint: z.boolean().optional(),
    }),
    output: assignmentSchema,
    access: SUPERVISOR,
  }),
  'printers.config': method({
    summary: 'Change the label settings: the ship-from address and the SSCC numbering.',
    input: printingConfigSchema.partial(),
    output: printingConfigSchema,
    access: SUPERVISOR,
  }),
  'printers.test': method({
    summary: 'A test print of a label type on its printer, with sample data.',
    input: z.strictObject({ labelType: labelTypeSchema }),
    output: printJobSchema,
    access: SUPERVISOR,
  }),
} as const;

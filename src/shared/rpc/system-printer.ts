import { z } from 'zod';
import { systemPrinterSchema } from '../contract/printing';

/**
 * The relay between the core (an Electron utilityProcess) and main for system printers
 * (Windows printers, reached only through Electron's `webContents.print`). The core asks over
 * its parent port (`process.parentPort.postMessage`), main answers on the utility process
 * (`child.postMessage`). Both sides parse what they receive with these schemas: a message of
 * another kind is not theirs, a malformed one is refused.
 */

export const SYSTEM_PRINTER_REQUEST = 'system-printer.request';
export const SYSTEM_PRINTER_REPLY = 'system-printer.reply';

/** Chromium's smallest custom page side (microns); the largest here is an A3 sheet's long side. */
export const MIN_PAGE_MICRONS = 353;
export const MAX_PAGE_MICRONS = 420_000;

const requestId = z.number().int().nonnegative();

export const systemPrinterRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ type: z.literal(SYSTEM_PRINTER_REQUEST), id: requestId, op: z.literal('list') }),
  z.strictObject({
    type: z.literal(SYSTEM_PRINTER_REQUEST),
    id: requestId,
    op: z.literal('print'),
    /** The system's own printer name (not the display name). */
    deviceName: z.string().min(1).max(255),
    /** The PDF, base64: plain JSON-able data, the same through every structured clone. */
    pdf: z.base64().min(8),
    widthMicrons: z.number().int().min(MIN_PAGE_MICRONS).max(MAX_PAGE_MICRONS),
    heightMicrons: z.number().int().min(MIN_PAGE_MICRONS).max(MAX_PAGE_MICRONS),
    copies: z.number().int().min(1).max(20),
  }),
]);
export type SystemPrinterRequest = z.infer<typeof systemPrinterRequestSchema>;

/**
 * How a system print fails, as the core's transports name it: the printer is not one of the
 * system's, the system refused or failed the job, no answer in time, or no printing at all.
 */
export const SYSTEM_PRINT_ERROR_CODES = [
  'PRINTER_UNKNOWN',
  'SYSTEM_PRINT_FAILED',
  'SYSTEM_TIMEOUT',
  'SYSTEM_UNAVAILABLE',
] as const;
export type SystemPrintErrorCode = (typeof SYSTEM_PRINT_ERROR_CODES)[number];

/**
 * A failure in the transports' shape: `retryable` — trying again may work; `sent` — the printer
 * may already have the label (so the queue leaves the next try to a person).
 */
export const systemPrintErrorSchema = z.object({
  code: z.enum(SYSTEM_PRINT_ERROR_CODES),
  message: z.string(),
  retryable: z.boolean(),
  sent: z.boolean(),
});
export type SystemPrintError = z.infer<typeof systemPrintErrorSchema>;

export const systemPrinterReplySchema = z.object({
  type: z.literal(SYSTEM_PRINTER_REPLY),
  id: requestId,
  result: z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), printers: z.array(systemPrinterSchema).optional() }),
    z.object({ ok: z.literal(false), error: systemPrintErrorSchema }),
  ]),
});
export type SystemPrinterReply = z.infer<typeof systemPrinterReplySchema>;

/** Whether a message on the port is meant for the relay (then it is parsed, and may be refused). */
export function isRelayMessage(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

import type { SystemPrinterInfo } from '#shared/contract/printing';

/** Why a print attempt failed, for the operator and for the queue's retry decision. */
export type TransportErrorCode =
  | 'CUPS_DOWN'
  | 'CUPS_MISSING'
  | 'PRINTER_UNKNOWN'
  | 'QUEUE_STOPPED'
  | 'QUEUE_REJECTING'
  | 'LP_FAILED'
  | 'REFUSED'
  | 'UNREACHABLE'
  | 'NO_STATUS'
  | 'PRINTER_FAULT'
  | 'NO_CONFIRMATION'
  | 'CONNECTION_LOST'
  | 'SYSTEM_UNAVAILABLE'
  | 'SYSTEM_PRINT_FAILED'
  | 'SYSTEM_TIMEOUT'
  | 'NOT_CONFIGURED'
  | 'RENDER_FAILED'
  | 'INTERRUPTED';

/**
 * A print attempt that failed. `sent` says whether the printer may already have the label: the
 * queue retries by itself only when it surely does not, so a label is never printed twice
 * without someone deciding so.
 */
export class TransportError extends Error {
  readonly code: TransportErrorCode;
  readonly retryable: boolean;
  readonly sent: boolean;

  constructor(code: TransportErrorCode, message: string, options: { retryable: boolean; sent?: boolean }) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
    this.retryable = options.retryable;
    this.sent = options.sent ?? false;
  }
}

/** What a transport answers when the printer (or its spooler) took the job. */
export type SendResult = {
  /** The spooler's job id (CUPS `BenchPDF-12`), to follow the job; null for raw 9100. */
  externalId: string | null;
  /** True when the printer itself confirmed (raw 9100 status after the label). */
  printed: boolean;
};

/** Where a spooled job stands. */
export type SpooledState = 'pending' | 'completed' | 'unknown';

/**
 * Printers the Electron app reaches through the operating system (Windows printers, and any
 * printer without a CUPS queue or a 9100 port). Printing there is an Electron main-process API
 * (`webContents.print`, `getPrintersAsync`), so the core never imports Electron: the Electron
 * host passes an implementation in `CoreOptions.systemPrinter` that relays to main over its
 * port (`SystemPrinterRelay`). Web mode and tests have none, and a job for a system printer
 * fails with a clear message. See docs/hardware.md, "Windows".
 */
export type SystemPrinter = {
  /** The printers of the system; fails with a `TransportError`. */
  list(): Promise<SystemPrinterInfo[]>;
  /**
   * Prints a PDF silently to a printer by its system name, at the media size (microns), with
   * no margins. Resolves when the system's spooler took the job; fails with a `TransportError`
   * that says whether the label may have printed (`sent`).
   */
  print(
    pdf: Buffer,
    options: { deviceName: string; widthMicrons: number; heightMicrons: number; copies: number },
  ): Promise<void>;
};

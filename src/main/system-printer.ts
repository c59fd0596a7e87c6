import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SystemPrinterInfo } from '#shared/contract/printing';
import {
  isRelayMessage,
  SYSTEM_PRINTER_REPLY,
  SYSTEM_PRINTER_REQUEST,
  systemPrinterRequestSchema,
  type SystemPrintError,
  type SystemPrinterReply,
  type SystemPrinterRequest,
} from '#shared/rpc/system-printer';

/**
 * System printers (Windows printers, and any printer the operating system knows) for the core,
 * which cannot reach them itself: Electron's printing is a main-process API. Main lists them with
 * `webContents.getPrintersAsync()` and prints a label's PDF silently from a hidden, sandboxed
 * window (`webContents.print`), at the label's own page size, with no margins. The core asks
 * over the utility process's port (`serveSystemPrinter`).
 *
 * Electron is injected (the shapes below) so this is tested in Node with a stand-in.
 */

/** The parts of a WebContents used here. */
export type PrintContents = {
  getPrintersAsync(): Promise<PrinterEntry[]>;
  print(options: PrintOptions, callback: (success: boolean, failureReason: string) => void): void;
};

/** Electron's PrinterInfo; `isDefault` was dropped from its type but some versions still set it. */
export type PrinterEntry = {
  name: string;
  displayName?: string;
  description?: string;
  isDefault?: boolean;
  /** Platform-specific strings (CUPS attributes on Linux and macOS). */
  options?: object;
};

export type PrintOptions = {
  silent: true;
  deviceName: string;
  printBackground: true;
  landscape: false;
  copies: number;
  margins: { marginType: 'none' };
  pageSize: { width: number; height: number };
};

/** A hidden window holding one label, made by the print window factory (`printWindowOptions`). */
export type PrintWindow = {
  readonly webContents: PrintContents;
  loadFile(path: string): Promise<void>;
  isDestroyed(): boolean;
  destroy(): void;
};

export type SystemPrinterDeps = {
  /** A new hidden print window (sandboxed, no preload). */
  createWindow: () => PrintWindow;
  /** Contents of a window that already exists, to list printers without opening one. */
  anyContents: () => PrintContents | null;
  /** A private temporary folder (removed after each job). */
  tempDir?: () => Promise<string>;
  log: (message: string, details?: Record<string, unknown>) => void;
  timeouts?: Partial<SystemPrinterTimeouts>;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
};

export type SystemPrinterTimeouts = {
  /** Listing the printers (the system may ask a print server on the network). */
  listMs: number;
  /** Opening the PDF in the hidden window. */
  loadMs: number;
  /** From `print` to Electron's callback: the spooler took the job, or said why not. */
  printMs: number;
};

export const SYSTEM_PRINTER_TIMEOUTS: SystemPrinterTimeouts = { listMs: 10_000, loadMs: 15_000, printMs: 30_000 };

/** A failed system print, in the transports' shape (the core turns it back into a TransportError). */
export class SystemPrintFailure extends Error {
  readonly detail: SystemPrintError;
  constructor(detail: SystemPrintError) {
    super(detail.message);
    this.name = 'SystemPrintFailure';
    this.detail = detail;
  }
}

const CHECK = 'check the printer (paper, ribbon, head)';

export class MainSystemPrinter {
  readonly #deps: SystemPrinterDeps;
  readonly #timeouts: SystemPrinterTimeouts;
  readonly #setTimeout: (callback: () => void, ms: number) => unknown;
  readonly #clearTimeout: (handle: unknown) => void;

  constructor(deps: SystemPrinterDeps) {
    this.#deps = deps;
    this.#timeouts = { ...SYSTEM_PRINTER_TIMEOUTS, ...deps.timeouts };
    this.#setTimeout = deps.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
    this.#clearTimeout = deps.clearTimeout ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** The printers of the system, the default one marked. */
  async list(): Promise<SystemPrinterInfo[]> {
    const existing = this.#deps.anyContents();
    const window = existing ? null : this.#deps.createWindow();
    try {
      const contents = existing ?? window!.webContents;
      const entries = await this.#within(
        contents.getPrintersAsync(),
        this.#timeouts.listMs,
        () =>
          new SystemPrintFailure({
            code: 'SYSTEM_TIMEOUT',
            message: `The system did not list its printers within ${seconds(this.#timeouts.listMs)}.`,
            retryable: true,
            sent: false,
          }),
      );
      return entries.map(printerInfo);
    } finally {
      if (window && !window.isDestroyed()) window.destroy();
    }
  }

  /**
   * Prints a PDF silently on a system printer, at the label's size. Resolves when the system's
   * spooler took the job; rejects with a `SystemPrintFailure` that says what to do.
   */
  async print(request: {
    deviceName: string;
    pdf: Buffer;
    widthMicrons: number;
    heightMicrons: number;
    copies: number;
  }): Promise<void> {
    const { deviceName } = request;
    // An unknown name fails here with a clear message; Chromium would print on the default
    // printer or fail with "Invalid deviceName provided".
    const printers = await this.list();
    if (!printers.some((printer) => printer.name === deviceName))
      throw new SystemPrintFailure({
        code: 'PRINTER_UNKNOWN',
        message: `This computer has no printer called "${deviceName}": check that it is installed and switched on, and its name in Settings → Printers (Find printers lists them).`,
        retryable: true,
        sent: false,
      });

    const dir = await (this.#deps.tempDir ?? (() => mkdtemp(join(tmpdir(), 'benchline-print-'))))();
    const file = join(dir, 'label.pdf');
    let window: PrintWindow | null = null;
    try {
      await writeFile(file, request.pdf);
      window = this.#deps.createWindow();
      const opened = window;
      await this.#within(
        opened.loadFile(file),
        this.#timeouts.loadMs,
        () =>
          new SystemPrintFailure({
            code: 'SYSTEM_PRINT_FAILED',
            message: `The label could not be opened for printing within ${seconds(this.#timeouts.loadMs)}; nothing was sent to ${deviceName}.`,
            retryable: true,
            sent: false,
          }),
      ).catch((error: unknown) => {
        if (error instanceof SystemPrintFailure) throw error;
        throw new SystemPrintFailure({
          code: 'SYSTEM_PRINT_FAILED',
          message: `The label could not be opened for printing (${(error as Error).message}); nothing was sent to ${deviceName}.`,
          retryable: true,
          sent: false,
        });
      });
      await this.#print(opened.webContents, {
        silent: true,
        deviceName,
        printBackground: true,
        landscape: false,
        copies: request.copies,
        margins: { marginType: 'none' },
        pageSize: { width: request.widthMicrons, height: request.heightMicrons },
      });
    } finally {
      if (window && !window.isDestroyed()) window.destroy();
      await rm(dir, { recursive: true, force: true }).catch((error: unknown) =>
        this.#deps.log('could not remove a print folder', { dir, error: String(error) }),
      );
    }
  }

  #print(contents: PrintContents, options: PrintOptions): Promise<void> {
    const { deviceName } = options;
    const sizeMm = `${Math.round(options.pageSize.width / 100) / 10}×${Math.round(options.pageSize.height / 100) / 10} mm`;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = this.#setTimeout(() => {
        if (settled) return;
        settled = true;
        // The job may be in the spooler already: a person looks before it is sent again.
        reject(
          new SystemPrintFailure({
            code: 'SYSTEM_TIMEOUT',
            message: `${deviceName} did not confirm the label within ${seconds(this.#timeouts.printMs)}: ${CHECK} and whether it printed, then retry or reprint.`,
            retryable: true,
            sent: true,
          }),
        );
      }, this.#timeouts.printMs);
      const done = (success: boolean, failureReason: string): void => {
        if (settled) return;
        settled = true;
        this.#clearTimeout(timer);
        if (success) resolve();
        else reject(new SystemPrintFailure(failureOf(deviceName, failureReason, sizeMm)));
      };
      try {
        contents.print(options, done);
      } catch (error) {
        // Electron throws at once on settings it cannot use (a page size below its minimum).
        done(false, (error as Error).message);
      }
    });
  }

  async #within<T>(promise: Promise<T>, ms: number, timeout: () => SystemPrintFailure): Promise<T> {
    let timer: unknown = null;
    try {
      return await Promise.race([
        promise,
        new Promise<never>((_resolve, reject) => {
          timer = this.#setTimeout(() => reject(timeout()), ms);
        }),
      ]);
    } finally {
      if (timer !== null) this.#clearTimeout(timer);
    }
  }
}

/**
 * Electron's `failureReason` in words for the operator, with whether to try again by itself.
 * Electron reports "Print job canceled", "Print job failed", "Invalid printer settings",
 * "Invalid deviceName provided"; anything else is passed on as the system said it. The spooler
 * refused each of these, so nothing reached the printer (`sent: false`).
 */
export function failureOf(deviceName: string, failureReason: string, sizeMm: string): SystemPrintError {
  const reason = failureReason.trim();
  if (/invalid device ?name/i.test(reason))
    return {
      code: 'PRINTER_UNKNOWN',
      message: `This computer has no printer called "${deviceName}": check that it is installed, and its name in Settings → Printers.`,
      retryable: true,
      sent: false,
    };
  if (/invalid printer settings|page ?size|microns/i.test(reason))
    return {
      code: 'SYSTEM_PRINT_FAILED',
      message: `${deviceName} refused the label's settings (${sizeMm}, no margins): set the printer's paper to the label size in Windows, then retry. (${reason})`,
      // Sending the same settings again will not help: a person changes the printer first.
      retryable: false,
      sent: false,
    };
  if (/cancel/i.test(reason))
    return {
      code: 'SYSTEM_PRINT_FAILED',
      message: `The print job on ${deviceName} was cancelled: ${CHECK}, then retry.`,
      retryable: true,
      sent: false,
    };
  return {
    code: 'SYSTEM_PRINT_FAILED',
    message: `${deviceName} could not print the label${reason ? ` (${reason})` : ''}: ${CHECK}, then retry.`,
    retryable: true,
    sent: false,
  };
}

function printerInfo(entry: PrinterEntry): SystemPrinterInfo {
  const options = (entry.options ?? {}) as Record<string, unknown>;
  return {
    name: entry.name,
    displayName: entry.displayName || entry.name,
    description: entry.description || (typeof options['printer-info'] === 'string' ? options['printer-info'] : ''),
    isDefault: entry.isDefault === true || options['is-default'] === 'true',
  };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** The utility process as the relay sees it. */
export type RelayPort = {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  postMessage(message: unknown): void;
};

/**
 * Answers the core's system-printer requests on its utility process. Requests are parsed at the
 * door; each gets exactly one reply, with its id. A reply to a core that died meanwhile is
 * dropped (its successor finds the job "sent" and leaves it to a person).
 */
export function serveSystemPrinter(
  core: RelayPort,
  printer: Pick<MainSystemPrinter, 'list' | 'print'>,
  log: (message: string, details?: Record<string, unknown>) => void,
): void {
  const reply = (id: number, result: SystemPrinterReply['result']): void => {
    try {
      core.postMessage({ type: SYSTEM_PRINTER_REPLY, id, result } satisfies SystemPrinterReply);
    } catch (error) {
      log('could not answer the core (it stopped?)', { id, error: String(error) });
    }
  };
  core.on('message', (message) => {
    if (!isRelayMessage(message, SYSTEM_PRINTER_REQUEST)) return;
    const parsed = systemPrinterRequestSchema.safeParse(message);
    if (!parsed.success) {
      const id = (message as { id?: unknown }).id;
      log('refused a malformed system-printer request', { issues: parsed.error.issues.length });
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0)
        reply(id, {
          ok: false,
          error: {
            code: 'SYSTEM_PRINT_FAILED',
            message: 'The app refused a malformed print request.',
            retryable: false,
            sent: false,
          },
        });
      return;
    }
    void answer(parsed.data).then((result) => reply(parsed.data.id, result));
  });

  async function answer(request: SystemPrinterRequest): Promise<SystemPrinterReply['result']> {
    try {
      if (request.op === 'list') return { ok: true, printers: await printer.list() };
      await printer.print({
        deviceName: request.deviceName,
        pdf: Buffer.from(request.pdf, 'base64'),
        widthMicrons: request.widthMicrons,
        heightMicrons: request.heightMicrons,
        copies: request.copies,
      });
      log('system print sent', { deviceName: request.deviceName });
      return { ok: true };
    } catch (error) {
      if (error instanceof SystemPrintFailure) {
        log('system print failed', { code: error.detail.code, message: error.detail.message });
        return { ok: false, error: error.detail };
      }
      log('system printer error', { error: String(error) });
      return {
        ok: false,
        error: {
          code: 'SYSTEM_PRINT_FAILED',
          message: `The app could not print: ${(error as Error).message}`,
          retryable: true,
          sent: false,
        },
      };
    }
  }
}

import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  failureOf,
  MainSystemPrinter,
  SystemPrintFailure,
  type SystemPrinterTimeouts,
} from '../../src/main/system-printer';
import { printWindowOptions } from '../../src/main/window';
import { createMainElectron, type FakePrinter } from './electron-stub';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** A 4×6 in label: 101.6 × 152.4 mm. */
const LABEL = { widthMicrons: 101_600, heightMicrons: 152_400 };

const ZEBRA: FakePrinter = {
  name: 'ZDesigner ZD421-203dpi ZPL',
  displayName: 'Zebra at bench 1',
  description: 'ZDesigner ZD421-203dpi ZPL',
  options: {},
};
const OFFICE: FakePrinter = {
  name: '\\\\print01\\Office laser',
  displayName: 'Office laser',
  description: '',
  options: { 'printer-info': 'HP LaserJet M404', 'is-default': 'true' },
};

/** A system printer over a fresh stand-in; `appWindow` opens the app's window first. */
function setup(options: { appWindow?: boolean; timeouts?: Partial<SystemPrinterTimeouts> } = {}) {
  const electron = createMainElectron();
  const { BrowserWindow } = electron.module;
  electron.printSystem.printers = [ZEBRA, OFFICE];
  const appWindow = options.appWindow ? new BrowserWindow({ app: true }) : null;
  const created: InstanceType<typeof BrowserWindow>[] = [];
  const dirs: string[] = [];
  const log = vi.fn();
  const printer = new MainSystemPrinter({
    createWindow: () => {
      const window = new BrowserWindow(printWindowOptions());
      created.push(window);
      return window;
    },
    anyContents: () => appWindow?.webContents ?? null,
    tempDir: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'benchline-print-test-'));
      dirs.push(dir);
      return dir;
    },
    log,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  return { electron, printer, appWindow, created, dirs, log, system: electron.printSystem };
}

async function failureFrom(promise: Promise<unknown>): Promise<SystemPrintFailure['detail']> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SystemPrintFailure);
  return (error as SystemPrintFailure).detail;
}

describe('system printers in main: listing', () => {
  it("lists the system's printers by their system name, with the default one marked", async () => {
    const { printer, created } = setup({ appWindow: true });
    expect(await printer.list()).toEqual([
      {
        name: 'ZDesigner ZD421-203dpi ZPL',
        displayName: 'Zebra at bench 1',
        description: 'ZDesigner ZD421-203dpi ZPL',
        isDefault: false,
      },
      {
        name: '\\\\print01\\Office laser',
        displayName: 'Office laser',
        description: 'HP LaserJet M404',
        isDefault: true,
      },
    ]);
    // The app's window answered: no window was opened for a list.
    expect(created).toHaveLength(0);
  });

  it('takes isDefault when Electron still gives it, and falls back to the name for a blank display name', async () => {
    const { printer, system } = setup({ appWindow: true });
    system.printers = [{ name: 'Brother_QL_820NWB', displayName: '', description: '', options: {}, isDefault: true }];
    expect(await printer.list()).toEqual([
      { name: 'Brother_QL_820NWB', displayName: 'Brother_QL_820NWB', description: '', isDefault: true },
    ]);
  });

  it('with no window open, lists from a hidden print window and destroys it', async () => {
    const { printer, created } = setup();
    expect((await printer.list()).map((p) => p.name)).toEqual([ZEBRA.name, OFFICE.name]);
    expect(created).toHaveLength(1);
    expect(created[0]!.webContents.getPrintersAsync).toHaveBeenCalledTimes(1);
    expect(created[0]!.destroy).toHaveBeenCalledTimes(1);
  });

  it('a system that never lists its printers: a timeout, not a hang', async () => {
    const { printer, system } = setup({ appWindow: true, timeouts: { listMs: 30 } });
    system.list = () => new Promise(() => undefined);
    expect(await failureFrom(printer.list())).toEqual({
      code: 'SYSTEM_TIMEOUT',
      message: 'The system did not list its printers within 30 ms.',
      retryable: true,
      sent: false,
    });
  });
});

describe('system printers in main: printing', () => {
  it('prints the PDF silently on the named printer, at the label size in microns, with no margins', async () => {
    const { printer, created, dirs, system, appWindow } = setup({ appWindow: true });
    await printer.print({ deviceName: ZEBRA.name, pdf: PDF, ...LABEL, copies: 2 });

    expect(system.prints).toHaveLength(1);
    const [call] = system.prints;
    expect(call!.options).toEqual({
      silent: true,
      deviceName: 'ZDesigner ZD421-203dpi ZPL',
      printBackground: true,
      landscape: false,
      copies: 2,
      margins: { marginType: 'none' },
      pageSize: { width: 101_600, height: 152_400 },
    });
    // The window printed held exactly the job's PDF, loaded from a file.
    expect(call!.pdf).toEqual(PDF);
    expect(call!.url).toMatch(/^file:\/\/.*\/label\.pdf$/);
    // A hidden print window of its own, never the app's window; destroyed afterwards.
    expect(created).toHaveLength(1);
    expect(created[0]!.options).toEqual(printWindowOptions());
    expect(appWindow!.webContents.print).not.toHaveBeenCalled();
    expect(created[0]!.destroy).toHaveBeenCalledTimes(1);
    // The temporary PDF is gone.
    expect(dirs).toHaveLength(1);
    expect(existsSync(dirs[0]!)).toBe(false);
  });

  it('a printer the system does not have: PRINTER_UNKNOWN before any window opens', async () => {
    const { printer, created, dirs } = setup({ appWindow: true });
    const failure = await failureFrom(printer.print({ deviceName: 'Zebra (copy 1)', pdf: PDF, ...LABEL, copies: 1 }));
    expect(failure).toMatchObject({ code: 'PRINTER_UNKNOWN', retryable: true, sent: false });
    expect(failure.message).toContain('no printer called "Zebra (copy 1)"');
    expect(created).toHaveLength(0);
    expect(dirs).toHaveLength(0);
  });

  it.each([
    ['Print job canceled', 'SYSTEM_PRINT_FAILED', true, /was cancelled: check the printer \(paper, ribbon, head\)/],
    ['Print job failed', 'SYSTEM_PRINT_FAILED', true, /could not print the label \(Print job failed\)/],
    ['Invalid printer settings', 'SYSTEM_PRINT_FAILED', false, /refused the label's settings \(101\.6×152\.4 mm/],
    ['Invalid deviceName provided', 'PRINTER_UNKNOWN', true, /no printer called/],
    ['', 'SYSTEM_PRINT_FAILED', true, /could not print the label: check the printer/],
  ] as const)(
    'maps the failure reason "%s" to %s (retryable by itself: %s), nothing sent',
    async (reason, code, retryable, message) => {
      const { printer, system, created, dirs } = setup({ appWindow: true });
      system.answer = (callback) => callback(false, reason);
      const failure = await failureFrom(printer.print({ deviceName: ZEBRA.name, pdf: PDF, ...LABEL, copies: 1 }));
      expect(failure).toMatchObject({ code, retryable, sent: false });
      expect(failure.message).toMatch(message);
      // The window and the file are cleaned up after a failure too.
      expect(created[0]!.destroy).toHaveBeenCalledTimes(1);
      expect(existsSync(dirs[0]!)).toBe(false);
    },
  );

  it('settings Electron refuses at once (it throws): the same failure, not an exception', async () => {
    const { printer, system, created } = setup({ appWindow: true });
    system.answer = () => {
      throw new Error('height_microns and width_microns must be at least 352 microns');
    };
    const failure = await failureFrom(
      printer.print({ deviceName: ZEBRA.name, pdf: PDF, widthMicrons: 400, heightMicrons: 400, copies: 1 }),
    );
    expect(failure).toMatchObject({ code: 'SYSTEM_PRINT_FAILED', retryable: false, sent: false });
    expect(failure.message).toContain('(0.4×0.4 mm, no margins)');
    expect(created[0]!.destroy).toHaveBeenCalledTimes(1);
  });

  it('no answer from the spooler: a timeout that says the label may have printed (sent), window closed', async () => {
    const { printer, system, created, dirs } = setup({ appWindow: true, timeouts: { printMs: 40 } });
    system.answer = () => undefined;
    const failure = await failureFrom(printer.print({ deviceName: ZEBRA.name, pdf: PDF, ...LABEL, copies: 1 }));
    expect(failure).toEqual({
      code: 'SYSTEM_TIMEOUT',
      message:
        'ZDesigner ZD421-203dpi ZPL did not confirm the label within 40 ms: check the printer (paper, ribbon, head) and whether it printed, then retry or reprint.',
      retryable: true,
      sent: true,
    });
    expect(created[0]!.destroy).toHaveBeenCalledTimes(1);
    expect(existsSync(dirs[0]!)).toBe(false);
  });

  it('a late answer after the timeout changes nothing', async () => {
    const { printer, system } = setup({ appWindow: true, timeouts: { printMs: 20 } });
    let late: ((success: boolean, reason: string) => void) | null = null;
    system.answer = (callback) => {
      late = callback;
    };
    const failure = await failureFrom(printer.print({ deviceName: ZEBRA.name, pdf: PDF, ...LABEL, copies: 1 }));
    expect(failure.code).toBe('SYSTEM_TIMEOUT');
    expect(() => late!(true, '')).not.toThrow();
  });

  it('a PDF that never opens: a timeout, nothing sent; one that fails to open says why', async () => {
    const hanging = setup({ appWindow: true, timeouts: { loadMs: 30 } });
    hanging.system.load = () => new Promise(() => undefined);
    const stuck = await failureFrom(hanging.printer.print({ deviceName: ZEBRA.name, pdf: PDF, ...LABEL, copies: 1 }));
    expect(stuck).toMatchObject({ code: 'SYSTEM_PRINT_FAILED', retryable: true, sent: false });
    expect(stuck.message).toMatch(/could not be opened for printing within 30 ms; nothing was sent/);
    expect(hanging.system.prints).toHaveLength(0);
    expect(hanging.created[0]!.destroy).toHaveBeenCalledTimes(1);

    const broken = setup({ appWindow: true });
    broken.system.load = () => Promise.reject(new Error('ERR_FILE_NOT_FOUND (-6)'));
    const failed = await failureFrom(broken.printer.print({ deviceName: ZEBRA.name, pdf: PDF, ...LABEL, copies: 1 }));
    expect(failed).toMatchObject({ code: 'SYSTEM_PRINT_FAILED', retryable: true, sent: false });
    expect(failed.message).toContain('ERR_FILE_NOT_FOUND (-6)');
    expect(existsSync(broken.dirs[0]!)).toBe(false);
  });
});

describe('failureOf', () => {
  it('keeps what the system said when it is not one of the known reasons', () => {
    expect(failureOf('Label 1', 'Printer is offline', '50.8×25.4 mm')).toEqual({
      code: 'SYSTEM_PRINT_FAILED',
      message:
        'Label 1 could not print the label (Printer is offline): check the printer (paper, ribbon, head), then retry.',
      retryable: true,
      sent: false,
    });
  });
});

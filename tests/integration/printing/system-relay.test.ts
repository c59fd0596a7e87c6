import { afterEach, describe, expect, it } from 'vitest';
import { SystemPrinterRelay } from '../../../src/core/printing/system-relay';
import { TransportError } from '../../../src/core/printing/transport';
import { MainSystemPrinter, serveSystemPrinter } from '../../../src/main/system-printer';
import { printWindowOptions } from '../../../src/main/window';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { jobs, packOrder, PLAIN_ORDER } from '../../support/printing';
import { createMainElectron, FakeEmitter } from '../../main/electron-stub';

const ZEBRA = 'ZDesigner ZD421-203dpi ZPL';
const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

/**
 * The core's relay wired to main's real handler over a stand-in of the utility process's two
 * ends: messages are structured-cloned and delivered on a later turn, as Electron does.
 */
function wire() {
  const electron = createMainElectron();
  electron.printSystem.printers = [{ name: ZEBRA, displayName: 'Zebra', description: 'ZD421', options: {} }];
  const { BrowserWindow } = electron.module;
  const child = new FakeEmitter();
  let relay: SystemPrinterRelay | null = null;
  const mainEnd = {
    on: child.on,
    postMessage: (message: unknown) => {
      const copy = structuredClone(message);
      setImmediate(() => relay?.receive(copy));
    },
  };
  relay = new SystemPrinterRelay((request) => {
    const copy = structuredClone(request);
    setImmediate(() => child.emit('message', copy));
  });
  const printer = new MainSystemPrinter({
    createWindow: () => new BrowserWindow(printWindowOptions()),
    anyContents: () => null,
    log: () => undefined,
  });
  serveSystemPrinter(mainEnd, printer, () => undefined);
  return { electron, relay };
}

async function systemShipping(f: CoreFixture): Promise<void> {
  await f.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
  const found = await f.ok('printers.discover', {});
  const [zebra] = found.system.printers;
  expect(zebra).toMatchObject({ name: ZEBRA, displayName: 'Zebra' });
  const printer = await f.ok('printers.save', { name: zebra!.displayName, transport: 'system', queue: zebra!.name });
  await f.ok('printers.assign', { labelType: 'shipping', printerId: printer.id, format: 'pdf', dpi: 203 });
  await f.ok('auth.logout', {});
}

describe('the system-printer relay, core ↔ main', () => {
  it('end to end: discover through main, a label printed by main from its PDF, the job printed', async () => {
    const { electron, relay } = wire();
    fixture = openCore({ random: () => 0.99, systemPrinter: relay });
    await systemShipping(fixture);
    await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    const [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'printed', printerName: 'Zebra', attempts: 1 });
    const [print] = electron.printSystem.prints;
    expect(print!.options).toMatchObject({
      silent: true,
      deviceName: ZEBRA,
      pageSize: { width: 101_600, height: 152_400 },
      margins: { marginType: 'none' },
    });
    const document = await fixture.ok('print.document', { jobId: shipping!.id });
    expect(print!.pdf!.equals(Buffer.from(document.base64, 'base64'))).toBe(true);
  });

  it("end to end: main's failure arrives as the job's error, with main's retry decision", async () => {
    const { electron, relay } = wire();
    electron.printSystem.answer = (callback) => callback(false, 'Print job failed');
    fixture = openCore({ random: () => 0.99, systemPrinter: relay });
    await systemShipping(fixture);
    await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    const [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'failed', errorCode: 'SYSTEM_PRINT_FAILED' });
    expect(shipping!.error).toBe(
      `${ZEBRA} could not print the label (Print job failed): check the printer (paper, ribbon, head), then retry.`,
    );
    expect(shipping!.nextAttemptAt).toBe(fixture.clock.now() + 2_000);
  });
});

describe('SystemPrinterRelay (the core side)', () => {
  /** A relay whose requests are kept, for the test to answer (or not). */
  function relayAlone(timeouts = { listMs: 30, printMs: 30 }) {
    const sent: { id: number; op: string }[] = [];
    const relay = new SystemPrinterRelay((request) => sent.push(request), timeouts);
    return { relay, sent };
  }

  async function rejection(promise: Promise<unknown>): Promise<TransportError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }

  it('asks main with a new id per call and resolves with its answer', async () => {
    const { relay, sent } = relayAlone({ listMs: 1_000, printMs: 1_000 });
    const listing = relay.list();
    const printing = relay.print(PDF, { deviceName: ZEBRA, widthMicrons: 50_800, heightMicrons: 25_400, copies: 2 });
    expect(sent).toEqual([
      { type: 'system-printer.request', id: 1, op: 'list' },
      {
        type: 'system-printer.request',
        id: 2,
        op: 'print',
        deviceName: ZEBRA,
        pdf: PDF.toString('base64'),
        widthMicrons: 50_800,
        heightMicrons: 25_400,
        copies: 2,
      },
    ]);
    // Answers may come in any order.
    expect(relay.receive({ type: 'system-printer.reply', id: 2, result: { ok: true } })).toBe(true);
    const printers = [{ name: ZEBRA, displayName: 'Zebra', description: '', isDefault: true }];
    relay.receive({ type: 'system-printer.reply', id: 1, result: { ok: true, printers } });
    await expect(printing).resolves.toBeUndefined();
    await expect(listing).resolves.toEqual(printers);
  });

  it("turns main's failure into the transports' error", async () => {
    const { relay } = relayAlone({ listMs: 1_000, printMs: 1_000 });
    const printing = relay.print(PDF, { deviceName: ZEBRA, widthMicrons: 50_800, heightMicrons: 25_400, copies: 1 });
    relay.receive({
      type: 'system-printer.reply',
      id: 1,
      result: {
        ok: false,
        error: { code: 'PRINTER_UNKNOWN', message: 'No such printer.', retryable: true, sent: false },
      },
    });
    const error = await rejection(printing);
    expect(error).toMatchObject({ code: 'PRINTER_UNKNOWN', message: 'No such printer.', retryable: true, sent: false });
  });

  it('main never answers: a timeout — a print may have printed (sent), a list did not', async () => {
    const { relay } = relayAlone();
    const print = await rejection(
      relay.print(PDF, { deviceName: ZEBRA, widthMicrons: 50_800, heightMicrons: 25_400, copies: 1 }),
    );
    expect(print).toMatchObject({ code: 'SYSTEM_TIMEOUT', retryable: true, sent: true });
    expect(print.message).toMatch(/did not answer about the label for ZDesigner.*whether it printed/);
    const list = await rejection(relay.list());
    expect(list).toMatchObject({ code: 'SYSTEM_TIMEOUT', sent: false });
    // An answer after the timeout is the relay's, and changes nothing.
    expect(relay.receive({ type: 'system-printer.reply', id: 1, result: { ok: true } })).toBe(true);
  });

  it('leaves other messages alone and drops malformed replies (the call then times out)', async () => {
    const { relay } = relayAlone();
    const listing = relay.list();
    expect(relay.receive({ type: 'connect', windowId: 1 })).toBe(false);
    expect(relay.receive(null)).toBe(false);
    expect(relay.receive({ type: 'system-printer.reply', id: 1, result: { ok: 'yes' } })).toBe(true);
    expect((await rejection(listing)).code).toBe('SYSTEM_TIMEOUT');
  });

  it('close fails the calls still waiting; a port that cannot be written fails at once', async () => {
    const { relay } = relayAlone({ listMs: 60_000, printMs: 60_000 });
    const printing = relay.print(PDF, { deviceName: ZEBRA, widthMicrons: 50_800, heightMicrons: 25_400, copies: 1 });
    relay.close();
    expect(await rejection(printing)).toMatchObject({ code: 'INTERRUPTED', retryable: false, sent: true });

    const broken = new SystemPrinterRelay(() => {
      throw new Error('the port is closed');
    });
    expect(await rejection(broken.list())).toMatchObject({
      code: 'SYSTEM_UNAVAILABLE',
      message: 'The Benchline app could not be asked: the port is closed',
    });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from '../../../src/core/printing/transport';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { eventTypes, inspectStation } from '../../support/db';
import { FakeSystemPrinter, jobs, packOrder, PLAIN_ORDER, scan, systemCancelled } from '../../support/printing';

const OFFICE = '\\\\print01\\Office laser';

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

function core(system: FakeSystemPrinter | null): CoreFixture {
  // lpstat of a folder that has none: CUPS is "missing", as on Windows.
  return openCore({
    random: () => 0.99,
    cups: { lp: '/nonexistent/lp', lpstat: '/nonexistent/lpstat', timeoutMs: 2_000 },
    ...(system ? { systemPrinter: system } : {}),
  });
}

/** A supervisor adds a system printer and sends shipping labels to it (PDF). */
async function systemShipping(f: CoreFixture, deviceName = OFFICE): Promise<string> {
  await f.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
  const printer = await f.ok('printers.save', { name: 'Office laser', transport: 'system', queue: deviceName });
  expect(printer).toMatchObject({ transport: 'system', queue: deviceName, host: null, port: null });
  await f.ok('printers.assign', { labelType: 'shipping', printerId: printer.id, format: 'pdf', dpi: 300 });
  await f.ok('auth.logout', {});
  return printer.id;
}

function printEvents(f: CoreFixture): { type: string; payload: Record<string, unknown> }[] {
  const db = inspectStation(f.dataDir);
  const rows = db
    .prepare<[], { type: string; payload: string }>(
      "SELECT type, payload FROM events WHERE type LIKE 'print.%' ORDER BY seq",
    )
    .all();
  db.close();
  return rows.map((row) => ({ type: row.type, payload: JSON.parse(row.payload) as Record<string, unknown> }));
}

describe('system printers (Windows, through the Benchline app)', () => {
  it('discover lists the system printers next to the CUPS queues', async () => {
    fixture = core(new FakeSystemPrinter());
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const found = await fixture.ok('printers.discover', {});
    // No CUPS on this "computer": said so, and the system printers are still there.
    expect(found.available).toBe(false);
    expect(found.message).toMatch(/CUPS/);
    expect(found.system).toEqual({
      available: true,
      reason: null,
      message: null,
      printers: [
        { name: 'ZDesigner ZD421-203dpi ZPL', displayName: 'Zebra ZD421', description: 'ZD421', isDefault: false },
        { name: OFFICE, displayName: 'Office laser', description: 'HP M404', isDefault: true },
      ],
    });
    expect((await fixture.ok('printers.list', {})).systemPrinting).toBe(true);
  });

  it('an app that cannot list them says why', async () => {
    const system = new FakeSystemPrinter();
    system.listFails = new TransportError('SYSTEM_TIMEOUT', 'The system did not list its printers within 10 s.', {
      retryable: true,
    });
    fixture = core(system);
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    expect((await fixture.ok('printers.discover', {})).system).toEqual({
      available: false,
      reason: 'failed',
      message: 'The system did not list its printers within 10 s.',
      printers: [],
    });
  });

  it('a shipping label to a system printer: queued → sent → printed, the PDF at 4×6 in microns', async () => {
    const system = new FakeSystemPrinter();
    fixture = core(system);
    await systemShipping(fixture);
    const { packageId } = await packOrder(fixture, `${PLAIN_ORDER} AND o.carrier_label IS NULL`);
    await fixture.core.idle();

    const [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({
      labelType: 'shipping',
      subject: packageId,
      status: 'printed',
      printerName: 'Office laser',
      format: 'pdf',
      attempts: 1,
      errorCode: null,
    });
    expect(shipping!.printedAt).toBe(fixture.clock.now());
    expect(system.prints).toHaveLength(1);
    const [sent] = system.prints;
    expect(sent).toMatchObject({ deviceName: OFFICE, widthMicrons: 101_600, heightMicrons: 152_400, copies: 1 });
    // The bytes printed are the job's document.
    const document = await fixture.ok('print.document', { jobId: shipping!.id });
    expect(sent!.pdf.equals(Buffer.from(document.base64, 'base64'))).toBe(true);
    expect(sent!.pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const events = printEvents(fixture).filter((e) => e.payload.labelType === 'shipping');
    expect(events.map((e) => e.type)).toEqual(['print.queued', 'print.sent', 'print.printed']);
    expect(events[1]!.payload).toMatchObject({ transport: 'system', printer: 'Office laser', attempt: 1 });
    expect(events[2]!.payload).toMatchObject({ confirmedBy: 'system' });
    // The record came first.
    const types = eventTypes(inspectStation(fixture.dataDir));
    expect(types.indexOf('pack.completed')).toBeLessThan(types.indexOf('print.queued'));
  });

  it('a failed system print: failed with the clear message, retried by itself, printed once the printer is back', async () => {
    const system = new FakeSystemPrinter();
    system.failWith = systemCancelled(OFFICE);
    fixture = core(system);
    await systemShipping(fixture);
    const { packageId } = await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();

    let [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'failed', errorCode: 'SYSTEM_PRINT_FAILED', attempts: 1 });
    expect(shipping!.error).toBe(
      `The print job on ${OFFICE} was cancelled: check the printer (paper, ribbon, head), then retry.`,
    );
    // Nothing reached the printer: the queue tries again by itself in 2 s.
    expect(shipping!.nextAttemptAt).toBe(fixture.clock.now() + 2_000);
    // The record stands.
    expect(await fixture.ok('pack.current', {})).toMatchObject({ packageId, status: 'done' });
    const failed = printEvents(fixture).find((e) => e.type === 'print.failed')!;
    expect(failed.payload).toMatchObject({ code: 'SYSTEM_PRINT_FAILED', maybePrinted: false, attempt: 1 });

    system.failWith = null;
    fixture.clock.advance(2_000);
    fixture.core.tick();
    await fixture.core.idle();
    [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'printed', attempts: 2, errorCode: null, error: null });
    expect(system.prints).toHaveLength(2);
  });

  it('no confirmation (the label may have printed): failed, not retried by itself; Retry prints it', async () => {
    const system = new FakeSystemPrinter();
    system.failWith = new TransportError(
      'SYSTEM_TIMEOUT',
      `${OFFICE} did not confirm the label within 30 s: check the printer (paper, ribbon, head) and whether it printed, then retry or reprint.`,
      { retryable: true, sent: true },
    );
    fixture = core(system);
    await systemShipping(fixture);
    await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    let [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'failed', errorCode: 'SYSTEM_TIMEOUT', nextAttemptAt: null });
    fixture.clock.advance(300_000);
    fixture.core.tick();
    await fixture.core.idle();
    expect(system.prints).toHaveLength(1);

    system.failWith = null;
    expect(await fixture.ok('print.retry', { jobId: shipping!.id })).toMatchObject({ status: 'queued' });
    await fixture.core.idle();
    [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'printed', attempts: 2 });
    expect(system.prints).toHaveLength(2);
  });

  it('web mode (no app): discover says so, and a label for a system printer fails clearly and stays retryable', async () => {
    fixture = core(null);
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const found = await fixture.ok('printers.discover', {});
    expect(found.system).toMatchObject({ available: false, reason: 'no_app', printers: [] });
    expect(found.system.message).toMatch(/only from the Benchline app; this station runs in a browser/);
    expect((await fixture.ok('printers.list', {})).systemPrinting).toBe(false);
    await fixture.ok('auth.logout', {});

    await systemShipping(fixture);
    await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    const [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'failed', errorCode: 'SYSTEM_UNAVAILABLE', nextAttemptAt: null });
    expect(shipping!.error).toMatch(/reachable only from the Benchline app/);
    // A person can still send it again (after choosing another printer).
    expect(await scan(fixture, 'CMD:PRINT')).toMatchObject({ tone: 'good', message: 'verdict.print.sentAgain' });
  });

  it('a system printer keeps its Windows name (spaces, backslashes); a CUPS queue still may not have them', async () => {
    fixture = core(new FakeSystemPrinter());
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const saved = await fixture.ok('printers.save', { name: 'Office', transport: 'system', queue: OFFICE });
    expect(saved.queue).toBe(OFFICE);
    const cups = await fixture.call('printers.save', { name: 'Office', transport: 'cups', queue: 'Office laser' });
    expect(cups).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    // A system printer prints PDF, never ZPL.
    const zpl = await fixture.call('printers.assign', {
      labelType: 'shipping',
      printerId: saved.id,
      format: 'zpl',
      dpi: 203,
    });
    expect(zpl).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});

import Database from 'better-sqlite3';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isValidSscc } from '#shared/labels/gs1';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { eventTypes, inspectStation } from '../../support/db';
import { demoOrder, FakeZebra, jobs, packOrder, PLAIN_ORDER, scan } from '../../support/printing';

const ELECTRONICS = `o.status = 'ready_to_pack' AND o.brand_id = 'brand-lumen' AND EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.category = 'electronics') AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) = 1`;

const DAY = 86_400_000;

let fixture: CoreFixture | undefined;
let zebra: FakeZebra | undefined;
afterEach(async () => {
  fixture?.close();
  fixture = undefined;
  await zebra?.stop();
  zebra = undefined;
});

/** A core whose 9100 client gives up quickly, as a test needs. */
function core(): CoreFixture {
  return openCore({ random: () => 0.99, raw9100: { connectTimeoutMs: 500, statusTimeoutMs: 400 } });
}

async function asSupervisor(f: CoreFixture): Promise<void> {
  await f.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
}

/** Adds a ZPL printer on 127.0.0.1:port and sends shipping labels to it at 203 dpi. */
async function zplShipping(f: CoreFixture, port: number): Promise<string> {
  await asSupervisor(f);
  const printer = await f.ok('printers.save', { name: 'Zebra ZD421', transport: 'raw9100', host: '127.0.0.1', port });
  await f.ok('printers.assign', {
    labelType: 'shipping',
    printerId: printer.id,
    format: 'zpl',
    dpi: 203,
    darkness: 20,
  });
  await f.ok('auth.logout', {});
  return printer.id;
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('print queue', () => {
  it('without a printer, stores the label and insert of a packed parcel for preview and download', async () => {
    fixture = core();
    const { packageId, number } = await packOrder(fixture, `${PLAIN_ORDER} AND o.carrier_label IS NULL`);
    await fixture.core.idle();
    const list = await jobs(fixture);
    expect(list.map((j) => [j.labelType, j.status, j.subject])).toEqual([
      ['shipping', 'held', packageId],
      ['insert', 'held', packageId],
    ]);
    expect(list[0]!.title).toBe(`Order ${number}`);
    const db = inspectStation(fixture.dataDir);
    // The record came first: pack.completed, then the jobs, each an event.
    const types = eventTypes(db);
    expect(types.indexOf('pack.completed')).toBeLessThan(types.indexOf('print.queued'));
    expect(types.filter((t) => t === 'print.queued')).toHaveLength(2);
    expect(types.filter((t) => t === 'print.held')).toHaveLength(2);
    // No carrier label on this order: the parcel has an SSCC, on the package and on the label.
    const sscc = db.prepare<[string], { sscc: string }>('SELECT sscc FROM packages WHERE id = ?').get(packageId)!.sscc;
    expect(isValidSscc(sscc)).toBe(true);
    const data = JSON.parse(
      db.prepare<[string], { data: string }>('SELECT data FROM print_jobs WHERE id = ?').get(list[0]!.id)!.data,
    ) as { sscc: string };
    expect(data.sscc).toBe(sscc);
    db.close();

    const pdf = await fixture.ok('print.document', { jobId: list[0]!.id });
    expect(pdf.contentType).toBe('application/pdf');
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const preview = await fixture.ok('print.preview', { jobId: list[1]!.id });
    expect(Buffer.from(preview.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(preview).toMatchObject({ page: 0, pages: 1, widthMm: 148, heightMm: 210 });
  });

  it('prints ZPL to a 9100 printer: status first, the label, status again — bytes as rendered', async () => {
    zebra = await FakeZebra.start();
    fixture = core();
    await zplShipping(fixture, zebra.port);
    await packOrder(fixture, `${PLAIN_ORDER} AND o.carrier_label IS NULL`);
    await fixture.core.idle();
    const [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ labelType: 'shipping', status: 'printed', format: 'zpl', dpi: 203, attempts: 1 });
    const text = zebra.text();
    // ~HS before the label and after it.
    expect(text.indexOf('~HS')).toBeLessThan(text.indexOf('^XA'));
    expect(text.lastIndexOf('~HS')).toBeGreaterThan(text.indexOf('^XZ'));
    const document = await fixture.ok('print.document', { jobId: shipping!.id });
    expect(zebra.labels()).toEqual([Buffer.from(document.base64, 'base64').toString('utf8').trim()]);
    expect(zebra.labels()[0]).toMatch(/^~SD20\n\^XA\n\^CI28\n\^PW812\n\^LL1218/);
    expect(zebra.labels()[0]).toMatch(/\^FD>;>800\d{18}\^FS/);
    const db = inspectStation(fixture.dataDir);
    expect(eventTypes(db).filter((t) => t.startsWith('print.'))).toEqual([
      'print.queued',
      'print.queued',
      'print.held', // the insert: no printer for it
      'print.sent',
      'print.printed',
    ]);
    db.close();
  });

  it('port refused: a clear message, the record intact, and an automatic retry that prints once the printer is back', async () => {
    const port = await closedPort();
    fixture = core();
    await zplShipping(fixture, port);
    const { packageId } = await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    let [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'failed', errorCode: 'REFUSED', attempts: 1 });
    expect(shipping!.error).toMatch(/refused the connection/);
    expect(shipping!.nextAttemptAt).toBe(fixture.clock.now() + 2_000);
    expect((await fixture.ok('pack.current', {}))!).toMatchObject({ packageId, status: 'done' });

    // The printer comes up on that port; the retry is due two seconds later.
    zebra = await FakeZebra.start();
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const printers = await fixture.ok('printers.list', {});
    await fixture.ok('printers.save', {
      ...printers.printers[0]!,
      id: printers.printers[0]!.id,
      host: '127.0.0.1',
      port: zebra.port,
      queue: undefined,
    });
    fixture.clock.advance(2_000);
    fixture.core.tick();
    await fixture.core.idle();
    [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'printed', attempts: 2, errorCode: null });
    expect(zebra.labels()).toHaveLength(1);
  });

  it('no answer to the status query: "check the printer (paper, ribbon, head)", nothing sent, retryable', async () => {
    zebra = await FakeZebra.start();
    zebra.mode = 'silent';
    fixture = core();
    await zplShipping(fixture, zebra.port);
    await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    const [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'failed', errorCode: 'NO_STATUS' });
    expect(shipping!.error).toContain('check the printer (paper, ribbon, head)');
    expect(shipping!.nextAttemptAt).not.toBeNull();
    expect(zebra.text()).not.toContain('^XA');
  });

  it('a printer out of paper says so, and the label waits', async () => {
    zebra = await FakeZebra.start();
    zebra.mode = 'paper_out';
    fixture = core();
    await zplShipping(fixture, zebra.port);
    await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    const [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'failed', errorCode: 'PRINTER_FAULT' });
    expect(shipping!.error).toMatch(/paper out: check the printer \(paper, ribbon, head\)/);
    expect(zebra.text()).not.toContain('^XA');
  });

  it('silence after the label: maybe printed, so no automatic retry — a person decides', async () => {
    zebra = await FakeZebra.start();
    zebra.mode = 'silent_after_label';
    fixture = core();
    await zplShipping(fixture, zebra.port);
    await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    let [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'failed', errorCode: 'NO_CONFIRMATION', nextAttemptAt: null });
    expect(zebra.labels()).toHaveLength(1);
    fixture.clock.advance(300_000);
    fixture.core.tick();
    await fixture.core.idle();
    expect(zebra.labels()).toHaveLength(1);
    // The packer looks, finds no label, and asks again with PRINT.
    zebra.mode = 'ok';
    expect(await scan(fixture, 'CMD:PRINT')).toMatchObject({ tone: 'good', message: 'verdict.print.sentAgain' });
    await fixture.core.idle();
    [shipping] = await jobs(fixture);
    expect(shipping).toMatchObject({ status: 'printed', attempts: 2 });
    expect(zebra.labels()).toHaveLength(2);
  });

  it('REPRINT prints the last shipping label again: a new job, the same label', async () => {
    zebra = await FakeZebra.start();
    fixture = core();
    await zplShipping(fixture, zebra.port);
    await packOrder(fixture, `${PLAIN_ORDER} AND o.carrier_label IS NULL`);
    await fixture.core.idle();
    const verdict = await scan(fixture, 'CMD:REPRINT');
    expect(verdict).toMatchObject({ kind: 'command', tone: 'good', message: 'verdict.print.reprinted' });
    await fixture.core.idle();
    const list = await jobs(fixture);
    const reprint = list.at(-1)!;
    expect(reprint).toMatchObject({ labelType: 'shipping', status: 'printed', reprintOf: list[0]!.id });
    const [first, second] = zebra.labels();
    expect(second).toBe(first);
    // Any job of the history too.
    const again = await fixture.ok('print.reprint', { jobId: list[1]!.id });
    expect(again).toMatchObject({ labelType: 'insert', reprintOf: list[1]!.id });
  });

  it('REPRINT with nothing to reprint says so', async () => {
    fixture = core();
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await fixture.ok('session.bench', { bench: 'pack' });
    expect(await scan(fixture, 'CMD:REPRINT')).toMatchObject({
      tone: 'bad',
      message: 'verdict.print.nothingToReprint',
    });
  });

  it('a held label goes to the printer assigned later, with Retry', async () => {
    zebra = await FakeZebra.start();
    fixture = core();
    await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    const [held] = await jobs(fixture);
    expect(held).toMatchObject({ status: 'held', format: 'pdf' });
    await fixture.ok('auth.logout', {});
    await zplShipping(fixture, zebra.port);
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    const retried = await fixture.ok('print.retry', { jobId: held!.id });
    expect(retried).toMatchObject({ status: 'queued', format: 'zpl', printerName: 'Zebra ZD421' });
    await fixture.core.idle();
    expect((await jobs(fixture))[0]).toMatchObject({ status: 'printed', format: 'zpl' });
    expect(zebra.labels()).toHaveLength(1);
    const printed = await fixture.call('print.retry', { jobId: held!.id });
    expect(printed).toMatchObject({ ok: false, error: { code: 'NOT_AVAILABLE' } });
  });

  it('with automatic printing off, labels wait for PRINT', async () => {
    zebra = await FakeZebra.start();
    fixture = core();
    const printerId = await zplShipping(fixture, zebra.port);
    await asSupervisor(fixture);
    await fixture.ok('printers.assign', {
      labelType: 'shipping',
      printerId,
      format: 'zpl',
      dpi: 203,
      autoPrint: false,
    });
    await fixture.ok('auth.logout', {});
    await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    expect((await jobs(fixture))[0]).toMatchObject({ status: 'held' });
    expect(zebra.labels()).toHaveLength(0);
    await scan(fixture, 'CMD:PRINT');
    await fixture.core.idle();
    expect((await jobs(fixture))[0]).toMatchObject({ status: 'printed' });
  });

  it('a job being sent when the core stopped is not sent again by itself', async () => {
    const first = core();
    fixture = first;
    await packOrder(first, PLAIN_ORDER);
    await first.core.idle();
    const [job] = await jobs(first);
    // As if the core died between sending the label and hearing back from the printer.
    first.core.close();
    const raw = new Database(join(first.dataDir, 'station.db'));
    raw.prepare("UPDATE print_jobs SET status = 'sent', transport = 'raw9100' WHERE id = ?").run(job!.id);
    raw.close();
    fixture = first.reopen();
    await fixture.core.idle();
    const [after] = await jobs(fixture);
    expect(after).toMatchObject({ status: 'failed', errorCode: 'INTERRUPTED', nextAttemptAt: null });
    expect(after!.error).toMatch(/check whether it printed/);
    fixture.close();
    fixture = undefined;
    first.close();
  });

  it('a parcel put on QC hold gets its hold label', async () => {
    fixture = core();
    const order = demoOrder(fixture.dataDir, ELECTRONICS);
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await fixture.ok('session.bench', { bench: 'pack' });
    await scan(fixture, order.number);
    for (const item of order.items) {
      await scan(fixture, item.code);
      if (item.serialised) await scan(fixture, 'SN-HOLD-1');
    }
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ message: 'verdict.pack.qcRequired' });
    await fixture.ok('auth.logout', {});
    await fixture.ok('auth.login', { badge: DEMO.qc.badge, pin: DEMO.qc.pin });
    await fixture.ok('session.bench', { bench: 'qc' });
    await scan(fixture, order.number);
    await scan(fixture, 'CMD:DONE');
    await scan(fixture, 'CMD:PASS');
    expect(await scan(fixture, 'CMD:FAIL')).toMatchObject({ message: 'verdict.qc.failed' });
    await fixture.core.idle();
    const [hold] = await jobs(fixture);
    expect(hold).toMatchObject({ labelType: 'qc_hold', bench: 'qc', title: `QC HOLD — DO NOT SHIP · ${order.number}` });
    const db = inspectStation(fixture.dataDir);
    const data = JSON.parse(
      db.prepare<[string], { data: string }>('SELECT data FROM print_jobs WHERE id = ?').get(hold!.id)!.data,
    ) as { inspector: string; defects: { code: string }[] };
    db.close();
    expect(data.inspector).toBe('Tomás Ibarra');
    expect(data.defects.map((d) => d.code)).toEqual(['E-SERIAL']);
    expect(await scan(fixture, 'CMD:REPRINT')).toMatchObject({ tone: 'good', params: { title: hold!.title } });
  });

  it('the bin label of a routed return item keeps its licence plate; the return label on demand', async () => {
    fixture = core();
    // A routed return item: its bin label with a licence plate; re-routing keeps the plate.
    const db = inspectStation(fixture.dataDir);
    const rma = db
      .prepare<[], { number: string; code: string }>(
        `SELECT r.number, (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b
            WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code
           FROM rmas r JOIN rma_lines l ON l.rma_id = r.id JOIN products p ON p.id = l.product_id
          WHERE r.status = 'authorized' AND p.serialised = 0 AND l.quantity = 1 ORDER BY r.number LIMIT 1`,
      )
      .get()!;
    db.close();
    await fixture.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
    await fixture.ok('session.bench', { bench: 'returns' });
    await scan(fixture, rma.number);
    await scan(fixture, rma.code);
    expect(await scan(fixture, 'CMD:GOOD')).toMatchObject({ message: 'verdict.returns.routed' });
    await fixture.core.idle();
    const [bin] = await jobs(fixture);
    expect(bin).toMatchObject({ labelType: 'bin', bench: 'returns', media: '2x1' });
    const current = (await fixture.ok('returns.current', {}))!;
    expect(bin!.subject).toBe(`${current.caseId}:1`);
    expect(await scan(fixture, 'CMD:REPRINT')).toMatchObject({ tone: 'good' });
    const returnLabel = await fixture.ok('print.returnLabel', { caseId: current.caseId });
    expect(returnLabel).toMatchObject({ labelType: 'licence_plate', media: '4x6' });
    const check = inspectStation(fixture.dataDir);
    const plates = check
      .prepare<[], { data: string }>("SELECT data FROM print_jobs WHERE label_type = 'bin' ORDER BY created_at")
      .all()
      .map((r) => (JSON.parse(r.data) as { licencePlate: string }).licencePlate);
    expect(plates).toHaveLength(2);
    expect(plates[1]).toBe(plates[0]);
    expect(plates[0]).toMatch(/^LP\d{8}$/);
    check.close();
  });

  it("drops a label's stored document after 30 days, and makes it again from the job's data when asked", async () => {
    fixture = core();
    await packOrder(fixture, `${PLAIN_ORDER} AND o.carrier_label IS NULL`);
    await fixture.core.idle();
    const [shipping, insert] = await jobs(fixture);
    const kept = (): (number | null)[] => {
      const db = inspectStation(fixture!.dataDir);
      const rows = db
        .prepare<[], { size: number | null }>('SELECT length(document) AS size FROM print_jobs ORDER BY created_at, id')
        .all();
      db.close();
      return rows.map((r) => r.size);
    };
    const stored = kept();
    expect(stored).toHaveLength(2);
    expect(stored.every((size) => size !== null && size > 1000)).toBe(true);
    const first = Buffer.from((await fixture.ok('print.document', { jobId: shipping!.id })).base64, 'base64');

    // 29 days on: kept.
    fixture.clock.advance(29 * DAY);
    fixture.core.tick();
    expect(kept()).toEqual(stored);
    // 31 days on (and past the hour between two looks): both dropped, the rows and their data stay.
    fixture.clock.advance(2 * DAY);
    fixture.core.tick();
    expect(kept()).toEqual([null, null]);
    // (The station locked itself meanwhile: a month without a scan.)
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    expect((await jobs(fixture)).map((j) => [j.id, j.status])).toEqual([
      [shipping!.id, 'held'],
      [insert!.id, 'held'],
    ]);

    // Asked for, the label is made again from its data — the same label — and not stored again.
    const again = Buffer.from((await fixture.ok('print.document', { jobId: shipping!.id })).base64, 'base64');
    expect(again.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The same bytes but the creation time (and the file identifier made from it).
    const text = (pdf: Buffer): string =>
      pdf
        .toString('latin1')
        .replace(/\(D:\d{14}Z\)/g, '')
        .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, '');
    expect(text(again)).toBe(text(first));
    expect(kept()).toEqual([null, null]);
    // Nor by a retry, which makes it again to hold it (no printer) as a preview does.
    await fixture.ok('print.retry', { jobId: shipping!.id });
    await fixture.core.idle();
    const db = inspectStation(fixture.dataDir);
    // Held again (a third print.held: the label was made again to be held).
    expect(eventTypes(db).filter((t) => t === 'print.held')).toHaveLength(3);
    db.close();
    expect(kept()).toEqual([null, null]);
  });
});

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodOutput } from '#shared/contract/index';
import { returnPortalLink } from '#shared/labels/data';
import { LABEL_MEDIA, LABEL_TYPES, type LabelType, type Media } from '#shared/labels/model';
import { sampleRequest } from '#shared/labels/samples';
import { LabelRenderer } from '../../../src/core/labels/render';
import { decodeBox, expectedScan, pdfToGray, pdfToPng } from '../../support/barcodes';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import {
  CUPS_PDF_QUEUE,
  ensureCups,
  pdfPageSize,
  pdftotext,
  removeQueue,
  stoppedQueue,
  waitForCupsPdf,
} from '../../support/cups';
import { inspectStation } from '../../support/db';
import { ROOT } from '../../support/paths';
import { jobs, packOrder, PLAIN_ORDER } from '../../support/printing';

const LOOK = join(ROOT, 'test-results', 'labels');
const STOPPED = 'BenchStopped';
let fixture: CoreFixture;
let printerId: string;

/** Waits until a job leaves queued/sent (CUPS reports it completed, or it failed). */
async function settle(f: CoreFixture, jobId: string): Promise<MethodOutput<'print.jobs'>['jobs'][number]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await f.core.idle();
    const job = (await f.ok('print.jobs', { limit: 200 })).jobs.find((j) => j.id === jobId)!;
    if (job.status !== 'queued' && job.status !== 'sent') return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function assign(f: CoreFixture, labelType: LabelType, printer: string | null, media?: Media): Promise<void> {
  await f.ok('printers.assign', {
    labelType,
    printerId: printer,
    format: 'pdf',
    dpi: 203,
    ...(media ? { media } : {}),
  });
}

/**
 * What pdftotext must find in each template's test print, in the PDF cups-pdf made. (cups-pdf
 * rebuilds the PDF, and a few bold glyphs lose their text mapping on the way — "RMA" reads
 * "RM" although it prints fine — so the job's own PDF is read back too, for all of the text.)
 */
const EXPECTED_TEXT: Record<LabelType, string[]> = {
  shipping: ['SHIP TO', 'Παπαδοπούλου', 'Porto', 'Order TEST-0001', '(00) 006141410000000012'],
  insert: ['Thank you, Zoë!', 'Returns made easy', 'Керамическая'],
  licence_plate: ['RETURN', 'LP-TEST-0001', 'Order TEST-0001'],
  bin: ['RETURN TO VENDOR', 'LP-TEST-0001'],
  qc_hold: ['QC HOLD', 'Order TEST-0001', 'A-STAIN'],
  badge: ['Test Badge-Holder', 'BADGE-TEST-0001'],
  command_sheet: ['Command barcodes', 'CMD:DONE'],
};

beforeAll(async () => {
  await ensureCups();
  await stoppedQueue(STOPPED);
  mkdirSync(LOOK, { recursive: true });
  fixture = openCore({ random: () => 0.99 });
  await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
  printerId = (await fixture.ok('printers.save', { name: 'cups-pdf', transport: 'cups', queue: CUPS_PDF_QUEUE })).id;
}, 60_000);

afterAll(async () => {
  fixture?.close();
  await removeQueue(STOPPED);
});

describe('printing through real CUPS (cups-pdf)', () => {
  it('discovers the CUPS queues with lpstat', async () => {
    const found = await fixture.ok('printers.discover', {});
    expect(found.available).toBe(true);
    expect(found.queues).toContainEqual(
      expect.objectContaining({ name: CUPS_PDF_QUEUE, uri: 'cups-pdf:/', enabled: true, accepting: true }),
    );
    expect(found.queues).toContainEqual(expect.objectContaining({ name: STOPPED, enabled: false }));
  });

  const cases = LABEL_TYPES.flatMap((type) => LABEL_MEDIA[type].map((media) => ({ type, media })));
  for (const { type, media } of cases) {
    it(`prints the ${type} template (${media}) through lp; the PDF reads back and every barcode decodes`, async () => {
      await assign(fixture, type, printerId, media);
      const job = await fixture.ok('printers.test', { labelType: type });
      const done = await settle(fixture, job.id);
      expect(done).toMatchObject({ status: 'printed', printerName: 'cups-pdf', attempts: 1 });
      const pdf = await waitForCupsPdf(`benchline-${job.id}`);
      const text = (await pdftotext(pdf)).replace(/\s+/g, ' ');
      for (const expected of EXPECTED_TEXT[type]) expect(text).toContain(expected);
      const own = await fixture.ok('print.document', { jobId: job.id });
      const ownPath = join(LOOK, `job-${type}-${media}.pdf`);
      writeFileSync(ownPath, Buffer.from(own.base64, 'base64'));
      const ownText = (await pdftotext(ownPath)).replace(/\s+/g, ' ');
      for (const expected of [...EXPECTED_TEXT[type], ...(type === 'licence_plate' ? ['RMA RMA-TEST'] : [])])
        expect(ownText).toContain(expected);
      const label = new LabelRenderer().layout(sampleRequest(type, fixture.clock.now(), 'DEMO-01'), media, 'en');
      if (media === '4x6') expect(await pdfPageSize(pdf)).toBe('288 x 432 pts');
      // Every barcode on the page cups-pdf made decodes to its data (rendered at 203 dpi).
      const pages = await pdfToGray(pdf, 203);
      expect(pages).toHaveLength(label.pages.length);
      for (const [page, elements] of label.pages.entries()) {
        for (const element of elements) {
          if (element.kind !== 'barcode') continue;
          const found = await decodeBox(pages[page]!, element, 203);
          expect(found.map((f) => f.text)).toContain(expectedScan(element));
        }
      }
      // For a person to look at.
      copyFileSync(pdf, join(LOOK, `cups-${type}-${media}.pdf`));
      await pdfToPng(join(LOOK, `cups-${type}-${media}.pdf`), 100, join(LOOK, `cups-${type}-${media}`));
    });
  }

  it("prints a packed order's insert: the customer's first name, the brand and the order; the QR opens the return portal", async () => {
    await assign(fixture, 'insert', printerId, 'a5');
    await assign(fixture, 'shipping', printerId);
    await fixture.ok('auth.logout', {});
    const { packageId, number } = await packOrder(fixture, PLAIN_ORDER);
    await fixture.core.idle();
    const mine = (await jobs(fixture)).filter((j) => j.subject === packageId);
    expect(mine.map((j) => j.labelType).sort()).toEqual(['insert', 'shipping']);
    const insert = await settle(fixture, mine.find((j) => j.labelType === 'insert')!.id);
    expect(insert.status).toBe('printed');
    const db = inspectStation(fixture.dataDir);
    const order = db
      .prepare<[string], { first_name: string; brand: string; portal: string }>(
        `SELECT c.first_name, b.name AS brand, b.return_portal_url AS portal FROM orders o
           JOIN customers c ON c.id = o.customer_id JOIN brands b ON b.id = o.brand_id WHERE o.number = ?`,
      )
      .get(number)!;
    db.close();
    const pdf = await waitForCupsPdf(`benchline-${insert.id}`);
    const text = (await pdftotext(pdf)).replace(/\s+/g, ' ');
    expect(text).toContain(order.first_name);
    expect(text).toContain(order.brand);
    const url = returnPortalLink(order.portal, number);
    expect(text).toContain(url);
    const [page] = await pdfToGray(pdf, 203);
    const qr = (await fixture.ok('print.jobs', { limit: 10 })).jobs.find((j) => j.id === insert.id)!;
    expect(qr).toBeDefined();
    // The QR sits in the returns box at the foot of the page: decode the lower third.
    const decoded = await decodeBox(page!, { x: 0, y: 140, w: 148, h: 70 }, 203, 0);
    expect(decoded.map((d) => d.text)).toContain(url);
    copyFileSync(pdf, join(LOOK, `cups-insert-${number}.pdf`));
    await pdfToPng(join(LOOK, `cups-insert-${number}.pdf`), 100, join(LOOK, `cups-insert-${number}`));
    const shipping = await settle(fixture, mine.find((j) => j.labelType === 'shipping')!.id);
    expect(shipping.status).toBe('printed');
    const label = await waitForCupsPdf(`benchline-${shipping.id}`);
    expect((await pdftotext(label)).replace(/\s+/g, ' ')).toContain(`Order ${number}`);
    await pdfToPng(label, 100, join(LOOK, `cups-shipping-${number}`));
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
  });

  it('an unknown queue: a clear message, and the job stays retryable', async () => {
    const unknown = await fixture.ok('printers.save', { name: 'Gone', transport: 'cups', queue: 'NoSuchQueue' });
    await assign(fixture, 'bin', unknown.id);
    const job = await settle(fixture, (await fixture.ok('printers.test', { labelType: 'bin' })).id);
    expect(job).toMatchObject({ status: 'failed', errorCode: 'PRINTER_UNKNOWN' });
    expect(job.error).toMatch(/no printer queue called "NoSuchQueue".*lpstat -e/);
    expect(job.nextAttemptAt).not.toBeNull();
    // Assign the right queue and retry: it prints.
    await assign(fixture, 'bin', printerId);
    await fixture.ok('print.retry', { jobId: job.id });
    expect(await settle(fixture, job.id)).toMatchObject({ status: 'printed', attempts: 2 });
  });

  it('a stopped queue: says how to start it, and does not leave the label stuck in CUPS', async () => {
    const stopped = await fixture.ok('printers.save', { name: 'Stopped', transport: 'cups', queue: STOPPED });
    await assign(fixture, 'badge', stopped.id);
    const job = await settle(fixture, (await fixture.ok('printers.test', { labelType: 'badge' })).id);
    expect(job).toMatchObject({ status: 'failed', errorCode: 'QUEUE_STOPPED' });
    expect(job.error).toContain(`cupsenable ${STOPPED}`);
    expect(job.error).toContain('check the printer (paper, ribbon, head)');
    expect(job.nextAttemptAt).not.toBeNull();
  });

  it('CUPS not running: says so, and the job stays retryable', async () => {
    // A core whose CUPS client talks to a scheduler that is not there.
    const down = openCore({ cups: { server: '127.0.0.1:1', timeoutMs: 5_000 } });
    try {
      await down.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
      const printer = await down.ok('printers.save', { name: 'cups-pdf', transport: 'cups', queue: CUPS_PDF_QUEUE });
      await assign(down, 'shipping', printer.id);
      const job = await settle(down, (await down.ok('printers.test', { labelType: 'shipping' })).id);
      expect(job).toMatchObject({ status: 'failed', errorCode: 'CUPS_DOWN' });
      expect(job.error).toMatch(/CUPS is not running/);
      expect(job.nextAttemptAt).not.toBeNull();
      const discovered = await down.ok('printers.discover', {});
      expect(discovered).toMatchObject({ available: false, queues: [] });
      expect(discovered.message).toMatch(/CUPS is not running/);
    } finally {
      down.close();
    }
  });
});

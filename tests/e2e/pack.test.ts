import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, openStation, pageErrorsOf, scan, screenshot } from '../support/browser';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { eventTypes, inspectStation } from '../support/db';
import { tempDir } from '../support/paths';
import { stationState, waitForState } from '../support/diagnose';

let browser: Browser;
let core: RunningCore;
let temp: ReturnType<typeof tempDir>;
let page: Page;

beforeAll(async () => {
  temp = tempDir();
  core = await startCore({ dataDir: temp.dir });
  browser = await launchChromium();
  page = await openStation(browser, core.url);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page)
    await screenshot(page, `failed-pack-${context.task.name.slice(0, 30).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
  await core?.stop();
  temp?.remove();
});

/** Waits for a selector; a timeout fails with what the station showed and last wrote. */
function waitFor(selector: string): Promise<void> {
  return waitForState(page, selector, temp.dir, core);
}

type Unit = { code: string };

/** A demo order and the barcodes of its units, as printed (EAN-13 or UPC-A). */
function order(where: string): { number: string; units: Unit[] } {
  const db = inspectStation(temp.dir);
  const row = db
    .prepare<[], { id: string; number: string }>(
      `SELECT o.id, o.number FROM orders o WHERE ${where} ORDER BY o.number LIMIT 1`,
    )
    .get();
  if (!row) throw new Error(`no order where ${where}`);
  const lines = db
    .prepare<[string], { code: string; quantity: number }>(
      `SELECT (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code, l.quantity
         FROM order_lines l WHERE l.order_id = ? ORDER BY l.line_no`,
    )
    .all(row.id);
  db.close();
  return {
    number: row.number,
    units: lines.flatMap((l) => Array.from({ length: l.quantity }, () => ({ code: l.code }))),
  };
}

const units = (n: number): string => `(SELECT sum(quantity) FROM order_lines l WHERE l.order_id = o.id) = ${n}`;
const noElectronics = `NOT EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.category IN ('electronics', 'apparel'))`;

async function prompt(): Promise<string> {
  return (await page.textContent('[data-testid="pack-prompt"]')) ?? '';
}

/** Waits until the verdict bar says what is expected (it answers every scan asynchronously). */
async function expectVerdict(expected: RegExp): Promise<void> {
  await page
    .waitForFunction(
      (source) => new RegExp(source).test(document.querySelector('[data-testid="scan-verdict"]')?.textContent ?? ''),
      expected.source,
    )
    .catch(() => undefined);
  const text = (await page.textContent('[data-testid="scan-verdict"]')) ?? '';
  if (!expected.test(text)) expect(text, await stationState(page, temp.dir, core)).toMatch(expected);
}

describe('the packing bench in web mode, by scans alone', () => {
  it('packs a three-item order in six scans and no click', async () => {
    await scan(page, DEMO.packer.badge);
    await waitFor('#pin-input');
    await scan(page, DEMO.packer.pin);
    await waitFor('[data-screen="home"]');
    const target = order(`o.status = 'ready_to_pack' AND ${units(3)} AND ${noElectronics}`);
    let scans = 0;
    const counted = async (code: string): Promise<void> => {
      scans++;
      await scan(page, code);
    };
    await counted('CMD:BENCH:PACK');
    await waitFor('[data-screen="pack"]');
    await counted(target.number);
    await waitFor(`[data-screen="pack"][data-status="packing"]`);
    await page
      .waitForFunction(() => document.querySelector('[data-testid="pack-prompt"]')?.textContent?.includes('3 left'))
      .catch(() => undefined);
    const opened = await prompt();
    if (!opened.includes('3 left')) expect(opened, await stationState(page, temp.dir, core)).toContain('3 left');
    // Each line shows the product's picture, loaded (a broken image has no natural width).
    const pictures = await page.$$eval('[data-testid="pack-lines"] tbody tr', (rows) =>
      rows.map((row) => row.querySelector<HTMLImageElement>('img.item-image')?.naturalWidth ?? 0),
    );
    expect(pictures.length).toBeGreaterThan(0);
    expect(pictures.every((width) => width > 0)).toBe(true);
    await screenshot(page, 'pack-open');
    for (const unit of target.units) await counted(unit.code);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pack-prompt"]')?.getAttribute('data-prompt') === 'weight',
    );
    await screenshot(page, 'pack-all-scanned');
    await expectAccessible(page, 'pack-all-scanned');
    await counted('CMD:DONE');
    await waitFor('[data-screen="pack"][data-status="done"]');
    await expectVerdict(new RegExp(`Order ${target.number} packed`));
    // Bench, order, three items, DONE: six scans, no click (the test never clicks).
    expect(scans).toBe(6);
    await screenshot(page, 'pack-done');

    // Optionally, the packer scans the printed label back: it is this parcel's.
    const db = inspectStation(temp.dir);
    const label = db
      .prepare<[string], { sscc: string | null; carrier: string | null }>(
        'SELECT p.sscc, o.carrier_label AS carrier FROM packages p JOIN orders o ON o.id = p.order_id WHERE p.order_number = ?',
      )
      .get(target.number)!;
    db.close();
    const printed = label.sscc
      ? `00${label.sscc}`
      : (JSON.parse(label.carrier!) as { barcode: { data: string } }).barcode.data;
    await scan(page, printed);
    await expectVerdict(new RegExp(`Label checked: it is the label of order ${target.number}`));
    expect(await page.getAttribute('[data-testid="scan-verdict"]', 'class')).toContain('scan-verdict-good');
  });

  it('recalls the parcel when the order system refunds its order after packing, until it is pulled back', async () => {
    const db = new Database(join(temp.dir, 'station.db'));
    const packed = db
      .prepare<[], { orderId: string; number: string }>(
        "SELECT p.order_id AS orderId, p.order_number AS number FROM packages p WHERE p.status = 'done' ORDER BY p.completed_at DESC LIMIT 1",
      )
      .get()!;
    // What a sync page from the order system would bring.
    db.prepare("UPDATE orders SET status = 'refunded' WHERE id = ?").run(packed.orderId);
    db.close();
    await scan(page, 'CMD:HOME');
    await waitFor('[data-screen="home"]');
    await scan(page, 'CMD:BENCH:PACK');
    await waitFor(`[data-testid="pack-recalls"] li[data-order="${packed.number}"]`);
    await screenshot(page, 'pack-recall');
    await expectAccessible(page, 'pack-recall');
    await scan(page, packed.number);
    await expectVerdict(new RegExp(`${packed.number} pulled back`));
    await page.waitForSelector('[data-testid="pack-recalls"]', { state: 'detached' });
  });

  it('refuses a wrong item loudly, and stops a cancelled order', async () => {
    const target = order(`o.status = 'ready_to_pack' AND ${noElectronics} AND o.number > 'NW10010'`);
    const wrong = order(`o.status = 'ready_to_pack' AND o.brand_id = 'brand-lumen'`);
    await scan(page, target.number);
    await waitFor('[data-screen="pack"][data-status="packing"]');
    await scan(page, wrong.units[0]!.code);
    await expectVerdict(/WRONG ITEM/);
    expect(await page.getAttribute('[data-testid="scan-verdict"]', 'class')).toContain('scan-verdict-bad');
    await screenshot(page, 'pack-wrong-item');
    await scan(page, 'CMD:CANCEL');
    await waitFor('[data-screen="pack"][data-status="voided"]');
    const cancelled = order(`o.status = 'cancelled'`);
    await scan(page, cancelled.number);
    await expectVerdict(new RegExp(`STOP: order ${cancelled.number} is cancelled`));
    await screenshot(page, 'pack-stopped');
    await expectAccessible(page, 'pack-stopped');
  });

  it('sends an electronics parcel to QC; the inspector fails it with a defect, it is held, re-inspected and released', async () => {
    const target = order(
      `o.status = 'ready_to_pack' AND o.brand_id = 'brand-lumen' AND ${units(1)} AND EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.category = 'electronics')`,
    );
    await scan(page, target.number);
    await waitFor('[data-screen="pack"][data-status="packing"]');
    await scan(page, target.units[0]!.code);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pack-prompt"]')?.getAttribute('data-prompt') === 'serial',
    );
    await scan(page, 'SN-E2E-0001');
    await scan(page, 'CMD:DONE');
    await waitFor('[data-screen="pack"][data-status="qc_pending"]');
    await expectVerdict(/QC check/);

    // The QC inspector takes the bench.
    await scan(page, DEMO.qc.badge);
    await waitFor('#pin-input');
    await scan(page, DEMO.qc.pin);
    await waitFor('[data-screen="home"]');
    await scan(page, 'CMD:BENCH:QC');
    await waitFor('[data-screen="qc"]');
    await scan(page, target.number);
    await waitFor('[data-testid="qc-unit"]');
    await screenshot(page, 'qc-inspection');
    await expectAccessible(page, 'qc-inspection');
    await scan(page, 'CMD:DONE'); // open the carton
    await scan(page, 'CMD:FAIL'); // does not power on
    await waitFor('[data-testid="qc-hold"]');
    expect(await page.textContent('[data-testid="qc-holds"]')).toMatch(/E-POWER \(Critical\)/);
    // The hold label was queued at once: the QC bench shows it as its last label, and the queue has it.
    await page.waitForFunction((number) => {
      const text = document.querySelector('[data-testid="last-label"]')?.textContent ?? '';
      return text.includes('QC hold label') && text.includes(number);
    }, target.number);
    const holdJobs = inspectStation(temp.dir);
    const holdLabels = holdJobs
      .prepare<[], { title: string; bench: string }>("SELECT title, bench FROM print_jobs WHERE label_type = 'qc_hold'")
      .all();
    holdJobs.close();
    expect(holdLabels).toEqual([{ title: `QC HOLD — DO NOT SHIP · ${target.number}`, bench: 'qc' }]);
    await screenshot(page, 'qc-held');

    await scan(page, target.number);
    await waitFor('[data-testid="qc-unit"]');
    await expectVerdict(/Re-inspection/);
    await scan(page, 'CMD:DONE');
    await scan(page, 'CMD:PASS');
    await scan(page, 'CMD:PASS');
    await waitFor('[data-testid="qc-prompt"][data-step="photo"]');
    await scan(page, 'CMD:SKIP'); // the optional photo
    await page.waitForSelector('[data-testid="qc-unit"]', { state: 'detached' });
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="qc-holds"]')?.textContent?.includes('No parcel on hold'),
    );

    const db = inspectStation(temp.dir);
    const types = eventTypes(db);
    db.close();
    for (const type of ['qc.defect_logged', 'qc.held', 'qc.reinspection', 'qc.released']) expect(types).toContain(type);
  });

  it('shows the packing and QC benches at 1920×1080, accessible', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    // The QC inspector may pack too: a parcel half scanned.
    await scan(page, 'CMD:BENCH:PACK');
    await waitFor('[data-screen="pack"]');
    const target = order(`o.status = 'ready_to_pack' AND ${units(3)} AND ${noElectronics} AND o.number > 'NW10020'`);
    await scan(page, target.number);
    await waitFor('[data-screen="pack"][data-status="packing"]');
    await scan(page, target.units[0]!.code);
    await expectVerdict(/2 left/);
    await screenshot(page, 'pack-1920');
    await expectAccessible(page, 'pack-1920');
    // Nothing runs off the side.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1920);
    await scan(page, 'CMD:CANCEL');
    await waitFor('[data-screen="pack"][data-status="voided"]');

    const inspected = order(
      `o.status = 'ready_to_pack' AND o.brand_id = 'brand-lumen' AND ${units(1)} AND EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.category = 'electronics') AND NOT EXISTS (SELECT 1 FROM packages k WHERE k.order_id = o.id)`,
    );
    await scan(page, inspected.number);
    await waitFor('[data-screen="pack"][data-status="packing"]');
    await scan(page, inspected.units[0]!.code);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pack-prompt"]')?.getAttribute('data-prompt') === 'serial',
    );
    await scan(page, 'SN-E2E-WIDE-1');
    await scan(page, 'CMD:DONE');
    await waitFor('[data-screen="pack"][data-status="qc_pending"]');
    await scan(page, 'CMD:BENCH:QC');
    await waitFor('[data-screen="qc"]');
    await scan(page, inspected.number);
    await waitFor('[data-testid="qc-prompt"][data-step="seal"]');
    await screenshot(page, 'qc-1920');
    await expectAccessible(page, 'qc-1920');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1920);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('had no uncaught error in the page', () => {
    expect(pageErrorsOf(page)).toEqual([]);
  });
});

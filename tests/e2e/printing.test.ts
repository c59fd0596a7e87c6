import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, openStation, pageErrorsOf, scan, screenshot } from '../support/browser';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { tempDir } from '../support/paths';
import { demoOrder, FakeZebra } from '../support/printing';

let browser: Browser;
let core: RunningCore;
let temp: ReturnType<typeof tempDir>;
let page: Page;
let zebra: FakeZebra;

beforeAll(async () => {
  temp = tempDir();
  zebra = await FakeZebra.start();
  core = await startCore({ dataDir: temp.dir });
  browser = await launchChromium();
  page = await openStation(browser, core.url);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page)
    await screenshot(page, `failed-printing-${context.task.name.slice(0, 30).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
  await core?.stop();
  await zebra?.stop();
  temp?.remove();
});

/**
 * Logs in by typing the badge and PIN in the login form: this file tests printing, and typed input
 * does not depend on scanner timing (the scan tests are in pack.test.ts and station.test.ts).
 */
async function login(who: { badge: string; pin: string }): Promise<void> {
  await page.fill('#badge-input', who.badge);
  await page.press('#badge-input', 'Enter');
  await page.waitForSelector('#pin-input');
  await page.fill('#pin-input', who.pin);
  await page.press('#pin-input', 'Enter');
  await page.waitForSelector('[data-screen="home"]');
}

/** Scans a command and waits for what it opens. */
async function scanFor(code: string, selector: string): Promise<void> {
  await scan(page, code);
  await page.waitForSelector(selector);
}

/**
 * An order of home goods only, fewer than ten units. This core draws QC samples for real: apparel
 * by a random 10 % share (a test packing apparel would meet QC now and then), home goods every
 * tenth unit — and this file packs one parcel on a fresh station, so DONE completes it at once.
 */
const NEVER_SAMPLED = `o.status = 'ready_to_pack'
  AND NOT EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.category <> 'home')
  AND (SELECT sum(quantity) FROM order_lines l WHERE l.order_id = o.id) < 10`;

/** Two printers as the Benchline app (Electron) would list them on a Windows bench. */
const SYSTEM_PRINTERS = [
  {
    name: 'ZDesigner ZD421-203dpi ZPL',
    displayName: 'Zebra ZD421 (bench 2)',
    description: 'ZDesigner ZD421',
    isDefault: false,
  },
  { name: '\\\\print01\\Office laser', displayName: 'Office laser', description: 'HP LaserJet M404', isDefault: true },
];

/**
 * Lets the page's WebSocket to the core through, but answers printers.list and printers.discover
 * as a core in the Electron app does (system printing available, two system printers).
 */
async function asTheApp(context: BrowserContext): Promise<void> {
  await context.routeWebSocket(/\/core\?/, (ws) => {
    const server = ws.connectToServer();
    const calls = new Map<number, string>();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { t?: string; id?: number; method?: string };
      if (frame.t === 'call' && typeof frame.id === 'number' && frame.method) calls.set(frame.id, frame.method);
      server.send(message);
    });
    server.onMessage((message) => {
      const frame = JSON.parse(String(message)) as {
        t?: string;
        id?: number;
        result?: { ok: boolean; value?: Record<string, unknown> };
      };
      const method = frame.t === 'result' && typeof frame.id === 'number' ? calls.get(frame.id) : undefined;
      if (frame.result?.ok && frame.result.value && method === 'printers.list')
        frame.result.value.systemPrinting = true;
      else if (frame.result?.ok && frame.result.value && method === 'printers.discover')
        frame.result.value.system = { available: true, reason: null, message: null, printers: SYSTEM_PRINTERS };
      else return ws.send(message);
      ws.send(JSON.stringify(frame));
    });
  });
}

describe('labels and printers in web mode', () => {
  it('Settings → Printers: a supervisor adds a ZPL printer, sends shipping labels to it, and test-prints', async () => {
    await login(DEMO.supervisor);
    await scanFor('CMD:BENCH:SETTINGS', '[data-testid="printers-entry"]');
    await page.click('[data-testid="printers-entry"] button');
    await page.waitForSelector('[data-testid="printers-settings"]');
    await page.fill('#zpl-name', 'Zebra bench 1');
    await page.fill('#zpl-host', '127.0.0.1');
    await page.fill('#zpl-port', String(zebra.port));
    await page.click('form[aria-labelledby="zpl-title"] button[type="submit"]');
    await page.waitForSelector('[data-printer="Zebra bench 1"]');
    const row = '[data-label-type="shipping"]';
    await page.selectOption(`${row} select[id$="-printer"]`, { label: 'Zebra bench 1' });
    await page.selectOption(`${row} select[id$="-format"]`, 'zpl');
    await page.selectOption(`${row} select[id$="-dpi"]`, '203');
    await page.fill(`${row} input[id$="-darkness"]`, '22');
    await page.click(`${row} button.button-primary`);
    await page.waitForFunction(
      () => document.querySelector('[data-label-type="shipping"] select[id$="-format"]') !== null,
    );
    await page.click(`${row} button[aria-label^="Test print"]`);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="print-queue"] tr[data-status="printed"]').length > 0,
    );
    expect(zebra.labels()).toHaveLength(1);
    expect(zebra.labels()[0]).toMatch(/^~SD22\n\^XA\n\^CI28\n\^PW812\n\^LL1218/);
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, 'printers-settings-1280');
    await expectAccessible(page, 'printers-settings');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, 'printers-settings-1920');
    await page.setViewportSize({ width: 1280, height: 800 });
    await scanFor('CMD:LOGOUT', '#badge-input');
    // Two viewports, two screenshots and an axe run of a long page: more than the default 30 s
    // on a busy two-core machine.
  }, 90_000);

  it('pack DONE prints the shipping label to the ZPL printer; F7 shows it, previewed; Esc stays at the bench', async () => {
    await login(DEMO.packer);
    const target = demoOrder(temp.dir, `${NEVER_SAMPLED} AND o.carrier_label IS NULL`);
    await scanFor('CMD:BENCH:PACK', '[data-screen="pack"]');
    await scanFor(target.number, '[data-screen="pack"][data-status="packing"]');
    /** Units scanned so far, from the lines table ("2 / 3"). */
    const scanned = (): Promise<number> =>
      page.$$eval('[data-testid="pack-lines"] td.qty', (cells) =>
        cells.reduce((sum, td) => sum + Number((td.textContent ?? '').replace('✓', '').split('/')[0]!.trim()), 0),
      );
    for (const item of target.items) {
      for (let i = 0; i < item.quantity; i++) {
        const before = await scanned();
        await scan(page, item.code);
        for (let wait = 0; wait < 100 && (await scanned()) === before; wait++) await page.waitForTimeout(100);
        expect(await scanned()).toBe(before + 1);
      }
    }
    await scanFor('CMD:DONE', '[data-screen="pack"][data-status="done"]');
    // The shipping label is printed; the insert (no printer for it) waits, kept for download:
    // it is the bench's last label.
    await page.waitForFunction(() => {
      const last = document.querySelector('[data-testid="last-label"]');
      return last?.getAttribute('data-status') === 'held' && (last.textContent ?? '').includes('Packing insert');
    });
    // The shipping label goes to the Zebra in its own lane, maybe a moment after the insert is kept.
    for (let i = 0; i < 100 && zebra.labels().length < 2; i++) await page.waitForTimeout(100);
    expect(zebra.labels().length).toBeGreaterThanOrEqual(2);
    expect(zebra.labels().at(-1)).toContain(`Order ${target.number}`);
    await page.keyboard.press('F7');
    await page.waitForSelector('[data-testid="labels-panel"] [data-testid="label-preview"]');
    const size = await page.$eval('[data-testid="label-preview"]', (img) => (img as HTMLImageElement).naturalWidth);
    expect(size).toBeGreaterThan(300);
    expect(await page.$$eval('[data-testid="job-list"] [data-job]', (items) => items.length)).toBeGreaterThanOrEqual(2);
    await page.click(`[data-testid="job-list"] [data-status="printed"]`);
    await page.waitForFunction(() => document.querySelector('[data-testid="job-status"]')?.textContent === 'Printed');
    await screenshot(page, 'labels-panel-shipping');
    await expectAccessible(page, 'labels-panel');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="labels-panel"]', { state: 'detached' });
    expect(await page.$('[data-screen="pack"]')).not.toBeNull();
    // REPRINT by scan: the same label once more.
    const before = zebra.labels().length;
    await scan(page, 'CMD:REPRINT');
    for (let i = 0; i < 100 && zebra.labels().length === before; i++) await new Promise((r) => setTimeout(r, 100));
    expect(zebra.labels().length).toBe(before + 1);
    // F9 at the bench does the same.
    await page.keyboard.press('F9');
    for (let i = 0; i < 100 && zebra.labels().length === before + 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect(zebra.labels().length).toBe(before + 2);
    await screenshot(page, 'pack-last-label');
    expect(pageErrorsOf(page)).toEqual([]);
  });

  it('a label without a printer is downloadable as a PDF from the panel', async () => {
    await page.keyboard.press('F7');
    await page.waitForSelector('[data-testid="labels-panel"]');
    await page.click('[data-testid="job-list"] [data-status="held"]');
    await page.waitForSelector('[data-testid="label-preview"]');
    await screenshot(page, 'labels-panel-insert');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button:has-text("Download PDF")'),
    ]);
    const path = await download.path();
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/^insert-.*\.pdf$/);
    await page.keyboard.press('Escape');
  });
  it('web mode: Settings → Printers says clearly that system printers need the app, before and after Find printers', async () => {
    await scanFor('CMD:LOGOUT', '#badge-input');
    await login(DEMO.supervisor);
    await scanFor('CMD:BENCH:SETTINGS', '[data-testid="printers-entry"]');
    await page.click('[data-testid="printers-entry"] button');
    await page.waitForSelector('[data-testid="printers-settings"]');
    const note = await page.textContent('[data-testid="system-unavailable"]');
    expect(note).toContain('System printers (Windows) print only from the Benchline app');
    expect(note).toContain('runs in a browser (web mode)');
    await page.click('button:has-text("Find printers")');
    await page.waitForSelector('[data-testid="discovered-system"][data-available="false"]');
    expect(await page.textContent('[data-testid="discovered-system"]')).toContain(
      'None here: this station runs in a browser',
    );
    // No system printer is offered to add.
    expect(await page.$$('[data-system-printer]')).toHaveLength(0);
    await screenshot(page, 'printers-system-web-1280');
    await expectAccessible(page, 'printers-system-web');
    await scanFor('CMD:LOGOUT', '#badge-input');
  }, 60_000);

  it('in the app: found system printers are offered next to CUPS, added, and print PDF only', async () => {
    // The page talks to this web-mode core as the Electron app's window would to its core: the
    // answers of printers.list and printers.discover are those of a core with system printers.
    const appPage = await openStation(browser, core.url, { width: 1280, height: 800 }, undefined, asTheApp);
    await appPage.fill('#badge-input', DEMO.supervisor.badge);
    await appPage.press('#badge-input', 'Enter');
    await appPage.waitForSelector('#pin-input');
    await appPage.fill('#pin-input', DEMO.supervisor.pin);
    await appPage.press('#pin-input', 'Enter');
    await appPage.waitForSelector('[data-screen="home"]');
    await scan(appPage, 'CMD:BENCH:SETTINGS');
    await appPage.click('[data-testid="printers-entry"] button');
    await appPage.waitForSelector('[data-testid="printers-settings"]');
    expect(await appPage.$('[data-testid="system-unavailable"]')).toBeNull();
    await appPage.click('button:has-text("Find printers")');
    await appPage.waitForSelector('[data-testid="discovered-system"][data-available="true"]');
    const zebra = `[data-system-printer="${SYSTEM_PRINTERS[0]!.name}"]`;
    expect(await appPage.textContent(zebra)).toContain('Zebra ZD421 (bench 2)');
    expect(
      await appPage.textContent(`[data-system-printer="${SYSTEM_PRINTERS[1]!.name.replace(/\\/g, '\\\\')}"]`),
    ).toContain('default');
    await appPage.click(`${zebra} button`);
    await appPage.waitForSelector('[data-printer="Zebra ZD421 (bench 2)"]');
    expect(await appPage.textContent('[data-printer="Zebra ZD421 (bench 2)"]')).toContain('System printer (app)');
    expect(await appPage.$('[data-testid="system-unreachable"]')).toBeNull();
    await appPage.waitForSelector(`${zebra} .chip-done`);
    // Chosen for the bin label, the format is PDF and ZPL is not offered.
    const row = '[data-label-type="bin"]';
    await appPage.selectOption(`${row} select[id$="-printer"]`, { label: 'Zebra ZD421 (bench 2)' });
    expect(
      await appPage.$$eval(`${row} select[id$="-format"] option`, (options) => options.map((o) => o.textContent)),
    ).toEqual(['PDF']);
    await screenshot(appPage, 'printers-system-app-1280');
    await expectAccessible(appPage, 'printers-system-app');
    await appPage.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(appPage, 'printers-system-app-1920');
    expect(pageErrorsOf(appPage)).toEqual([]);
    // One session per station: log out here, so the browser's page logs in again.
    await scan(appPage, 'CMD:LOGOUT');
    await appPage.waitForSelector('#badge-input');
    await appPage.context().close();
    await page.waitForSelector('#badge-input');

    // Back in the browser, the same printer is marked as not reachable there.
    await login(DEMO.supervisor);
    await scanFor('CMD:BENCH:SETTINGS', '[data-testid="printers-entry"]');
    await page.click('[data-testid="printers-entry"] button');
    await page.waitForSelector('[data-printer="Zebra ZD421 (bench 2)"] [data-testid="system-unreachable"]');
    await screenshot(page, 'printers-system-unreachable-1280');
  }, 120_000);
});

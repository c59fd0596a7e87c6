import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, openStation, pageErrorsOf, scan, screenshot } from '../support/browser';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { inspectStation } from '../support/db';
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
    await screenshot(page, `failed-returns-${context.task.name.slice(0, 30).replace(/\W+/g, '-')}`);
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

/** A demo RMA and the printed barcodes of the units on it. */
function rma(where: string): { number: string; orderNumber: string; codes: string[] } {
  const db = inspectStation(temp.dir);
  const row = db
    .prepare<[], { id: string; number: string; orderNumber: string }>(
      `SELECT r.id, r.number, o.number AS orderNumber FROM rmas r JOIN orders o ON o.id = r.order_id WHERE ${where} AND NOT EXISTS (SELECT 1 FROM return_cases c WHERE c.rma_id = r.id) ORDER BY r.number LIMIT 1`,
    )
    .get();
  if (!row) throw new Error(`no RMA where ${where}`);
  const lines = db
    .prepare<[string], { code: string; quantity: number }>(
      `SELECT (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code, l.quantity
         FROM rma_lines l WHERE l.rma_id = ? ORDER BY l.line_no`,
    )
    .all(row.id);
  db.close();
  return {
    number: row.number,
    orderNumber: row.orderNumber,
    codes: lines.flatMap((l) => Array<string>(l.quantity).fill(l.code)),
  };
}

const plain = `NOT EXISTS (SELECT 1 FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id AND p.serialised = 1)`;
/**
 * A return no fraud rule of the demo policy would flag: below the high-value threshold (500.00)
 * and well inside the 30-day window (demo orders were placed 5–40 days before the seed).
 */
const unremarkable = `(SELECT sum(l.quantity * p.price_cents) FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id) < 50000
  AND o.placed_at > (unixepoch() - 20 * 86400) * 1000`;
const only = (category: string): string =>
  `NOT EXISTS (SELECT 1 FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id AND p.category <> '${category}')`;

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

async function prompt(value: string): Promise<void> {
  await waitFor(`[data-screen="returns"][data-prompt="${value}"]`);
}

describe('the returns bench in web mode, by scans alone', () => {
  it('processes a three-item return end to end in at most eight scans and no click', async () => {
    await scan(page, DEMO.returns.badge);
    await waitFor('#pin-input');
    await scan(page, DEMO.returns.pin);
    await waitFor('[data-screen="home"]');
    await scan(page, 'CMD:BENCH:RETURNS');
    await waitFor('[data-screen="returns"]');
    const target = rma(
      `r.status = 'authorized' AND ${plain} AND (SELECT sum(quantity) FROM rma_lines l WHERE l.rma_id = r.id) = 3 AND ${unremarkable}`,
    );
    let scans = 0;
    const counted = async (code: string): Promise<void> => {
      scans++;
      await scan(page, code);
    };
    await counted(target.number);
    await prompt('items');
    await screenshot(page, 'returns-open');
    for (const code of target.codes) {
      await counted(code);
      await prompt('grade');
      await counted('CMD:GOOD');
      await prompt('items');
    }
    await screenshot(page, 'returns-graded');
    await expectAccessible(page, 'returns-graded');
    await counted('CMD:DONE');
    await waitFor('[data-screen="returns"][data-status="closed"]');
    expect(scans).toBeLessThanOrEqual(8);
    expect(await page.textContent('[data-testid="refund-status"]')).toBe('Recommended');
    expect(await page.$$eval('[data-testid="returns-items"] tbody tr', (rows) => rows.length)).toBe(3);
    await screenshot(page, 'returns-closed');
    await expectAccessible(page, 'returns-closed');
  }, 90_000); // Two axe runs and three screenshots: past 30 s on a loaded 2-core machine (failed twice at 35 s).

  it('handles a wrong item: flagged as a possible swap, refund on hold', async () => {
    const target = rma(`r.status = 'authorized' AND ${plain} AND ${only('apparel')}`);
    const db = inspectStation(temp.dir);
    const stranger = db
      .prepare<[], { code: string }>(
        `SELECT substr(b.code, 2) AS code FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.category = 'home' AND b.kind = 'ean13' ORDER BY b.code LIMIT 1`,
      )
      .get()!.code;
    db.close();
    await scan(page, target.number);
    await prompt('items');
    await scan(page, stranger);
    await expectVerdict(/WRONG ITEM/);
    await screenshot(page, 'returns-wrong-item');
    await scan(page, 'CMD:GOOD');
    await prompt('items');
    await scan(page, 'CMD:DONE');
    await waitFor('[data-screen="returns"][data-status="closed"]');
    expect(await page.textContent('[data-testid="refund-status"]')).toBe('ON HOLD');
    expect(await page.textContent('[data-testid="returns-flags"]')).toMatch(/item swap/);
  });

  it('turns a parcel with no RMA into an unexpected return that goes to the supervisor queue', async () => {
    await scan(page, 'CMD:UNEXPECTED');
    await expectVerdict(/quarantined case opened/);
    await prompt('items');
    await scan(page, 'CMD:DONE');
    await waitFor('[data-screen="returns"][data-status="closed"]');
    expect(await page.textContent('[data-testid="returns-flags"]')).toMatch(/quarantined return/);
  });

  it('asks a supervisor to approve an override into restock, by badge and PIN scanned at the bench', async () => {
    const target = rma(`r.status = 'authorized' AND ${plain} AND ${only('home')}`);
    await scan(page, target.number);
    await prompt('items');
    await scan(page, target.codes[0]!);
    await prompt('grade');
    await scan(page, 'CMD:ANSWER:YES');
    await scan(page, 'CMD:ANSWER:NO'); // hygiene seal broken
    await scan(page, 'CMD:ANSWER:NO');
    await expectVerdict(/Grade D → liquidate/);
    await scan(page, 'CMD:ROUTE:RESTOCK');
    await prompt('override_reason');
    await scan(page, 'CMD:REASON:INSPECTION_ERROR');
    await prompt('approval');
    await screenshot(page, 'returns-approval');
    await scan(page, DEMO.supervisor.badge);
    await expectVerdict(/Sam Okafor: scan or type your PIN to approve/);
    await scan(page, DEMO.supervisor.pin);
    await expectVerdict(/Override applied: restock/);
    await prompt('items');
    expect(await page.textContent('[data-testid="returns-items"]')).toMatch(/restock/);
    // The clerk is still the operator.
    expect(await page.textContent('[data-testid="status-operator"]')).toContain('Lena Vogel');
    await scan(page, 'CMD:DONE');
    await waitFor('[data-screen="returns"][data-status="closed"]');
  });

  it('shows an open case at 1920×1080, accessible, with its events; grades by keys', async () => {
    const target = rma(
      `r.status = 'authorized' AND ${plain} AND (SELECT sum(quantity) FROM rma_lines l WHERE l.rma_id = r.id) >= 2`,
    );
    await scan(page, target.number);
    await expectVerdict(new RegExp(target.number));
    await prompt('items');
    await scan(page, target.codes[0]!);
    await prompt('grade');
    await page.setViewportSize({ width: 1920, height: 1080 });
    try {
      await waitFor('[data-testid="grading-question"]');
      // The case's events on the bench, newest first.
      await waitFor('[data-testid="returns-timeline"] tbody tr:first-child[data-event="returns.item_received"]');
      expect(
        await page.$$eval('[data-testid="returns-timeline"] tbody tr', (rows) => rows.map((r) => r.dataset.event)),
      ).toEqual(['returns.item_received', 'returns.opened']);
      // Nothing wider than the window: no horizontal scroll at 1920 px.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1920);
      await screenshot(page, 'returns-open-1920');
      await expectAccessible(page, 'returns-open-1920');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    // Keys instead of scans: Alt+1 gives the first answer, F3 answers GOOD for the rest.
    const first = await page.getAttribute('[data-testid="grading-question"]', 'data-question');
    expect(await page.getAttribute('.answer-row button:first-child', 'aria-keyshortcuts')).toBe('Alt+1');
    await page.keyboard.press('Alt+1');
    await waitFor(`[data-testid="grading-question"]:not([data-question="${first}"])`);
    expect(await page.textContent('[data-testid="returns-timeline"] tbody tr:first-child')).toMatch(/answered/);
    expect(await page.getAttribute('[data-testid="grade-good"]', 'aria-keyshortcuts')).toBe('F3');
    await page.keyboard.press('F3');
    await prompt('items');
    await expectVerdict(/Grade [A-F]/);
    // F4 goes to the override form, Ctrl+F to the search.
    await page.keyboard.press('F4');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('override-to');
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('returns-search');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await waitFor('[data-testid="returns-timeline"] tbody tr:first-child[data-event="returns.item_routed"]');
    expect(await page.textContent('[data-testid="returns-timeline"] tbody tr:first-child')).toMatch(/item routed/);
    await scan(page, 'CMD:DONE');
    await waitFor('[data-screen="returns"][data-status="closed"]');
    await waitFor('[data-testid="returns-timeline"] tbody tr:first-child[data-event="returns.closed"]');
  });

  it('resumes a case in the middle of grading after the core restarts', async () => {
    const target = rma(`r.status = 'authorized' AND ${plain} AND ${only('apparel')}`);
    await scan(page, target.number);
    await prompt('items');
    await scan(page, target.codes[0]!);
    await prompt('grade');
    await scan(page, 'CMD:ANSWER:NO'); // tags removed
    await waitFor('[data-testid="grading-question"][data-question="worn"]');
    const port = core.port;
    await core.kill();
    await waitFor('[data-screen="connecting"]');
    core = await startCore({ dataDir: temp.dir, port });
    await page.waitForSelector('[data-testid="grading-question"][data-question="worn"]', { timeout: 20_000 });
    await scan(page, 'CMD:GOOD');
    await expectVerdict(/Grade B/);
    await screenshot(page, 'returns-resumed');
  });

  it('had no uncaught error in the page', () => {
    expect(pageErrorsOf(page)).toEqual([]);
  });
});

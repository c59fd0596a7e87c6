import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPinSync } from '../../src/core/auth/pin';
import {
  expectAccessible,
  launchChromium,
  openStation,
  pageErrorsOf,
  scan,
  screenshot,
  SCREENSHOTS,
} from '../support/browser';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { inspectStation } from '../support/db';
import { tempDir } from '../support/paths';

let browser: Browser;
let core: RunningCore;
let temp: ReturnType<typeof tempDir>;
let page: Page;

const SECOND = { badge: 'BADGE-S-2002', pin: '5555', name: 'Rin Adeyemi' };

beforeAll(async () => {
  temp = tempDir();
  core = await startCore({ dataDir: temp.dir });
  // A fake camera: the returns bench takes a real JPEG of its test pattern as evidence.
  browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  page = await openStation(browser, core.url);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page)
    await screenshot(page, `failed-review-${context.task.name.slice(0, 30).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
  await core?.stop();
  temp?.remove();
});

/** A demo RMA with plain items (no serials), unremarkable for the fraud rules, and a stranger's barcode. */
function returnWithStranger(strangerCategory: 'home' | 'footwear', cheapest: boolean) {
  const db = inspectStation(temp.dir);
  const rma = db
    .prepare<[], { id: string; number: string; order_id: string }>(
      `SELECT r.id, r.number, r.order_id FROM rmas r JOIN orders o ON o.id = r.order_id
        WHERE r.status = 'authorized'
          AND NOT EXISTS (SELECT 1 FROM return_cases c WHERE c.rma_id = r.id)
          AND NOT EXISTS (SELECT 1 FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id AND p.serialised = 1)
          AND (SELECT sum(l.quantity * p.price_cents) FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id) < 50000
          AND o.placed_at > (unixepoch() - 20 * 86400) * 1000
        ORDER BY r.number LIMIT 1`,
    )
    .get();
  if (!rma) throw new Error('no plain RMA left');
  const first = db
    .prepare<[string], { code: string; category: string; price: number }>(
      `SELECT (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code,
              p.category, p.price_cents AS price
         FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = ? ORDER BY l.line_no LIMIT 1`,
    )
    .get(rma.id)!;
  const stranger = db
    .prepare<[string, string], { code: string; price: number }>(
      `SELECT substr(b.code, 2) AS code, p.price_cents AS price FROM product_barcodes b JOIN products p ON p.id = b.product_id
        WHERE p.category = ? AND p.serialised = 0 AND b.kind = 'ean13'
          AND p.id NOT IN (SELECT product_id FROM order_lines WHERE order_id = ?)
        ORDER BY p.price_cents ${cheapest ? 'ASC' : 'DESC'}, b.code LIMIT 1`,
    )
    .get(strangerCategory, rma.order_id)!;
  db.close();
  return { number: rma.number, first, stranger };
}

/**
 * Scans a code and waits until the station has answered that very scan (its code, or •••• for a
 * PIN, on the verdict line).
 */
async function scanned(code: string): Promise<void> {
  const shown = /^\d{4,8}$/.test(code) ? '••••' : code;
  const before = Number((await page.getAttribute('[data-testid="scan-verdict"]', 'data-flash')) ?? 0);
  await scan(page, code);
  await page
    .waitForFunction(
      ({ before, shown }) => {
        const line = document.querySelector('[data-testid="scan-verdict"]');
        return (
          Number(line?.getAttribute('data-flash') ?? 0) > before &&
          line?.querySelector('.scan-code')?.textContent === shown
        );
      },
      { before, shown },
    )
    .catch(() => {
      throw new Error(`the station never answered the scan of ${code}`);
    });
}

async function verdict(expected: RegExp): Promise<void> {
  await page
    .waitForFunction(
      (source) => new RegExp(source).test(document.querySelector('[data-testid="scan-verdict"]')?.textContent ?? ''),
      expected.source,
    )
    .catch(() => undefined);
  expect((await page.textContent('[data-testid="scan-verdict"]')) ?? '').toMatch(expected);
}

async function returnsPrompt(value: string): Promise<void> {
  await page.waitForSelector(`[data-screen="returns"][data-prompt="${value}"]`);
}

async function login(who: { badge: string; pin: string }, bench: string): Promise<void> {
  await scanned(who.badge);
  await page.waitForSelector('#pin-input');
  await scanned(who.pin);
  await page.waitForSelector('[data-screen="home"]');
  await scanned(`CMD:BENCH:${bench.toUpperCase()}`);
  await page.waitForSelector(`[data-screen="${bench}"]`);
}

async function logout(): Promise<void> {
  await scanned('CMD:LOGOUT');
  await page.waitForSelector('[data-screen="login"]');
}

/** The upload queue the status bar shows ("N records waiting to upload"). */
async function queueShown(): Promise<number> {
  const text = (await page.textContent('[data-testid="status-sync"]')) ?? '';
  const match = /(\d+) records? waiting to upload/.exec(text);
  if (!match) throw new Error(`no queue in "${text}"`);
  return Number(match[1]);
}

function eventsInDb(): { count: number; types: string[] } {
  const db = inspectStation(temp.dir);
  const types = db
    .prepare<[], { type: string }>('SELECT type FROM events ORDER BY seq')
    .all()
    .map((e) => e.type);
  db.close();
  return { count: types.length, types };
}

let clearCase = '';
let confirmCase = '';

describe('the supervisor review in web mode, with no cloud', () => {
  it('lets the supervisor sample every graded item for a blind re-grade (Settings)', async () => {
    await login(DEMO.supervisor, 'settings');
    await page.fill('#regrade-percent', '100');
    await page.click('text=Save settings');
    await page.waitForSelector('[data-testid="notice-good"]');
    expect(await page.inputValue('#regrade-percent')).toBe('100');
    await page.click('[data-testid="notice-good"] .notice-close');
    await logout();
  });

  it('holds the refund of a return with a swapped item, photographed, behind a flag', async () => {
    await login(DEMO.returns, 'returns');
    const target = returnWithStranger('home', true);
    await scanned(target.number);
    await returnsPrompt('items');
    await scanned(target.first.code);
    await returnsPrompt('grade');
    await scanned('CMD:GOOD');
    await returnsPrompt('items');
    await scanned(target.stranger.code);
    await verdict(/WRONG ITEM/);
    await scanned('CMD:ANSWER:YES');
    await scanned('CMD:ANSWER:YES');
    await scanned('CMD:ANSWER:YES'); // chipped: the rubric asks for a photo
    await returnsPrompt('photo');
    // The fake camera's test pattern, taken as a JPEG.
    await page.waitForSelector('[data-testid="photo-capture"] button:not([disabled])');
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await page.click('[data-testid="photo-capture"] button');
    await returnsPrompt('items');
    await scanned('CMD:DONE');
    await page.waitForSelector('[data-screen="returns"][data-status="closed"]');
    expect(await page.textContent('[data-testid="refund-status"]')).toBe('ON HOLD');
    expect(await page.textContent('[data-testid="returns-flags"]')).toMatch(/item swap/);
    const db = inspectStation(temp.dir);
    clearCase = db.prepare<[], { id: string }>('SELECT id FROM return_cases ORDER BY opened_at DESC LIMIT 1').get()!.id;
    db.close();
    await logout();
  });

  it('shows the queue to a supervisor, offline, and opens the case from its scanned RMA label', async () => {
    await login(DEMO.supervisor, 'review');
    await page.waitForSelector('[data-testid="queue-table"] tbody tr');
    // No cloud: the station is not enrolled, and every record waits in the upload queue.
    expect(await page.textContent('[data-testid="status-sync"]')).toContain('Not enrolled');
    const row = page.locator(`[data-testid="queue-table"] tr[data-case="${clearCase}"]`);
    expect(await row.getAttribute('data-type')).toBe('item_swap');
    expect(await row.textContent()).toMatch(/High.*Item swap/);
    await screenshot(page, 'review-queue');
    await expectAccessible(page, 'review-queue');
    // Filters: nothing low in this queue, the swap under "high".
    await page.selectOption('#filter-severity', 'low');
    await page.waitForSelector('[data-testid="queue-empty"]');
    await page.selectOption('#filter-severity', 'high');
    await page.waitForSelector(`[data-testid="queue-table"] tr[data-case="${clearCase}"]`);
    await page.selectOption('#filter-severity', '');
    const rma = (await row.locator('button.queue-open').textContent())!;
    await scanned(rma);
    await verdict(new RegExp(`Case of ${rma} opened`));
    await page.waitForSelector(`[data-testid="review-case"][data-case="${clearCase}"]`);
  });

  it('shows the evidence side by side: what left, what came back, the photo checked against its hash', async () => {
    await page.waitForSelector('[data-testid="evidence-returned"] [data-match="wrong_item"]');
    expect(await page.textContent('[data-testid="evidence-outbound"]')).toMatch(/Left the warehouse/);
    expect(await page.textContent('[data-testid="evidence-returned"]')).toMatch(/WRONG ITEM/);
    await page.waitForSelector('[data-testid="photo-check"]');
    expect(await page.textContent('[data-testid="photo-check"]')).toBe('matches its hash');
    const size = await page.$eval('.evidence-photo img', (img) => (img as HTMLImageElement).naturalWidth);
    expect(size).toBeGreaterThan(100);
    expect(await page.textContent('[data-testid="case-flags"]')).toMatch(/differ from the outbound package/);
    expect(await page.getAttribute('[data-testid="review-refund-status"]', 'data-status')).toBe('on_hold');
    await screenshot(page, 'review-case');
    await expectAccessible(page, 'review-case');
  });

  it('clears the flag by scans: the refund is released and the decision waits in the upload queue', async () => {
    const before = eventsInDb().count;
    await scanned('CMD:DECIDE:CLEAR');
    await verdict(/Decision: Clear/);
    expect(await page.getAttribute('[data-decision="clear"]', 'aria-pressed')).toBe('true');
    await scanned('CMD:REASON:PACKING_ERROR');
    await verdict(/Reason: Our packing error/);
    expect(await page.inputValue('#decision-reason')).toBe('PACKING_ERROR');
    await page.fill('#decision-note', 'Picker took the wrong bin.');
    await page.locator('#decision-note').blur();
    await scanned('CMD:DONE');
    await page.waitForSelector('[data-testid="review-refund-status"][data-status="recommended"]');
    expect(await page.textContent('[data-testid="flag-status"]')).toBe('Cleared');
    expect(await page.textContent('[data-testid="flag-decision"]')).toMatch(
      /Sam Okafor: Our packing error.*Picker took the wrong bin/,
    );
    const after = eventsInDb();
    expect(after.types.slice(before)).toEqual(expect.arrayContaining(['fraud.flag_decided', 'returns.refund_updated']));
    // The status bar counts the decision among the records waiting to upload (pushed by the core).
    await expect.poll(queueShown, { timeout: 5_000 }).toBe(eventsInDb().count);
    expect(await queueShown()).toBeGreaterThan(before);
  });

  it('exports the evidence bundle and downloads the PDF report', async () => {
    await page.click('text=Export the evidence bundle');
    await page.waitForSelector('[data-testid="bundle-directory"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-pdf"]')]);
    const file = join(temp.dir, 'downloaded.pdf');
    await download.saveAs(file);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain(`Case ${clearCase}`);
    // Rendered, to look at: test-results/screenshots/review-evidence-pdf-1.png.
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '80',
      '-f',
      '1',
      '-l',
      '1',
      file,
      join(SCREENSHOTS, 'review-evidence-pdf'),
    ]);
    expect(text).toMatch(/item swap — high, cleared by Sam Okafor/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="review-queue"]');
    await logout();
  });

  it('confirms fraud above the threshold only with a second supervisor, badge and PIN scanned', async () => {
    const raw = new Database(join(temp.dir, 'station.db'));
    raw
      .prepare(
        "INSERT INTO operators (id, name, role, badge_code, pin_hash, active) VALUES ('op-sup-2', ?, 'supervisor', ?, ?, 1)",
      )
      .run(SECOND.name, SECOND.badge, hashPinSync(SECOND.pin));
    raw.close();
    await login(DEMO.returns, 'returns');
    const target = returnWithStranger('footwear', false);
    expect(target.stranger.price).toBeGreaterThan(20_000);
    await scanned(target.number);
    await returnsPrompt('items');
    await scanned(target.stranger.code);
    await verdict(/WRONG ITEM/);
    await scanned('CMD:GOOD');
    await returnsPrompt('items');
    await scanned('CMD:DONE');
    await page.waitForSelector('[data-screen="returns"][data-status="closed"]');
    const db = inspectStation(temp.dir);
    confirmCase = db.prepare<[], { id: string }>('SELECT id FROM return_cases ORDER BY opened_at DESC LIMIT 1').get()!
      .id;
    db.close();
    await logout();

    await login(DEMO.supervisor, 'review');
    await scanned(target.number);
    await page.waitForSelector(`[data-testid="review-case"][data-case="${confirmCase}"]`);
    await scanned('CMD:DECIDE:CONFIRM');
    await scanned('CMD:REASON:SWAP_CONFIRMED');
    await page.waitForSelector('[data-testid="needs-second"]');
    await scanned('CMD:DONE');
    await page.waitForSelector('[data-testid="second-supervisor"]');
    expect(await page.textContent('[data-testid="second-prompt"]')).toMatch(/scan your badge, then your PIN/);
    // Nothing is decided yet.
    expect(await page.getAttribute('[data-testid="review-refund-status"]', 'data-status')).toBe('on_hold');
    // The same supervisor cannot be the second one.
    await scanned(DEMO.supervisor.badge);
    await verdict(/Another supervisor must confirm/);
    await scanned(SECOND.badge);
    await verdict(/Rin Adeyemi: scan or type your PIN to confirm/);
    await page.waitForSelector('text=Rin Adeyemi: scan or type your PIN to confirm.');
    await screenshot(page, 'review-second-supervisor');
    await expectAccessible(page, 'review-second-supervisor');
    await scanned(SECOND.pin);
    await verdict(/Fraud confirmed with Rin Adeyemi/);
    await page.waitForSelector('[data-testid="review-refund-status"][data-status="denied"]');
    expect(await page.textContent('[data-testid="flag-status"]')).toBe('Fraud confirmed');
    // Still the first supervisor's session.
    expect(await page.textContent('[data-testid="status-operator"]')).toContain('Sam Okafor');
    const check = inspectStation(temp.dir);
    const decision = check
      .prepare<[string], { operator_id: string; payload: string }>(
        "SELECT operator_id, payload FROM events WHERE type = 'fraud.flag_decided' AND subject = ?",
      )
      .get(confirmCase)!;
    check.close();
    expect(decision.operator_id).toBe(DEMO.supervisor.id);
    expect(JSON.parse(decision.payload)).toMatchObject({ decision: 'confirm', secondSupervisor: 'op-sup-2' });
    await page.keyboard.press('Escape');
  });

  it('re-grades a sampled item blind, by scan, and shows agreement per grader', async () => {
    await page.click('[data-tab="regrade"]');
    await page.waitForSelector('.regrade-card');
    // Blind: no result (the first grade) is shown before the supervisor's own grade.
    expect(await page.$$('[data-testid="regrade-result"]')).toHaveLength(0);
    const cards = await page.$$eval('.regrade-card', (all) => all.length);
    expect(cards).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'review-regrade');
    await scanned('CMD:GRADE:A');
    await page.waitForSelector('[data-testid="regrade-result"]');
    expect(await page.textContent('[data-testid="regrade-result"]')).toMatch(/first/);
    await page.waitForSelector('[data-testid="agreement"] tbody tr');
    expect(await page.textContent('[data-testid="agreement"]')).toContain('Lena Vogel');
    await expectAccessible(page, 'review-regrade');
  });

  it('draws the bench figures offline, with CSV export', async () => {
    await page.click('[data-tab="analytics"]');
    await page.waitForSelector('[data-testid="analytics-tiles"]');
    await page.waitForSelector('[data-chart="flags"] .recharts-bar-rectangle');
    expect(await page.textContent('[data-chart="flags"]')).toMatch(/Item swap/);
    expect(await page.$$eval('[data-chart="grades"] .recharts-bar-rectangle', (bars) => bars.length)).toBeGreaterThan(
      0,
    );
    expect(await page.textContent('[data-testid="analytics-tiles"]')).toMatch(/Units handled\s*3/);
    await screenshot(page, 'review-analytics');
    await expectAccessible(page, 'review-analytics');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-chart="flags"] button:has-text("CSV")'),
    ]);
    const file = join(temp.dir, 'flags.csv');
    await download.saveAs(file);
    const csv = execFileSync('cat', [file], { encoding: 'utf8' });
    expect(csv.split('\r\n')[0]).toBe('key,value,open,label');
    expect(csv).toMatch(/item_swap,2,0,item swap/);
  });

  it('works at 1920×1080', async () => {
    const wide = await openStation(browser, core.url.replace(/#.*/, `#token=${core.token}`), {
      width: 1920,
      height: 1080,
    });
    await wide.waitForSelector('[data-screen="review"]');
    await wide.click('[data-tab="queue"]');
    await wide.selectOption('#filter-status', 'any');
    await wide.waitForSelector(`[data-testid="queue-table"] tr[data-case="${confirmCase}"]`);
    await wide.click(`[data-testid="queue-table"] tr[data-case="${confirmCase}"] button.queue-open`);
    await wide.waitForSelector('[data-testid="decision-done"]');
    await screenshot(wide, 'review-case-1920');
    await expectAccessible(wide, 'review-case-1920');
    await wide.keyboard.press('Escape');
    await wide.click('[data-tab="analytics"]');
    await wide.waitForSelector('[data-chart="grades"] .recharts-bar-rectangle');
    await screenshot(wide, 'review-analytics-1920');
    await wide.context().close();
  });

  it('points at the one event edited in the database file, on the audit trail', async () => {
    const db = inspectStation(temp.dir);
    const target = db
      .prepare<[string], { seq: number; payload: string }>(
        "SELECT seq, payload FROM events WHERE type = 'fraud.flag_decided' AND subject = ?",
      )
      .get(clearCase)!;
    db.close();
    const port = core.port;
    await core.stop();
    await page.waitForSelector('[data-screen="connecting"]');
    // Someone with the file turns the cleared flag into… a cleared flag with another reason.
    const raw = new Database(join(temp.dir, 'station.db'));
    raw.exec('DROP TRIGGER events_append_only_update');
    raw
      .prepare('UPDATE events SET payload = ? WHERE seq = ?')
      .run(target.payload.replace('PACKING_ERROR', 'CUSTOMER_EXPLAINED'), target.seq);
    raw.close();
    core = await startCore({ dataDir: temp.dir, port });
    await page.waitForSelector('[data-screen="review"]', { timeout: 20_000 });
    await page.click('[data-tab="audit"]');
    await page.click('text=Verify the hash chain');
    await page.waitForSelector('[data-testid="chain-verdict"][data-ok="false"]');
    expect(await page.getAttribute('[data-testid="chain-verdict"]', 'data-broken-seq')).toBe(String(target.seq));
    expect(await page.textContent('[data-testid="chain-verdict"]')).toContain(
      `The chain is broken at event ${target.seq}`,
    );
    expect(await page.textContent('[data-testid="broken-event"]')).toContain('fraud.flag_decided');
    await page.waitForSelector(`[data-testid="events-table"] tr[data-broken="true"][data-seq="${target.seq}"]`);
    expect(await page.$$eval('[data-testid="events-table"] tr[data-broken="true"]', (rows) => rows.length)).toBe(1);
    await screenshot(page, 'review-audit-broken');
    await expectAccessible(page, 'review-audit-broken');
  });

  it('had no uncaught error in the page', () => {
    expect(pageErrorsOf(page)).toEqual([]);
  });
});

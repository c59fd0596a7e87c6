import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, openStation, pageErrorsOf, scan, screenshot } from '../support/browser';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { eventTypes, inspectStation } from '../support/db';
import { tempDir } from '../support/paths';

let browser: Browser;
let core: RunningCore;
let temp: ReturnType<typeof tempDir>;
let page: Page;

beforeAll(async () => {
  temp = tempDir();
  core = await startCore({ dataDir: temp.dir });
  browser = await launchChromium();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page)
    await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
  await core?.stop();
  temp?.remove();
});

async function loginByScan(p: Page, who: { badge: string; pin: string }): Promise<void> {
  await scan(p, who.badge);
  await p.waitForSelector('#pin-input');
  await scan(p, who.pin);
  await p.waitForSelector('[data-screen="home"]');
}

async function benchesShown(p: Page): Promise<string[]> {
  return p.$$eval('[data-bench]', (nodes) => nodes.map((n) => n.getAttribute('data-bench') ?? ''));
}

describe('the station in web mode (Chromium)', () => {
  it('shows the login screen of the demo station', async () => {
    page = await openStation(browser, core.url);
    await page.waitForSelector('[data-screen="login"]');
    expect(await page.textContent('[data-testid="status-station"]')).toContain('DEMO-01');
    expect(await page.isVisible('[data-testid="demo-card"]')).toBe(true);
    // The token left the address bar.
    expect(page.url()).not.toContain('token');
    await screenshot(page, 'login');
    await expectAccessible(page, 'login');
  });

  it('logs a packer in by scanning the badge and the PIN (5 ms a character), and shows only the packer benches', async () => {
    await scan(page, DEMO.packer.badge);
    await page.waitForSelector('#pin-input');
    expect(await page.textContent('[data-testid="pin-title"]')).toContain('Mara Quinn');
    await screenshot(page, 'login-pin');
    await expectAccessible(page, 'login-pin');
    // The PIN is typed while the PIN field has focus: the scan must not land in the field.
    await scan(page, DEMO.packer.pin);
    await page.waitForSelector('[data-screen="home"]');
    expect(await benchesShown(page)).toEqual(['pack', 'sync']);
    expect(await page.textContent('[data-testid="status-operator"]')).toContain('Mara Quinn');
    await screenshot(page, 'home-packer');
    await expectAccessible(page, 'home-packer');
  });

  it('answers a scanned order with its verdict and records the scan', async () => {
    await scan(page, 'NW10001');
    await page.waitForSelector('[data-testid="scan-verdict"][data-kind="order"]');
    expect(await page.textContent('[data-testid="scan-verdict"]')).toContain('NW10001');
    await scan(page, 'NO-SUCH-CODE');
    await page.waitForSelector('[data-testid="scan-verdict"][data-kind="unknown"]');
    await page.click('[data-bench="pack"]');
    await page.waitForSelector('[data-screen="pack"]');
    await screenshot(page, 'bench-pack-placeholder');
    await expectAccessible(page, 'bench-pack-placeholder');
  });

  it('refuses a supervisor-only call made by a packer, with a visible message, and records only the refusal', async () => {
    const db = inspectStation(temp.dir);
    const before = eventTypes(db);
    db.close();
    const result = await page.evaluate(() => window.bench!.call('operators.list', {}));
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await page.waitForSelector('[data-testid="notice-bad"]');
    expect(await page.textContent('[data-testid="notice-bad"]')).toMatch(/operators\.list.*Supervisor.*recorded/);
    await screenshot(page, 'refused');
    await expectAccessible(page, 'refused');
    const after = inspectStation(temp.dir);
    expect(eventTypes(after)).toEqual([...before, 'security.call_refused']);
    after.close();
  });

  it('shows each role its own benches', async () => {
    const expected: [{ badge: string; pin: string }, string[]][] = [
      [DEMO.qc, ['qc', 'pack', 'sync']],
      [DEMO.returns, ['returns', 'sync']],
      [DEMO.supervisor, ['pack', 'qc', 'returns', 'review', 'sync', 'settings']],
    ];
    for (const [who, benches] of expected) {
      await scan(page, 'CMD:LOGOUT');
      await page.waitForSelector('[data-screen="login"]');
      await loginByScan(page, who);
      expect(await benchesShown(page)).toEqual(benches);
    }
    await screenshot(page, 'home-supervisor');
    await expectAccessible(page, 'home-supervisor');
  });

  it('gives the supervisor the audit trail with a verified hash chain, and the settings', async () => {
    await page.click('[data-bench="review"]');
    // The review bench opens on its flag queue; the audit trail is a tab.
    await page.waitForSelector('[data-testid="review-queue"]');
    await page.click('[data-tab="audit"]');
    await page.waitForSelector('[data-testid="events-table"] tbody tr');
    await page.click('text=Verify the hash chain');
    await page.waitForSelector('[data-testid="chain-verdict"]');
    expect(await page.textContent('[data-testid="chain-verdict"]')).toMatch(/The chain is intact: \d+ events checked/);
    await screenshot(page, 'review-audit');
    await expectAccessible(page, 'review-audit');
    await page.keyboard.press('Escape');
    await page.click('[data-bench="settings"]');
    await page.waitForSelector('[data-testid="operators-table"] tbody tr');
    expect(await page.$$eval('[data-testid="operators-table"] tbody tr', (rows) => rows.length)).toBe(4);
    await screenshot(page, 'settings');
    await expectAccessible(page, 'settings');
    await page.keyboard.press('Escape');
    // A demo station is not enrolled: the Sync bench offers enrolment; the records wait, counted.
    await page.click('[data-bench="sync"]');
    await page.waitForSelector('[data-testid="sync-enrol"]');
    expect(await page.textContent('[data-testid="status-sync"]')).toMatch(/\d+ records waiting to upload/);
    await screenshot(page, 'sync');
    await expectAccessible(page, 'sync');
  });

  it('locks itself after the idle time, and unlocks with the PIN', async () => {
    await page.keyboard.press('Escape');
    await page.click('[data-bench="settings"]');
    await page.fill('#idle-lock', '5');
    await page.click('text=Save settings');
    await page.waitForSelector('[data-testid="notice-good"]');
    // Nothing touched: the core locks the station by itself.
    await page.waitForSelector('[data-screen="lock"]', { timeout: 15_000 });
    expect(await page.textContent('[data-screen="lock"]')).toContain('Sam Okafor');
    await screenshot(page, 'lock');
    await expectAccessible(page, 'lock');
    // A wrong PIN by keyboard, then the right one.
    await page.fill('#pin-input', '0000');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="pin-error"]');
    expect(await page.textContent('[data-testid="pin-error"]')).toMatch(/Wrong PIN\. 4 tries left/);
    await page.fill('#pin-input', DEMO.supervisor.pin);
    await page.keyboard.press('Enter');
    // Unlocked, the operator is back where the lock found them.
    await page.waitForSelector('[data-screen="settings"]');
    // Restore a long idle time so later steps are not locked out.
    await page.fill('#idle-lock', '600');
    await page.click('text=Save settings');
    // The save is asynchronous: poll the audit trail until it shows.
    const lastFive = (): string[] => {
      const db = inspectStation(temp.dir);
      const types = eventTypes(db);
      db.close();
      return types.slice(-5);
    };
    await expect
      .poll(lastFive, { timeout: 5_000 })
      .toEqual(['settings.changed', 'session.locked', 'auth.pin_failed', 'session.unlocked', 'settings.changed']);
  });

  it('works in Spanish, and at 1920×1080', async () => {
    const wide = await openStation(browser, core.url.replace(/#.*/, `#token=${core.token}`), {
      width: 1920,
      height: 1080,
    });
    // A second window of the station opens where the operator is: the core keeps the bench.
    await wide.waitForSelector('[data-screen="settings"]');
    await wide.selectOption('#station-language', 'es');
    await wide.click('text=Save settings');
    await wide.waitForSelector('text=Ajustes del puesto');
    await wide.keyboard.press('Escape');
    await wide.waitForSelector('text=Elige un puesto');
    expect(await wide.getAttribute('html', 'lang')).toBe('es');
    await screenshot(wide, 'home-es-1920');
    await expectAccessible(wide, 'home-es-1920');
    await wide.click('[data-bench="settings"]');
    await wide.selectOption('#station-language', 'en');
    await wide.click('text=Guardar ajustes');
    await wide.waitForSelector('text=Station settings');
    await wide.close();
  });

  it('had no uncaught error in the page', () => {
    expect(pageErrorsOf(page)).toEqual([]);
  });
});

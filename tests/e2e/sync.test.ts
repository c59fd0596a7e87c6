import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, openStation, pageErrorsOf, scan, screenshot } from '../support/browser';
import { startCloud, type CloudFixture } from '../support/cloud';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { tempDir } from '../support/paths';
import { referenceData } from '../support/reference-data';
import { FAST_SYNC_ENV, importAll } from '../support/sync';

let browser: Browser;
let cloud: CloudFixture;
let proxy: FaultProxy;
const cores: RunningCore[] = [];
const temps: ReturnType<typeof tempDir>[] = [];
let page: Page;

beforeAll(async () => {
  cloud = await startCloud();
  await importAll(cloud, referenceData({ extraProducts: 2000 }));
  proxy = await startFaultProxy(Number(new URL(cloud.url).port));
  browser = await launchChromium();
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page)
    await screenshot(page, `failed-sync-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
  for (const core of cores) await core.stop();
  for (const temp of temps) temp.remove();
  await proxy?.close();
  await cloud?.close();
});

async function station(): Promise<RunningCore> {
  const temp = tempDir();
  temps.push(temp);
  const core = await startCore({ dataDir: temp.dir, env: FAST_SYNC_ENV });
  cores.push(core);
  return core;
}

/**
 * Logs the supervisor in with the keyboard form (the scanned login has its own tests; the machine
 * these run on is shared, and a starved browser can stretch a scan into typing).
 */
async function supervisorAtSync(p: Page): Promise<void> {
  await p.waitForSelector('[data-screen="login"]');
  await p.fill('#badge-input', DEMO.supervisor.badge);
  await p.press('#badge-input', 'Enter');
  await p.waitForSelector('#pin-input');
  await p.fill('#pin-input', DEMO.supervisor.pin);
  await p.press('#pin-input', 'Enter');
  await p.waitForSelector('[data-screen="home"]');
  await p.click('[data-bench="sync"]');
  await p.waitForSelector('[data-screen="sync"]');
}

describe('the Sync screen (Chromium)', () => {
  it('shows a station that is not enrolled, and what waits to upload', async () => {
    const core = await station();
    page = await openStation(browser, core.url);
    await supervisorAtSync(page);
    await page.waitForSelector('[data-testid="sync-enrol"]');
    expect(await page.textContent('[data-testid="sync-state"]')).toContain('Not enrolled');
    expect(await page.textContent('[data-testid="status-sync"]')).toMatch(/Not enrolled · \d+ records? waiting/);
    await screenshot(page, 'sync-not-enrolled');
    await expectAccessible(page, 'sync-not-enrolled');
  });

  it('enrols with a typed code, downloads every stream with progress, and uploads the queue', async () => {
    await page.fill('#sync-url', proxy.url);
    await page.fill('#sync-code', await cloud.code());
    await page.click('[data-testid="sync-enrol-submit"]');
    await page.waitForSelector('[data-testid="sync-upload"]');
    for (const stream of ['config', 'operators', 'rmas', 'orders', 'catalog', 'customers'])
      await page.waitForSelector(`[data-testid="sync-stream-${stream}"][data-phase="live"]`, { timeout: 30_000 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="sync-queue"]')?.textContent?.startsWith('0 '),
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.textContent('[data-testid="sync-state"]')).toContain('Online');
    expect(await page.textContent('[data-testid="sync-stream-catalog"]')).toContain('2222 records');
    // The status bar hears of the station's status up to 250 ms after the Sync screen does.
    await page
      .waitForFunction(() =>
        document.querySelector('[data-testid="status-sync"]')?.textContent?.includes('Online · 0 records waiting'),
      )
      .catch(() => undefined);
    expect(await page.textContent('[data-testid="status-sync"]')).toContain('Online · 0 records waiting');
    await screenshot(page, 'sync-online');
    await expectAccessible(page, 'sync-online');
  });

  it('goes offline with the reason when the cloud cannot be reached, keeps counting, and recovers on F2', async () => {
    proxy.set('refuse');
    for (const code of ['NW10001', 'NOT-A-CODE-1', 'NOT-A-CODE-2']) await scan(page, code);
    await page.keyboard.press('F2');
    await page.waitForSelector('[data-testid="sync-error"]', { timeout: 20_000 });
    expect(await page.textContent('[data-testid="sync-state"]')).toContain('Offline');
    expect(await page.textContent('[data-testid="sync-error"]')).toContain('cannot be reached');
    expect(await page.textContent('[data-testid="sync-queue"]')).toMatch(/^[1-9]\d* records? waiting/);
    await screenshot(page, 'sync-offline');
    await expectAccessible(page, 'sync-offline');
    proxy.set('pass');
    await page.keyboard.press('F2');
    await page.waitForSelector('[data-testid="sync-error"]', { state: 'detached', timeout: 20_000 });
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="sync-queue"]')?.textContent?.startsWith('0 '),
    );
    expect(pageErrorsOf(page)).toEqual([]);
  });

  it('fits a 1920×1080 screen too', async () => {
    // The operator's bench is kept by the core: a second window opens at the Sync bench too.
    const wide = await openStation(browser, cores[0]!.url, { width: 1920, height: 1080 });
    page = wide;
    await wide.waitForSelector('[data-testid="sync-stream-catalog"][data-phase="live"]');
    await screenshot(wide, 'sync-online-1080');
    await expectAccessible(wide, 'sync-online-1080');
    await wide.context().close();
  });

  it('enrols a second station by scanning the enrolment barcode at the Sync bench', async () => {
    const core = await station();
    const second = await openStation(browser, core.url);
    page = second;
    await supervisorAtSync(second);
    const code = `ENROL:${await cloud.code()}@${cloud.url}`;
    // An operator scans again when a scan does not take; so does this test, at most three times.
    let verdict = '';
    for (let attempt = 0; attempt < 3 && !verdict.includes('Station enrolled'); attempt++) {
      await scan(second, code, 2);
      await second.waitForFunction(() =>
        /enrol|Unknown|Enrolment/i.test(document.querySelector('[data-testid="scan-verdict"]')?.textContent ?? ''),
      );
      verdict = (await second.textContent('[data-testid="scan-verdict"]')) ?? '';
    }
    expect(verdict).toContain('Station enrolled with Test company');
    // The code is a secret: it is not shown back.
    expect(await second.textContent('[data-testid="scan-verdict"]')).not.toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}/);
    await second.waitForSelector('[data-testid="sync-stream-catalog"][data-phase="live"]', { timeout: 30_000 });
    await second.context().close();
  });
});

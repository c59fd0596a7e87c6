import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openStation, pageErrorsOf, scan, screenshot } from '../support/browser';
import { ScannerKeyboard } from '../support/cdp-keys';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { tempDir } from '../support/paths';
import { plan, scanAll } from '../support/wedge-scans';

/**
 * The slow-scanner case of issue #3 to the letter: 200 scans of 8–60 characters typed at a true
 * 80 ms a key in real time (not only spaced in event time), with GS as Ctrl+], F8 and Alt+0029,
 * AIM ids, an AZERTY system layout, into a focused text field — 0 lost, merged, split or altered.
 *
 * It takes about 10 minutes, and the whole CI run must stay under 20, so it runs only with
 * BENCHLINE_LONG_TESTS=1 (`BENCHLINE_LONG_TESTS=1 npm run test:only -- tests/e2e/scanner-long.test.ts`
 * after a build). CI runs the same mix as 200 scans spaced at 80 ms in event time and 24 scans in
 * real time (tests/e2e/scanner.test.ts). Run it on an idle machine: real-time typing through a
 * starved test driver can stall for longer than the end-of-burst timer waits.
 */
const LONG = process.env.BENCHLINE_LONG_TESTS === '1';
const SKIP_REASON =
  'the 200 real-time scans at 80 ms a key take about 10 minutes, too long for CI (< 20 min in all); ' +
  'set BENCHLINE_LONG_TESTS=1 to run them — CI runs 200 event-time-spaced scans and 24 real-time ones instead';
if (!LONG) console.warn(`tests/e2e/scanner-long.test.ts skipped: ${SKIP_REASON}.`);

describe.skipIf(!LONG)('keyboard-wedge scanning, long run (BENCHLINE_LONG_TESTS=1)', () => {
  let browser: Browser;
  let core: RunningCore;
  let temp: ReturnType<typeof tempDir>;
  let page: Page;
  let keyboard: ScannerKeyboard;

  beforeAll(async () => {
    temp = tempDir();
    core = await startCore({ dataDir: temp.dir });
    browser = await launchChromium();
    page = await openStation(browser, core.url);
    keyboard = new ScannerKeyboard(page);
    await scan(page, DEMO.supervisor.badge);
    await page.waitForSelector('#pin-input');
    await scan(page, DEMO.supervisor.pin);
    await page.waitForSelector('[data-screen="home"]');
    await page.click('[data-bench="settings"]');
    await page.waitForSelector('[data-testid="scanner-settings"]');
  });

  afterAll(async () => {
    await browser?.close();
    await core?.stop();
    temp?.remove();
  });

  it('200 scans of 8–60 characters at 80 ms a key in real time, AZERTY, GS, AIM ids, field focused: all exact', async () => {
    const started = Date.now();
    const planned = plan(200, 8000, { msPerChar: 80, layout: 'azerty', realTime: true });
    try {
      await scanAll(page, keyboard, temp.dir, planned);
    } catch (error) {
      await screenshot(page, 'failed-scanner-long');
      throw error;
    }
    const keys = planned.reduce((sum, p) => sum + p.code.length + (p.options.aim ? 3 : 0) + 1, 0);
    const seconds = (Date.now() - started) / 1000;
    expect(seconds * 1000).toBeGreaterThanOrEqual(keys * 78);
    console.log(
      JSON.stringify({ name: 'scanner-long', scans: planned.length, keys, seconds: Math.round(seconds), exact: 200 }),
    );
    expect(pageErrorsOf(page)).toEqual([]);
  }, 1_200_000);
});

import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, openStation, scan, screenshot } from '../support/browser';
import { DEMO } from '../support/core-fixture';
import { startCore } from '../support/core-process';
import { tempDir } from '../support/paths';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the station when things go wrong', () => {
  it('shows a clear error, not a blank screen, for a database made by a newer Benchline', async () => {
    const temp = tempDir();
    const raw = new Database(join(temp.dir, 'station.db'));
    raw.pragma('user_version = 9990');
    raw.close();
    const core = await startCore({ dataDir: temp.dir });
    try {
      const page = await openStation(browser, core.url);
      await page.waitForSelector('[data-screen="db-error"]');
      const text = await page.textContent('[data-screen="db-error"]');
      expect(text).toContain('made by a newer version of Benchline');
      expect(text).toContain('Install the newer version');
      expect(await page.textContent('[data-testid="db-error-details"]')).toMatch(/DB_FROM_FUTURE: .*schema 9990/);
      await screenshot(page, 'db-from-future');
      await expectAccessible(page, 'db-from-future');
      await page.context().close();
    } finally {
      await core.stop();
      temp.remove();
    }
  });

  it('reconnects after the core is killed and restarted, still logged in, and the queue depth follows the scans', async () => {
    const temp = tempDir();
    let core = await startCore({ dataDir: temp.dir });
    const port = core.port;
    try {
      const page = await openStation(browser, core.url);
      await scan(page, DEMO.packer.badge);
      await page.waitForSelector('#pin-input');
      await scan(page, DEMO.packer.pin);
      await page.waitForSelector('[data-screen="home"]');
      await page.waitForFunction(() =>
        document.querySelector('[data-testid="status-sync"]')?.textContent?.includes('1 record waiting'),
      );
      await scan(page, 'NW10001');
      await scan(page, 'NW10003');
      await page.waitForFunction(() =>
        document.querySelector('[data-testid="status-sync"]')?.textContent?.includes('3 records waiting'),
      );

      await core.kill();
      await page.waitForSelector('[data-screen="connecting"]');
      expect(await page.textContent('[data-screen="connecting"]')).toContain('Reconnecting');
      await screenshot(page, 'reconnecting');
      core = await startCore({ dataDir: temp.dir, port });
      // Back on the same bench with the same operator: the session lives in the database.
      await page.waitForSelector('[data-screen="home"]', { timeout: 15_000 });
      expect(await page.textContent('[data-testid="status-operator"]')).toContain('Mara Quinn');
      await scan(page, 'NW10005');
      await page.waitForSelector('[data-testid="scan-verdict"][data-kind="order"]');
      await page.context().close();
    } finally {
      await core.stop();
      temp.remove();
    }
  });
});

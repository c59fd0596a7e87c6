import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/paths';

/**
 * The real app in the real Electron: the window opens sandboxed, the page sees only
 * `window.bench`, and the core answers through its port (the login screen appears).
 *
 * Electron's binary cannot be downloaded on every machine (the dev and CI machines here have no
 * internet but the npm registry). Whether it is installed is decided from the files the
 * `electron` package's installer leaves — never by requiring `electron`, whose index.js would
 * try to download the binary.
 */

const ELECTRON_DIR = join(ROOT, 'node_modules', 'electron');
const MAIN_ENTRY = join(ROOT, 'out', 'main', 'index.js');
const SKIP_REASON = 'Electron binary not installed on this machine; run where it can be downloaded';

/** The Electron executable, or null when the binary is not installed. */
function electronBinary(): string | null {
  const pathFile = join(ELECTRON_DIR, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (relative === '') return null;
  const binary = join(ELECTRON_DIR, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (!binary) {
  console.warn(
    `tests/electron/app.test.ts skipped: ${SKIP_REASON} (no ${join(ELECTRON_DIR, 'path.txt')} or no binary under ${join(ELECTRON_DIR, 'dist')}).`,
  );
}

describe.skipIf(!binary)('Electron app (real binary)', () => {
  let app: ElectronApplication;
  let page: Page;
  let data: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    if (!binary) throw new Error(SKIP_REASON);
    if (!existsSync(MAIN_ENTRY)) throw new Error(`${MAIN_ENTRY} is missing: run "npx electron-vite build" first.`);
    data = tempDir('benchline-electron-');
    // A fresh data folder, the packaged renderer (no dev server), Electron as itself (not Node).
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && key !== 'ELECTRON_RENDERER_URL' && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
    }
    env.BENCHLINE_DATA_DIR = data.dir;
    // executablePath is given: without it Playwright requires `electron`, which may download.
    app = await _electron.launch({ executablePath: binary, args: [MAIN_ENTRY], cwd: ROOT, env, timeout: 60_000 });
    page = await app.firstWindow();
  });

  afterAll(async () => {
    await app?.close();
    data?.remove();
  });

  it('opens one window, on the packaged renderer', async () => {
    const windows = await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((window) => window.webContents.getURL()),
    );
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html/);
  });

  it('gives the page window.bench with exactly call and on', async () => {
    const shape = await page.evaluate(() => {
      const bench = (window as unknown as { bench?: Record<string, unknown> }).bench;
      if (!bench) return null;
      return Object.keys(bench)
        .sort()
        .map((key) => [key, typeof bench[key]]);
    });
    expect(shape).toEqual([
      ['call', 'function'],
      ['on', 'function'],
    ]);
  });

  it('gives the page no Node: require and process are undefined', async () => {
    const globals = await page.evaluate(() => [typeof require, typeof process]);
    expect(globals).toEqual(['undefined', 'undefined']);
  });

  it('connects to the core and shows the login screen', async () => {
    await page.locator('[data-ready="true"] [data-screen="login"]').waitFor({ state: 'visible', timeout: 30_000 });
    const status = await page.evaluate(async () => {
      const bench = (window as unknown as { bench: { call: (method: string, input: unknown) => Promise<unknown> } })
        .bench;
      return bench.call('app.status', {});
    });
    expect(status).toMatchObject({ ok: true, value: { state: 'ready' } });
  });
});

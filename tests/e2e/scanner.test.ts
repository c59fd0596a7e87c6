import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_CODE } from '#shared/barcode/calibration';
import { expectAccessible, launchChromium, openStation, pageErrorsOf, scan, screenshot } from '../support/browser';
import { ScannerKeyboard, type ScanOptions } from '../support/cdp-keys';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { inspectStation } from '../support/db';
import { tempDir } from '../support/paths';

const GS = '\x1d';

let browser: Browser;
let core: RunningCore;
let temp: ReturnType<typeof tempDir>;
let page: Page;
let keyboard: ScannerKeyboard;

beforeAll(async () => {
  temp = tempDir();
  core = await startCore({ dataDir: temp.dir });
  browser = await launchChromium();
  // The test's key listener is registered before the app's: the wedge stops the keys of a scan.
  page = await openStation(browser, core.url, undefined, recordGaps);
  keyboard = new ScannerKeyboard(page);
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

/** A seeded generator, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// Printable characters a scanner types; no space (a code is trimmed) and no `]` (it starts AIM ids).
const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/+*=#$%&()!?@,;<>{}|~^"\'[`\\';
const AIMS = [null, null, 'C1', 'C0', 'E0', 'd2', 'Q3', 'e0'];

type Planned = { code: string; options: ScanOptions };

/** `count` scans of 8–60 characters with GS separators inside, each with its AIM id and GS style. */
function plan(count: number, seed: number, base: Omit<ScanOptions, 'gs' | 'aim'>): Planned[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const length = 8 + Math.floor(random() * 53);
    const chars = Array.from({ length }, () => pick([...CHARS]));
    // Up to three GS separators, never first or last (a trailing GS is legal, but keep it clean).
    for (let g = Math.floor(random() * 4); g > 0; g--) chars[1 + Math.floor(random() * (length - 2))] = GS;
    // A unique tail, so a lost or merged scan cannot hide behind a duplicate.
    const code = `${chars.join('')}~${seed}-${i}`;
    return { code, options: { ...base, gs: pick(['ctrl', 'f8', 'alt'] as const), aim: pick(AIMS) } };
  });
}

type Recorded = { code: string; symbology: string | null; source: string };

function recordedSince(seq: number): { seq: number; scans: Recorded[] } {
  const db = inspectStation(temp.dir);
  try {
    const rows = db
      .prepare<[number], { seq: number; payload: string }>(
        "SELECT seq, payload FROM events WHERE type = 'scan.recorded' AND seq > ? ORDER BY seq",
      )
      .all(seq);
    return { seq: rows.at(-1)?.seq ?? seq, scans: rows.map((r) => JSON.parse(r.payload) as Recorded) };
  } finally {
    db.close();
  }
}

function lastSeq(): number {
  const db = inspectStation(temp.dir);
  try {
    return db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM events').get()?.seq ?? 0;
  } finally {
    db.close();
  }
}

async function waitForRecorded(since: number, count: number): Promise<Recorded[]> {
  for (let i = 0; i < 600; i++) {
    const { scans } = recordedSince(since);
    if (scans.length >= count) return scans;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return recordedSince(since).scans;
}

/** Records the gaps between keydowns by event time, as the page saw them (runs before the app). */
function recordGaps(): void {
  const w = window as unknown as { __gaps: number[]; __lastKey: number };
  w.__gaps = [];
  w.__lastKey = 0;
  window.addEventListener(
    'keydown',
    (event) => {
      if (w.__lastKey) w.__gaps.push(event.timeStamp - w.__lastKey);
      w.__lastKey = event.timeStamp;
    },
    { capture: true },
  );
}

/** Sets the scanner layout in Settings → Scanners and saves, as a supervisor does; waits until the core has it. */
async function setLayout(layout: string): Promise<void> {
  await page.selectOption('#scanner-layout', layout);
  await page.click('[data-testid="scanner-form"] button[type="submit"]');
  for (let i = 0; i < 100; i++) {
    const answer = await page.evaluate(() => window.bench!.call('settings.get', {}));
    if (answer.ok && answer.value.scanner.layout === layout) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // The window heard of it too: the page shows the station's setting once the wedge has it.
  await page.waitForSelector(`[data-testid="scanner-settings"][data-layout="${layout}"]`);
}

/** Runs scans into a focused text field; every one must be recorded exactly, the field untouched. */
async function scanAll(planned: Planned[]): Promise<void> {
  await page.focus('#scanner-prefix');
  const since = lastSeq();
  for (const { code, options } of planned) await keyboard.scan(code, options);
  const recorded = await waitForRecorded(since, planned.length);
  // Exactly the codes sent, in order: none lost, merged, split or altered; AIM ids stripped.
  expect(recorded.map((r) => ({ code: r.code, symbology: r.symbology, source: r.source }))).toEqual(
    planned.map((p) => ({ code: p.code, symbology: p.options.aim ?? null, source: 'wedge' })),
  );
  // Nothing landed in the field that had focus, and the field still has it.
  expect(await page.inputValue('#scanner-prefix')).toBe('');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('scanner-prefix');
}

describe('keyboard-wedge scanning in Chromium (web mode)', () => {
  it('never takes a person typing at 120 ms a key into a field for a scanner', async () => {
    await page.waitForSelector('[data-screen="login"]');
    await page.focus('#badge-input');
    await keyboard.type('Human-typed-9', 120);
    expect(await page.inputValue('#badge-input')).toBe('Human-typed-9');
    await keyboard.press('Enter');
    // The login form took it (an unknown badge), not the scan path: no verdict, no history.
    await page.waitForSelector('[data-testid="login-error"]');
    expect(await page.getAttribute('[data-testid="scan-verdict"]', 'data-flash')).toBe('0');
    await page.fill('#badge-input', '');
  });

  it('logs in by scanning and opens Settings → Scanners', async () => {
    await scan(page, DEMO.supervisor.badge);
    await page.waitForSelector('#pin-input');
    await scan(page, DEMO.supervisor.pin);
    await page.waitForSelector('[data-screen="home"]');
    await page.click('[data-bench="settings"]');
    await page.waitForSelector('[data-testid="scanner-settings"]');
  });

  it('200 scans at 2 ms a key, AZERTY, GS as Ctrl+] / F8 / Alt+0029, AIM ids, focus in a text field: all exact', async () => {
    await scanAll(plan(200, 2, { msPerChar: 2, layout: 'azerty' }));
  }, 240_000);

  it('200 scans at 80 ms a key (event time), the same mix: all exact — the slow Zebra case', async () => {
    await page.evaluate(() => {
      (window as unknown as { __gaps: number[] }).__gaps = [];
    });
    await scanAll(plan(200, 80, { msPerChar: 80, layout: 'azerty' }));
    // The page really saw 80 ms between characters (the slots of GS and the modifiers split it).
    const gaps = await page.evaluate(() => (window as unknown as { __gaps: number[] }).__gaps);
    const charGaps = gaps.filter((gap) => gap > 70 && gap < 90);
    expect(charGaps.length).toBeGreaterThan(5000);
  }, 240_000);

  it('12 scans at 80 ms a key in real time too (the end-of-burst timer lives in real time)', async () => {
    await scanAll(plan(12, 8080, { msPerChar: 80, layout: 'azerty', realTime: true }));
  }, 120_000);

  it('shows the scanner page, its test area with raw keys and the decoded GS1 result', async () => {
    await page.click('[data-testid="test-area"] button');
    await page.waitForSelector('[data-testid="test-area"] [role="status"]');
    const since = lastSeq();
    await keyboard.scan(`0109506000134352` + `10LOT-7${GS}` + `17271231`, { msPerChar: 3, aim: 'C1', gs: 'alt' });
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="test-decoded"]')?.textContent?.includes('<GS>'),
    );
    expect(await page.textContent('[data-testid="test-decoded"]')).toBe(`0109506000134352` + `10LOT-7<GS>17271231`);
    expect(await page.textContent('[data-testid="test-symbology"]')).toContain(']C1');
    expect(await page.textContent('[data-testid="test-reading"]')).toContain(
      'gs1: (01)09506000134352(10)LOT-7(17)271231',
    );
    expect(await page.locator('[data-testid="raw-keys"] tbody tr').count()).toBeGreaterThan(20);
    // A test scan goes nowhere near the bench.
    expect(recordedSince(since).scans).toEqual([]);
    await screenshot(page, 'settings-scanners');
    await expectAccessible(page, 'settings-scanners');
    await page.click('[data-testid="test-area"] button');
  });

  it('calibrates from two scans of the calibration barcode at 40 ms a key and sets the gap', async () => {
    await page.click('[data-testid="calibration"] button.button-secondary');
    for (let i = 0; i < 2; i++) await keyboard.scan(CALIBRATION_CODE, { msPerChar: 40, aim: 'C0' });
    await page.waitForSelector('[data-testid="calibration-result"]');
    expect(await page.textContent('[data-testid="calibration-result"]')).toContain('58 ms');
    await screenshot(page, 'settings-calibration');
    await page.click('[data-testid="calibration"] button.button-primary');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="calibration-current"]')?.textContent?.includes('58'),
    );
    expect(await page.inputValue('#scanner-gap')).toBe('58');
  });

  it('reads a scanner programmed for German (QWERTZ, AltGr) once the layout is set to German: 50 scans exact', async () => {
    await setLayout('de');
    // Scanner and system disagree (German scanner, US system): only the setting makes it right.
    await scanAll(plan(40, 49, { msPerChar: 3, scanner: 'de' }));
    // And at the 40 ms a key the calibration above set the gap for (58 ms).
    await scanAll(plan(10, 4940, { msPerChar: 40, scanner: 'de' }));
    await setLayout('us');
  }, 120_000);

  it('calibration finds a German-programmed scanner on a US station and sets the layout', async () => {
    expect(await page.inputValue('#scanner-layout')).toBe('us');
    await page.click('[data-testid="calibration"] button.button-secondary');
    for (let i = 0; i < 2; i++) await keyboard.scan(CALIBRATION_CODE, { msPerChar: 40, scanner: 'de' });
    await page.waitForSelector('[data-testid="calibration-layout"]');
    expect(await page.textContent('[data-testid="calibration-layout"]')).toContain('German (QWERTZ)');
    expect(await page.locator('[data-testid^="calibration-problem-"]').count()).toBe(0);
    await screenshot(page, 'settings-calibration-layout');
    await expectAccessible(page, 'settings-calibration-layout');
    await page.click('[data-testid="calibration"] button.button-primary');
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#scanner-layout')?.value === 'de');
    // And the German scanner now scans right at the bench.
    await scanAll(plan(5, 4949, { msPerChar: 5, scanner: 'de' }));
    await setLayout('us');
  }, 120_000);

  it('lists the last 20 scans with their verdicts, at 1920×1080 too', async () => {
    await page.click('[data-testid="toggle-history"]');
    await page.waitForSelector('[data-testid="scan-history"]');
    expect(await page.locator('[data-testid="scan-history"] tbody tr').count()).toBe(20);
    await screenshot(page, 'scan-history');
    await expectAccessible(page, 'scan-history');
    const wide = await openStation(browser, core.url, { width: 1920, height: 1080 });
    // The station's session is at Settings: a second window opens there, or on the bench chooser.
    await wide.waitForSelector('[data-testid="scanner-settings"], [data-bench="settings"]');
    if (await wide.isVisible('[data-bench="settings"]')) await wide.click('[data-bench="settings"]');
    await wide.waitForSelector('[data-testid="calibration-barcode"]');
    await screenshot(wide, 'settings-scanners-1920');
    await expectAccessible(wide, 'settings-scanners-1920');
    await wide.context().close();
    expect(pageErrorsOf(page)).toEqual([]);
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { barcodePng, cameraVideo, CAMERA_CODES } from '../support/barcode-frames';
import { expectAccessible, launchChromium, openStation, pageErrorsOf, scan, screenshot } from '../support/browser';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { inspectStation } from '../support/db';
import { tempDir } from '../support/paths';

let browser: Browser;
let core: RunningCore;
let temp: ReturnType<typeof tempDir>;
let page: Page;

/** Every camera stream the page opens, kept so the test can check they were all released. */
function keepStreams(): void {
  const w = window as unknown as { __streams: MediaStream[] };
  w.__streams = [];
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    w.__streams.push(stream);
    return stream;
  };
}

beforeAll(async () => {
  temp = tempDir();
  const pngs = await Promise.all(CAMERA_CODES.map((code) => barcodePng(code)));
  // One video per browser launch: Chromium plays it in a loop as the fake camera.
  const video = cameraVideo(pngs, temp.dir);
  core = await startCore({ dataDir: temp.dir });
  browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ]);
  page = await openStation(browser, core.url, undefined, keepStreams);
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page)
    await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
  await core?.stop();
  temp?.remove();
});

type Recorded = { code: string; symbology: string | null; source: string; at: number };

function cameraScans(): Recorded[] {
  const db = inspectStation(temp.dir);
  try {
    return db
      .prepare<[], { payload: string; created_at: number }>(
        "SELECT payload, created_at FROM events WHERE type = 'scan.recorded' ORDER BY seq",
      )
      .all()
      .map((row) => ({ ...(JSON.parse(row.payload) as Omit<Recorded, 'at'>), at: row.created_at }))
      .filter((scan) => scan.source === 'camera');
  } finally {
    db.close();
  }
}

describe('camera scanning with Chromium fake camera (web mode)', () => {
  it('decodes every symbology to its exact text, end to end into scan.submit, once per showing', async () => {
    await page.waitForSelector('[data-screen="login"]');
    await scan(page, DEMO.supervisor.badge);
    await page.waitForSelector('#pin-input');
    await scan(page, DEMO.supervisor.pin);
    await page.waitForSelector('[data-screen="home"]');

    await page.keyboard.press('F5');
    await page.waitForSelector('[data-testid="camera-view"][data-running="true"]');
    const expected = CAMERA_CODES.map((c) => c.expected);
    const missing = (): { code: string; symbology: string }[] => {
      const seen = cameraScans();
      return expected.filter((e) => !seen.some((s) => s.code === e.code && s.symbology === e.symbology));
    };
    // The video shows each code for 1.5 s, ten codes in 20 s; it loops.
    for (let i = 0; i < 120 && missing().length > 0; i++) await page.waitForTimeout(500);
    expect(missing().map((m) => m.code)).toEqual([]);
    await screenshot(page, 'camera');
    await expectAccessible(page, 'camera');

    const scans = cameraScans();
    // Nothing misread: every camera scan is one of the codes shown, with its AIM id.
    for (const scanned of scans) {
      expect(expected).toContainEqual({ code: scanned.code, symbology: scanned.symbology });
    }
    // One scan per showing: a code seen again only after the video looped (20 s later).
    for (const code of expected) {
      const times = scans.filter((s) => s.code === code.code).map((s) => s.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(15_000);
    }
  }, 120_000);

  it('releases the camera when the view closes', async () => {
    const live = () =>
      page.evaluate(() =>
        (window as unknown as { __streams: MediaStream[] }).__streams.flatMap((s) =>
          s.getTracks().map((t) => t.readyState),
        ),
      );
    expect(await live()).toContain('live');
    await page.click('[data-testid="camera-scanner"] button');
    await page.waitForSelector('[data-testid="camera-scanner"]', { state: 'detached' });
    const states = await live();
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((state) => state === 'ended')).toBe(true);
    // Opened and closed again: still one live stream at most, released again.
    await page.click('[data-testid="toggle-camera"]');
    await page.waitForSelector('[data-testid="camera-view"][data-running="true"]');
    await page.keyboard.press('F5');
    await page.waitForSelector('[data-testid="camera-scanner"]', { state: 'detached' });
    expect((await live()).every((state) => state === 'ended')).toBe(true);
    expect(pageErrorsOf(page)).toEqual([]);
  });
});

import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, openStation, pageErrorsOf, scan, screenshot } from '../support/browser';
import { DEMO } from '../support/core-fixture';
import { startCore, type RunningCore } from '../support/core-process';
import { inspectStation } from '../support/db';
import { stationState, waitForState } from '../support/diagnose';
import { tempDir } from '../support/paths';

let browser: Browser;
let core: RunningCore;
let temp: ReturnType<typeof tempDir>;
let page: Page;

beforeAll(async () => {
  temp = tempDir();
  core = await startCore({ dataDir: temp.dir });
  // Chromium's fake camera (its moving test pattern): the QC bench takes real JPEGs of it.
  browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  page = await openStation(browser, core.url);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page)
    await screenshot(page, `failed-qc-${context.task.name.slice(0, 30).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
  await core?.stop();
  temp?.remove();
});

function waitFor(selector: string): Promise<void> {
  return waitForState(page, selector, temp.dir, core);
}

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

async function login(who: { badge: string; pin: string }, bench: 'PACK' | 'QC'): Promise<void> {
  await scan(page, who.badge);
  await waitFor('#pin-input');
  await scan(page, who.pin);
  await waitFor('[data-screen="home"]');
  await scan(page, `CMD:BENCH:${bench}`);
  await waitFor(`[data-screen="${bench.toLowerCase()}"]`);
}

/** A one-unit home-goods order, and the station's home checklist counter set so that unit is sampled. */
function homeOrder(): { id: string; number: string; code: string } {
  const db = new Database(join(temp.dir, 'station.db'));
  const row = db
    .prepare<[], { id: string; number: string; code: string }>(
      `SELECT o.id, o.number,
              (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code
         FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
        WHERE o.status = 'ready_to_pack' AND p.category = 'home' AND p.serialised = 0 AND l.quantity = 1
          AND (SELECT count(*) FROM order_lines x WHERE x.order_id = o.id) = 1
        ORDER BY o.number LIMIT 1`,
    )
    .get()!;
  // Home goods are inspected every 10th unit: this station has packed 9.
  db.prepare(
    "INSERT INTO qc_sampling_counters (checklist_id, units) VALUES ('qc-home', 9) ON CONFLICT (checklist_id) DO UPDATE SET units = 9",
  ).run();
  db.close();
  return row;
}

function payloads<T>(type: string): T[] {
  const db = inspectStation(temp.dir);
  try {
    return db
      .prepare<[string], { payload: string }>('SELECT payload FROM events WHERE type = ? ORDER BY seq')
      .all(type)
      .map((r) => JSON.parse(r.payload) as T);
  } finally {
    db.close();
  }
}

describe('outbound QC photos by webcam, and the QC keys (web mode, fake camera)', () => {
  it('completes a qc-home parcel with its required photo, a defect photographed, by keys and the camera', async () => {
    const order = homeOrder();
    await login(DEMO.packer, 'PACK');
    await scan(page, order.number);
    await waitFor('[data-screen="pack"][data-status="packing"]');
    await scan(page, order.code);
    await scan(page, 'CMD:DONE');
    await waitFor('[data-screen="pack"][data-status="qc_pending"]');

    await login(DEMO.qc, 'QC');
    await scan(page, order.number);
    await waitFor('[data-testid="qc-prompt"][data-step="protection"]');
    // The buttons carry their keys.
    expect(await page.getAttribute('[data-testid="qc-commands"] [data-command="pass"]', 'aria-keyshortcuts')).toBe(
      'F3',
    );
    expect(await page.getAttribute('[data-testid="qc-commands"] [data-command="fail"]', 'aria-keyshortcuts')).toBe(
      'F4',
    );

    // A defect with a photo, taken from the camera the "Add a photo" button opens.
    await page.selectOption('#defect-code', 'H-PACK');
    await page.fill('#defect-note', 'tissue paper torn');
    await page.click('[data-testid="qc-add-photo"]');
    await page.waitForSelector('[data-capture="qc-defect-photo"] button:not([disabled])');
    await page.waitForFunction(
      () => (document.querySelector<HTMLVideoElement>('[data-capture="qc-defect-photo"] video')?.videoWidth ?? 0) > 0,
    );
    await page.click('[data-capture="qc-defect-photo"] button');
    await waitFor('[data-testid="qc-defect-photo"]');
    const defectSha = (await page.getAttribute('[data-testid="qc-defect-photo"]', 'data-sha256'))!;
    await page.click('[data-testid="qc-defect-form"] button[type="submit"]');
    await waitFor(`[data-testid="qc-defects"] li[data-photo="${defectSha}"]`);

    // PASS by its key (F3): the photo step comes, with the camera.
    await page.keyboard.press('F3');
    await waitFor('[data-testid="qc-prompt"][data-step="photo"]');
    await page.waitForSelector('[data-capture="qc-step-photo"] button[aria-keyshortcuts="F6"]:not([disabled])');
    await page.waitForFunction(
      () => (document.querySelector<HTMLVideoElement>('[data-capture="qc-step-photo"] video')?.videoWidth ?? 0) > 0,
    );
    await screenshot(page, 'qc-photo-step');
    await expectAccessible(page, 'qc-photo-step');
    // A required photo cannot be skipped (Shift+F6 sends SKIP).
    await page.keyboard.press('Shift+F6');
    await expectVerdict(/required, it cannot be skipped/);
    // F6 takes the photo: it answers the step and the inspection is over.
    await page.keyboard.press('F6');
    await page.waitForSelector('[data-testid="qc-unit"]', { state: 'detached' });

    const answered = payloads<{ stepId: string; answer: { type: string; sha256?: string } }>('qc.step_answered');
    const photoAnswer = answered.find((a) => a.stepId === 'photo')!;
    expect(photoAnswer.answer.type).toBe('photo');
    const stepSha = photoAnswer.answer.sha256!;
    expect(stepSha).toMatch(/^[0-9a-f]{64}$/);
    expect(stepSha).not.toBe(defectSha);
    // A real JPEG of the camera, stored by its hash.
    expect(existsSync(join(temp.dir, 'photos', stepSha.slice(0, 2), `${stepSha}.jpg`))).toBe(true);
    expect(payloads<{ photo: string | null }>('qc.defect_logged').map((d) => d.photo)).toEqual([defectSha]);
    expect(payloads<{ outcome: string }>('qc.inspected')).toMatchObject([{ outcome: 'pass' }]);

    // The packer completes the parcel: both photos are in its outbound fingerprint.
    await login(DEMO.packer, 'PACK');
    await scan(page, order.number);
    await expectVerdict(/back from QC/);
    await scan(page, 'CMD:DONE');
    await waitFor('[data-screen="pack"][data-status="done"]');
    const [completed] = payloads<{ qcPhotos: string[] }>('pack.completed');
    expect(completed!.qcPhotos.sort()).toEqual([defectSha, stepSha].sort());
  });

  it('holds a parcel by keys (F2 DONE, F4 FAIL) and releases it with Shift+F2 after scanning the held order', async () => {
    const db = inspectStation(temp.dir);
    const order = db
      .prepare<[], { number: string; code: string }>(
        `SELECT o.number,
                (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code
           FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
          WHERE o.status = 'ready_to_pack' AND p.category = 'electronics' AND l.quantity = 1
            AND (SELECT count(*) FROM order_lines x WHERE x.order_id = o.id) = 1
            AND NOT EXISTS (SELECT 1 FROM packages k WHERE k.order_id = o.id)
          ORDER BY o.number LIMIT 1`,
      )
      .get()!;
    db.close();
    // The packer is still at the packing bench from the parcel before.
    await waitFor('[data-screen="pack"]');
    await scan(page, order.number);
    await waitFor('[data-screen="pack"][data-status="packing"]');
    await scan(page, order.code);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pack-prompt"]')?.getAttribute('data-prompt') === 'serial',
    );
    await scan(page, 'SN-E2E-KEYS-1');
    await scan(page, 'CMD:DONE');
    await waitFor('[data-screen="pack"][data-status="qc_pending"]');

    await login(DEMO.qc, 'QC');
    await scan(page, order.number);
    await waitFor('[data-testid="qc-prompt"][data-step="seal"]');
    expect(await page.getAttribute('[data-testid="qc-commands"] [data-command="done"]', 'aria-keyshortcuts')).toBe(
      'F2',
    );
    await page.keyboard.press('F2');
    await waitFor('[data-testid="qc-prompt"][data-step="power"]');
    await page.keyboard.press('F4');
    await waitFor('[data-testid="qc-hold"]');
    await expectVerdict(/FAIL logged/);

    await scan(page, order.number);
    await expectVerdict(/Re-inspection/);
    await waitFor('[data-testid="qc-commands"] [data-command="release"]');
    expect(await page.getAttribute('[data-testid="qc-commands"] [data-command="release"]', 'aria-keyshortcuts')).toBe(
      'Shift+F2',
    );
    expect(await page.getAttribute('[data-testid="qc-commands"] [data-command="reject"]', 'aria-keyshortcuts')).toBe(
      'Shift+F4',
    );
    await screenshot(page, 'qc-reinspection');
    await page.keyboard.press('Shift+F2');
    await expectVerdict(new RegExp(`Order ${order.number} released from QC hold`));
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="qc-holds"]')?.textContent?.includes('No parcel on hold'),
    );
    expect(payloads<{ reason: string }>('qc.released')).toMatchObject([{ reason: 'inspector release' }]);
  });

  it('had no uncaught error in the page', () => {
    expect(pageErrorsOf(page)).toEqual([]);
  });
});

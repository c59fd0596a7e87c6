/**
 * ui.scan — keystroke of a scan's terminator to its verdict painted, in web mode: the built core
 * on a fresh demo station, Debian Chromium (headless) with a supervisor logged in at the bench
 * chooser, and wedge scans typed through CDP key events as fast as the driver sends them, stamped by
 * the browser (the ScannerKeyboard of the end-to-end tests, real event times). In the page, a keydown listener registered before the app's notes the
 * Enter's `event.timeStamp`; a MutationObserver on the verdict bar sees the new verdict; a
 * `requestAnimationFrame` then a task after it mark the frame that shows it as painted. Each
 * scan is an order, an item, an RMA or an unknown code — every one goes through `scan.submit`,
 * is classified, looked up and recorded (one fsync'd commit) before its verdict comes back.
 * 20 warm-up scans, then 300 measured. Figures: n, p50_ms, p95_ms, p99_ms, max_ms.
 *
 * Budget (DESIGN.md): "keystroke of the scan's terminator → verdict painted (web mode, Chromium):
 * p95 ≤ 50 ms".
 */
import { chromium, type Browser } from 'playwright-core';
import { ScannerKeyboard } from '../tests/support/cdp-keys';
import { startCore, type RunningCore } from '../tests/support/core-process';
import { inspectStation } from '../tests/support/db';
import { tempDir } from '../tests/support/paths';
import { log, percentile, round, runBenchmark } from './support/figures';

const WARMUP = 20;
const N = 300;
const CHROMIUM = process.env.BENCHLINE_CHROMIUM ?? '/usr/bin/chromium';

/** Runs in the page before the app: times from the terminator to the verdict painted. */
function instrument(): void {
  const w = window as unknown as { __enterAt: number; __latencies: number[] };
  w.__latencies = [];
  w.__enterAt = 0;
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter') w.__enterAt = event.timeStamp;
    },
    { capture: true },
  );
  const channel = new MessageChannel();
  let pending: number | null = null;
  channel.port1.onmessage = () => {
    if (pending !== null) w.__latencies.push(performance.now() - pending);
    pending = null;
  };
  const observer = new MutationObserver(() => {
    const bar = document.querySelector('[data-testid="scan-verdict"]');
    const flash = Number(bar?.getAttribute('data-flash') ?? 0);
    const seen = Number(bar?.getAttribute('data-seen') ?? -1);
    if (!bar || flash === seen || w.__enterAt === 0) return;
    bar.setAttribute('data-seen', String(flash));
    const enterAt = w.__enterAt;
    w.__enterAt = 0;
    // The frame that shows the verdict: rAF runs before it is painted, the task after it once
    // it has been.
    requestAnimationFrame(() => {
      pending = enterAt;
      channel.port2.postMessage(null);
    });
  });
  const start = (): void => {
    observer.observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ['data-flash'],
      childList: true,
    });
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
}

runBenchmark('ui.scan', async () => {
  const temp = tempDir('benchline-bench-ui-');
  let core: RunningCore | null = null;
  let browser: Browser | null = null;
  const abort = (): void => {
    void Promise.all([browser?.close(), core?.kill()]).finally(() => {
      temp.remove();
      process.exit(1);
    });
  };
  process.once('SIGTERM', abort);
  process.once('SIGINT', abort);
  try {
    core = await startCore({ dataDir: temp.dir });
    const db = inspectStation(temp.dir);
    const codes = [
      ...db.prepare<[], { code: string }>('SELECT number AS code FROM orders LIMIT 40').all(),
      ...db.prepare<[], { code: string }>('SELECT substr(code, 2) AS code FROM product_barcodes LIMIT 40').all(),
      ...db.prepare<[], { code: string }>('SELECT number AS code FROM rmas LIMIT 20').all(),
    ].map((row) => row.code);
    db.close();
    codes.push('NOT-A-KNOWN-CODE-1', '0109506000134352' + '17271231');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--mute-audio'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx keeps function names with a `__name` helper the page does not have: give it one.
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(core.url);
    await page.waitForSelector('[data-ready="true"]', { timeout: 20_000 });
    const keyboard = new ScannerKeyboard(page);
    await keyboard.scan('BADGE-S-1004', { msPerChar: 2 });
    await page.waitForSelector('#pin-input');
    await keyboard.scan('4444', { msPerChar: 2 });
    await page.waitForSelector('[data-screen="home"]');
    await page.evaluate(() => {
      (window as unknown as { __latencies: number[] }).__latencies = [];
    });

    const total = WARMUP + N;
    for (let i = 0; i < total; i++) {
      await keyboard.scan(codes[i % codes.length]!, { msPerChar: 2, stamp: false });
      // One scan at a time: wait for its verdict to be painted before the next.
      await page
        .waitForFunction(
          (count) => (window as unknown as { __latencies: number[] }).__latencies.length >= count,
          i + 1,
          { timeout: 10_000 },
        )
        .catch(async (error: unknown) => {
          const state = await page.evaluate(() => ({
            latencies: (window as unknown as { __latencies: number[] }).__latencies.length,
            verdict: document.querySelector('[data-testid="scan-verdict"]')?.textContent,
            flash: document.querySelector('[data-testid="scan-verdict"]')?.getAttribute('data-flash'),
          }));
          throw new Error(`scan ${i} (${codes[i % codes.length]}): no verdict painted: ${JSON.stringify(state)}`, {
            cause: error,
          });
        });
    }
    const all = await page.evaluate(() => (window as unknown as { __latencies: number[] }).__latencies);
    const samples = Float64Array.from(all.slice(WARMUP)).sort();
    log(`ui.scan: ${samples.length} scans, p50 ${round(percentile(samples, 50), 1)} ms`);
    return {
      n: samples.length,
      p50_ms: round(percentile(samples, 50), 1),
      p95_ms: round(percentile(samples, 95), 1),
      p99_ms: round(percentile(samples, 99), 1),
      max_ms: round(samples[samples.length - 1]!, 1),
    };
  } finally {
    await browser?.close();
    if (core) {
      await core.stop();
      if (core.stderr().trim() !== '') log(`core stderr:\n${core.stderr()}`);
    }
    temp.remove();
  }
});

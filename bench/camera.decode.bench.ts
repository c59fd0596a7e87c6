/**
 * camera.decode — decode time of 1280×720 camera frames in the camera worker, as the station
 * runs it: the built renderer's worker (`out/renderer/assets/camera.worker-*.js`) in Debian
 * Chromium (headless), fed ImageBitmaps with the production region of interest (the middle
 * 80 % × 70 %), timed inside the worker (crop on an OffscreenCanvas, luminance, decode).
 * Frames: one per symbology the camera reads (Code 128, GS1-128, EAN-13, UPC-A, EAN-8, Code 39,
 * ITF-14, QR, Data Matrix, GS1 DataMatrix — bwip-js images, the end-to-end test's frames), 12
 * rounds each after 2 warm-up rounds, with @zxing/library (the engine the station uses) and then
 * zxing-wasm (zxing-cpp) on the same frames in the same run. Also frames with no code, which
 * cost the most (every reader tries and fails).
 *
 * Figures: n; p50_ms, p95_ms (@zxing/library, frames with a code); decoded (of n);
 * empty_p50_ms; wasm_p50_ms, wasm_p95_ms, wasm_decoded; ratio = wasm_p50_ms / p50_ms.
 * Budget (DESIGN.md): "camera frame 1280×720 decoded (worker): median ≤ 40 ms".
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { barcodePng, CAMERA_CODES, framePng } from '../tests/support/barcode-frames';
import { startCore, type RunningCore } from '../tests/support/core-process';
import { RENDERER_DIR, tempDir } from '../tests/support/paths';
import { log, percentile, round, runBenchmark } from './support/figures';

const WARMUP_ROUNDS = 2;
const ROUNDS = 12;
const CHROMIUM = process.env.BENCHLINE_CHROMIUM ?? '/usr/bin/chromium';

type Timing = { ms: number; code: string | null };

runBenchmark('camera.decode', async () => {
  const temp = tempDir('benchline-bench-camera-');
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
    const worker = readdirSync(join(RENDERER_DIR, 'assets')).find((f) => /^camera\.worker-.*\.js$/.test(f));
    if (!worker) throw new Error('no camera worker in out/renderer/assets: build first');
    const frames = await Promise.all(
      CAMERA_CODES.map(async (code, i) => framePng(await barcodePng(code), temp.dir, `frame-${i}`).toString('base64')),
    );
    const expected = CAMERA_CODES.map((c) => c.expected.code);
    core = await startCore({ dataDir: temp.dir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    const page = await browser.newPage();
    // tsx keeps function names with a `__name` helper the page does not have: give it one.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(core.url);
    await page.waitForSelector('[data-ready="true"]', { timeout: 20_000 });

    const run = (engine: 'zxing' | 'wasm', empty: boolean) =>
      page.evaluate(
        async ({ workerUrl, frames, engine, rounds, empty }) => {
          // (Built from bytes: the page's content security policy allows no data: fetch.)
          const blobs = frames.map(
            (b64) => new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }),
          );
          const worker = new Worker(workerUrl, { type: 'module' });
          let id = 0;
          const decode = (bitmap: ImageBitmap) =>
            new Promise<{ ms: number; code: string | null }>((resolve, reject) => {
              const mine = ++id;
              worker.onmessage = (
                event: MessageEvent<{
                  type: string;
                  id: number;
                  ms: number;
                  read: { code: string } | null;
                  message?: string;
                }>,
              ) => {
                if (event.data.id !== mine) return;
                if (event.data.type === 'error') reject(new Error(event.data.message));
                else resolve({ ms: event.data.ms, code: event.data.read?.code ?? null });
              };
              const roi = { x: 128, y: 108, width: 1024, height: 504 };
              worker.postMessage({ type: 'frame', id: mine, bitmap, roi, engine }, [bitmap]);
            });
          const out: { ms: number; code: string | null }[] = [];
          for (let round = 0; round < rounds; round++) {
            for (const blob of blobs) {
              const bitmap = empty
                ? await createImageBitmap(new ImageData(new Uint8ClampedArray(1280 * 720 * 4).fill(235), 1280, 720))
                : await createImageBitmap(blob);
              out.push(await decode(bitmap));
            }
          }
          worker.terminate();
          return out;
        },
        { workerUrl: `/assets/${worker}`, frames, engine, rounds: WARMUP_ROUNDS + ROUNDS, empty },
      );

    const measured = (timings: Timing[]) => timings.slice(WARMUP_ROUNDS * frames.length);
    const stats = (timings: Timing[]) => {
      const sorted = Float64Array.from(timings.map((t) => t.ms)).sort();
      const decoded = timings.filter((t, i) => t.code === expected[i % expected.length]).length;
      const missed = new Set(
        timings
          .map((t, i) => (t.code === expected[i % expected.length] ? null : CAMERA_CODES[i % expected.length]!.name))
          .filter((name): name is string => name !== null),
      );
      return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), decoded, missed: [...missed].join(', ') };
    };
    const js = stats(measured(await run('zxing', false)));
    log(`@zxing/library: p50 ${round(js.p50, 1)} ms, p95 ${round(js.p95, 1)} ms, decoded ${js.decoded}`);
    const empty = stats(measured(await run('zxing', true)));
    const wasm = stats(measured(await run('wasm', false)));
    log(`zxing-wasm: p50 ${round(wasm.p50, 1)} ms, p95 ${round(wasm.p95, 1)} ms, decoded ${wasm.decoded}`);
    if (js.missed) log(`@zxing/library missed: ${js.missed}`);
    if (wasm.missed) log(`zxing-wasm missed (not the exact text): ${wasm.missed}`);
    return {
      n: ROUNDS * frames.length,
      p50_ms: round(js.p50, 1),
      p95_ms: round(js.p95, 1),
      decoded: js.decoded,
      empty_p50_ms: round(empty.p50, 1),
      wasm_p50_ms: round(wasm.p50, 1),
      wasm_p95_ms: round(wasm.p95, 1),
      wasm_decoded: wasm.decoded,
      ratio: round(wasm.p50 / js.p50, 2),
    };
  } finally {
    await browser?.close();
    if (core) await core.stop();
    temp.remove();
  }
});

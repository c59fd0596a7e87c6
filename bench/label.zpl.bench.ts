/**
 * label.zpl — time to render the 4×6 shipping label to ZPL II at 203 dpi: the same layout as the
 * PDF (text lines computed, ellipsis written in), `^BC` with `>8` for the SSCC, the brand logo
 * rasterised to a `^GFA` graphic field. In-process, warm. No budget of its own in DESIGN.md; it
 * is the ZPL side of "4×6 label rendered: median ≤ 15 ms".
 */
import { LabelRenderer, type RenderProfile } from '../src/core/labels/render';
import { sampleRequest } from '../src/shared/labels/samples';
import { percentile, round, runBenchmark } from './support/figures';

const WARMUP = 30;
const N = 300;

runBenchmark('label.zpl', async () => {
  const renderer = new LabelRenderer();
  const request = sampleRequest('shipping', Date.UTC(2026, 10, 22, 9, 0), 'DEMO-01');
  const profile: RenderProfile = {
    format: 'zpl',
    dpi: 203,
    media: '4x6',
    offsetXMm: 0,
    offsetYMm: 0,
    darkness: 20,
    copies: 1,
    zplFont: '0',
  };
  let bytes = 0;
  const samples = new Float64Array(N);
  for (let i = 0; i < WARMUP + N; i++) {
    const start = process.hrtime.bigint();
    const label = renderer.layout(request, '4x6', 'en');
    const pdf = await renderer.render(label, profile);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= WARMUP) samples[i - WARMUP] = ms;
    bytes = pdf.bytes.length;
  }
  samples.sort();
  return {
    n: N,
    p50_ms: round(percentile(samples, 50), 2),
    p90_ms: round(percentile(samples, 90), 2),
    p99_ms: round(percentile(samples, 99), 2),
    bytes,
  };
});

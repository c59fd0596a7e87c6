/**
 * label.pdf — time to render the 4×6 shipping label to PDF, the label every packed parcel
 * prints: template layout (text wrapped and shrunk, the SSCC as GS1-128), then pdfkit with the
 * embedded DejaVu fonts (subset) and the barcode as whole-dot rectangles at 203 dpi. In-process,
 * warm (fonts parsed once per process, as in the core). The data is the test print's: a long
 * Greek and Cyrillic name that wraps, shrinks and ends in an ellipsis.
 *
 * Budget (DESIGN.md): "4×6 label PDF rendered: median ≤ 15 ms".
 */
import { LabelRenderer, type RenderProfile } from '../src/core/labels/render';
import { sampleRequest } from '../src/shared/labels/samples';
import { percentile, round, runBenchmark } from './support/figures';

const WARMUP = 30;
const N = 300;

runBenchmark('label.pdf', async () => {
  const renderer = new LabelRenderer();
  const request = sampleRequest('shipping', Date.UTC(2026, 10, 22, 9, 0), 'DEMO-01');
  const profile: RenderProfile = {
    format: 'pdf',
    dpi: 203,
    media: '4x6',
    offsetXMm: 0,
    offsetYMm: 0,
    darkness: null,
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

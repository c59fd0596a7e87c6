/**
 * print.queue — 100 labels through the print queue to a real CUPS printer (cups-pdf): each is
 * queued (a row and an event), rendered to PDF, sent with `lp`, and followed until CUPS reports
 * it completed; then the 100 PDFs cups-pdf wrote are waited for. `per_s` is labels per second
 * from the first queued to the last completed; `p50_ms`/`p90_ms` the time from queued to
 * completed of each label (they wait behind one another: one lane per printer). In-process core
 * on a fresh demo station. Needs CUPS and cups-pdf (scripts/install-system-deps.sh); the CUPS
 * scheduler is started if it is not running.
 *
 * No budget in DESIGN.md: cups-pdf converts every job with Ghostscript, so this measures the
 * spooler as much as the queue.
 */
import { DEMO, openCore } from '../tests/support/core-fixture';
import { CUPS_PDF_QUEUE, ensureCups, waitForCupsPdf } from '../tests/support/cups';
import { log, percentile, round, runBenchmark } from './support/figures';

const N = 100;

runBenchmark('print.queue', async () => {
  await ensureCups();
  const fixture = openCore({ random: () => 0.99 });
  try {
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const printer = await fixture.ok('printers.save', { name: 'cups-pdf', transport: 'cups', queue: CUPS_PDF_QUEUE });
    await fixture.ok('printers.assign', { labelType: 'shipping', printerId: printer.id, format: 'pdf', dpi: 203 });
    const queuedAt = new Map<string, number>();
    const start = performance.now();
    for (let i = 0; i < N; i++) {
      const job = await fixture.ok('printers.test', { labelType: 'shipping' });
      queuedAt.set(job.id, performance.now());
    }
    const doneAt = new Map<string, number>();
    while (doneAt.size < N) {
      const { jobs } = await fixture.ok('print.jobs', { limit: 200 });
      for (const job of jobs) {
        if (!queuedAt.has(job.id) || doneAt.has(job.id)) continue;
        if (job.status === 'printed') doneAt.set(job.id, performance.now());
        else if (job.status === 'failed') throw new Error(`job ${job.id} failed: ${job.error}`);
      }
      if (performance.now() - start > 9 * 60_000) throw new Error(`only ${doneAt.size} of ${N} completed`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const completed = performance.now();
    for (const id of queuedAt.keys()) await waitForCupsPdf(`benchline-${id}`, 60_000);
    const written = performance.now();
    const latency = Float64Array.from([...queuedAt].map(([id, at]) => doneAt.get(id)! - at)).sort();
    log(`print.queue: ${N} labels completed in ${((completed - start) / 1000).toFixed(1)} s`);
    return {
      n: N,
      per_s: round(N / ((completed - start) / 1000), 2),
      p50_ms: round(percentile(latency, 50), 0),
      p90_ms: round(percentile(latency, 90), 0),
      all_pdfs_written_s: round((written - start) / 1000, 1),
    };
  } finally {
    fixture.close();
  }
});

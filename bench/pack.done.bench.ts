/**
 * pack.done — from the DONE scan to the shipping label and the insert ready to print: the scan
 * goes through `scan.submit` as at the bench (the parcel is completed and committed, the verdict
 * returned), the print queue takes both jobs (the SSCC allocated, the data kept), renders the
 * 4×6 label and the A5 insert to PDF and stores them. "Ready" is both jobs rendered and stored;
 * no printer is assigned, so nothing waits on a device. In-process core on a fresh demo station,
 * QC checklists switched off (QC would send parcels to the inspector instead of completing them).
 * Each ready-to-pack demo order is packed by scans, then DONE is timed.
 *
 * Budget (DESIGN.md / issue 5): "from DONE to label and insert ready to print: median ≤ 100 ms".
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { DEMO, openCore, type CoreFixture } from '../tests/support/core-fixture';
import { percentile, round, runBenchmark } from './support/figures';

runBenchmark('pack.done', async () => {
  let fixture: CoreFixture = openCore({ random: () => 0.99 });
  // QC is not part of DONE → label: switch the checklists off on this bench station.
  fixture.core.close();
  const raw = new Database(join(fixture.dataDir, 'station.db'));
  raw.prepare("UPDATE policies SET active = 0 WHERE kind = 'checklist'").run();
  const orders = raw
    .prepare<[], { id: string; number: string }>(
      "SELECT id, number FROM orders WHERE status = 'ready_to_pack' ORDER BY number",
    )
    .all()
    .map((order) => ({
      ...order,
      codes: raw
        .prepare<[string], { code: string; quantity: number; serialised: number }>(
          `SELECT (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code,
                  l.quantity, p.serialised FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ? ORDER BY l.line_no`,
        )
        .all(order.id),
    }));
  raw.close();
  const first = fixture;
  fixture = first.reopen();
  try {
    const scan = (code: string) => fixture.ok('scan.submit', { code, source: 'wedge' });
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await fixture.ok('session.bench', { bench: 'pack' });
    const samples: number[] = [];
    let serial = 1;
    for (const order of orders) {
      await scan(order.number);
      for (const line of order.codes) {
        for (let i = 0; i < line.quantity; i++) {
          await scan(line.code);
          if (line.serialised) await scan(`SN-BENCH-${serial++}`);
        }
      }
      // The queue is idle before DONE: only DONE's work is timed.
      await fixture.core.idle();
      const start = process.hrtime.bigint();
      const verdict = await scan('CMD:DONE');
      await fixture.core.idle();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (verdict.message !== 'verdict.pack.done') throw new Error(`DONE on ${order.number}: ${verdict.message}`);
      const jobs = (await fixture.ok('print.jobs', { limit: 2 })).jobs;
      if (jobs.length !== 2 || jobs.some((j) => j.status !== 'held' || j.pages === null))
        throw new Error(`${order.number}: label and insert not ready (${jobs.map((j) => j.status).join(', ')})`);
      samples.push(ms);
    }
    // The first parcels warm the fonts and the code paths up.
    const warm = Float64Array.from(samples.slice(5)).sort();
    return {
      n: warm.length,
      p50_ms: round(percentile(warm, 50), 1),
      p90_ms: round(percentile(warm, 90), 1),
      max_ms: round(warm[warm.length - 1]!, 1),
      first_ms: round(samples[0]!, 1),
    };
  } finally {
    fixture.close();
    first.close();
  }
});

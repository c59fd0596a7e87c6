/**
 * sync.pull — the first sync of 1M reference rows into a station's SQLite: rows/s, and the ratio
 * to a bare bulk insert of the same rows into the same tables in the same run.
 *
 * The cloud is the built service process on a PostgreSQL cluster (fsync on) holding 1M products,
 * each with one barcode (a "reference row" is one document: a `products` row and its
 * `product_barcodes` row). The station is a Core in this process, enrolled with a one-time code;
 * the clock runs from enrolment until the catalog is live — every page fetched (gzip), parsed,
 * validated, staged (resumable, one transaction per page), and swapped into the live tables in
 * one transaction. The bare side inserts the same rows, with the same values, into a fresh
 * station database's real tables in one transaction with prepared statements — once before the
 * cloud starts and once after it stops; the ratio is taken against the faster of the two.
 *
 * Also: the station's CPU time per row (`station_cpu_us_per_row`: this process, its threads
 * included, during the sync — a figure the cloud's pace on the shared cores does not change), the
 * longest stall of this process's event loop during the sync (`max_stall_ms`, which is the swap),
 * and the p99 of 10 ms timer ticks (`p99_stall_ms`: what a call would wait).
 *
 * Where the two cores went during the sync, on Linux (read from `/proc`; left out elsewhere): the
 * cloud's process and the PostgreSQL cluster's CPU time per row (`cloud_cpu_us_per_row`,
 * `postgres_cpu_us_per_row`), and the station's main thread — the one that writes every row —
 * on a CPU (`main_on_cpu_s`) and runnable but waiting for one (`main_waiting_s`). A slow run then
 * shows whether the station's own work grew or the machine was busy.
 * BENCH_SYNC_PULL_ROWS changes the size.
 */
import { rmSync } from 'node:fs';
import pino from 'pino';
import { Core } from '../src/core/app';
import { openDatabase } from '../src/core/db/connection';
import { migrate } from '../src/core/db/migrations/index';
import { syncTimingsFromEnv } from '../src/core/sync/engine';
import { KIND_SPECS } from '../src/core/sync/kinds';
import { hash32 } from '#shared/sync/hash';
import { canonicalJson } from '#shared/util/canonical-json';
import { tempDir } from '../tests/support/paths';
import { DEMO } from '../tests/support/core-fixture';
import { log, percentile, round, runBenchmark, type Figures } from './support/figures';
import { mainThreadSchedMs, postgresCpuMs, processCpuMs } from './support/proc';
import { benchProduct, loadCatalog, startPgCloud, type PgCloud } from './support/sync';

const N = Number(process.env.BENCH_SYNC_PULL_ROWS ?? 1_000_000);

runBenchmark('sync.pull', async () => {
  const temp = tempDir('benchline-bench-pull-');
  // The bare insert runs before the sync (nothing else running yet) and after it: this machine's
  // pace changes from minute to minute, and the ratio is taken against the faster of the two.
  let cloud: PgCloud | null = null;
  let cloudStopped = false;
  try {
    log('sync.pull: bare bulk insert of the same rows, before');
    const bareBefore = bareInsert(`${temp.dir}/bare-before.db`);
    cloud = await startPgCloud();
    log(`sync.pull: loading ${N} products into PostgreSQL`);
    await loadCatalog(cloud.store, cloud.companyId, N);

    const core = new Core({
      dataDir: temp.dir,
      demo: true,
      version: 'bench',
      log: pino({ level: 'warn' }, pino.destination(2)),
      // BENCHLINE_SYNC_PAGE_ROWS and the other sync settings, as the standalone core reads them.
      sync: { start: false, timings: syncTimingsFromEnv(process.env) },
    });
    const ok = async (method: string, input: unknown): Promise<unknown> => {
      const result = await core.call(method, input);
      if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
      return result.value;
    };
    await ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });

    // Event-loop stalls while the sync runs: what a window's call would have waited.
    const stalls: number[] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      stalls.push(Math.max(0, now - last - 10));
      last = now;
    }, 10);

    log('sync.pull: first sync');
    const cloudPid = cloud.cloud.process.pid!;
    const dataDir = cloud.postgres.dataDir;
    const cloudCpuStarted = processCpuMs(cloudPid);
    const postgresCpuStarted = postgresCpuMs(dataDir);
    const mainStarted = mainThreadSchedMs();
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    await ok('sync.enrol', { url: cloud.cloud.url, code: await cloud.code() });
    const sync = core.sync!;
    for (;;) {
      const catalog = sync.view().streams.find((s) => s.name === 'catalog')!;
      if (catalog.phase === 'live' && catalog.upToDate) break;
      if (sync.view().lastError) log(`  (sync error: ${sync.view().lastError!.message})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    const mainEnded = mainThreadSchedMs();
    const cloudCpuEnded = processCpuMs(cloudPid);
    const postgresCpuEnded = postgresCpuMs(dataDir);
    clearInterval(ticker);
    const machine: Figures = {};
    if (cloudCpuStarted !== null && cloudCpuEnded !== null)
      machine['cloud_cpu_us_per_row'] = round(((cloudCpuEnded - cloudCpuStarted) * 1000) / N, 2);
    if (postgresCpuStarted !== null && postgresCpuEnded !== null)
      machine['postgres_cpu_us_per_row'] = round(((postgresCpuEnded - postgresCpuStarted) * 1000) / N, 2);
    if (mainStarted && mainEnded) {
      machine['main_on_cpu_s'] = round((mainEnded.onCpu - mainStarted.onCpu) / 1000, 2);
      machine['main_waiting_s'] = round((mainEnded.waiting - mainStarted.waiting) / 1000, 2);
    }
    const rows = sync.view().streams.find((s) => s.name === 'catalog')!.rows;
    if (rows !== N) throw new Error(`the station has ${rows} catalog rows, not ${N}`);
    const verified = sync.verify('catalog');
    if (!verified.ok) throw new Error(`the station's catalog does not match its hashes: ${verified.mismatched[0]}`);
    await sync.stop();
    core.close();
    const perS = N / seconds;
    log(`sync.pull: ${N} rows in ${round(seconds, 1)} s = ${Math.round(perS)} rows/s`);

    // The bare insert again, with the cloud and PostgreSQL stopped first, so that their leftover
    // work (PostgreSQL writing out what it served) does not slow the bare side and flatter the ratio.
    await cloud.stop();
    cloudStopped = true;
    log('sync.pull: bare bulk insert of the same rows, after');
    const bareAfter = bareInsert(`${temp.dir}/bare-after.db`);
    // The faster of the two: a bare side slowed by a slow stretch of the machine would flatter the ratio.
    const barePerS = N / Math.min(bareBefore, bareAfter);
    log(
      `sync.pull: bare insert ${round(bareBefore, 1)} s before, ${round(bareAfter, 1)} s after: the faster, ${Math.round(barePerS)} rows/s`,
    );
    const sorted = Float64Array.from(stalls).sort();
    return {
      rows: N,
      table_rows: 2 * N,
      duration_s: round(seconds, 1),
      rows_per_s: Math.round(perS),
      bare_rows_per_s: Math.round(barePerS),
      bare_before_rows_per_s: Math.round(N / bareBefore),
      bare_after_rows_per_s: Math.round(N / bareAfter),
      ratio: round(perS / barePerS, 3),
      // The station's own CPU time (its thread, the checkpoint worker, gunzip): what it costs
      // whatever the cloud's pace on the same two cores.
      station_cpu_us_per_row: round((cpu.user + cpu.system) / N, 2),
      ...machine,
      p99_stall_ms: round(percentile(sorted, 99), 1),
      max_stall_ms: round(sorted[sorted.length - 1] ?? 0, 0),
    };
  } finally {
    if (cloud && !cloudStopped) await cloud.stop();
    temp.remove();
  }
});

/**
 * The same rows, with the same values, inserted into a fresh station database's real tables in
 * one transaction with prepared statements; the seconds the inserts and their commit took. The
 * database is deleted afterwards, and the rows built for it are garbage by the time the sync runs.
 */
function bareInsert(file: string): number {
  const db = openDatabase(file);
  migrate(db);
  const product = KIND_SPECS.product;
  const columns = [...product.columns, 'sync_hash'];
  const insertProduct = db.prepare(
    `INSERT INTO products (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
  const insertBarcode = db.prepare('INSERT INTO product_barcodes (code, product_id, kind) VALUES (?, ?, ?)');
  const docs = Array.from({ length: N }, (_, i) => benchProduct(i));
  const values = docs.map((doc) => [...product.row(doc as never), hash32(canonicalJson(doc))]);
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      insertProduct.run(...values[i]!);
      const barcode = docs[i]!.barcodes[0]!;
      insertBarcode.run(barcode.code, docs[i]!.id, barcode.kind);
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  return seconds;
}

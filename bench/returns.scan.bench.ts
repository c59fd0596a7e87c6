/**
 * returns.scan — the core's verdict for each scan at the returns bench, with the catalogue and the
 * returns of a big company in the station database: 1,000,000 products (one EAN-13 each) and
 * 200,000 shipped orders with an RMA each (DESIGN.md's budget: `scan.submit` → verdict p99 ≤ 2 ms).
 *
 * The core runs in this process (the same `Core` the hosts run, called the way a window's
 * connection calls it: input parsed, role checked, output parsed), on a real station database
 * with WAL and `synchronous=FULL` — every scan is a committed, fsync'd transaction, as at the bench.
 * A returns clerk processes random RMAs by scans alone: the RMA number (or its return tracking
 * number, or the serial of its item), each item's barcode, GOOD, and DONE; the verdict time of
 * every scan is a sample. Timed: `core.call('scan.submit')` from call to answer.
 *
 * Each sample is also split in two: the time of the scan's `COMMIT` (the write-ahead log written
 * and fsync'd — the disk's part) and the rest (the core's work), so a run says which of the two
 * its tail came from.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { withCheckDigit } from '#shared/barcode/gtin';
import { DEMO, openCore, type CoreFixture } from '../tests/support/core-fixture';
import { tempDir } from '../tests/support/paths';
import { log, micros, percentile, round, runBenchmark } from './support/figures';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 1_000_000);
const RMAS = Number(process.env.BENCH_RMAS ?? 200_000);
/** Returns processed while measuring; each is 4–8 scans. */
const CASES = Number(process.env.BENCH_CASES ?? 1000);
const WARMUP_CASES = 40;
const DAY = 86_400_000;
const CATEGORIES = ['apparel', 'footwear', 'home'] as const;

/** A product's barcode: EAN-13 with a valid check digit, in a GS1 prefix the demo does not use. */
const ean = (n: number): string => withCheckDigit(`29${String(n).padStart(10, '0')}`);
const serialOf = (n: number): string => `BSN${String(n).padStart(8, '0')}`;

function seedBigCompany(dataDir: string, now: number): void {
  const db = new Database(join(dataDir, 'station.db'));
  db.pragma('journal_mode = WAL');
  const started = performance.now();
  const product = db.prepare(
    `INSERT INTO products (id, sku, brand_id, name, category, weight_g, price_cents, currency, serialised, return_window_days)
     VALUES (?, ?, 'brand-northwind', ?, ?, ?, ?, 'EUR', ?, 30)`,
  );
  const barcode = db.prepare(`INSERT INTO product_barcodes (code, product_id, kind) VALUES (?, ?, 'ean13')`);
  const order = db.prepare(
    `INSERT INTO orders (id, number, brand_id, customer_id, status, placed_at, ship_to, packed_weight_g)
     VALUES (?, ?, 'brand-northwind', NULL, 'shipped', ?, '{"name":"Alex","city":"Lyon","country":"FR"}', ?)`,
  );
  const orderLine = db.prepare(
    `INSERT INTO order_lines (order_id, line_no, product_id, quantity, serials) VALUES (?, ?, ?, 1, ?)`,
  );
  const rma = db.prepare(
    `INSERT INTO rmas (id, number, order_id, status, return_tracking, requested_resolution, created_at)
     VALUES (?, ?, ?, 'authorized', ?, 'refund', ?)`,
  );
  const rmaLine = db.prepare(
    `INSERT INTO rma_lines (rma_id, line_no, product_id, quantity, reason) VALUES (?, ?, ?, 1, 'changed_mind')`,
  );
  db.transaction(() => {
    for (let i = 0; i < PRODUCTS; i++) {
      const id = `bp-${i}`;
      // Every 50th product is serialised: its RMAs can be found by the serial of the item.
      product.run(
        id,
        `BSKU-${i}`,
        `Bench product ${i}`,
        CATEGORIES[i % 3]!,
        300 + (i % 700),
        1999 + (i % 80) * 100,
        i % 50 === 0 ? 1 : 0,
      );
      barcode.run(`0${ean(i)}`, id);
    }
    for (let i = 0; i < RMAS; i++) {
      const orderId = `bo-${i}`;
      const lines = 1 + (i % 3);
      order.run(orderId, `BN${String(i).padStart(8, '0')}`, now - (4 + (i % 15)) * DAY, 400 * lines);
      for (let line = 1; line <= lines; line++) {
        const p = (i * 7 + line * 104_729) % PRODUCTS;
        const serials = p % 50 === 0 ? JSON.stringify([serialOf(i * 3 + line)]) : null;
        orderLine.run(orderId, line, `bp-${p}`, serials);
      }
      rma.run(
        `br-${i}`,
        `RMA-9${String(i).padStart(7, '0')}`,
        orderId,
        `RT9${String(i).padStart(11, '0')}`,
        now - 2 * DAY,
      );
      for (let line = 1; line <= lines; line++)
        rmaLine.run(`br-${i}`, line, `bp-${(i * 7 + line * 104_729) % PRODUCTS}`);
    }
  })();
  db.exec('ANALYZE');
  db.close();
  log(`seeded ${PRODUCTS} products and ${RMAS} orders + RMAs in ${round((performance.now() - started) / 1000, 1)} s`);
}

/**
 * Times every `COMMIT` better-sqlite3 runs in this process (a transaction function commits with a
 * prepared `COMMIT` statement's `run`), adding the nanoseconds to `commitClock.ns`; the bench reads
 * and resets it around each scan. One property read more per statement run.
 */
const commitClock = { ns: 0n };
function timeCommits(): void {
  const probe = new Database(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('SELECT 1')) as {
    run: (this: { source: string }, ...args: unknown[]) => unknown;
  };
  probe.close();
  const run = statement.run;
  statement.run = function timedRun(this: { source: string }, ...args: unknown[]) {
    if (this.source !== 'COMMIT') return run.apply(this, args);
    const start = process.hrtime.bigint();
    try {
      return run.apply(this, args);
    } finally {
      commitClock.ns += process.hrtime.bigint() - start;
    }
  };
}

type Case = { lookup: string; bySerial: boolean; units: { code: string; serial: string | null }[] };

/** RMA i, looked up by its number, its return tracking number, or (serialised) an item's serial. */
function caseOf(i: number): Case {
  const lines = 1 + (i % 3);
  const units = Array.from({ length: lines }, (_, index) => {
    const line = index + 1;
    const p = (i * 7 + line * 104_729) % PRODUCTS;
    return { code: ean(p), serial: p % 50 === 0 ? serialOf(i * 3 + line) : null };
  });
  const withSerial = units.find((u) => u.serial !== null);
  const bySerial = withSerial !== undefined && i % 2 === 0;
  const lookup = bySerial
    ? withSerial.serial!
    : i % 3 === 0
      ? `RT9${String(i).padStart(11, '0')}`
      : `RMA-9${String(i).padStart(7, '0')}`;
  return { lookup, bySerial, units };
}

/** One-row transactions committed with the station's settings (WAL, synchronous=FULL). */
function bareCommits(dir: string): { p50: number; p99: number } {
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (x INTEGER) STRICT');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const once = db.transaction((i: number) => insert.run(i));
  const times = new Float64Array(1000);
  for (let i = 0; i < times.length; i++) {
    const start = process.hrtime.bigint();
    once(i);
    times[i] = micros(start, process.hrtime.bigint());
  }
  db.close();
  times.sort();
  return { p50: round(percentile(times, 50) / 1000, 3), p99: round(percentile(times, 99) / 1000, 3) };
}

runBenchmark('returns.scan', async () => {
  const temp = tempDir('benchline-bench-returns-');
  let fixture: CoreFixture | null = null;
  try {
    const clock = { now: () => Date.now(), advance: () => undefined, set: () => undefined };
    // The demo station first (operators, policies, brands), then the big company beside it.
    openCore({ dataDir: temp.dir, clock }).core.close();
    seedBigCompany(temp.dir, Date.now());
    fixture = openCore({ dataDir: temp.dir, clock });
    const f = fixture;
    await f.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
    await f.ok('session.bench', { bench: 'returns' });

    const samples: number[] = [];
    const commitTimes: number[] = [];
    const workTimes: number[] = [];
    timeCommits();
    const byKind = {
      lookup: [] as number[],
      serialLookup: [] as number[],
      item: [] as number[],
      serial: [] as number[],
      good: [] as number[],
      done: [] as number[],
    };
    const scan = async (code: string, kind: keyof typeof byKind, measure: boolean): Promise<string> => {
      commitClock.ns = 0n;
      const start = process.hrtime.bigint();
      const result = await f.core.call('scan.submit', { code, source: 'wedge' }, connection);
      const end = process.hrtime.bigint();
      const committing = Number(commitClock.ns) / 1000;
      if (!result.ok) throw new Error(`scan ${code}: ${result.error.code} ${result.error.message}`);
      // The station finishes what the scan started (the view pushed to the window, a bin label,
      // the write-ahead log's upkeep) before the next scan, as it does at a bench where scans
      // come a second or so apart.
      await f.core.idle();
      const verdict = result.value as { tone: string; message: string };
      if (measure) {
        samples.push(micros(start, end));
        byKind[kind].push(micros(start, end));
        commitTimes.push(committing);
        workTimes.push(micros(start, end) - committing);
      }
      return `${verdict.tone} ${verdict.message}`;
    };
    const connection = f.core.attach(() => undefined).id;

    // Random RMAs, never the same one twice (a closed RMA is refused, as at a real bench).
    let seed = 12345;
    const used = new Set<number>();
    if (WARMUP_CASES + CASES > RMAS) throw new Error(`BENCH_RMAS must be at least ${WARMUP_CASES + CASES}`);
    const next = (): number => {
      for (;;) {
        // In 32-bit integer arithmetic: a double product loses its low bits past 2^53, and the
        // sequence then fell into a short cycle that never reached a new RMA (BENCH_RMAS=20000 hung).
        seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
        const i = seed % RMAS;
        if (!used.has(i)) {
          used.add(i);
          return i;
        }
      }
    };
    const started = performance.now();
    for (let n = 0; n < WARMUP_CASES + CASES; n++) {
      const measure = n >= WARMUP_CASES;
      const c = caseOf(next());
      const opened = await scan(c.lookup, c.bySerial ? 'serialLookup' : 'lookup', measure);
      if (!opened.includes('returns.opened')) throw new Error(`${c.lookup}: ${opened}`);
      for (const unit of c.units) {
        await scan(unit.code, 'item', measure);
        if (unit.serial) await scan(unit.serial, 'serial', measure);
        await scan('CMD:GOOD', 'good', measure);
      }
      const closed = await scan('CMD:DONE', 'done', measure);
      if (!closed.includes('returns.closed')) throw new Error(`DONE: ${closed}`);
    }
    log(`${samples.length} scans over ${CASES} returns in ${round((performance.now() - started) / 1000, 1)} s`);
    // How often the core started the write-ahead log over between scans (db/checkpointer.ts).
    const inspect = new Database(join(temp.dir, 'station.db'), { readonly: true });
    const restarts = inspect.prepare('SELECT coalesce(max(restarts), 0) FROM log_restarts').pluck().get() as number;
    inspect.close();

    const sorted = Float64Array.from(samples).sort();
    const p99 = (values: number[]): number =>
      values.length > 0 ? round(percentile(Float64Array.from(values).sort(), 99) / 1000, 3) : -1;
    const commits = bareCommits(temp.dir);
    return {
      products: PRODUCTS,
      rmas: RMAS,
      scans: samples.length,
      p50_ms: round(percentile(sorted, 50) / 1000, 3),
      p99_ms: round(percentile(sorted, 99) / 1000, 3),
      max_ms: round(sorted[sorted.length - 1]! / 1000, 3),
      lookup_p99_ms: p99(byKind.lookup),
      serial_lookups: byKind.serialLookup.length,
      serial_lookup_p99_ms: p99(byKind.serialLookup),
      item_p99_ms: p99(byKind.item),
      good_p99_ms: p99(byKind.good),
      done_p99_ms: p99(byKind.done),
      commit_p50_ms: round(percentile(Float64Array.from(commitTimes).sort(), 50) / 1000, 3),
      commit_p99_ms: p99(commitTimes),
      work_p50_ms: round(percentile(Float64Array.from(workTimes).sort(), 50) / 1000, 3),
      work_p99_ms: p99(workTimes),
      slow_commits: commitTimes.filter((us) => us > 2000).length,
      log_restarts: restarts,
      // The floor under every scan: one fsync'd commit of a one-row insert, same disk, same run.
      bare_commit_p50_ms: commits.p50,
      bare_commit_p99_ms: commits.p99,
    };
  } finally {
    fixture?.close();
    temp.remove();
  }
});

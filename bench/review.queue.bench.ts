/**
 * review.queue — filter and render the supervisor's queue of 10 000 fraud flags, in web mode.
 *
 * Data: a demo station with 10 000 closed return cases, one flag each (severities 25 % high,
 * 45 % medium, 30 % low; five types; statuses 60 % open, 9 % escalated, 6 % more information
 * asked, 17 % cleared, 8 % confirmed; raised over the last 14 days), one item each.
 *
 * What is timed, in Debian's Chromium against the built web-mode core (`out/main/standalone.js`),
 * with the supervisor on the review bench's queue: one change of a filter (status, severity,
 * type or age) — from the `change` event of the select (`performance.now()` just before it is
 * dispatched) until the animation frame after the DOM shows the new result (the count of matching
 * flags, and the first and last row of the page being the flags the core returns for that filter).
 * That is: the store's call over the WebSocket, the core's input parse, both SQL statements (the
 * page of 100 rows, most severe then oldest, each with its case value; and the count of all
 * matches) and the output parse, the JSON back, React rendering the 100 rows, and layout up to
 * the frame. The page holds 100 rows ("show 100 more" adds pages); the count covers all matches.
 * 14 filter changes, cycled 6 times (84 samples, after one untimed cycle).
 *
 * `core_*` is the same query from a Node WebSocket client (no browser): the core's share.
 * `core_all_ms` asks for every match at once (limit 10 000, the default filter: 7 500 flags).
 *
 * Budget (issue 8): filter and render a queue of 10k flags ≤ 100 ms.
 */
import type { Page } from 'playwright-core';
import type { MethodInput } from '#shared/contract/index';
import { launchChromium, openStation } from '../tests/support/chromium';
import { DEMO } from '../tests/support/core-fixture';
import { startCore, type RunningCore } from '../tests/support/core-process';
import { tempDir } from '../tests/support/paths';
import { connectCore, type CoreClient } from '../tests/support/ws-client';
import { log, percentile, round, runBenchmark } from './support/figures';
import { openStationDb, seedDemoStation, seeded } from './support/station';

const FLAGS = 10_000;
const PAGE = 100;
const CYCLES = 6;
const HOUR = 3_600_000;
const TYPES = ['item_swap', 'serial_returner', 'empty_box', 'wardrobing', 'high_value'];

type Filter = { status: string; severity: string; type: string; age: string };
type Change = { id: keyof Filter; value: string };

const SELECT: Record<keyof Filter, string> = {
  status: '#filter-status',
  severity: '#filter-severity',
  type: '#filter-type',
  age: '#filter-age',
};

/** One cycle of filter changes, each giving a different page than the one before. */
const CHANGES: Change[] = [
  { id: 'severity', value: 'high' },
  { id: 'severity', value: 'medium' },
  { id: 'severity', value: 'low' },
  { id: 'severity', value: '' },
  { id: 'type', value: 'item_swap' },
  { id: 'type', value: 'serial_returner' },
  { id: 'type', value: '' },
  { id: 'status', value: 'any' },
  { id: 'status', value: 'open' },
  { id: 'status', value: 'cleared' },
  { id: 'status', value: 'unresolved' },
  { id: 'age', value: '72' },
  { id: 'age', value: '168' },
  { id: 'age', value: '' },
];

function seedFlags(dataDir: string, now: number): void {
  const db = openStationDb(dataDir);
  const random = seeded(10);
  const stationId = db.prepare<[], { id: string }>('SELECT id FROM station').get()!.id;
  const products = db.prepare<[], { id: string; price_cents: number }>('SELECT id, price_cents FROM products').all();
  const insertCase = db.prepare(
    `INSERT INTO return_cases (id, station_id, clerk_id, kind, status, found_by, opened_at, closed_at)
     VALUES (?, ?, 'op-returns', 'unexpected', 'closed', 'bench', ?, ?)`,
  );
  const insertItem = db.prepare(
    `INSERT INTO return_items (case_id, item_no, product_id, code, match, value_cents, status, grade, scanned_at)
     VALUES (?, 1, ?, 'bench', 'extra', ?, 'routed', 'B', ?)`,
  );
  const insertFlag = db.prepare(
    `INSERT INTO fraud_flags (id, case_id, type, severity, score, explanation, evidence, rule, status, raised_at)
     VALUES (?, ?, ?, ?, 1, ?, '{}', 'fraud@1:bench', ?, ?)`,
  );
  const pick = <T>(weights: [T, number][]): T => {
    let draw = random();
    for (const [value, weight] of weights) {
      if (draw < weight) return value;
      draw -= weight;
    }
    return weights[weights.length - 1]![0];
  };
  db.transaction(() => {
    for (let i = 0; i < FLAGS; i++) {
      const at = Math.round(now - random() * 14 * 24 * HOUR);
      const product = products[Math.floor(random() * products.length)]!;
      const id = `case-q-${String(i).padStart(5, '0')}`;
      insertCase.run(id, stationId, at - 60_000, at);
      insertItem.run(id, product.id, product.price_cents, at - 30_000);
      const type = TYPES[Math.floor(random() * TYPES.length)]!;
      insertFlag.run(
        `flag-q-${String(i).padStart(5, '0')}`,
        id,
        type,
        pick([
          ['high', 0.25],
          ['medium', 0.45],
          ['low', 0.3],
        ]),
        `Bench flag ${i}: ${type.replace(/_/g, ' ')} on a return worth ${(product.price_cents / 100).toFixed(2)}.`,
        pick([
          ['open', 0.6],
          ['escalated', 0.09],
          ['info_requested', 0.06],
          ['cleared', 0.17],
          ['confirmed', 0.08],
        ]),
        at,
      );
    }
  })();
  db.exec('ANALYZE');
  db.close();
}

function queueInput(filter: Filter, limit: number): MethodInput<'review.queue'> {
  return {
    status: filter.status as NonNullable<MethodInput<'review.queue'>['status']>,
    ...(filter.severity ? { severity: filter.severity as 'high' | 'medium' | 'low' } : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.age ? { olderThanHours: Number(filter.age) } : {}),
    limit,
  };
}

/**
 * Runs in the page: changes one filter and resolves with the milliseconds until the frame after
 * the expected page is in the DOM. Plain JavaScript text: the page must not see the helpers the
 * TypeScript loader adds to functions.
 */
const TIME_CHANGE = `({ selector, value, total, first, last }) => new Promise((resolve, reject) => {
  const select = document.querySelector(selector);
  const shows = () => {
    const count = document.querySelector('[data-testid="queue-count"]')?.textContent ?? '';
    const rows = document.querySelectorAll('[data-testid="queue-table"] tbody tr');
    return count.startsWith(total + ' flag') && rows[0]?.dataset.flag === first && rows[rows.length - 1]?.dataset.flag === last;
  };
  if (shows()) return reject(new Error('the page already shows ' + total + ' flags from ' + first + ': nothing to time'));
  const timer = setTimeout(() => reject(new Error('no ' + total + ' flags from ' + first + ' in 10 s')), 10000);
  const observer = new MutationObserver(() => {
    if (!shows()) return;
    observer.disconnect();
    clearTimeout(timer);
    requestAnimationFrame(() => resolve(performance.now() - start));
  });
  observer.observe(document.querySelector('[data-screen="review"]'), { subtree: true, childList: true, characterData: true, attributes: true });
  const start = performance.now();
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
})`;

/** Changes one filter in the page and times it until the expected page is on screen. */
async function timeChange(
  page: Page,
  change: Change,
  expected: { total: number; first: string; last: string },
): Promise<number> {
  const args = { selector: SELECT[change.id], value: change.value, ...expected };
  return page.evaluate<number>(`(${TIME_CHANGE})(${JSON.stringify(args)})`);
}

runBenchmark('review.queue', async () => {
  const temp = tempDir('benchline-bench-queue-');
  let core: RunningCore | null = null;
  let client: CoreClient | null = null;
  const browser = await launchChromium();
  const abort = (): void => {
    void Promise.all([core?.kill(), browser.close()]).finally(() => {
      temp.remove();
      process.exit(1);
    });
  };
  process.once('SIGTERM', abort);
  process.once('SIGINT', abort);
  try {
    const now = Date.now();
    seedDemoStation(temp.dir);
    seedFlags(temp.dir, now);
    core = await startCore({ dataDir: temp.dir });
    client = await connectCore(core.port, core.token);
    const ok = async <T>(result: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>) => {
      const r = await result;
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    await ok(client.call('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin }));
    await ok(client.call('session.bench', { bench: 'review' }));

    // The core alone, from Node: the same queries the page will make.
    const filter: Filter = { status: 'unresolved', severity: '', type: '', age: '' };
    const expectations: { change: Change; total: number; first: string; last: string }[] = [];
    const coreSamples: number[] = [];
    for (let cycle = 0; cycle < 2; cycle++) {
      for (const change of CHANGES) {
        filter[change.id] = change.value;
        const start = process.hrtime.bigint();
        const queue = await ok(client.call('review.queue', queueInput(filter, PAGE)));
        coreSamples.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (cycle === 0)
          expectations.push({
            change,
            total: queue.total,
            first: queue.items[0]!.flagId,
            last: queue.items[queue.items.length - 1]!.flagId,
          });
      }
    }
    const allStart = process.hrtime.bigint();
    const all = await ok(client.call('review.queue', { limit: 10_000 }));
    const coreAllMs = Number(process.hrtime.bigint() - allStart) / 1e6;
    log(`core: every unresolved flag at once (${all.items.length} of ${all.total}) in ${round(coreAllMs, 1)} ms`);

    const page = await openStation(browser, core.url);
    await page.waitForSelector('[data-testid="queue-table"] tbody tr');
    const samples: number[] = [];
    for (let cycle = 0; cycle <= CYCLES; cycle++) {
      for (const expected of expectations) {
        const ms = await timeChange(page, expected.change, expected);
        if (cycle > 0) samples.push(ms);
      }
    }
    const rows = await page.$$eval('[data-testid="queue-table"] tbody tr', (found) => found.length);
    if (rows !== PAGE) throw new Error(`the page shows ${rows} rows, expected ${PAGE}`);
    await page.context().close();
    const sorted = Float64Array.from(samples).sort();
    const coreSorted = Float64Array.from(coreSamples).sort();
    return {
      flags: FLAGS,
      rows: PAGE,
      n: sorted.length,
      p50_ms: round(percentile(sorted, 50), 1),
      p95_ms: round(percentile(sorted, 95), 1),
      max_ms: round(sorted[sorted.length - 1]!, 1),
      core_p50_ms: round(percentile(coreSorted, 50), 2),
      core_p95_ms: round(percentile(coreSorted, 95), 2),
      core_all_ms: round(coreAllMs, 1),
    };
  } finally {
    await client?.close();
    await browser.close();
    if (core) {
      await core.stop();
      if (core.stderr().trim() !== '') log(`core stderr:\n${core.stderr()}`);
    }
    temp.remove();
  }
});

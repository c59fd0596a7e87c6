/**
 * sync.responsive — the p99 of a window's calls while sync applies big pages.
 *
 * A web-mode station process (the built `out/main/standalone.js`), a Node WebSocket client making
 * calls one after another (a product scan, then `app.status`, 2 ms apart), and the cloud service
 * process on PostgreSQL with 200 000 products. Two phases, each timed call by call:
 *
 * - `p50_ms`, `p99_ms`, `max_ms`: while 200 000 changed products arrive as live pages (each page
 *   applied with its cursor in one transaction, about 12 ms a page, the loop yielding between);
 * - `first_sync_p99_ms`, `first_sync_max_ms`: during the first sync of those 200 000 rows, which
 *   ends with the atomic swap of the staged catalog into the live tables — one transaction the
 *   calls wait behind.
 *
 * Budget (DESIGN.md): any call while a big sync page is applied, p99 ≤ 50 ms.
 */
import { hash32, mod32 } from '#shared/sync/hash';
import { canonicalJson } from '#shared/util/canonical-json';
import { startCore } from '../tests/support/core-process';
import { DEMO } from '../tests/support/core-fixture';
import { tempDir } from '../tests/support/paths';
import { connectCore, type CoreClient } from '../tests/support/ws-client';
import { log, percentile, round, runBenchmark } from './support/figures';
import { benchProduct, loadCatalog, startPgCloud } from './support/sync';

const N = Number(process.env.BENCH_SYNC_RESPONSIVE_ROWS ?? 200_000);

type Phase = { samples: number[]; done: boolean };

/** Calls the station back to back until the phase is done; returns each call's latency in ms. */
async function measure(client: CoreClient, phase: Phase): Promise<void> {
  let i = 0;
  while (!phase.done) {
    const started = performance.now();
    const result =
      i % 2 === 0
        ? await client.call('scan.submit', { code: `BENCH${String(i % N).padStart(8, '0')}`, source: 'wedge' })
        : await client.call('app.status', {});
    if (!result.ok) throw new Error(`call failed: ${result.error.message}`);
    phase.samples.push(performance.now() - started);
    i++;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function waitCatalog(watcher: CoreClient, live: (rows: number) => boolean): Promise<void> {
  for (;;) {
    const view = await watcher.call('sync.status', {});
    if (view.ok) {
      const catalog = view.value.streams.find((s) => s.name === 'catalog')!;
      if (catalog.phase === 'live' && catalog.upToDate && live(catalog.rows)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function figures(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(samples).sort();
  return {
    p50: round(percentile(sorted, 50), 2),
    p99: round(percentile(sorted, 99), 1),
    max: round(sorted[sorted.length - 1]!, 0),
  };
}

runBenchmark('sync.responsive', async () => {
  const cloud = await startPgCloud();
  const temp = tempDir('benchline-bench-responsive-');
  const core = await startCore({ dataDir: temp.dir, env: { BENCHLINE_SYNC_POLL_MS: '1000' } });
  try {
    log(`sync.responsive: loading ${N} products`);
    await loadCatalog(cloud.store, cloud.companyId, N);
    const client = await connectCore(core.port, core.token, { timeoutMs: 60_000 });
    const watcher = await connectCore(core.port, core.token, { timeoutMs: 60_000 });
    const login = await client.call('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    if (!login.ok) throw new Error(login.error.message);
    // The company's operators: the demo supervisor, so the session survives the operators stream.
    await fetch(`${cloud.cloud.url}/v1/oms/operators`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cloud.apiKey}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify({
        op: 'upsert',
        data: {
          id: DEMO.supervisor.id,
          name: 'Sam Okafor',
          role: 'supervisor',
          badge: DEMO.supervisor.badge,
          pin: DEMO.supervisor.pin,
        },
      }),
    });

    log('sync.responsive: phase 1, the first sync (staging and the swap)');
    const first: Phase = { samples: [], done: false };
    const firstRun = measure(client, first);
    const enrolled = await client.call('sync.enrol', { url: cloud.cloud.url, code: await cloud.code() });
    if (!enrolled.ok) throw new Error(enrolled.error.message);
    await waitCatalog(watcher, (rows) => rows === N);
    first.done = true;
    await firstRun;

    log('sync.responsive: phase 2, every product changed, applied as live pages');
    const ids: string[] = [];
    const bodies: string[] = [];
    const hashes: number[] = [];
    for (let i = 0; i < N; i++) {
      const doc = { ...benchProduct(i), name: `Bench product ${i} — renamed` };
      ids.push(doc.id);
      bodies.push(canonicalJson(doc));
      hashes.push(hash32(canonicalJson(doc)));
    }
    // Each batch as the OMS import writes it: the records and the stream's checksum in one
    // transaction, so no page the station reads meanwhile pairs new rows with an old checksum.
    for (let i = 0; i < N; i += 20_000) {
      const batch = {
        ids: ids.slice(i, i + 20_000),
        bodies: bodies.slice(i, i + 20_000),
        hashes: hashes.slice(i, i + 20_000),
      };
      await cloud.store.tx(async (q) => {
        const before = await q.query<{ sum: string }>(
          `SELECT coalesce(sum(hash), 0) AS sum FROM records WHERE company_id = $1 AND kind = 'product' AND id = ANY($2::text[])`,
          [cloud.companyId, batch.ids],
        );
        await q.query(
          `UPDATE records r SET body = u.body, hash = u.hash, xid = pg_current_xact_id(), n = nextval('change_n')
             FROM unnest($2::text[], $3::text[], $4::bigint[]) AS u(id, body, hash)
            WHERE r.company_id = $1 AND r.kind = 'product' AND r.id = u.id`,
          [cloud.companyId, batch.ids, batch.bodies, batch.hashes],
        );
        const delta = mod32(batch.hashes.reduce((sum, h) => sum + h, 0) - Number(before.rows[0]!.sum));
        await q.query(
          `UPDATE stream_stats SET checksum = mod(checksum + $2, 4294967296) WHERE company_id = $1 AND stream = 'catalog'`,
          [cloud.companyId, delta],
        );
      });
    }
    const live: Phase = { samples: [], done: false };
    const liveRun = measure(client, live);
    const startedLive = performance.now();
    await watcher.call('sync.now', {});
    // Done when the last product changed (the last in commit order) has its new name, and the
    // catalog is up to date with the checksum agreeing.
    const lastCode = `BENCH${String(N - 1).padStart(8, '0')}`;
    for (;;) {
      const verdict = await watcher.call('scan.submit', { code: lastCode, source: 'manual' });
      if (verdict.ok && String(verdict.value.params['name'] ?? '').includes('renamed')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitCatalog(watcher, () => true);
    live.done = true;
    await liveRun;
    const liveSeconds = (performance.now() - startedLive) / 1000;
    const phase1 = figures(first.samples);
    const phase2 = figures(live.samples);
    log(
      `sync.responsive: live pages ${round(liveSeconds, 1)} s, ${live.samples.length} calls; first sync ${first.samples.length} calls`,
    );
    await client.close();
    await watcher.close();
    return {
      rows: N,
      calls: live.samples.length,
      p50_ms: phase2.p50,
      p99_ms: phase2.p99,
      max_ms: phase2.max,
      live_rows_per_s: Math.round(N / liveSeconds),
      first_sync_calls: first.samples.length,
      first_sync_p99_ms: phase1.p99,
      first_sync_max_ms: phase1.max,
    };
  } finally {
    await core.stop();
    await cloud.stop();
    temp.remove();
  }
});

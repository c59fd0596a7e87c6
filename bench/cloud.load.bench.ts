/**
 * cloud.load — 200 simulated stations pushing and pulling at once against one cloud service
 * process on PostgreSQL, on loopback: throughput and latency.
 *
 * Each simulated station is enrolled with its own code and token, downloads the catalog (5 000
 * products) once, then loops for the run's duration: upload a batch of 20 events (a valid hash
 * chain, so the cloud checks and stores each one), then ask every stream for changes since its
 * cursor, then pause 0–200 ms. Meanwhile the OMS changes 50 products a second, so the pulls carry
 * data. Latency is per HTTP request, measured in this process (which also has to drive 200
 * stations: on the 2-core machine it shares the cores with the service and PostgreSQL).
 * BENCH_CLOUD_STATIONS and BENCH_CLOUD_SECONDS change the load.
 */
import { GENESIS_HASH, type UploadEvent } from '#shared/sync/protocol';
import { STREAMS } from '#shared/sync/records';
import { eventHash } from '../src/core/events/chain';
import { log, percentile, round, runBenchmark } from './support/figures';
import { benchProduct, loadCatalog, startPgCloud } from './support/sync';

const STATIONS = Number(process.env.BENCH_CLOUD_STATIONS ?? 200);
const SECONDS = Number(process.env.BENCH_CLOUD_SECONDS ?? 30);
const BATCH = 20;

type Sim = {
  token: string;
  localId: string;
  incarnation: string;
  seq: number;
  prev: string;
  cursors: Map<string, string>;
};

runBenchmark('cloud.load', async () => {
  const cloud = await startPgCloud({ maxConnections: 100 });
  try {
    await loadCatalog(cloud.store, cloud.companyId, 5000);
    const url = cloud.cloud.url;
    log(`cloud.load: enrolling ${STATIONS} stations`);
    const sims: Sim[] = [];
    for (let i = 0; i < STATIONS; i++) {
      const localId = `SIM-${String(i).padStart(4, '0')}`;
      const incarnation = `inc-${localId}`;
      const answer = await fetch(`${url}/v1/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: await cloud.code(),
          station: { localId, name: localId, incarnation, appVersion: 'bench' },
        }),
      });
      const { token } = (await answer.json()) as { token: string };
      sims.push({ token, localId, incarnation, seq: 0, prev: GENESIS_HASH, cursors: new Map() });
    }
    const pushes: number[] = [];
    const pulls: number[] = [];
    let events = 0;
    let errors = 0;
    let rows = 0;
    const timed = async (into: number[], run: () => Promise<Response>): Promise<Response | null> => {
      const started = performance.now();
      try {
        const response = await run();
        await response.arrayBuffer().then((body) => (response.ok ? body : null));
        into.push(performance.now() - started);
        if (!response.ok) errors++;
        return response;
      } catch {
        errors++;
        return null;
      }
    };
    const pull = async (sim: Sim): Promise<void> => {
      for (const stream of STREAMS) {
        for (;;) {
          const cursor = sim.cursors.get(stream);
          const started = performance.now();
          let more = false;
          try {
            const response = await fetch(
              `${url}/v1/sync/streams/${stream}?limit=5000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
              { headers: { authorization: `Bearer ${sim.token}`, 'accept-encoding': 'gzip' } },
            );
            const page = (await response.json()) as { cursor: string; more: boolean; rows: unknown[] };
            pulls.push(performance.now() - started);
            if (!response.ok) {
              errors++;
              break;
            }
            rows += page.rows.length;
            sim.cursors.set(stream, page.cursor);
            more = page.more;
          } catch {
            errors++;
          }
          if (!more) break;
        }
      }
    };
    const push = async (sim: Sim): Promise<void> => {
      const batch: UploadEvent[] = [];
      for (let i = 0; i < BATCH; i++) {
        const fields = {
          id: `01SIM${sim.localId.slice(4)}${String(sim.seq + 1).padStart(15, '0')}`.slice(0, 26),
          seq: sim.seq + 1,
          stationId: sim.localId,
          operatorId: 'op-packer',
          type: 'scan.recorded',
          subject: `prod-${sim.seq % 997}`,
          payload: JSON.stringify({ code: `0${4006381333931 + sim.seq}`, kind: 'product', source: 'wedge' }),
          schemaVersion: 1,
          createdAt: Date.now(),
          prevHash: sim.prev,
        };
        const event = { ...fields, hash: eventHash(fields) };
        batch.push(event);
        sim.seq++;
        sim.prev = event.hash;
      }
      const response = await timed(pushes, () =>
        fetch(`${url}/v1/sync/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ incarnation: sim.incarnation, events: batch }),
        }),
      );
      if (response?.ok) events += BATCH;
    };

    log('cloud.load: first downloads');
    await Promise.all(sims.map((sim) => pull(sim)));
    pulls.length = 0;
    rows = 0;

    log(`cloud.load: ${STATIONS} stations for ${SECONDS} s`);
    const until = Date.now() + SECONDS * 1000;
    const oms = (async () => {
      let round = 0;
      while (Date.now() < until) {
        const docs = Array.from({ length: 50 }, (_, i) => ({
          ...benchProduct((round * 50 + i) % 5000),
          name: `Changed ${round}`,
        }));
        await fetch(`${url}/v1/oms/products`, {
          method: 'POST',
          headers: { authorization: `Bearer ${cloud.apiKey}`, 'content-type': 'application/x-ndjson' },
          body: docs.map((data) => JSON.stringify({ op: 'upsert', data })).join('\n'),
        });
        round++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();
    const started = performance.now();
    await Promise.all([
      oms,
      ...sims.map(async (sim) => {
        while (Date.now() < until) {
          await push(sim);
          await pull(sim);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
        }
      }),
    ]);
    const seconds = (performance.now() - started) / 1000;
    const pushSorted = Float64Array.from(pushes).sort();
    const pullSorted = Float64Array.from(pulls).sort();
    const { rows: stored } = await cloud.store.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE company_id = $1',
      [cloud.companyId],
    );
    if (stored[0]!.n !== events)
      throw new Error(`PostgreSQL holds ${stored[0]!.n} events; ${events} were acknowledged`);
    return {
      stations: STATIONS,
      duration_s: round(seconds, 1),
      requests_per_s: Math.round((pushes.length + pulls.length) / seconds),
      events_per_s: Math.round(events / seconds),
      pulled_rows_per_s: Math.round(rows / seconds),
      push_p50_ms: round(percentile(pushSorted, 50), 1),
      push_p99_ms: round(percentile(pushSorted, 99), 1),
      pull_p50_ms: round(percentile(pullSorted, 50), 1),
      pull_p99_ms: round(percentile(pullSorted, 99), 1),
      errors,
    };
  } finally {
    await cloud.stop();
  }
});

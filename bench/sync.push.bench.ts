/**
 * sync.push — 100k station events uploaded into PostgreSQL: events/s.
 *
 * The station is a Core in this process whose event log holds 100 000 events (`scan.recorded`,
 * written through the event log before enrolment: a station that was offline for days). The cloud
 * is the built service process on a PostgreSQL cluster with fsync on. The clock runs from
 * enrolment until the cloud has acknowledged every event: batches of up to 1000 events, gzip, one
 * in flight, each applied in one PostgreSQL transaction with the station's high-water mark (every
 * event's hash recomputed, its link to the previous one checked). BENCH_SYNC_PUSH_EVENTS changes
 * the count.
 */
import pino from 'pino';
import { Core } from '../src/core/app';
import { openDatabase } from '../src/core/db/connection';
import { EventLog } from '../src/core/events/log';
import { tempDir } from '../tests/support/paths';
import { DEMO } from '../tests/support/core-fixture';
import { log, round, runBenchmark } from './support/figures';
import { startPgCloud } from './support/sync';

const N = Number(process.env.BENCH_SYNC_PUSH_EVENTS ?? 100_000);

runBenchmark('sync.push', async () => {
  const cloud = await startPgCloud();
  const temp = tempDir('benchline-bench-push-');
  try {
    const core = new Core({
      dataDir: temp.dir,
      demo: true,
      version: 'bench',
      log: pino({ level: 'warn' }, pino.destination(2)),
      sync: { start: false },
    });
    const ok = async (method: string, input: unknown): Promise<unknown> => {
      const result = await core.call(method, input);
      if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
      return result.value;
    };
    await ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const stationId = ((await ok('app.status', {})) as { station: { id: string } }).station.id;
    log(`sync.push: writing ${N} events at the station`);
    const side = openDatabase(`${temp.dir}/station.db`);
    const events = new EventLog(side, stationId);
    const write = side.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        events.append({
          type: 'scan.recorded',
          operatorId: DEMO.packer.id,
          subject: `prod-${i % 997}`,
          payload: { code: `0${4006381333931 + i}`, source: 'wedge', symbology: 'E0', kind: 'product' },
        });
      }
    });
    for (let i = 0; i < N; i += 10_000) write(i, Math.min(N, i + 10_000));
    side.close();
    const before = core.sync!.view().queue.depth;

    log(`sync.push: uploading ${before} events`);
    const started = performance.now();
    await ok('sync.enrol', { url: cloud.cloud.url, code: await cloud.code() });
    const sync = core.sync!;
    for (;;) {
      const view = sync.view();
      if (view.queue.depth === 0) break;
      if (view.lastError) log(`  (sync error: ${view.lastError.message})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    await sync.stop();
    core.close();
    const { rows } = await cloud.store.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE company_id = $1 AND status = 'applied'",
      [cloud.companyId],
    );
    if (rows[0]!.n < N) throw new Error(`PostgreSQL holds ${rows[0]!.n} applied events, not ${N}`);
    log(`sync.push: ${rows[0]!.n} events in ${round(seconds, 1)} s`);
    return {
      events: rows[0]!.n,
      duration_s: round(seconds, 2),
      events_per_s: Math.round(rows[0]!.n / seconds),
    };
  } finally {
    await cloud.stop();
    temp.remove();
  }
});

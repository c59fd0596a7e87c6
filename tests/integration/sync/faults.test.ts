import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultFor, prng, startHarness, type Harness } from '../../support/sync-harness';
import type { FaultMode } from '../../support/fault-proxy';

/**
 * Process-level fault tests: web-mode station processes and the cloud service process on a real
 * PostgreSQL, with SIGKILLs at random moments and a TCP proxy in front of the cloud that drops,
 * delays, cuts and truncates. After each run, at quiescence: every event the stations acknowledged
 * is in PostgreSQL exactly once, and every station's reference data equals PostgreSQL's.
 */
describe('sync under faults (station and cloud processes, PostgreSQL)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ stations: 3, extraProducts: 1500 });
    await harness.quiesce();
  }, 240_000);

  afterAll(async () => {
    await harness?.close();
  });

  /** Scans at every station and OMS writes, until `stop` is set. */
  function workload(random: () => number, stop: { done: boolean }): Promise<unknown> {
    const stations = harness.stations.map(async (station, i) => {
      let n = 0;
      while (!stop.done) {
        const code = random() < 0.5 ? `NW-${i}-${n}` : 'NW10001';
        await harness.scan(station, code).catch(() => false);
        n++;
        await new Promise((resolve) => setTimeout(resolve, 20 + random() * 120));
      }
    });
    const oms = (async () => {
      let round = 0;
      while (!stop.done) {
        await harness.omsWrite(random, round++);
        await new Promise((resolve) => setTimeout(resolve, 100 + random() * 300));
      }
    })();
    return Promise.all([...stations, oms]);
  }

  it('SIGKILLs station cores at random moments while they upload and download', async () => {
    const random = prng(1);
    const stop = { done: false };
    const load = workload(random, stop);
    let kills = 0;
    for (let round = 0; round < 16; round++) {
      await new Promise((resolve) => setTimeout(resolve, 150 + random() * 900));
      const station = harness.stations[Math.floor(random() * harness.stations.length)]!;
      await harness.killStation(station);
      kills++;
      await new Promise((resolve) => setTimeout(resolve, random() * 400));
      await harness.startStation(station);
    }
    stop.done = true;
    await load;
    await harness.quiesce();
    const checked = await harness.check();
    console.log(`faults: ${kills} station SIGKILLs; ${JSON.stringify(checked)}`);
    expect(checked.acknowledged).toBeGreaterThan(50);
  }, 300_000);

  it('SIGKILLs and restarts the cloud at random moments during uploads and downloads', async () => {
    const random = prng(2);
    const stop = { done: false };
    const load = workload(random, stop);
    for (let round = 0; round < 6; round++) {
      await new Promise((resolve) => setTimeout(resolve, 500 + random() * 1500));
      await harness.restartCloud(round % 3 === 2 ? 'stop' : 'kill');
    }
    stop.done = true;
    await load;
    await harness.quiesce();
    const checked = await harness.check();
    console.log(`faults: 6 cloud restarts (4 SIGKILL, 2 SIGTERM); ${JSON.stringify(checked)}`);
    expect(checked.events).toBeGreaterThan(0);
  }, 300_000);

  it('survives partitions both ways, half-open sockets, cut answers, truncated gzip pages, a captive portal and 503s', async () => {
    const random = prng(3);
    const stop = { done: false };
    const load = workload(random, stop);
    const modes: { mode: FaultMode; cutAfterBytes?: number; delayMs?: number }[] = [
      { mode: 'blackhole' },
      { mode: 'drop_request' },
      { mode: 'drop_response' },
      { mode: 'refuse' },
      { mode: 'cut', cutAfterBytes: 300 },
      { mode: 'cut', cutAfterBytes: 1500 },
      { mode: 'captive' },
      { mode: 'http503' },
      { mode: 'pass', delayMs: 150 },
    ];
    const faults = harness.stations.map(async (station) => {
      for (let round = 0; round < 10; round++) {
        const fault = modes[Math.floor(random() * modes.length)]!;
        await faultFor(station.proxy, fault.mode, 300 + random() * 2500, fault);
        await new Promise((resolve) => setTimeout(resolve, random() * 500));
      }
    });
    await Promise.all(faults);
    stop.done = true;
    await load;
    await harness.quiesce();
    const checked = await harness.check();
    const counts = harness.stations.map((s) => Object.fromEntries(s.proxy.counts));
    console.log(`faults: proxy connections by mode ${JSON.stringify(counts)}; ${JSON.stringify(checked)}`);
    expect(checked.events).toBeGreaterThan(0);
  }, 300_000);
});

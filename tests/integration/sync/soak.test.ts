import { afterAll, expect, it } from 'vitest';
import type { FaultMode } from '../../support/fault-proxy';
import { faultFor, prng, startHarness, type Harness } from '../../support/sync-harness';

/**
 * The multi-station run: several station processes with random workloads, the OMS writing
 * reference data, and random faults — proxy faults of every kind, SIGKILLed stations, SIGKILLed
 * and restarted cloud — then, at quiescence, the same checks as every sync test.
 *
 * The default run — CI's too — is 2 minutes with 5 stations, what issue #7 asks for
 * (BENCHLINE_SOAK_MS, BENCHLINE_SOAK_STATIONS, BENCHLINE_SOAK_SEED change it).
 */
const DURATION_MS = Number(process.env.BENCHLINE_SOAK_MS ?? 120_000);
const STATIONS = Number(process.env.BENCHLINE_SOAK_STATIONS ?? 5);
const SEED = Number(process.env.BENCHLINE_SOAK_SEED ?? 20_261_129);

const MODES: FaultMode[] = [
  'blackhole',
  'drop_request',
  'drop_response',
  'refuse',
  'cut',
  'captive',
  'http503',
  'pass',
];

let harness: Harness | null = null;

afterAll(async () => {
  await harness?.close();
});

it(
  `${STATIONS} stations, random workloads and faults for ${Math.round(DURATION_MS / 1000)} s: every event once, references equal`,
  { timeout: DURATION_MS + 8 * 60_000 },
  async () => {
    const random = prng(SEED);
    const h = await startHarness({ stations: STATIONS, extraProducts: 1000 });
    harness = h;
    await h.quiesce(180_000);
    const started = Date.now();
    const until = started + DURATION_MS;
    const counts = { scans: 0, omsWrites: 0, proxyFaults: 0, stationKills: 0, cloudKills: 0, cloudStops: 0 };

    const workloads = h.stations.map(async (station, i) => {
      let n = 0;
      while (Date.now() < until) {
        const code = random() < 0.4 ? 'NW10001' : `SOAK-${i}-${n}`;
        if (await h.scan(station, code).catch(() => false)) counts.scans++;
        n++;
        await new Promise((resolve) => setTimeout(resolve, 30 + random() * 220));
      }
    });
    const oms = (async () => {
      let round = 0;
      while (Date.now() < until) {
        await h.omsWrite(random, round++);
        counts.omsWrites++;
        await new Promise((resolve) => setTimeout(resolve, 100 + random() * 400));
      }
    })();
    // Faults fire on a schedule of their own; a station or the cloud that is still restarting is
    // left alone until it is back.
    const pending: Promise<void>[] = [];
    const restarting = new Set<string>();
    const faults = (async () => {
      while (Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1700));
        const pick = random();
        const station = h.stations[Math.floor(random() * h.stations.length)]!;
        if (pick < 0.55) {
          const mode = MODES[Math.floor(random() * MODES.length)]!;
          counts.proxyFaults++;
          pending.push(
            faultFor(station.proxy, mode, 200 + random() * 4800, {
              cutAfterBytes: 100 + Math.floor(random() * 3000),
              delayMs: mode === 'pass' ? 50 + Math.floor(random() * 250) : 0,
            }),
          );
        } else if (pick < 0.82 && !restarting.has(station.name)) {
          restarting.add(station.name);
          counts.stationKills++;
          const pause = random() * 2000;
          pending.push(
            (async () => {
              await h.killStation(station);
              await new Promise((resolve) => setTimeout(resolve, pause));
              await h.startStation(station);
              restarting.delete(station.name);
            })(),
          );
        } else if (pick >= 0.82 && !restarting.has('cloud')) {
          restarting.add('cloud');
          const kill = pick < 0.93;
          if (kill) counts.cloudKills++;
          else counts.cloudStops++;
          pending.push(
            (async () => {
              await h.restartCloud(kill ? 'kill' : 'stop');
              restarting.delete('cloud');
            })(),
          );
        }
      }
    })();
    await Promise.all([...workloads, oms, faults]);
    await Promise.all(pending);
    const ran = Date.now() - started;
    const quiesceStarted = Date.now();
    await h.quiesce(240_000);
    const checked = await h.check();
    const summary = {
      seed: SEED,
      stations: STATIONS,
      ran_s: Math.round(ran / 1000),
      quiesce_s: Math.round((Date.now() - quiesceStarted) / 1000),
      ...counts,
      ...checked,
    };
    console.log(`soak: ${JSON.stringify(summary)}`);
    expect(ran).toBeGreaterThanOrEqual(DURATION_MS);
    expect(checked.acknowledged).toBeGreaterThan(STATIONS * 20);
    expect(counts.stationKills + counts.cloudKills + counts.proxyFaults).toBeGreaterThan(3);
  },
);

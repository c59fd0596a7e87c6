import { join } from 'node:path';
import Database from 'better-sqlite3';
import { STREAMS, type StreamName } from '#shared/sync/records';
import { ReferenceApplier } from '../../src/core/sync/apply';
import { pgStore } from '../../src/cloud/db/pg';
import type { Store } from '../../src/cloud/db/store';
import { ADMIN_TOKEN, startCloudProcess, type CloudProcess } from './cloud';
import { DEMO } from './core-fixture';
import { startCore, type RunningCore } from './core-process';
import { startFaultProxy, type FaultMode, type FaultProxy } from './fault-proxy';
import { tempDir } from './paths';
import { startPostgres, type Postgres } from './postgres';
import { referenceData, syntheticProduct } from './reference-data';
import { cloudDocuments, cloudEventIds, FAST_SYNC_ENV, waitFor } from './sync';
import { connectCore, type CoreClient } from './ws-client';

/** A small deterministic PRNG (LCG), so a failing run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

export type HarnessStation = {
  name: string;
  dir: string;
  remove: () => void;
  proxy: FaultProxy;
  core: RunningCore | null;
  client: CoreClient | null;
  /** Events the station acknowledged to its operator (scan.submit answered with an event id). */
  acknowledged: Set<string>;
  kills: number;
};

export type Harness = {
  postgres: Postgres;
  store: Store;
  cloud: CloudProcess;
  companyId: string;
  apiKey: string;
  stations: HarnessStation[];
  log: string[];
  restartCloud(mode: 'kill' | 'stop'): Promise<void>;
  killStation(station: HarnessStation): Promise<void>;
  startStation(station: HarnessStation): Promise<void>;
  /** One scan at the station; true when acknowledged. */
  scan(station: HarnessStation, code: string): Promise<boolean>;
  /** A write of the OMS: upserts or deletes of products and orders. */
  omsWrite(random: () => number, round: number): Promise<void>;
  /** Heals every fault and waits until every station has uploaded everything and is up to date. */
  quiesce(timeoutMs?: number): Promise<void>;
  /** The end-of-run checks: every acknowledged event in PostgreSQL exactly once, references equal. */
  check(): Promise<{ events: number; acknowledged: number; documents: number }>;
  close(): Promise<void>;
};

/**
 * A cloud service process on a throwaway PostgreSQL, and N web-mode station processes, each
 * behind its own fault proxy, enrolled in one company whose reference data is the demo
 * warehouse (so the demo supervisor's session survives the operators download).
 */
export async function startHarness(options: { stations: number; extraProducts?: number }): Promise<Harness> {
  const postgres = await startPostgres();
  const databaseUrl = await postgres.database();
  const store = pgStore(databaseUrl, { max: 4 });
  let cloud = await startCloudProcess({ databaseUrl, demo: false });
  const log: string[] = [];
  const admin = await fetch(`${cloud.url}/v1/admin/companies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Soak company', warehouse: 'Soak warehouse' }),
  });
  const created = (await admin.json()) as { company: { id: string }; warehouse: { id: string }; apiKey: string };
  const companyId = created.company.id;
  const apiKey = created.apiKey;
  const oms = async (method: string, path: string, body?: string | object): Promise<Response> =>
    fetch(`${cloud.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': typeof body === 'string' ? 'application/x-ndjson' : 'application/json',
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  for (const [collection, docs] of Object.entries(referenceData({ extraProducts: options.extraProducts ?? 500 }))) {
    for (let i = 0; i < docs.length; i += 5000) {
      const response = await oms(
        'POST',
        `/v1/oms/${collection}`,
        docs
          .slice(i, i + 5000)
          .map((data) => JSON.stringify({ op: 'upsert', data }))
          .join('\n'),
      );
      if (response.status !== 200)
        throw new Error(`seeding ${collection}: ${response.status} ${await response.text()}`);
    }
  }

  const stations: HarnessStation[] = [];
  for (let i = 0; i < options.stations; i++) {
    const dir = tempDir(`benchline-soak-${i}-`);
    const proxy = await startFaultProxy(cloud.port);
    stations.push({
      name: `S${i + 1}`,
      dir: dir.dir,
      remove: dir.remove,
      proxy,
      core: null,
      client: null,
      acknowledged: new Set(),
      kills: 0,
    });
  }

  const connect = async (station: HarnessStation): Promise<void> => {
    const core = station.core!;
    station.client = await connectCore(core.port, core.token, { timeoutMs: 10_000 });
    const session = await station.client.call('session.current', {});
    if (session.ok && session.value.operator === null) {
      const login = await station.client.call('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
      if (!login.ok) throw new Error(`${station.name}: login failed: ${login.error.message}`);
    }
  };

  const harness: Harness = {
    postgres,
    store,
    get cloud() {
      return cloud;
    },
    companyId,
    apiKey,
    stations,
    log,
    async restartCloud(mode) {
      if (mode === 'kill') await cloud.kill();
      else await cloud.stop();
      cloud = await startCloudProcess({ databaseUrl, demo: false, port: cloud.port });
      log.push(`cloud ${mode === 'kill' ? 'SIGKILL' : 'SIGTERM'}ed and restarted`);
    },
    async killStation(station) {
      if (!station.core) return;
      await station.core.kill();
      station.kills++;
      station.core = null;
      station.client = null;
    },
    async startStation(station) {
      station.core = await startCore({ dataDir: station.dir, env: FAST_SYNC_ENV });
      await connect(station);
    },
    async scan(station, code) {
      if (!station.client) return false;
      const result = await station.client.call('scan.submit', { code, source: 'wedge' });
      if (result.ok && result.value.eventId) {
        station.acknowledged.add(result.value.eventId);
        return true;
      }
      return false;
    },
    async omsWrite(random, round) {
      const pick = random();
      try {
        if (pick < 0.6) {
          const docs = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
            syntheticProduct(Math.floor(random() * 1500), { name: `Round ${round} ${Math.floor(random() * 1e6)}` }),
          );
          const unique = [...new Map(docs.map((d) => [d['id'], d])).values()];
          await oms(
            'POST',
            '/v1/oms/products',
            unique.map((data) => JSON.stringify({ op: 'upsert', data })).join('\n'),
          );
        } else if (pick < 0.8) {
          const ids = Array.from(
            { length: 1 + Math.floor(random() * 5) },
            () => syntheticProduct(Math.floor(random() * 1500))['id'],
          );
          await oms(
            'POST',
            '/v1/oms/products',
            [...new Set(ids)].map((id) => JSON.stringify({ op: 'delete', id })).join('\n'),
          );
        } else {
          const order = referenceData().orders![Math.floor(random() * 100)]!;
          await oms(
            'POST',
            '/v1/oms/orders',
            JSON.stringify({ op: 'upsert', data: { ...order, status: random() < 0.5 ? 'on_hold' : 'ready_to_pack' } }),
          );
        }
      } catch {
        // The cloud is down right now: the OMS tries again later, as an OMS does.
      }
    },
    async quiesce(timeoutMs = 120_000) {
      for (const station of stations) {
        station.proxy.set('pass');
        if (!station.core) await harness.startStation(station);
      }
      const last = new Map<string, unknown>();
      // "Up to date" must be as of now: a stream is up to date as of its last pull, which may have
      // been before the last writes of the OMS.
      const since = Date.now();
      try {
        await waitFor(
          'every station to upload everything and be up to date',
          async () => {
            for (const station of stations) {
              const view = await station.client!.call('sync.status', {});
              last.set(station.name, view.ok ? { ...view.value, refused: view.value.refused.length } : view.error);
              if (!view.ok) return false;
              const v = view.value;
              const fresh = v.streams.every((s) => s.phase === 'live' && s.upToDate && (s.upToDateAt ?? 0) >= since);
              if (v.queue.depth !== 0 || !fresh) {
                await station.client!.call('sync.now', {});
                return false;
              }
            }
            return true;
          },
          timeoutMs,
        );
      } catch (error) {
        const views = JSON.stringify(Object.fromEntries(last), null, 1).slice(0, 6000);
        throw new Error(`${(error as Error).message}\n${views}`, { cause: error });
      }
    },
    async check() {
      const stored = await cloudEventIds(store, companyId);
      let acknowledged = 0;
      const problems: string[] = [];
      for (const station of stations) {
        const db = new Database(join(station.dir, 'station.db'), { readonly: true });
        try {
          const ids = db
            .prepare<[], { id: string }>('SELECT id FROM events ORDER BY seq')
            .all()
            .map((r) => r.id);
          const present = new Set(ids);
          for (const id of station.acknowledged) {
            acknowledged++;
            if (!present.has(id)) problems.push(`${station.name}: acknowledged event ${id} lost at the station`);
          }
          for (const id of ids)
            if (stored.get(id) !== 1) problems.push(`${station.name}: event ${id} stored ${stored.get(id) ?? 0} times`);
          const applier = new ReferenceApplier(db);
          for (const stream of STREAMS as readonly StreamName[]) {
            const expected = await cloudDocuments(store, companyId, stream);
            const actual = applier.documents(stream);
            const wrong = [...expected].filter(([key, body]) => actual.get(key) !== body).map(([key]) => key);
            const extra = [...actual.keys()].filter((key) => !expected.has(key));
            if (wrong.length > 0 || extra.length > 0)
              problems.push(
                `${station.name}: ${stream} differs (${wrong.slice(0, 3).join(', ')} | extra ${extra.slice(0, 3).join(', ')})`,
              );
          }
        } finally {
          db.close();
        }
      }
      const doubled = [...stored].filter(([, n]) => n !== 1);
      if (doubled.length > 0) problems.push(`${doubled.length} events stored more than once`);
      if (problems.length > 0) throw new Error(`not converged:\n${problems.slice(0, 20).join('\n')}`);
      let documents = 0;
      for (const stream of STREAMS) documents += (await cloudDocuments(store, companyId, stream)).size;
      return { events: stored.size, acknowledged, documents };
    },
    async close() {
      for (const station of stations) {
        await station.client?.close().catch(() => undefined);
        await station.core?.stop();
        await station.proxy.close();
      }
      await cloud.stop();
      await store.close();
      await postgres.stop();
      for (const station of stations) station.remove();
    },
  };

  for (const station of stations) {
    await harness.startStation(station);
    const code = await oms('POST', '/v1/oms/enrolment-codes', {
      warehouseId: created.warehouse.id,
      stationName: station.name,
    });
    const { code: enrolment } = (await code.json()) as { code: string };
    const enrolled = await station.client!.call('sync.enrol', { url: station.proxy.url, code: enrolment });
    if (!enrolled.ok) throw new Error(`${station.name}: enrol failed: ${enrolled.error.message}`);
  }
  return harness;
}

/** Sets a proxy fault for a while, then heals it. */
export async function faultFor(
  proxy: FaultProxy,
  mode: FaultMode,
  ms: number,
  options: { cutAfterBytes?: number; delayMs?: number } = {},
): Promise<void> {
  proxy.set(mode, options);
  await new Promise((resolve) => setTimeout(resolve, ms));
  proxy.set('pass');
}

import { expect } from 'vitest';
import { STREAMS, type StreamName } from '#shared/sync/records';
import { canonicalJson } from '#shared/util/canonical-json';
import type { Store } from '../../src/cloud/db/store';
import { inspectStation } from './db';
import type { CloudFixture, Tenant } from './cloud';
import type { ReferenceSet } from './reference-data';

/** Sync timings for tests: fast polls and short backoffs, so faults heal in seconds. */
export const FAST_SYNC = {
  pollMs: 300,
  kickDelayMs: 20,
  backoffBaseMs: 50,
  backoffCapMs: 800,
  requestTimeoutMs: 3000,
  watchdogMs: 200,
  heldBackRetryMs: 100,
} as const;

/** Environment variables that give a web-mode station the same timings. */
export const FAST_SYNC_ENV: Record<string, string> = {
  BENCHLINE_SYNC_POLL_MS: '300',
  BENCHLINE_SYNC_KICK_MS: '20',
  BENCHLINE_SYNC_BACKOFF_BASE_MS: '50',
  BENCHLINE_SYNC_BACKOFF_CAP_MS: '800',
  BENCHLINE_SYNC_TIMEOUT_MS: '3000',
  BENCHLINE_SYNC_WATCHDOG_MS: '200',
};

/** Polls until `check` returns true; fails with `what` after the timeout. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Writes a whole reference set through the OMS API. */
export async function importAll(cloud: CloudFixture, data: ReferenceSet, tenant?: Tenant): Promise<void> {
  for (const [collection, docs] of Object.entries(data)) {
    for (let i = 0; i < docs.length; i += 5000) {
      const answer = await cloud.upsert(collection, docs.slice(i, i + 5000), tenant);
      if (answer.status !== 200) throw new Error(`import of ${collection} failed: ${JSON.stringify(answer.json)}`);
    }
  }
}

/** Every document of a stream as the cloud holds it, by `kind/id`, as canonical JSON. */
export async function cloudDocuments(
  store: Store,
  companyId: string,
  stream: StreamName,
): Promise<Map<string, string>> {
  const { rows } = await store.query<{ kind: string; id: string; body: string }>(
    'SELECT kind, id, body FROM records WHERE company_id = $1 AND stream = $2 AND NOT deleted',
    [companyId, stream],
  );
  return new Map(rows.map((row) => [`${row.kind}/${row.id}`, canonicalJson(JSON.parse(row.body))]));
}

/** Every event id the cloud stored for a company, with how many times. */
export async function cloudEventIds(store: Store, companyId: string): Promise<Map<string, number>> {
  const { rows } = await store.query<{ id: string; n: number }>(
    'SELECT id, count(*)::int AS n FROM events WHERE company_id = $1 GROUP BY id',
    [companyId],
  );
  return new Map(rows.map((row) => [row.id, row.n]));
}

/** The station's event ids, in seq order, read from its database file. */
export function stationEventIds(dataDir: string): string[] {
  const db = inspectStation(dataDir);
  try {
    return db
      .prepare<[], { id: string }>('SELECT id FROM events ORDER BY seq')
      .all()
      .map((row) => row.id);
  } finally {
    db.close();
  }
}

/**
 * The end-of-run checks of every sync test: every station event is in PostgreSQL exactly once
 * (none missing, none doubled), and every stream's documents at the station equal the cloud's.
 */
export async function expectConverged(
  cloud: CloudFixture,
  companyId: string,
  stations: { name: string; eventIds: string[]; documents: (stream: StreamName) => Map<string, string> }[],
): Promise<void> {
  const stored = await cloudEventIds(cloud.store, companyId);
  const all = new Set<string>();
  for (const station of stations) {
    const missing = station.eventIds.filter((id) => !stored.has(id));
    expect(missing, `${station.name}: events missing in the cloud`).toEqual([]);
    for (const id of station.eventIds) all.add(id);
  }
  const doubled = [...stored].filter(([, n]) => n !== 1);
  expect(doubled, 'events stored more than once').toEqual([]);
  for (const stream of STREAMS) {
    const expected = await cloudDocuments(cloud.store, companyId, stream);
    for (const station of stations) {
      const actual = station.documents(stream);
      const wrong = [...expected].filter(([key, body]) => actual.get(key) !== body).map(([key]) => key);
      const extra = [...actual.keys()].filter((key) => !expected.has(key));
      expect(
        { stream, wrong: wrong.slice(0, 5), extra: extra.slice(0, 5) },
        `${station.name}: ${stream} differs`,
      ).toEqual({
        stream,
        wrong: [],
        extra: [],
      });
    }
  }
}

import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, LIMITS, type UploadEvent } from '#shared/sync/protocol';
import { openDatabase } from '../../../src/core/db/connection';
import { eventHash } from '../../../src/core/events/chain';
import { EventLog } from '../../../src/core/events/log';
import { SimulatedCrash } from '../../../src/core/sync/engine';
import { DEMO, fakeClock, openCore, type CoreFixture } from '../../support/core-fixture';
import { startCloudOn, type CloudFixture } from '../../support/cloud';
import { startFaultProxy } from '../../support/fault-proxy';
import { tempDir } from '../../support/paths';
import type { Postgres } from '../../support/postgres';
import { referenceData } from '../../support/reference-data';
import { cloudEventIds, expectConverged, FAST_SYNC, importAll, stationEventIds, waitFor } from '../../support/sync';

const STORES = ['pglite', 'postgresql'] as const;

/** A valid chain of events for a station id, from `fromSeq`, linked to `prevHash`. */
function chain(
  stationId: string,
  fromSeq: number,
  count: number,
  prevHash: string,
  edit: (event: UploadEvent) => UploadEvent = (e) => e,
): UploadEvent[] {
  const events: UploadEvent[] = [];
  let prev = prevHash;
  for (let i = 0; i < count; i++) {
    const seq = fromSeq + i;
    const fields = {
      id: `01TEST${stationId.slice(-6)}${String(seq).padStart(14, '0')}`.slice(0, 26),
      seq,
      stationId,
      operatorId: 'op-packer',
      type: 'scan.recorded',
      subject: null,
      payload: JSON.stringify({ code: `CODE-${seq}`, kind: 'unknown' }),
      schemaVersion: 1,
      createdAt: Date.UTC(2026, 10, 22, 9) + seq * 1000,
      prevHash: prev,
    };
    const event = edit({ ...fields, hash: eventHash(fields) });
    events.push(event);
    prev = event.hash;
  }
  return events;
}

describe.each(STORES)('upload to the cloud on %s', (storeKind) => {
  let postgres: Postgres | null = null;
  let cloud: CloudFixture;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    ({ cloud, postgres } = await startCloudOn(storeKind));
    await importAll(cloud, referenceData());
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) cleanup();
    await cloud?.close();
    await postgres?.stop();
  });

  /** A station enrolled by hand over HTTP: its token, to speak the protocol directly. */
  async function rawStation(localId: string): Promise<{
    push: (events: unknown[], incarnation?: string) => Promise<{ status: number; json: Record<string, unknown> }>;
    token: string;
  }> {
    const enrolled = await fetch(`${cloud.url}/v1/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: await cloud.code(),
        station: { localId, name: 'RAW', incarnation: `inc-${localId}`, appVersion: 'test' },
      }),
    });
    expect(enrolled.status).toBe(201);
    const { token } = (await enrolled.json()) as { token: string };
    return {
      token,
      push: async (events, incarnation = `inc-${localId}`) => {
        const response = await fetch(`${cloud.url}/v1/sync/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ incarnation, events }),
        });
        return { status: response.status, json: (await response.json()) as Record<string, unknown> };
      },
    };
  }

  async function storedCount(localId: string, status?: string): Promise<number> {
    const { rows } = await cloud.store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events e JOIN stations s ON s.id = e.station_id
        WHERE s.local_id = $1 AND ($2::text IS NULL OR e.status = $2)`,
      [localId, status ?? null],
    );
    return rows[0]!.n;
  }

  function station(options: Parameters<typeof openCore>[0] = {}): CoreFixture {
    const fixture = openCore({ ...options, sync: { timings: FAST_SYNC, ...options.sync } });
    cleanups.push(() => fixture.close());
    return fixture;
  }

  async function enrol(fixture: CoreFixture, url = cloud.url): Promise<void> {
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    await fixture.ok('sync.enrol', { url, code: await cloud.code() });
  }

  it('applies a batch once: repeats are acknowledged, a gap is refused with nothing written, overlaps apply the new part', async () => {
    const raw = await rawStation('ST-REPEAT');
    const first = chain('ST-REPEAT', 1, 10, GENESIS_HASH);
    const middle = chain('ST-REPEAT', 11, 5, first[9]!.hash);
    const later = chain('ST-REPEAT', 16, 5, middle[4]!.hash);
    const applied = await raw.push(first);
    expect(applied.status).toBe(200);
    expect(applied.json).toMatchObject({ lastSeq: 10, applied: 10, duplicates: 0, refused: [] });
    // The same batch, again and again (test 3: replayed 1–100 times).
    for (let i = 0; i < 20; i++) {
      const again = await raw.push(first);
      expect(again.json).toMatchObject({ lastSeq: 10, applied: 0, duplicates: 10 });
    }
    // Reordered: a later batch first is a gap, refused, nothing written.
    const gap = await raw.push(later);
    expect(gap.status).toBe(409);
    expect(gap.json).toMatchObject({ error: 'gap', details: { expected: 11 } });
    expect(await storedCount('ST-REPEAT')).toBe(10);
    // An overlapping batch: 6..15, of which 11..15 are new.
    const overlap = await raw.push([...first.slice(5), ...middle]);
    expect(overlap.json).toMatchObject({ lastSeq: 15, applied: 5, duplicates: 5 });
    expect((await raw.push(later)).json).toMatchObject({ lastSeq: 20, applied: 5 });
    expect(await storedCount('ST-REPEAT')).toBe(20);
  });

  it('runs two uploaders of one station at once without applying anything twice', async () => {
    const raw = await rawStation('ST-TWICE');
    const events = chain('ST-TWICE', 1, 200, GENESIS_HASH);
    const batches = [events.slice(0, 100), events.slice(0, 150), events.slice(50, 200), events.slice(0, 200)];
    // Many concurrent pushes; some get a gap (they raced ahead), which is fine: they retry.
    for (let round = 0; round < 5; round++) {
      await Promise.all([...batches, ...batches].map((batch) => raw.push(batch)));
    }
    expect(await storedCount('ST-TWICE')).toBe(200);
    const ids = await cloudEventIds(cloud.store, cloud.tenant.companyId);
    expect(events.every((e) => ids.get(e.id) === 1)).toBe(true);
  });

  it('lets one process of a station sync at a time (test 3: a second app on the same database)', async () => {
    const first = station();
    await enrol(first);
    await first.core.sync!.runOnce();
    // A second core on the same database file, in the same (living) process: the lease is held.
    const second = openCore({ dataDir: first.dataDir, sync: { timings: FAST_SYNC } });
    cleanups.push(() => second.close());
    await second.core.sync!.runOnce();
    const refused = await second.ok('sync.status', {});
    expect(refused.lastError?.code).toBe('not_leader');
    // The first still syncs; when it stops, it gives the lease back and the second takes over.
    await first.ok('scan.submit', { code: 'LEASE-1', source: 'wedge' });
    await first.core.sync!.runOnce();
    expect((await first.ok('sync.status', {})).lastError).toBeNull();
    first.close();
    await second.core.sync!.runOnce();
    expect((await second.ok('sync.status', {})).lastError).toBeNull();
  });

  it('stores a poisoned event with its reason and still applies the ones after it', async () => {
    const raw = await rawStation('ST-POISON');
    const events = chain('ST-POISON', 1, 10, GENESIS_HASH, (e) =>
      e.seq === 4 ? { ...e, payload: JSON.stringify({ tampered: true }) } : e,
    );
    const foreign = chain('ST-POISON', 11, 1, events[9]!.hash, (e) => ({ ...e, stationId: 'SOMEONE-ELSE' }));
    const future = chain('ST-POISON', 12, 1, foreign[0]!.hash, (e) => {
      const fields = { ...e, createdAt: Date.now() + 3 * 86_400_000 };
      return { ...fields, hash: eventHash(fields) };
    });
    const malformed = { seq: 13, id: 'x', type: 'NOT A TYPE', payload: 42 };
    const after = chain('ST-POISON', 14, 2, future[0]!.hash);
    const answer = await raw.push([...events, ...foreign, ...future, malformed, ...after]);
    expect(answer.status).toBe(200);
    expect(answer.json['lastSeq']).toBe(15);
    const refused = answer.json['refused'] as { seq: number; status: string; reason: string }[];
    expect(refused.map((r) => [r.seq, r.status])).toEqual([
      [4, 'refused'],
      [11, 'refused'],
      [12, 'quarantined'],
      [13, 'refused'],
    ]);
    expect(refused[0]!.reason).toMatch(/hash/);
    expect(refused[1]!.reason).toMatch(/another station|belongs to station/);
    expect(refused[2]!.reason).toMatch(/ahead of the cloud/);
    expect(await storedCount('ST-POISON', 'applied')).toBe(11);
    expect(await storedCount('ST-POISON')).toBe(15);
    // The OMS sees them, with their reasons.
    const listed = await cloud.oms('GET', '/v1/oms/refused');
    expect(
      (listed.json as { seq: number }[]).filter((r) => [4, 11, 12, 13].includes(r.seq)).length,
    ).toBeGreaterThanOrEqual(4);
  });

  describe('the chain check on demand (GET /v1/oms/stations/{id}/chain)', () => {
    async function cloudStation(localId: string): Promise<string> {
      const { rows } = await cloud.store.query<{ id: string }>('SELECT id FROM stations WHERE local_id = $1', [
        localId,
      ]);
      return rows[0]!.id;
    }

    async function verify(stationId: string, apiKey?: string): Promise<{ status: number; json: unknown }> {
      const tenant = apiKey ? { ...cloud.tenant, apiKey } : cloud.tenant;
      return cloud.oms('GET', `/v1/oms/stations/${stationId}/chain`, undefined, tenant);
    }

    /** Edits one stored event behind the service's back, as someone with the database would. */
    async function tamper(stationId: string, seq: number, set: string, ...params: unknown[]): Promise<void> {
      const { rowCount } = await cloud.store.query(
        `UPDATE events SET ${set} WHERE station_id = $1 AND seq = $2 AND incarnation = (
           SELECT incarnation FROM events WHERE station_id = $1 AND seq = $2 ORDER BY received_at DESC LIMIT 1)`,
        [stationId, seq, ...params],
      );
      expect(rowCount).toBe(1);
    }

    it("recomputes a real station's stored chain, and points at the one event edited in the database", async () => {
      const fixture = station();
      await enrol(fixture);
      for (let i = 0; i < 12; i++) await fixture.ok('scan.submit', { code: `CHAIN-${i}`, source: 'wedge' });
      await fixture.core.sync!.runOnce();
      expect((await fixture.ok('sync.status', {})).queue.depth).toBe(0);
      const localId = (await fixture.ok('app.status', {})).station!.id;
      const id = await cloudStation(localId);
      const events = stationEventIds(fixture.dataDir);
      expect(await verify(id)).toEqual({
        status: 200,
        json: { ok: true, checked: events.length, incarnations: 1, brokenAt: null },
      });
      const { rows } = await cloud.store.query<{ seq: number; id: string; incarnation: string }>(
        'SELECT seq, id, incarnation FROM events WHERE station_id = $1 ORDER BY seq',
        [id],
      );
      expect(rows.map((r) => r.id)).toEqual(events);
      const target = rows[6]!;
      await tamper(id, target.seq, 'payload = $3', JSON.stringify({ code: 'EDITED', kind: 'unknown' }));
      expect(await verify(id)).toEqual({
        status: 200,
        json: {
          ok: false,
          checked: target.seq - 1,
          incarnations: 1,
          brokenAt: {
            incarnation: target.incarnation,
            seq: target.seq,
            id: target.id,
            reason: 'the event does not match its hash',
          },
        },
      });
      // Another company's key sees no such station; no key is a 401.
      const other = await cloud.newTenant('Other company');
      expect((await verify(id, other.apiKey)).status).toBe(404);
      expect((await verify(id, 'not-a-key')).status).toBe(401);
    });

    it('walks every incarnation from its base, and names the incarnation of a break', async () => {
      const raw = await rawStation('ST-CHAIN');
      const id = await cloudStation('ST-CHAIN');
      const first = chain('ST-CHAIN', 1, 10, GENESIS_HASH);
      expect((await raw.push(first)).status).toBe(200);
      // A restored database goes on after seq 6 under a new incarnation: other events at 7 and on.
      const fork = chain('ST-CHAIN', 7, 6, first[5]!.hash, (e) => {
        const { hash: _old, ...fields } = { ...e, id: `01FORK${String(e.seq).padStart(20, '0')}` };
        return { ...fields, hash: eventHash(fields) };
      });
      const registered = await fetch(`${cloud.url}/v1/sync/incarnations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${raw.token}` },
        body: JSON.stringify({
          incarnation: 'inc-ST-CHAIN-2',
          previous: 'inc-ST-CHAIN',
          baseSeq: 6,
          baseHash: first[5]!.hash,
        }),
      });
      expect(registered.status).toBeLessThan(300);
      expect((await raw.push(fork, 'inc-ST-CHAIN-2')).json).toMatchObject({ lastSeq: 12, applied: 6 });
      expect((await verify(id)).json).toEqual({ ok: true, checked: 16, incarnations: 2, brokenAt: null });

      // Someone rewrites seq 9 of the new incarnation and its hash, so that it checks out alone:
      // the next event's link gives it away.
      const forged = { ...fork[2]!, payload: JSON.stringify({ code: 'FORGED', kind: 'unknown' }) };
      const { hash: _was, ...forgedFields } = forged;
      await cloud.store.query(
        "UPDATE events SET payload = $3, hash = $4 WHERE station_id = $1 AND incarnation = 'inc-ST-CHAIN-2' AND seq = $2",
        [id, 9, forged.payload, eventHash(forgedFields)],
      );
      expect((await verify(id)).json).toEqual({
        ok: false,
        checked: 10 + 3,
        incarnations: 2,
        brokenAt: {
          incarnation: 'inc-ST-CHAIN-2',
          seq: 10,
          id: fork[3]!.id,
          reason: 'the event does not link to the previous one',
        },
      });
      // A deleted row is a seq with no event.
      await cloud.store.query("DELETE FROM events WHERE station_id = $1 AND incarnation = 'inc-ST-CHAIN' AND seq = 3", [
        id,
      ]);
      expect((await verify(id)).json).toMatchObject({
        ok: false,
        checked: 2,
        brokenAt: { incarnation: 'inc-ST-CHAIN', seq: 3, id: null, reason: 'no event is stored' },
      });
    });
  });

  it('refuses a batch from a newer app version without writing, and bad envelopes with a 4xx', async () => {
    const raw = await rawStation('ST-NEWER');
    const newer = chain('ST-NEWER', 1, 3, GENESIS_HASH, (e) => (e.seq === 2 ? { ...e, schemaVersion: 99 } : e));
    const answer = await raw.push(newer);
    expect(answer.status).toBe(409);
    expect(answer.json['error']).toBe('schema_too_new');
    expect(await storedCount('ST-NEWER')).toBe(0);
    expect((await raw.push([])).status).toBe(400);
    expect((await raw.push([{ seq: 1 }, { seq: 3 }])).status).toBe(400);
    expect((await raw.push([{ nope: 1 }])).status).toBe(400);
    expect((await raw.push(chain('ST-NEWER', 1, LIMITS.batchEvents + 1, GENESIS_HASH))).status).toBe(400);
    const unknown = await raw.push(chain('ST-NEWER', 1, 1, GENESIS_HASH), 'not-an-incarnation');
    expect(unknown.status).toBe(409);
    expect(unknown.json['error']).toBe('unknown_incarnation');
    expect(await storedCount('ST-NEWER')).toBe(0);
  });

  it('uploads a station whose events never stop, across crashes at each point of an upload (test 1)', async () => {
    const dataDir = tempDir();
    cleanups.push(dataDir.remove);
    const points = ['before_push', 'after_push_response'] as const;
    let fixture = station({ dataDir: dataDir.dir });
    await enrol(fixture);
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 30; i++) await fixture.ok('scan.submit', { code: `R${round}-${i}`, source: 'wedge' });
      const point = points[round % points.length]!;
      let crashed = false;
      fixture.close();
      fixture = openCore({
        dataDir: dataDir.dir,
        sync: {
          timings: FAST_SYNC,
          start: true,
          faults: {
            at: (at) => {
              if (at === point && !crashed) {
                crashed = true;
                throw new SimulatedCrash(at);
              }
            },
          },
        },
      });
      await waitFor(`a crash at ${point}`, () => crashed);
      // The process "died" there: whatever it had not committed is gone. Start it again.
      fixture.close();
      fixture = openCore({ dataDir: dataDir.dir, sync: { timings: FAST_SYNC, start: true } });
    }
    await fixture.core.sync!.runOnce();
    expect((await fixture.ok('sync.status', {})).queue.depth).toBe(0);
    const ids = stationEventIds(dataDir.dir);
    const stored = await cloudEventIds(cloud.store, cloud.tenant.companyId);
    expect(ids.filter((id) => stored.get(id) !== 1)).toEqual([]);
    fixture.close();
  });

  it('re-sends after a lost answer and is told the batch was already applied (test 2)', async () => {
    const proxy = await startFaultProxy(Number(new URL(cloud.url).port));
    cleanups.push(() => void proxy.close());
    const fixture = station({ sync: { timings: { ...FAST_SYNC, requestTimeoutMs: 800 } } });
    await enrol(fixture, proxy.url);
    await fixture.core.sync!.runOnce();
    for (let i = 0; i < 40; i++) await fixture.ok('scan.submit', { code: `LOST-${i}`, source: 'wedge' });
    const before = await cloudEventIds(cloud.store, cloud.tenant.companyId);
    // The cloud commits the batch; its answer never comes back.
    proxy.set('drop_response', { after: 'POST /v1/sync/events' });
    await fixture.core.sync!.runOnce();
    const during = await fixture.ok('sync.status', {});
    expect(during.lastError?.code).toBe('network');
    // The cloud committed the batch although the station never heard so.
    await waitFor(
      'the cloud to commit the batch',
      async () => (await cloudEventIds(cloud.store, cloud.tenant.companyId)).size > before.size,
    );
    expect(during.queue.depth).toBeGreaterThan(0);
    proxy.set('pass');
    // The re-send may meet the connection the proxy was still dropping (CI once saw that): the
    // engine's next cycle sends again, as it would at a bench.
    await waitFor(
      'the queue drained',
      async () => {
        await fixture.core.sync!.runOnce();
        return (await fixture.ok('sync.status', {})).queue.depth === 0;
      },
      15_000,
    );
    const view = await fixture.ok('sync.status', {});
    expect(view.queue.depth).toBe(0);
    const ids = stationEventIds(fixture.dataDir);
    const stored = await cloudEventIds(cloud.store, cloud.tenant.companyId);
    expect(ids.filter((id) => stored.get(id) !== 1)).toEqual([]);
  });

  it('backs off while the cloud fails, retries with no new event, and drains after (test 5)', async () => {
    const proxy = await startFaultProxy(Number(new URL(cloud.url).port));
    cleanups.push(() => void proxy.close());
    const fixture = station({
      sync: { timings: { ...FAST_SYNC, backoffBaseMs: 40, backoffCapMs: 400, requestTimeoutMs: 500 }, start: true },
    });
    await enrol(fixture, proxy.url);
    await waitFor('first sync', async () => (await fixture.ok('sync.status', {})).lastSuccessAt !== null);
    for (let i = 0; i < 25; i++) await fixture.ok('scan.submit', { code: `DOWN-${i}`, source: 'wedge' });
    proxy.set('http503');
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const attempts = proxy.counts.get('http503') ?? 0;
    const view = await fixture.ok('sync.status', {});
    expect(view.state).toBe('offline');
    expect(view.failures).toBeGreaterThanOrEqual(3);
    // Bounded: with a 400 ms cap, about 3 s / 200–400 ms per attempt — never a tight loop.
    expect(attempts).toBeGreaterThanOrEqual(4);
    expect(attempts).toBeLessThan(60);
    // The captive portal's HTML and a blackhole are failures too, not data.
    proxy.set('captive');
    await waitFor(
      'a captive portal answer',
      async () => (await fixture.ok('sync.status', {})).lastError?.code === 'bad_response',
    );
    proxy.set('blackhole');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    proxy.set('pass');
    await waitFor('the queue drained', async () => (await fixture.ok('sync.status', {})).queue.depth === 0, 15_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    const ids = stationEventIds(fixture.dataDir);
    const stored = await cloudEventIds(cloud.store, cloud.tenant.companyId);
    expect(ids.filter((id) => stored.get(id) !== 1)).toEqual([]);
  });

  it('detects a station database restored from a backup and loses nothing, doubles nothing (test 6)', async () => {
    const dataDir = tempDir();
    cleanups.push(dataDir.remove);
    let fixture = station({ dataDir: dataDir.dir });
    await enrol(fixture);
    for (let i = 0; i < 20; i++) await fixture.ok('scan.submit', { code: `OLD-${i}`, source: 'wedge' });
    await fixture.core.sync!.runOnce();
    // Yesterday's backup: taken with the station closed.
    fixture.close();
    const backup = join(dataDir.dir, 'backup.db');
    copyFileSync(join(dataDir.dir, 'station.db'), backup);
    fixture = openCore({ dataDir: dataDir.dir, sync: { timings: FAST_SYNC } });
    for (let i = 0; i < 15; i++) await fixture.ok('scan.submit', { code: `LOST-AT-STATION-${i}`, source: 'wedge' });
    await fixture.core.sync!.runOnce();
    const uploadedBeforeRestore = stationEventIds(dataDir.dir);
    fixture.close();
    // The disk dies; the backup is restored; the station goes on from there.
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir.dir, `station.db${suffix}`), { force: true });
    copyFileSync(backup, join(dataDir.dir, 'station.db'));
    expect(existsSync(join(dataDir.dir, 'station.db'))).toBe(true);
    fixture = openCore({ dataDir: dataDir.dir, sync: { timings: FAST_SYNC } });
    const incarnationBefore = (await fixture.ok('app.status', {})).station!.incarnation;
    for (let i = 0; i < 12; i++) await fixture.ok('scan.submit', { code: `NEW-AFTER-RESTORE-${i}`, source: 'wedge' });
    await fixture.core.sync!.runOnce();
    const view = await fixture.ok('sync.status', {});
    expect(view.lastError).toBeNull();
    expect(view.queue.depth).toBe(0);
    expect(view.queue.incarnation).not.toBe(incarnationBefore);
    const stored = await cloudEventIds(cloud.store, cloud.tenant.companyId);
    const afterRestore = stationEventIds(dataDir.dir);
    // Everything either timeline recorded is in the cloud exactly once.
    for (const id of [...uploadedBeforeRestore, ...afterRestore]) expect(stored.get(id)).toBe(1);
    // The restored station's new events reused seq numbers the cloud had seen — under a new incarnation.
    const { rows } = await cloud.store.query<{ incarnation: string; previous: string | null; base_seq: number }>(
      `SELECT i.incarnation, i.previous, i.base_seq FROM station_incarnations i JOIN stations s ON s.id = i.station_id
        WHERE s.local_id = $1 ORDER BY i.created_at`,
      [(await fixture.ok('app.status', {})).station!.id],
    );
    expect(rows.length).toBe(2);
    expect(rows[1]!.previous).toBe(rows[0]!.incarnation);
    expect(afterRestore.some((id) => stored.has(id))).toBe(true);
    fixture.close();
  });

  it('keeps the station clock out of every decision: hours ahead, backwards, a day ahead is quarantined (test 19)', async () => {
    const clock = fakeClock(Date.now());
    const fixture = station({ clock });
    await enrol(fixture);
    await fixture.ok('scan.submit', { code: 'CLOCK-NOW', source: 'wedge' });
    clock.advance(3 * 3600_000);
    await fixture.ok('scan.submit', { code: 'CLOCK-PLUS-3H', source: 'wedge' });
    clock.advance(-26 * 3600_000);
    await fixture.ok('scan.submit', { code: 'CLOCK-MINUS-23H', source: 'wedge' });
    await fixture.core.sync!.runOnce();
    clock.advance(50 * 3600_000);
    await fixture.ok('scan.submit', { code: 'CLOCK-PLUS-27H', source: 'wedge' });
    clock.set(Date.now());
    await fixture.ok('scan.submit', { code: 'CLOCK-BACK-TO-NOW', source: 'wedge' });
    await fixture.core.sync!.runOnce();
    const view = await fixture.ok('sync.status', {});
    expect(view.queue.depth).toBe(0);
    expect(view.streams.every((s) => s.phase === 'live' && s.upToDate)).toBe(true);
    const quarantined = view.refused.filter((r) => r.status === 'quarantined');
    expect(quarantined.length).toBe(1);
    expect(quarantined[0]!.reason).toMatch(/ahead/);
    const stored = await cloudEventIds(cloud.store, cloud.tenant.companyId);
    expect(stationEventIds(fixture.dataDir).filter((id) => stored.get(id) !== 1)).toEqual([]);
  });

  it('splits a batch around an oversized event and uploads odd but valid text intact (test 21)', async () => {
    const fixture = station();
    await enrol(fixture);
    await fixture.ok('scan.submit', { code: `'); DROP TABLE events; --`, source: 'wedge' });
    await fixture.ok('scan.submit', { code: 'ÜñÍçødé ✓ 𝔘 "quotes" \\ back', source: 'wedge' });
    // Payloads of 600 kB beside small ones: no two fit in one 1 MB batch, so the batches split.
    const side = openDatabase(join(fixture.dataDir, 'station.db'));
    const stationId = (await fixture.ok('app.status', {})).station!.id;
    const log = new EventLog(side, stationId);
    for (let i = 0; i < 3; i++) {
      log.record({ type: 'test.large', operatorId: null, payload: { blob: 'x'.repeat(600_000), i } });
      await fixture.ok('scan.submit', { code: `SMALL-${i}`, source: 'wedge' });
    }
    side.close();
    await fixture.core.sync!.runOnce();
    const view = await fixture.ok('sync.status', {});
    expect(view.queue.depth).toBe(0);
    const large = await cloud.store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE company_id = $1 AND type = 'test.large' AND status = 'applied'`,
      [cloud.tenant.companyId],
    );
    expect(large.rows[0]!.n).toBe(3);
    const { rows } = await cloud.store.query<{ payload: string }>(
      `SELECT payload FROM events WHERE company_id = $1 AND payload LIKE '%DROP TABLE%'`,
      [cloud.tenant.companyId],
    );
    expect(JSON.parse(rows[0]!.payload)).toMatchObject({ code: `'); DROP TABLE events; --` });
    const unicode = await cloud.store.query<{ payload: string }>(
      `SELECT payload FROM events WHERE company_id = $1 AND payload LIKE '%quotes%'`,
      [cloud.tenant.companyId],
    );
    expect(JSON.parse(unicode.rows[0]!.payload)).toMatchObject({ code: 'ÜñÍçødé ✓ 𝔘 "quotes" \\ back' });
    await expectConverged(cloud, cloud.tenant.companyId, [
      {
        name: 'station',
        eventIds: stationEventIds(fixture.dataDir),
        documents: (s) => fixture.core.sync!.documents(s),
      },
    ]);
  });
});

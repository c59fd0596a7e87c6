import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_PAYLOAD_VERSION } from '#shared/sync/event-payloads';
import { GENESIS_HASH, type UploadEvent } from '#shared/sync/protocol';
import { openDatabase } from '../../../src/core/db/connection';
import { eventHash } from '../../../src/core/events/chain';
import { startCloud, type CloudFixture, type Tenant } from '../../support/cloud';
import { DEMO, openCore } from '../../support/core-fixture';
import { inspectStation } from '../../support/db';
import { GRADED_V1, GRADED_V2, GRADED_V3, UNKNOWN_IDENTITY } from '../../support/event-payloads';
import { tempDir } from '../../support/paths';
import { startPostgres, type Postgres } from '../../support/postgres';
import { referenceData } from '../../support/reference-data';
import { FAST_SYNC, importAll, waitFor } from '../../support/sync';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

/**
 * Event payloads across app versions (sync research §3 test 20, upload side): stations of three
 * app versions upload `returns.item_graded` as each wrote it; the cloud stores every event exactly
 * as it came, applies each once, and shows the OMS one shape — the current one — in the outcome
 * feed and in webhooks. A station newer than its cloud keeps its events queued with the reason.
 */

const STORES = ['pglite', 'postgresql'] as const;

type Spec = { type: string; payload: object; version: number; subject?: string };

/** A chain of events as a station would write them, one app version per event. */
function chain(stationId: string, fromSeq: number, prevHash: string, specs: readonly Spec[]): UploadEvent[] {
  const events: UploadEvent[] = [];
  let prev = prevHash;
  specs.forEach((spec, i) => {
    const seq = fromSeq + i;
    const fields = {
      id: `01EVVER${createHash('sha256').update(`${stationId}/${seq}`).digest('hex').slice(0, 19).toUpperCase()}`,
      seq,
      stationId,
      operatorId: DEMO.returns.badge,
      type: spec.type,
      subject: spec.subject ?? `case-${stationId}`,
      payload: JSON.stringify(spec.payload),
      schemaVersion: spec.version,
      createdAt: Date.now() - 60_000 + seq,
      prevHash: prev,
    };
    const event = { ...fields, hash: eventHash(fields) };
    events.push(event);
    prev = event.hash;
  });
  return events;
}

type Outcome = {
  eventId: string;
  type: string;
  payload: Record<string, unknown>;
  payloadVersion: number;
  recordedVersion: number;
};
type HookBody = { topic: string; event: Outcome & { id: string } };

describe.each(STORES)('event payload versions on %s', (storeKind) => {
  let postgres: Postgres | null = null;
  let databaseUrl: string | undefined;
  let pgliteDir: string | null = null;
  let cloud: CloudFixture;
  let hooks: WebhookReceiver | null = null;
  let hookUrl = '';
  const received: HookBody[] = [];
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    if (storeKind === 'postgresql') {
      postgres = await startPostgres();
      databaseUrl = await postgres.database();
    } else {
      // On disk, so a cloud can be stopped and an upgraded one started on the same data.
      const dir = tempDir();
      cleanups.push(dir.remove);
      pgliteDir = join(dir.dir, 'cloud');
    }
    cloud = await startCloud({ databaseUrl, pgliteDir });
    await importAll(cloud, referenceData());
    hooks = await startWebhookReceiver((_request, body, response) => {
      received.push(JSON.parse(body) as HookBody);
      response.writeHead(204).end();
    });
    hookUrl = hooks.url;
  }, 120_000);

  afterAll(async () => {
    await hooks?.close();
    await cloud?.close();
    await postgres?.stop();
    for (const cleanup of cleanups.reverse()) cleanup();
  });

  async function rawStation(tenant: Tenant, localId: string) {
    const enrolled = await fetch(`${cloud.url}/v1/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: await cloud.code(tenant),
        station: { localId, name: `Bench ${localId}`, incarnation: `inc-${localId}`, appVersion: 'old' },
      }),
    });
    expect(enrolled.status).toBe(201);
    const { token, station } = (await enrolled.json()) as { token: string; station: { id: string } };
    return {
      id: station.id,
      push: async (events: UploadEvent[]) => {
        const response = await fetch(`${cloud.url}/v1/sync/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ incarnation: `inc-${localId}`, events }),
        });
        return { status: response.status, json: (await response.json()) as Record<string, unknown> };
      },
    };
  }

  async function feed(tenant: Tenant, categories = 'grades'): Promise<Outcome[]> {
    const items: Outcome[] = [];
    let cursor: string | undefined;
    for (;;) {
      const answer = await cloud.oms(
        'GET',
        `/v1/oms/outcomes?categories=${categories}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        undefined,
        tenant,
      );
      expect(answer.status).toBe(200);
      const page = answer.json as { items: Outcome[]; cursor: string; more: boolean; heldBack: boolean };
      items.push(...page.items);
      cursor = page.cursor;
      if (!page.more && !page.heldBack) return items;
    }
  }

  it('applies v1, v2 and v3 events of one station once each, stores them as sent, and feeds and posts them all in the v3 shape', async () => {
    const tenant = await cloud.newTenant('Versions');
    const hook = await cloud.oms('POST', '/v1/oms/webhooks', { url: hookUrl, topics: ['return.graded'] }, tenant);
    expect(hook.status).toBe(201);
    const station = await rawStation(tenant, 'ST-OLD');
    // One station offline across two upgrades: its queue holds what each app version wrote.
    const specs: Spec[] = [
      // v1, with a field this cloud never heard of (a patched build, say): kept, never stripped.
      { type: 'returns.item_graded', payload: { ...GRADED_V1, itemNo: 1, glovesWorn: true }, version: 1 },
      { type: 'scan.recorded', payload: { code: 'X-1', kind: 'unknown' }, version: 1 },
      { type: 'returns.item_graded', payload: { ...GRADED_V1, itemNo: 2, rubric: null, version: null }, version: 1 },
      { type: 'returns.item_graded', payload: { ...GRADED_V2, itemNo: 3 }, version: 2 },
      { type: 'scan.recorded', payload: { code: 'X-2', kind: 'unknown' }, version: 2 },
      { type: 'returns.item_graded', payload: { ...GRADED_V3, itemNo: 4 }, version: 3 },
    ];
    const events = chain('ST-OLD', 1, GENESIS_HASH, specs);
    const first = await station.push(events.slice(0, 4));
    expect(first).toMatchObject({ status: 200, json: { lastSeq: 4, applied: 4, refused: [] } });
    // The lost-answer retry: everything again, the first four are repeats.
    const second = await station.push(events);
    expect(second).toMatchObject({ status: 200, json: { lastSeq: 6, applied: 2, duplicates: 4, refused: [] } });
    expect((await station.push(events)).json).toMatchObject({ applied: 0, duplicates: 6 });

    // Stored exactly as sent (the hash chain is over that text), once each, all applied.
    const stored = await cloud.store.query<{
      id: string;
      payload: string;
      schema_version: number;
      hash: string;
      status: string;
    }>('SELECT id, payload, schema_version, hash, status FROM events WHERE station_id = $1 ORDER BY seq', [station.id]);
    expect(stored.rows.map((r) => [r.id, r.payload, r.schema_version, r.hash, r.status])).toEqual(
      events.map((e) => [e.id, e.payload, e.schemaVersion, e.hash, 'applied']),
    );
    expect(JSON.parse(stored.rows[0]!.payload)).toMatchObject({ glovesWorn: true, rubric: 'grade-apparel' });
    const verdict = await cloud.oms('GET', `/v1/oms/stations/${station.id}/chain`, undefined, tenant);
    expect(verdict.json).toMatchObject({ ok: true, checked: 6 });

    // The feed: one shape for all four grades, whatever version recorded them.
    const expected = [
      { ...GRADED_V3, itemNo: 1, ...UNKNOWN_IDENTITY, glovesWorn: true },
      { ...GRADED_V3, itemNo: 2, ...UNKNOWN_IDENTITY, rubricId: null, rubricVersion: null },
      { ...GRADED_V3, itemNo: 3 },
      { ...GRADED_V3, itemNo: 4 },
    ];
    const grades = await feed(tenant);
    expect(grades.map((o) => o.eventId)).toEqual([events[0]!.id, events[2]!.id, events[3]!.id, events[5]!.id]);
    expect(grades.map((o) => o.payload)).toEqual(expected);
    expect(grades.map((o) => [o.recordedVersion, o.payloadVersion])).toEqual([
      [1, EVENT_PAYLOAD_VERSION],
      [1, EVENT_PAYLOAD_VERSION],
      [2, EVENT_PAYLOAD_VERSION],
      [3, EVENT_PAYLOAD_VERSION],
    ]);
    for (const outcome of grades) {
      expect(outcome.payload).not.toHaveProperty('rubric');
      expect(outcome.payload).not.toHaveProperty('version');
    }

    // The webhooks: the same four, in the same shape as the feed.
    await waitFor(
      'four return.graded deliveries',
      () => received.filter((b) => b.event.id.startsWith('01EVVER')).length >= 4,
    );
    const bodies = received
      .filter((b) => events.some((e) => e.id === b.event.id))
      .sort((a, b) => a.event.id.localeCompare(b.event.id));
    expect(bodies).toHaveLength(4);
    expect(bodies.every((b) => b.topic === 'return.graded')).toBe(true);
    const byId = new Map(grades.map((o) => [o.eventId, o]));
    for (const body of bodies) {
      const outcome = byId.get(body.event.id)!;
      expect(body.event.payload).toEqual(outcome.payload);
      expect([body.event.recordedVersion, body.event.payloadVersion]).toEqual([
        outcome.recordedVersion,
        EVENT_PAYLOAD_VERSION,
      ]);
    }
  });

  it('refuses an event whose payload does not match its version, stores it as it came with the reason, and goes on', async () => {
    const tenant = await cloud.newTenant('Mislabelled');
    const station = await rawStation(tenant, 'ST-MIS');
    const events = chain('ST-MIS', 1, GENESIS_HASH, [
      // A v3 payload stamped v1 (a build that bumped the shape but not the number).
      { type: 'returns.item_graded', payload: GRADED_V3, version: 1 },
      { type: 'returns.item_graded', payload: GRADED_V1, version: 1 },
    ]);
    const answer = await station.push(events);
    expect(answer).toMatchObject({
      status: 200,
      json: {
        lastSeq: 2,
        applied: 1,
        refused: [
          {
            seq: 1,
            id: events[0]!.id,
            status: 'refused',
            reason: expect.stringContaining('returns.item_graded v1: rubric') as unknown,
          },
        ],
      },
    });
    const stored = await cloud.store.query<{ payload: string; status: string }>(
      'SELECT payload, status FROM events WHERE station_id = $1 ORDER BY seq',
      [station.id],
    );
    expect(stored.rows).toEqual([
      { payload: events[0]!.payload, status: 'refused' },
      { payload: events[1]!.payload, status: 'applied' },
    ]);
    const refused = await cloud.oms('GET', '/v1/oms/refused', undefined, tenant);
    expect((refused.json as { eventId: string }[]).map((r) => r.eventId)).toEqual([events[0]!.id]);
    expect((await feed(tenant)).map((o) => o.eventId)).toEqual([events[1]!.id]);
  });

  it("feeds the current app's own grading (written at the newest version) with the item as the OMS knows it", async () => {
    const fixture = openCore({ sync: { timings: FAST_SYNC } });
    cleanups.push(() => fixture.close());
    // Graded offline, before the station is even enrolled: the bench never waits for the cloud.
    const db = inspectStation(fixture.dataDir);
    const rma = db
      .prepare<[], { id: string; number: string; code: string; productId: string }>(
        `SELECT r.id, r.number, l.product_id AS productId,
                (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b
                  WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code
           FROM rmas r JOIN rma_lines l ON l.rma_id = r.id JOIN products p ON p.id = l.product_id
          WHERE r.status = 'authorized' AND p.serialised = 0
            AND (SELECT sum(quantity) FROM rma_lines x WHERE x.rma_id = r.id) = 1
          ORDER BY r.number LIMIT 1`,
      )
      .get()!;
    db.close();
    await fixture.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
    await fixture.ok('session.bench', { bench: 'returns' });
    for (const code of [rma.number, rma.code, 'CMD:GOOD', 'CMD:DONE'])
      expect((await fixture.ok('scan.submit', { code, source: 'wedge' })).tone).not.toBe('bad');
    await fixture.ok('auth.logout', {});
    const tenant = await cloud.newTenant('Current app');
    await importAll(cloud, referenceData(), tenant);
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    await fixture.ok('sync.enrol', { url: cloud.url, code: await cloud.code(tenant) });
    await fixture.core.sync!.runOnce();
    expect((await fixture.ok('sync.status', {})).queue.depth).toBe(0);
    const grades = await feed(tenant);
    expect(grades).toHaveLength(1);
    expect(grades[0]).toMatchObject({
      recordedVersion: EVENT_PAYLOAD_VERSION,
      payloadVersion: EVENT_PAYLOAD_VERSION,
      payload: {
        itemNo: 1,
        grade: 'A',
        productId: rma.productId,
        rmaId: rma.id,
        rmaLineNo: 1,
        sku: expect.any(String) as unknown,
        rubricId: expect.any(String) as unknown,
      },
    });
  });

  it('keeps a newer station’s events queued with the reason while its cloud is older, sends the older ones, goes on downloading, and drains after the upgrade', async () => {
    // The cloud of last release: it reads payloads up to N-1.
    await cloud.close();
    cloud = await startCloud({ databaseUrl, pgliteDir, maxEventSchemaVersion: EVENT_PAYLOAD_VERSION - 1 });
    const port = new URL(cloud.url).port;
    const tenant = await cloud.newTenant('Upgrade order');
    await importAll(cloud, referenceData(), tenant);

    const fixture = openCore({ sync: { timings: FAST_SYNC } });
    cleanups.push(() => fixture.close());
    const stationId = (await fixture.ok('app.status', {})).station!.id;
    // Events the previous app version wrote and had not uploaded when this one was installed.
    const side = openDatabase(join(fixture.dataDir, 'station.db'));
    const head = side
      .prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1')
      .get();
    const older = chain(stationId, (head?.seq ?? 0) + 1, head?.hash ?? GENESIS_HASH, [
      { type: 'scan.recorded', payload: { code: 'OLD-1', kind: 'unknown' }, version: EVENT_PAYLOAD_VERSION - 2 },
      { type: 'returns.item_graded', payload: GRADED_V2, version: EVENT_PAYLOAD_VERSION - 1 },
    ]);
    const insert = side.prepare(
      `INSERT INTO events (seq, id, station_id, operator_id, type, subject, payload, schema_version, created_at, prev_hash, hash)
       VALUES (@seq, @id, @stationId, @operatorId, @type, @subject, @payload, @schemaVersion, @createdAt, @prevHash, @hash)`,
    );
    side.transaction(() => older.forEach((e) => insert.run(e)))();
    side.close();

    // This app writes the newest version from here on.
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    await fixture.ok('sync.enrol', { url: cloud.url, code: await cloud.code(tenant) });
    for (let i = 0; i < 3; i++) await fixture.ok('scan.submit', { code: `NEW-${i}`, source: 'wedge' });
    await fixture.core.sync!.runOnce();
    const held = await fixture.ok('sync.status', {});
    const local = inspectStation(fixture.dataDir);
    const firstNew = local
      .prepare<[number], { seq: number }>('SELECT min(seq) AS seq FROM events WHERE schema_version = ?')
      .get(EVENT_PAYLOAD_VERSION)!.seq;
    const headSeq = local.prepare<[], { seq: number }>('SELECT max(seq) AS seq FROM events').get()!.seq;
    local.close();
    expect(firstNew).toBeGreaterThan(older[1]!.seq);
    // Everything before the first newest-version event went; nothing after it; nothing refused.
    expect(held.queue.ackedSeq).toBe(firstNew - 1);
    expect(held.queue.depth).toBe(headSeq - firstNew + 1);
    expect(held.refusedTotal).toBe(0);
    expect(held.state).toBe('error');
    expect(held.lastError).toMatchObject({
      code: 'schema_too_new',
      message: expect.stringContaining('Upgrade the cloud service') as unknown,
    });
    // Downloads did not wait for the upload.
    expect(held.streams.every((s) => s.phase === 'live')).toBe(true);
    const grades = await feed(tenant);
    expect(grades.map((o) => [o.recordedVersion, o.payload])).toEqual([[EVENT_PAYLOAD_VERSION - 1, GRADED_V3]]);
    // Retried, it is still held: the events stay, in order, with the reason.
    await fixture.core.sync!.runOnce();
    expect((await fixture.ok('sync.status', {})).queue).toMatchObject({ ackedSeq: firstNew - 1 });

    // The cloud is upgraded in place (same address, same database): the queue drains.
    await cloud.close();
    cloud = await startCloud({ databaseUrl, pgliteDir, port: Number(port) });
    await fixture.core.sync!.runOnce();
    const drained = await fixture.ok('sync.status', {});
    expect(drained.queue.depth).toBe(0);
    expect(drained.lastError).toBeNull();
    expect(drained.refusedTotal).toBe(0);
    const versions = await cloud.store.query<{ v: number; n: number }>(
      `SELECT e.schema_version AS v, count(*)::int AS n FROM events e JOIN stations s ON s.id = e.station_id
        WHERE s.local_id = $1 AND e.status = 'applied' GROUP BY e.schema_version ORDER BY v`,
      [stationId],
    );
    expect(versions.rows.map((r) => r.v)).toEqual([
      EVENT_PAYLOAD_VERSION - 2,
      EVENT_PAYLOAD_VERSION - 1,
      EVENT_PAYLOAD_VERSION,
    ]);
    expect(versions.rows.reduce((sum, r) => sum + r.n, 0)).toBe(headSeq);
  });
});

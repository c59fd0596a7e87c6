import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/util/canonical-json';
import { docHash } from '#shared/sync/records';
import pg from 'pg';
import { SimulatedCrash } from '../../../src/core/sync/engine';
import { ADMIN_TOKEN, startCloud, type CloudFixture, type Tenant } from '../../support/cloud';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { startFaultProxy } from '../../support/fault-proxy';
import { tempDir } from '../../support/paths';
import { startPostgres, type Postgres } from '../../support/postgres';
import { referenceData, syntheticProduct } from '../../support/reference-data';
import { expectConverged, FAST_SYNC, importAll, stationEventIds } from '../../support/sync';

const STORES = ['pglite', 'postgresql'] as const;

describe.each(STORES)('download from the cloud on %s', (storeKind) => {
  let postgres: Postgres | null = null;
  let databaseUrl: string | null = null;
  let cloud: CloudFixture;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    if (storeKind === 'postgresql') {
      postgres = await startPostgres();
      databaseUrl = await postgres.database();
      cloud = await startCloud({ databaseUrl });
    } else {
      cloud = await startCloud();
    }
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) cleanup();
    await cloud?.close();
    await postgres?.stop();
  });

  /** A company of its own for each test, with the demo reference data and `extra` products. */
  async function company(extra = 0): Promise<Tenant> {
    const tenant = await cloud.newTenant();
    await importAll(cloud, referenceData({ extraProducts: extra }), tenant);
    return tenant;
  }

  async function station(tenant: Tenant, options: Parameters<typeof openCore>[0] = {}): Promise<CoreFixture> {
    const fixture = openCore({ ...options, sync: { timings: FAST_SYNC, ...options.sync } });
    cleanups.push(() => fixture.close());
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    await fixture.ok('sync.enrol', { url: cloud.url, code: await cloud.code(tenant) });
    return fixture;
  }

  function converged(fixture: CoreFixture, tenant: Tenant): Promise<void> {
    return expectConverged(cloud, tenant.companyId, [
      {
        name: 'station',
        eventIds: stationEventIds(fixture.dataDir),
        documents: (s) => fixture.core.sync!.documents(s),
      },
    ]);
  }

  /** A station on `dataDir` fetching pages of 150 rows, told of each fault point through `at`. */
  function pagedCore(dataDir: string, at: (point: string) => void): CoreFixture {
    return openCore({ dataDir, sync: { timings: { ...FAST_SYNC, pageRowsMax: 150 }, faults: { at } } });
  }

  async function catalog(fixture: CoreFixture) {
    return (await fixture.ok('sync.status', {})).streams.find((s) => s.name === 'catalog')!;
  }

  // PostgreSQL only: PGlite has a single connection, so no transaction can stay open beside another.
  it.runIf(storeKind === 'postgresql')(
    'never skips a row committed late by a long transaction (test 8)',
    async () => {
      const tenant = await company();
      const fixture = await station(tenant, { sync: { timings: { ...FAST_SYNC, pageRowsMax: 20 } } });
      await fixture.core.sync!.runOnce();
      // A slow import: its transaction writes 45 products (taking an xid), then pauses before it
      // adds them to the stream's checksum and commits — as a big import does between statements.
      const slow = new pg.Client({ connectionString: databaseUrl! });
      await slow.connect();
      try {
        await slow.query('BEGIN');
        const lateDocs = Array.from({ length: 45 }, (_, i) => syntheticProduct(10_000 + i));
        let sum = 0;
        for (const doc of lateDocs) {
          const hash = docHash(doc);
          sum += hash;
          await slow.query(
            "INSERT INTO records (company_id, kind, id, stream, body, hash) VALUES ($1, 'product', $2, 'catalog', $3, $4)",
            [tenant.companyId, doc['id'], canonicalJson(doc), hash],
          );
        }
        // Later transactions commit first: many rows with one xid, across several 20-row pages.
        const early = Array.from({ length: 70 }, (_, i) => syntheticProduct(20_000 + i));
        expect((await cloud.upsert('products', early, tenant)).status).toBe(200);
        expect((await cloud.remove('products', ['prod-nw-app-0001'], tenant)).status).toBe(200);
        await fixture.core.sync!.runOnce();
        // Held back behind the open transaction: not up to date — and nothing skipped either.
        expect((await catalog(fixture)).upToDate).toBe(false);
        await slow.query(
          `UPDATE stream_stats SET rows = rows + 45, checksum = mod(checksum + $2, 4294967296)
            WHERE company_id = $1 AND stream = 'catalog'`,
          [tenant.companyId, sum],
        );
        await slow.query('COMMIT');
      } finally {
        await slow.end();
      }
      await fixture.core.sync!.runOnce();
      const view = await catalog(fixture);
      expect(view.upToDate).toBe(true);
      expect(view.rows).toBe(2 + 220 - 1 + 45 + 70);
      await converged(fixture, tenant);
    },
    60_000,
  );

  it('takes a gzip page cut in the middle as a failure, and downloads it again (test 16)', async () => {
    const tenant = await company(2000);
    const proxy = await startFaultProxy(Number(new URL(cloud.url).port));
    cleanups.push(() => void proxy.close());
    const fixture = openCore({ sync: { timings: FAST_SYNC } });
    cleanups.push(() => fixture.close());
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    // Headers (about 250 bytes) pass; the gzip body ends after a few hundred bytes.
    proxy.set('cut', { cutAfterBytes: 700, after: 'GET /v1/sync/streams/catalog' });
    await fixture.ok('sync.enrol', { url: proxy.url, code: await cloud.code(tenant) });
    await fixture.core.sync!.runOnce();
    const cut = await fixture.ok('sync.status', {});
    expect(cut.lastError?.code).toBe('network');
    expect(cut.streams.find((s) => s.name === 'catalog')!.phase).toBe('staging');
    expect(proxy.counts.get('cut') ?? 0).toBeGreaterThan(0);
    proxy.set('pass');
    await fixture.core.sync!.runOnce();
    expect((await catalog(fixture)).upToDate).toBe(true);
    await converged(fixture, tenant);
  });

  it('keeps the cursor with its data when the station dies mid-page (test 9)', async () => {
    const tenant = await company(50);
    const dataDir = tempDir();
    cleanups.push(dataDir.remove);
    let fixture = await station(tenant, { dataDir: dataDir.dir });
    await fixture.core.sync!.runOnce();
    await fixture.core.sync!.idle();
    const before = fixture.core.sync!.documents('catalog');
    const stateBefore = (await fixture.ok('sync.status', {})).streams.find((s) => s.name === 'catalog')!;
    fixture.close();
    expect((await cloud.upsert('products', [syntheticProduct(1, { name: 'Changed' })], tenant)).status).toBe(200);
    let crashed = false;
    fixture = openCore({
      dataDir: dataDir.dir,
      sync: {
        timings: FAST_SYNC,
        faults: {
          at: (point) => {
            if (point === 'before_page_commit' && !crashed) {
              crashed = true;
              throw new SimulatedCrash(point);
            }
          },
        },
      },
    });
    await fixture.core.sync!.runOnce();
    expect(crashed).toBe(true);
    fixture.close();
    // What the crash left: the data and the cursor as they were, together.
    fixture = openCore({ dataDir: dataDir.dir, sync: { timings: FAST_SYNC } });
    cleanups.push(() => fixture.close());
    expect(fixture.core.sync!.documents('catalog')).toEqual(before);
    const stateAfter = (await fixture.ok('sync.status', {})).streams.find((s) => s.name === 'catalog')!;
    expect({ rows: stateAfter.rows, phase: stateAfter.phase }).toEqual({ rows: stateBefore.rows, phase: 'live' });
    await fixture.core.sync!.runOnce();
    await converged(fixture, tenant);
  });

  it('resumes an interrupted first download without duplicates and never shows half of it (test 10)', async () => {
    const tenant = await company(3000);
    const dataDir = tempDir();
    cleanups.push(dataDir.remove);
    let fixture = await station(tenant, {
      dataDir: dataDir.dir,
      sync: { timings: { ...FAST_SYNC, pageRowsMax: 150 } },
    });
    fixture.close();
    let random = 7;
    const next = (): number => (random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let crashes = 0;
    let lastStaged = 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      let pages = 0;
      const crashAt = 1 + Math.floor(next() * 6);
      const point = next() < 0.5 ? 'after_page_fetch' : 'before_page_commit';
      let crashed = false;
      fixture = pagedCore(dataDir.dir, (at) => {
        if (at === 'after_page_fetch') pages++;
        if (at === point && pages >= crashAt && !crashed) {
          crashed = true;
          throw new SimulatedCrash(at);
        }
      });
      await fixture.core.sync!.runOnce();
      fixture.close();
      const db = new Database(join(dataDir.dir, 'station.db'), { readonly: true });
      const stream = db
        .prepare<[], { staging: number; stage_rows: number; cursor: string | null }>(
          "SELECT staging, stage_rows, cursor FROM sync_streams WHERE stream = 'catalog'",
        )
        .get()!;
      const products = db
        .prepare<[], { n: number; synced: number }>('SELECT count(*) AS n, count(sync_hash) AS synced FROM products')
        .get()!;
      db.close();
      // Never half: the live catalog is the demo's (nothing synced) or the whole cloud catalog.
      expect([0, 220 + 3000]).toContain(products.synced);
      if (products.synced === 0) expect(products.n).toBe(220);
      if (!crashed) break;
      crashes++;
      if (stream.staging === 1) {
        // Resumed, not restarted: the staged rows never go back while the download is under way.
        expect(stream.stage_rows).toBeGreaterThanOrEqual(lastStaged);
        lastStaged = stream.stage_rows;
      }
    }
    expect(crashes).toBeGreaterThan(3);
    fixture = openCore({ dataDir: dataDir.dir, sync: { timings: FAST_SYNC } });
    cleanups.push(() => fixture.close());
    await fixture.core.sync!.runOnce();
    const view = await catalog(fixture);
    expect(view).toMatchObject({ phase: 'live', upToDate: true, rows: 2 + 220 + 3000 });
    expect(fixture.core.sync!.verify('catalog')).toMatchObject({ ok: true, mismatched: [] });
    await converged(fixture, tenant);
  }, 120_000);

  it('counts the staged rows when their tally disagrees with the cloud, rather than downloading again', async () => {
    const tenant = await company(600);
    const dataDir = tempDir();
    cleanups.push(dataDir.remove);
    let fixture = await station(tenant, { dataDir: dataDir.dir });
    fixture.close();
    // A first download stopped once the catalog's staging is under way; its tally then made wrong
    // behind its back.
    const reader = new Database(join(dataDir.dir, 'station.db'), { readonly: true });
    const staged = reader.prepare<[], number>('SELECT count(*) FROM sync_stage_products').pluck();
    let crashed = false;
    fixture = pagedCore(dataDir.dir, (at) => {
      if (at !== 'after_page_fetch' || crashed || staged.get()! < 150) return;
      crashed = true;
      throw new SimulatedCrash(at);
    });
    await fixture.core.sync!.runOnce();
    fixture.close();
    reader.close();
    expect(crashed).toBe(true);
    const db = new Database(join(dataDir.dir, 'station.db'));
    const skewed = db
      .prepare("UPDATE sync_stage_tally SET sum = sum + 1 WHERE stream = 'catalog' AND kind = 'product'")
      .run().changes;
    db.close();
    expect(skewed).toBe(1);
    // The rest of the download: the staged rows only ever grow until the swap (a mismatch would
    // have cleared them and started over).
    const progress = new Database(join(dataDir.dir, 'station.db'), { readonly: true });
    const stageRows = progress.prepare<[], { staging: number; stage_rows: number }>(
      "SELECT staging, stage_rows FROM sync_streams WHERE stream = 'catalog'",
    );
    const resumedAt = stageRows.get()!.stage_rows;
    expect(resumedAt).toBeGreaterThan(0);
    let fewest = resumedAt;
    fixture = pagedCore(dataDir.dir, (at) => {
      const now = stageRows.get()!;
      if (at === 'after_page_fetch' && now.staging === 1) fewest = Math.min(fewest, now.stage_rows);
    });
    cleanups.push(() => fixture.close());
    await fixture.core.sync!.runOnce();
    progress.close();
    expect(await catalog(fixture)).toMatchObject({ phase: 'live', upToDate: true, rows: 2 + 220 + 600 });
    // Counted at the end and found right: nothing downloaded twice.
    expect(fewest).toBe(resumedAt);
    await converged(fixture, tenant);
  }, 120_000);

  it('answers 410 for a cursor older than the history, re-downloads while the outbox keeps uploading (test 12)', async () => {
    const tenant = await company(100);
    const fixture = await station(tenant);
    await fixture.core.sync!.runOnce();
    // While the station is away: deletes, and the history of them purged.
    expect((await cloud.remove('products', ['prod-syn-0000003', 'prod-syn-0000004'], tenant)).status).toBe(200);
    const purge = await fetch(`${cloud.url}/v1/admin/purge-tombstones`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ olderThanMs: 0 }),
    });
    expect(purge.status).toBe(200);
    for (let i = 0; i < 10; i++) await fixture.ok('scan.submit', { code: `OUTBOX-${i}`, source: 'wedge' });
    await fixture.core.sync!.runOnce();
    const view = await fixture.ok('sync.status', {});
    expect(view.queue.depth).toBe(0);
    expect(view.streams.find((s) => s.name === 'catalog')).toMatchObject({
      phase: 'live',
      upToDate: true,
      rows: 2 + 220 + 98,
    });
    await converged(fixture, tenant);
  });

  it('re-downloads everything when the cloud database is replaced (a new epoch, test 12)', async () => {
    const tenant = await company(20);
    const fixture = await station(tenant);
    await fixture.core.sync!.runOnce();
    const epoch = await fetch(`${cloud.url}/v1/admin/new-epoch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(epoch.status).toBe(200);
    expect((await cloud.upsert('products', [syntheticProduct(2, { name: 'After the restore' })], tenant)).status).toBe(
      200,
    );
    await fixture.core.sync!.runOnce();
    await fixture.core.sync!.runOnce();
    expect((await fixture.ok('sync.status', {})).streams.every((s) => s.phase === 'live' && s.upToDate)).toBe(true);
    await converged(fixture, tenant);
  });

  it('sends again the events a restored cloud lost after acknowledging them (test 12)', async () => {
    const tenant = await company();
    const fixture = await station(tenant);
    for (let i = 0; i < 30; i++) await fixture.ok('scan.submit', { code: `KEEP-${i}`, source: 'wedge' });
    await fixture.core.sync!.runOnce();
    const local = (await fixture.ok('app.status', {})).station!;
    // The cloud is restored to a backup taken when it had only seq ≤ 10 of this station.
    const { rows } = await cloud.store.query<{ id: string }>('SELECT id FROM stations WHERE local_id = $1', [local.id]);
    const stationId = rows[0]!.id;
    const kept = await cloud.store.query<{ hash: string }>(
      'SELECT hash FROM events WHERE station_id = $1 AND seq = 10',
      [stationId],
    );
    await cloud.store.query('DELETE FROM events WHERE station_id = $1 AND seq > 10', [stationId]);
    await cloud.store.query('UPDATE station_incarnations SET last_seq = 10, last_hash = $2 WHERE station_id = $1', [
      stationId,
      kept.rows[0]!.hash,
    ]);
    await fixture.core.sync!.runOnce();
    expect((await fixture.ok('sync.status', {})).queue.depth).toBe(0);
    await converged(fixture, tenant);
  });

  it('detects rows deleted behind its back and edits by their hash (test 14)', async () => {
    const tenant = await company(10);
    const dataDir = tempDir();
    cleanups.push(dataDir.remove);
    let fixture = await station(tenant, { dataDir: dataDir.dir });
    await fixture.core.sync!.runOnce();
    fixture.close();
    const db = new Database(join(dataDir.dir, 'station.db'));
    db.prepare("UPDATE products SET name = 'Edited by hand' WHERE id = 'prod-syn-0000001'").run();
    db.prepare("DELETE FROM products WHERE id = 'prod-syn-0000002'").run();
    db.close();
    fixture = openCore({ dataDir: dataDir.dir, sync: { timings: FAST_SYNC } });
    cleanups.push(() => fixture.close());
    const verdict = fixture.core.sync!.verify('catalog');
    expect(verdict.ok).toBe(false);
    expect(verdict.mismatched).toContain('product/prod-syn-0000001');
    await fixture.core.sync!.runOnce();
    // The deleted row made the count disagree at start: the catalog came down again, and every
    // row was rewritten — the edit too.
    expect((await catalog(fixture)).rows).toBe(2 + 220 + 10);
    expect(fixture.core.sync!.documents('catalog').has('product/prod-syn-0000002')).toBe(true);
    expect(fixture.core.sync!.verify('catalog').ok).toBe(true);
    await converged(fixture, tenant);
  });

  it('parks documents a newer cloud sends that this station cannot store, and the checksum still adds up (test 20)', async () => {
    const tenant = await company();
    const fixture = await station(tenant);
    await fixture.core.sync!.runOnce();
    // A newer cloud: a kind this station does not know, a product with a new field, one missing a field.
    const docs = [
      { kind: 'gift_card', id: 'gc-1', body: { id: 'gc-1', value: 2500 } },
      {
        kind: 'product',
        id: 'prod-future-1',
        body: { ...syntheticProduct(77, { id: 'prod-future-1', sku: 'FUT-1', barcodes: [] }), colorHex: '#ff0000' },
      },
      {
        kind: 'product',
        id: 'prod-future-2',
        body: { ...syntheticProduct(78, { id: 'prod-future-2', sku: 'FUT-2', barcodes: [] }), currency: undefined },
      },
    ];
    let sum = 0;
    for (const doc of docs) {
      const body = canonicalJson(doc.body);
      const hash = docHash(doc.body);
      sum += hash;
      await cloud.store.query(
        `INSERT INTO records (company_id, kind, id, stream, body, hash) VALUES ($1, $2, $3, 'catalog', $4, $5)`,
        [tenant.companyId, doc.kind, doc.id, body, hash],
      );
    }
    await cloud.store.query(
      `UPDATE stream_stats SET rows = rows + 3, checksum = mod(checksum + $2, 4294967296) WHERE company_id = $1 AND stream = 'catalog'`,
      [tenant.companyId, sum],
    );
    await fixture.core.sync!.runOnce();
    const view = await catalog(fixture);
    expect(view).toMatchObject({ phase: 'live', upToDate: true, mismatches: 0, rows: 2 + 220 + 3 });
    // The known part of the stream is in use; the rest waits, parked, for a newer station.
    const products = fixture.core.sync!.documents('catalog');
    expect(products.has('product/prod-nw-app-0001')).toBe(true);
    expect(products.get('product/prod-future-1')).toBe(canonicalJson(docs[1]!.body));
    expect(products.get('gift_card/gc-1')).toBe(canonicalJson(docs[0]!.body));
    expect((await fixture.ok('scan.submit', { code: 'FUT-1', source: 'wedge' })).kind).toBe('unknown');
    await fixture.core.sync!.runOnce();
    await converged(fixture, tenant);
  });

  it('stores odd but valid values exactly, and refuses the impossible ones at the door (test 21)', async () => {
    const tenant = await company();
    const fixture = await station(tenant);
    const odd = [
      syntheticProduct(900, {
        id: `prod-'; DROP TABLE products; --`,
        sku: 'SKU "quoted" \\ back',
        name: 'SELECT * FROM — ünïcödé 𝔘 ✓',
      }),
      syntheticProduct(901, { name: 'Tab\there and\nnewline', weightG: 9_007_199_254_740_991 % 1_000_000_000 }),
    ];
    expect((await cloud.upsert('products', odd, tenant)).status).toBe(200);
    const order = referenceData().orders![0]!;
    const floats = {
      ...order,
      id: 'ord-floats',
      number: 'F-1',
      shipTo: { lat: 0.1 + 0.2, lon: -1e-7, big: 2 ** 52, nested: { a: [1.5, null, true] } },
    };
    expect((await cloud.upsert('orders', [floats], tenant)).status).toBe(200);
    // JSON keys given twice: JSON.parse keeps the last; cloud and station agree on it.
    const twice = await cloud.oms(
      'POST',
      '/v1/oms/customers',
      '{"op":"upsert","data":{"id":"cust-twice","firstName":"First","firstName":"Second"}}',
      tenant,
    );
    expect(twice.status).toBe(200);
    const refusals = [
      '{"op":"upsert","data":' +
        JSON.stringify(syntheticProduct(902)).replace('"weightG":102,', '"weightG":9007199254740993,') +
        '}',
      '{"op":"upsert","data":{"id":"x","firstName":NaN}}',
      '{"op":"upsert","data":{"id":"\\ud800","firstName":"lone surrogate"}}',
      '{"op":"upsert","data":{"id":"y","firstName":"control \\u0001 char"}}',
    ];
    for (const line of refusals) {
      const collection = line.includes('weightG') ? 'products' : 'customers';
      const answer = await cloud.oms('POST', `/v1/oms/${collection}`, line, tenant);
      expect(answer.status, line).toBe(400);
    }
    await fixture.core.sync!.runOnce();
    const docs = fixture.core.sync!.documents('catalog');
    expect(JSON.parse(docs.get(`product/prod-'; DROP TABLE products; --`)!)).toMatchObject({
      sku: 'SKU "quoted" \\ back',
    });
    const stored = JSON.parse(fixture.core.sync!.documents('orders').get('order/ord-floats')!) as {
      shipTo: { lat: number };
    };
    expect(stored.shipTo.lat).toBe(0.1 + 0.2);
    expect(JSON.parse(fixture.core.sync!.documents('customers').get('customer/cust-twice')!)).toMatchObject({
      firstName: 'Second',
    });
    await converged(fixture, tenant);
  });

  it('rolls back a page the database refuses and applies it again later, the cursor unchanged (test 23)', async () => {
    const tenant = await company(30);
    let failNext = 0;
    const fixture = await station(tenant, {
      sync: {
        timings: FAST_SYNC,
        faults: {
          at: (point) => {
            if (point === 'before_page_commit' && failNext > 0) {
              failNext--;
              throw Object.assign(new Error('database or disk is full'), { name: 'SqliteError', code: 'SQLITE_FULL' });
            }
          },
        },
      },
    });
    await fixture.core.sync!.runOnce();
    expect((await catalog(fixture)).upToDate).toBe(true);
    expect((await cloud.upsert('products', [syntheticProduct(3, { name: 'Full disk' })], tenant)).status).toBe(200);
    failNext = 1;
    await fixture.core.sync!.runOnce();
    const failed = await fixture.ok('sync.status', {});
    expect(failed.lastError?.message).toMatch(/full/);
    expect(JSON.parse(fixture.core.sync!.documents('catalog').get('product/prod-syn-0000003')!)).not.toMatchObject({
      name: 'Full disk',
    });
    // A real SQLITE_BUSY: another connection holds the write lock for longer than the busy timeout.
    expect((await cloud.upsert('products', [syntheticProduct(4, { name: 'Busy' })], tenant)).status).toBe(200);
    const blocker = new Database(join(fixture.dataDir, 'station.db'));
    blocker.prepare('BEGIN IMMEDIATE').run();
    const busy = fixture.core.sync!.runOnce();
    await busy;
    blocker.prepare('ROLLBACK').run();
    blocker.close();
    expect((await fixture.ok('sync.status', {})).lastError?.message).toMatch(/locked|busy/i);
    await fixture.core.sync!.runOnce();
    expect((await fixture.ok('sync.status', {})).lastError).toBeNull();
    await converged(fixture, tenant);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectStation } from '../../support/db';
import { STREAMS } from '#shared/sync/records';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { startCloud, type CloudFixture } from '../../support/cloud';
import { startPostgres, type Postgres } from '../../support/postgres';
import { referenceData, syntheticProduct } from '../../support/reference-data';
import { expectConverged, FAST_SYNC, importAll, stationEventIds } from '../../support/sync';

const STORES = ['pglite', 'postgresql'] as const;

describe.each(STORES)('sync with the cloud on %s', (storeKind) => {
  let postgres: Postgres | null = null;
  let cloud: CloudFixture;
  const stations: CoreFixture[] = [];

  beforeAll(async () => {
    if (storeKind === 'postgresql') {
      postgres = await startPostgres();
      cloud = await startCloud({ databaseUrl: await postgres.database() });
    } else {
      cloud = await startCloud();
    }
    await importAll(cloud, referenceData({ extraProducts: 300 }));
  }, 120_000);

  afterAll(async () => {
    for (const station of stations) station.close();
    await cloud?.close();
    await postgres?.stop();
  });

  async function enrolledStation(): Promise<CoreFixture> {
    // No QC sample drawn at DONE (a parcel packed here goes straight out).
    const station = openCore({ sync: { timings: FAST_SYNC }, random: () => 0.99 });
    stations.push(station);
    await station.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const view = await station.ok('sync.enrol', { url: cloud.url, code: await cloud.code() });
    expect(view.enrolled).toBe(true);
    expect(view.company?.id).toBe(cloud.tenant.companyId);
    return station;
  }

  it('enrols, uploads every event exactly once, and downloads every stream', async () => {
    const station = await enrolledStation();
    await station.ok('scan.submit', { code: 'NW-NOPE-1', source: 'wedge' });
    await station.core.sync!.runOnce();
    const view = await station.ok('sync.status', {});
    expect(view.lastError).toBeNull();
    expect(view.queue.depth).toBe(0);
    expect(view.streams.map((s) => [s.name, s.phase, s.upToDate])).toEqual(STREAMS.map((s) => [s, 'live', true]));
    const catalog = view.streams.find((s) => s.name === 'catalog')!;
    expect(catalog.rows).toBe(2 + 220 + 300);
    // The synthetic products are scannable at the station now.
    const scanned = await station.ok('scan.submit', { code: 'SYNCODE-0000007', source: 'wedge' });
    expect(scanned.kind).toBe('product');
    expect(station.core.sync!.verify('catalog').ok).toBe(true);
    await station.core.sync!.runOnce();
    await expectConverged(cloud, cloud.tenant.companyId, [
      {
        name: 'station',
        eventIds: stationEventIds(station.dataDir),
        documents: (s) => station.core.sync!.documents(s),
      },
    ]);
  });

  it('follows changes and deletes, page by page, with the checksum agreeing', async () => {
    const station = await enrolledStation();
    await station.core.sync!.runOnce();
    const changed = [
      syntheticProduct(5, { name: 'Renamed product', barcodes: [{ code: 'SYNCODE-NEW-5', kind: 'code128' }] }),
    ];
    expect((await cloud.upsert('products', changed)).status).toBe(200);
    expect((await cloud.remove('products', ['prod-syn-0000006'])).status).toBe(200);
    await station.core.sync!.runOnce();
    const view = await station.ok('sync.status', {});
    const catalog = view.streams.find((s) => s.name === 'catalog')!;
    expect(catalog.upToDate).toBe(true);
    expect(catalog.rows).toBe(2 + 220 + 299);
    expect((await station.ok('scan.submit', { code: 'SYNCODE-NEW-5', source: 'wedge' })).kind).toBe('product');
    expect((await station.ok('scan.submit', { code: 'SYNCODE-0000005', source: 'wedge' })).kind).toBe('unknown');
    expect((await station.ok('scan.submit', { code: 'SYNCODE-0000006', source: 'wedge' })).kind).toBe('unknown');
    await station.core.sync!.runOnce();
    await expectConverged(cloud, cloud.tenant.companyId, [
      {
        name: 'station',
        eventIds: stationEventIds(station.dataDir),
        documents: (s) => station.core.sync!.documents(s),
      },
    ]);
  });
  it('recalls a packed parcel when a downloaded page says its order was refunded', async () => {
    const station = await enrolledStation();
    await station.core.sync!.runOnce();
    await station.ok('session.bench', { bench: 'pack' });
    const db = inspectStation(station.dataDir);
    const order = db
      .prepare<[], { id: string; number: string }>(
        `SELECT o.id, o.number FROM orders o WHERE o.status = 'ready_to_pack' AND o.brand_id = 'brand-northwind'
           AND NOT EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.serialised = 1)
         ORDER BY o.number LIMIT 1`,
      )
      .get()!;
    const units = db
      .prepare<[string], { code: string; quantity: number }>(
        `SELECT (SELECT min(b.code) FROM product_barcodes b WHERE b.product_id = l.product_id) AS code, l.quantity
           FROM order_lines l WHERE l.order_id = ? ORDER BY l.line_no`,
      )
      .all(order.id);
    db.close();
    await station.ok('scan.submit', { code: order.number, source: 'wedge' });
    for (const unit of units)
      for (let i = 0; i < unit.quantity; i++)
        expect((await station.ok('scan.submit', { code: unit.code, source: 'wedge' })).tone).not.toBe('bad');
    const expected = (await station.ok('pack.current', {}))!.expectedWeightG;
    await station.ok('pack.weight', { grams: expected, source: 'manual' });
    expect((await station.ok('scan.submit', { code: 'CMD:DONE', source: 'wedge' })).message).toBe('verdict.pack.done');
    expect(await station.ok('pack.recalls', {})).toEqual([]);

    // The order system refunds the order; the station hears of it by sync alone.
    const doc = referenceData({ extraProducts: 300 }).orders!.find((o) => o['id'] === order.id)!;
    expect((await cloud.upsert('orders', [{ ...doc, status: 'refunded' }])).status).toBe(200);
    const pushed = station.frames.length;
    await station.core.sync!.runOnce();
    expect(await station.ok('pack.recalls', {})).toMatchObject([
      { orderId: order.id, orderNumber: order.number, orderStatus: 'refunded' },
    ]);
    expect(station.frames.slice(pushed).some((f) => f.t === 'event' && f.name === 'pack.changed')).toBe(true);
  });
});

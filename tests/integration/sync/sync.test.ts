import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const station = openCore({ sync: { timings: FAST_SYNC } });
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
});

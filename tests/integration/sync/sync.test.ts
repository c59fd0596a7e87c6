import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectStation } from '../../support/db';
import { STREAMS } from '#shared/sync/records';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { startCloudOn, type CloudFixture } from '../../support/cloud';
import type { Postgres } from '../../support/postgres';
import { referenceData, syntheticProduct } from '../../support/reference-data';
import { cloudEventIds, expectConverged, FAST_SYNC, importAll, stationEventIds } from '../../support/sync';

const STORES = ['pglite', 'postgresql'] as const;

describe.each(STORES)('sync with the cloud on %s', (storeKind) => {
  let postgres: Postgres | null = null;
  let cloud: CloudFixture;
  const stations: CoreFixture[] = [];

  beforeAll(async () => {
    ({ cloud, postgres } = await startCloudOn(storeKind));
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
  it("re-evaluates a closed return when a downloaded customers page raises its customer's counters: a new flag, the refund held again", async () => {
    const station = await enrolledStation();
    await station.core.sync!.runOnce();
    const db = inspectStation(station.dataDir);
    const rma = db
      .prepare<[], { number: string; customer_id: string; code: string }>(
        `SELECT r.number, o.customer_id,
                (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM rma_lines l JOIN product_barcodes b ON b.product_id = l.product_id
                  WHERE l.rma_id = r.id ORDER BY l.line_no, b.code LIMIT 1) AS code
           FROM rmas r JOIN orders o ON o.id = r.order_id
          WHERE r.status = 'authorized' AND o.customer_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id AND p.serialised = 1)
          ORDER BY o.placed_at DESC, r.number LIMIT 1`,
      )
      .get()!;
    db.close();
    // A return received and closed at the bench (the latest order: the station's clock is three
    // weeks past the reference data's, and the refund must be inside its window); a supervisor
    // clears whatever it raised.
    await station.ok('auth.logout', {});
    await station.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
    await station.ok('session.bench', { bench: 'returns' });
    for (const code of [rma.number, rma.code, 'CMD:GOOD', 'CMD:DONE'])
      expect((await station.ok('scan.submit', { code, source: 'wedge' })).message).not.toBe('verdict.unknown');
    const caseId = (await station.ok('returns.current', {}))!.caseId;
    await station.ok('auth.logout', {});
    await station.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    await station.ok('session.bench', { bench: 'review' });
    let view = await station.ok('review.case', { caseId });
    expect(view.status).toBe('closed');
    for (const flag of view.flags.filter((f) => f.status === 'open'))
      await station.ok('review.decide', { flagId: flag.flagId, decision: 'clear', reason: 'EVIDENCE_CONSISTENT' });
    view = await station.ok('review.case', { caseId });
    expect(view.refund!.status).toBe('recommended');
    expect(view.flags.map((f) => f.type)).not.toContain('serial_returner');
    await station.core.sync!.runOnce();

    // The order system's counters for the customer rise: the station hears of it by sync alone.
    const doc = referenceData().customers!.find((c) => c['id'] === rma.customer_id)!;
    const counters = { ordersCount: 12, returnsCount: 10, returnsValueCents: 150_000 };
    expect((await cloud.upsert('customers', [{ ...doc, ...counters }])).status).toBe(200);
    await station.core.sync!.runOnce();

    view = await station.ok('review.case', { caseId });
    const raised = view.flags.filter((f) => f.type === 'serial_returner');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ status: 'open', stale: false });
    expect(raised[0]!.explanation).toMatch(/returned 11 times/);
    expect(view.refund!.status).toBe('on_hold');
    const log = inspectStation(station.dataDir);
    const events = log
      .prepare<[string], { id: string; type: string; operator_id: string | null; payload: string }>(
        "SELECT id, type, operator_id, payload FROM events WHERE subject = ? AND type IN ('fraud.flag_raised', 'returns.refund_updated') ORDER BY seq",
      )
      .all(caseId);
    const customer = log
      .prepare<[string], { returns_count: number }>('SELECT returns_count FROM customers WHERE id = ?')
      .get(rma.customer_id)!;
    log.close();
    expect(customer.returns_count).toBe(10);
    const reevaluated = events
      .filter((e) => e.type === 'fraud.flag_raised')
      .map((e) => ({ ...e, payload: JSON.parse(e.payload) as Record<string, unknown> }))
      .filter((e) => e.payload['reevaluation'] === true);
    expect(reevaluated).toHaveLength(1);
    expect(reevaluated[0]).toMatchObject({
      operator_id: null,
      payload: { flagId: raised[0]!.flagId, type: 'serial_returner', reevaluation: true },
    });
    const held = events.filter((e) => e.type === 'returns.refund_updated').at(-1)!;
    expect(held.operator_id).toBeNull();
    expect(JSON.parse(held.payload)).toMatchObject({ from: 'recommended', to: 'on_hold' });
    expect(events.findIndex((e) => e.id === held.id)).toBeGreaterThan(
      events.findIndex((e) => e.id === reevaluated[0]!.id),
    );
    // The new flag and the held refund go up with the next upload, like every bench record.
    await station.core.sync!.runOnce();
    const stored = await cloudEventIds(cloud.store, cloud.tenant.companyId);
    expect([stored.get(reevaluated[0]!.id), stored.get(held.id)]).toEqual([1, 1]);
  });
});

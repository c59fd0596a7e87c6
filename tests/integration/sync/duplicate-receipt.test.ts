import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMS } from '#shared/sync/records';
import { recordReceipts } from '../../../src/cloud/services/receipts';
import { ADMIN_TOKEN, startCloudOn, type CloudFixture, type Tenant } from '../../support/cloud';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { inspectStation } from '../../support/db';
import type { Postgres } from '../../support/postgres';
import { referenceData } from '../../support/reference-data';
import { expectConverged, FAST_SYNC, importAll, stationEventIds } from '../../support/sync';

/**
 * Issue #4, "an RMA received at another station (known after sync: raise a duplicate-receipt
 * flag)": the cloud marks an RMA received when it applies the first station's `returns.opened`,
 * as an `rma_receipt` document of the `rmas` stream; a station holding a case of that RMA under
 * another case id flags it `duplicate_receipt` when the page arrives, and its refund is held.
 */

const STORES = ['pglite', 'postgresql'] as const;

type Rma = { id: string; number: string; code: string };

describe.each(STORES)('duplicate receipts learnt through sync, on %s', (storeKind) => {
  let postgres: Postgres | null = null;
  let cloud: CloudFixture;
  const stations: CoreFixture[] = [];

  beforeAll(async () => {
    ({ cloud, postgres } = await startCloudOn(storeKind));
  }, 120_000);

  afterAll(async () => {
    for (const station of stations) station.close();
    await cloud?.close();
    await postgres?.stop();
  });

  async function company(): Promise<Tenant> {
    const tenant = await cloud.newTenant();
    await importAll(cloud, referenceData(), tenant);
    return tenant;
  }

  /** An enrolled station with the company's data, then offline: it syncs only when told to. */
  async function station(tenant: Tenant): Promise<CoreFixture> {
    // No QC sample or re-grade drawn (random high).
    const fixture = openCore({ sync: { timings: FAST_SYNC }, random: () => 0.99 });
    stations.push(fixture);
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    await fixture.ok('sync.enrol', { url: cloud.url, code: await cloud.code(tenant) });
    await fixture.core.sync!.runOnce();
    await fixture.core.sync!.stop();
    await fixture.ok('auth.logout', {});
    return fixture;
  }

  /** Authorised RMAs of recent orders (inside their window at the stations' clock), one item each to scan. */
  function rmas(fixture: CoreFixture, count: number): Rma[] {
    const db = inspectStation(fixture.dataDir);
    try {
      return db
        .prepare<[number], Rma>(
          `SELECT r.id, r.number,
                  (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM rma_lines l JOIN product_barcodes b ON b.product_id = l.product_id
                    WHERE l.rma_id = r.id ORDER BY l.line_no, b.code LIMIT 1) AS code
             FROM rmas r JOIN orders o ON o.id = r.order_id
            WHERE r.status = 'authorized' AND o.customer_id IS NOT NULL AND r.sync_hash IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id AND p.serialised = 1)
            ORDER BY o.placed_at DESC, r.number LIMIT ?`,
        )
        .all(count);
    } finally {
      db.close();
    }
  }

  async function as(fixture: CoreFixture, who: { badge: string; pin: string }, bench: 'returns' | 'review') {
    await fixture.call('auth.logout', {});
    await fixture.ok('auth.login', { badge: who.badge, pin: who.pin });
    await fixture.ok('session.bench', { bench });
  }

  /** The clerk scans the RMA and its first item; `close`: grades it GOOD and closes the case. */
  async function receive(fixture: CoreFixture, rma: Rma, close = true): Promise<string> {
    await as(fixture, DEMO.returns, 'returns');
    const opened = await fixture.ok('scan.submit', { code: rma.number, source: 'wedge' });
    expect(opened.message).toBe('verdict.returns.opened');
    const codes = close ? [rma.code, 'CMD:GOOD', 'CMD:DONE'] : [rma.code];
    for (const code of codes) expect((await fixture.ok('scan.submit', { code, source: 'wedge' })).tone).not.toBe('bad');
    return (await fixture.ok('returns.current', {}))!.caseId;
  }

  /** A supervisor clears whatever the fraud rules raised at close: the refund is recommended. */
  async function cleared(fixture: CoreFixture, caseId: string): Promise<void> {
    await as(fixture, DEMO.supervisor, 'review');
    for (const flag of (await fixture.ok('review.case', { caseId })).flags.filter((f) => f.status === 'open'))
      await fixture.ok('review.decide', { flagId: flag.flagId, decision: 'clear', reason: 'EVIDENCE_CONSISTENT' });
    expect((await fixture.ok('review.case', { caseId })).refund!.status).toBe('recommended');
  }

  async function reviewCase(fixture: CoreFixture, caseId: string) {
    await as(fixture, DEMO.supervisor, 'review');
    return fixture.ok('review.case', { caseId });
  }

  function localId(fixture: CoreFixture): string {
    const db = inspectStation(fixture.dataDir);
    try {
      return db.prepare<[], { id: string }>('SELECT id FROM station').get()!.id;
    } finally {
      db.close();
    }
  }

  /** Events of a type about a case, as the station recorded them. */
  function eventsOf(fixture: CoreFixture, caseId: string, type: string) {
    const db = inspectStation(fixture.dataDir);
    try {
      return db
        .prepare<[string, string], { id: string; operator_id: string | null; payload: string }>(
          'SELECT id, operator_id, payload FROM events WHERE subject = ? AND type = ? ORDER BY seq',
        )
        .all(caseId, type)
        .map((e) => ({ ...e, payload: JSON.parse(e.payload) as Record<string, unknown> }));
    } finally {
      db.close();
    }
  }

  async function quiescent(fixtures: CoreFixture[], tenant: Tenant): Promise<void> {
    for (const fixture of fixtures) {
      const view = await fixture.ok('sync.status', {});
      expect(view.lastError).toBeNull();
      expect(view.queue.depth).toBe(0);
      expect(view.streams.map((s) => [s.name, s.upToDate])).toEqual(STREAMS.map((s) => [s, true]));
    }
    await expectConverged(
      cloud,
      tenant.companyId,
      fixtures.map((fixture, i) => ({
        name: `station ${i + 1}`,
        eventIds: stationEventIds(fixture.dataDir),
        documents: (s) => fixture.core.sync!.documents(s),
      })),
    );
  }

  it.each(['A', 'B'] as const)(
    'two stations receive one RMA offline; %s uploads first: only the other one is flagged, naming the first, its refund on hold',
    async (firstName) => {
      const tenant = await company();
      const a = await station(tenant);
      const b = await station(tenant);
      const [rma] = rmas(a, 1);
      // Both benches receive the same return while neither has synced.
      const caseA = await receive(a, rma!);
      const caseB = await receive(b, rma!);
      expect(caseA).not.toBe(caseB);
      await cleared(a, caseA);
      await cleared(b, caseB);

      const [first, second] = firstName === 'A' ? [a, b] : [b, a];
      const [firstCase, secondCase] = firstName === 'A' ? [caseA, caseB] : [caseB, caseA];
      // The first uploads (and downloads its own receipt), then the second: its upload is applied
      // after the first's, its download brings the first's receipt. Then both again: the flag
      // the second raised goes up, and nothing more comes down.
      await first.core.sync!.runOnce();
      await second.core.sync!.runOnce();
      await second.core.sync!.runOnce();
      await first.core.sync!.runOnce();
      await quiescent([a, b], tenant);

      // The cloud holds the first receipt: the first station's case, not overwritten by the second.
      const receipt = await cloud.oms('GET', `/v1/oms/rmas/${encodeURIComponent(rma!.id)}/receipt`, undefined, tenant);
      expect(receipt.status).toBe(200);
      expect(receipt.json).toMatchObject({
        rmaId: rma!.id,
        caseId: firstCase,
        stationLocalId: localId(first),
      });

      // The first station: no duplicate flag, its refund still recommended.
      const firstView = await reviewCase(first, firstCase);
      expect(firstView.flags.filter((f) => f.type === 'duplicate_receipt')).toEqual([]);
      expect(firstView.refund!.status).toBe('recommended');

      // The second: one duplicate-receipt flag naming the first station and case, the refund held.
      const secondView = await reviewCase(second, secondCase);
      const duplicates = secondView.flags.filter((f) => f.type === 'duplicate_receipt');
      expect(duplicates).toHaveLength(1);
      expect(duplicates[0]).toMatchObject({
        status: 'open',
        severity: 'high',
        evidence: {
          rma: rma!.number,
          firstReceipt: {
            caseId: firstCase,
            stationLocalId: localId(first),
            stationName: (receipt.json as { stationName: string }).stationName,
          },
        },
      });
      expect(duplicates[0]!.explanation).toContain(firstCase);
      expect(secondView.refund!.status).toBe('on_hold');
      // In the supervisor's queue.
      const queue = await second.ok('review.queue', {});
      expect(queue.items.filter((i) => i.caseId === secondCase).map((i) => i.type)).toContain('duplicate_receipt');
      // Raised by sync (no operator), with the refund held after it; both uploaded like any record.
      const raised = eventsOf(second, secondCase, 'fraud.flag_raised').filter(
        (e) => e.payload['type'] === 'duplicate_receipt',
      );
      expect(raised).toHaveLength(1);
      expect(raised[0]!.operator_id).toBeNull();
      const held = eventsOf(second, secondCase, 'returns.refund_updated').at(-1)!;
      expect(held.payload).toMatchObject({ from: 'recommended', to: 'on_hold' });

      // An OMS upsert of the RMA (a status change) leaves the receipt as it was.
      const doc = referenceData().rmas!.find((r) => r['id'] === rma!.id)!;
      expect((await cloud.upsert('rmas', [{ ...doc, status: 'received' }], tenant)).status).toBe(200);
      const after = await cloud.oms('GET', `/v1/oms/rmas/${encodeURIComponent(rma!.id)}/receipt`, undefined, tenant);
      expect(after.json).toEqual(receipt.json);
      await first.core.sync!.runOnce();
      await second.core.sync!.runOnce();
      expect((await reviewCase(first, firstCase)).flags.filter((f) => f.type === 'duplicate_receipt')).toEqual([]);
      expect((await reviewCase(second, secondCase)).flags.filter((f) => f.type === 'duplicate_receipt')).toHaveLength(
        1,
      );
      // (Looking logged the supervisors in and out: events to upload.)
      await first.core.sync!.runOnce();
      await second.core.sync!.runOnce();
      await quiescent([a, b], tenant);
    },
    120_000,
  );

  it('flags local cases, open or closed, when another case received their RMA first; once; never for its own receipt', async () => {
    const tenant = await company();
    const fixture = await station(tenant);
    const [x, y, z] = rmas(fixture, 3);
    // Z: received here and uploaded first; its own receipt comes back down.
    const caseZ = await receive(fixture, z!);
    await fixture.core.sync!.runOnce();
    await fixture.core.sync!.runOnce();
    const own = inspectStation(fixture.dataDir);
    expect(own.prepare('SELECT case_id FROM rma_receipts WHERE rma_id = ?').get(z!.id)).toEqual({ case_id: caseZ });
    own.close();
    expect((await reviewCase(fixture, caseZ)).flags.filter((f) => f.type === 'duplicate_receipt')).toEqual([]);

    // X closed here, Y still open at the bench — both before the station hears that another
    // station received them first.
    const caseX = await receive(fixture, x!);
    await cleared(fixture, caseX);
    const caseY = await receive(fixture, y!, false);
    const other = {
      stationId: 'cloud-station-other',
      companyId: tenant.companyId,
      warehouseId: tenant.warehouseId,
      localId: 'OTHER-LOCAL-ID',
      name: 'RETURNS-02',
    };
    const opened = (rma: Rma, caseId: string, seq: number) => ({
      id: `evt-other-${seq}`,
      type: 'returns.opened',
      subject: caseId,
      payload: JSON.stringify({ kind: 'rma', rmaId: rma.id }),
      createdAt: Date.UTC(2026, 10, 20),
    });
    const written = await cloud.store.tx((q) =>
      recordReceipts(q, other, [
        opened(x!, 'other-case-x', 1),
        opened(y!, 'other-case-y', 2),
        opened(z!, 'other-z', 3),
        // A second case of X in the same batch, and an RMA the cloud does not hold.
        opened(x!, 'other-case-x-again', 4),
        opened({ id: 'rma-unknown', number: 'RMA-NONE', code: '' }, 'other-case-unknown', 5),
      ]),
    );
    // Z already has its receipt (this station's): not overwritten; X's first case in the batch
    // wins; an unknown RMA has nothing to mark.
    expect(written.map((r) => [r.rmaId, r.caseId]).sort()).toEqual(
      [
        [x!.id, 'other-case-x'],
        [y!.id, 'other-case-y'],
      ].sort(),
    );

    await as(fixture, DEMO.returns, 'returns');
    const pushed = fixture.frames.length;
    await fixture.core.sync!.runOnce();
    // The open case is the one the bench shows: it is pushed again with its new flag.
    const shown = fixture.frames
      .slice(pushed)
      .filter((f) => f.t === 'event' && f.name === 'returns.changed')
      .map((f) => (f as { payload: { caseId: string; flags: { type: string }[] } | null }).payload);
    expect(shown.some((v) => v?.caseId === caseY && v.flags.some((fl) => fl.type === 'duplicate_receipt'))).toBe(true);
    const viewY = (await fixture.ok('returns.current', {}))!;
    expect(viewY).toMatchObject({ caseId: caseY, status: 'open' });
    expect(viewY.flags.filter((f) => f.type === 'duplicate_receipt')).toHaveLength(1);
    // Closing it: the refund is on hold while the flag is open.
    for (const code of ['CMD:GOOD', 'CMD:DONE']) await fixture.ok('scan.submit', { code, source: 'wedge' });
    expect((await fixture.ok('returns.current', {}))!.refund!.status).toBe('on_hold');

    const viewX = await reviewCase(fixture, caseX);
    expect(viewX.flags.filter((f) => f.type === 'duplicate_receipt')).toMatchObject([
      { status: 'open', evidence: { firstReceipt: { caseId: 'other-case-x', stationName: 'RETURNS-02' } } },
    ]);
    expect(viewX.refund!.status).toBe('on_hold');
    expect((await reviewCase(fixture, caseZ)).flags.filter((f) => f.type === 'duplicate_receipt')).toEqual([]);

    // Delivered again — the same documents in a new change of the stream, then the whole stream
    // downloaded afresh (a new server epoch: 410, staged, swapped) — nothing is raised twice.
    await cloud.store.query(
      `UPDATE records SET xid = pg_current_xact_id(), n = nextval('change_n') WHERE company_id = $1 AND kind = 'rma_receipt'`,
      [tenant.companyId],
    );
    await fixture.core.sync!.runOnce();
    const epoch = await fetch(`${cloud.url}/v1/admin/new-epoch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(epoch.status).toBe(200);
    await fixture.core.sync!.runOnce();
    await fixture.core.sync!.runOnce();
    for (const caseId of [caseX, caseY]) {
      const raised = eventsOf(fixture, caseId, 'fraud.flag_raised').filter(
        (e) => e.payload['type'] === 'duplicate_receipt',
      );
      expect(raised, caseId).toHaveLength(1);
    }
    expect(
      eventsOf(fixture, caseZ, 'fraud.flag_raised').filter((e) => e.payload['type'] === 'duplicate_receipt'),
    ).toEqual([]);
    await quiescent([fixture], tenant);

    // A case opened now on an RMA received elsewhere is flagged as it opens, naming the first receipt.
    const late = await station(tenant);
    await as(late, DEMO.returns, 'returns');
    expect(await late.ok('scan.submit', { code: x!.number, source: 'wedge' })).toMatchObject({
      tone: 'bad',
      message: 'verdict.returns.duplicateReceipt',
    });
    expect((await late.ok('returns.current', {}))!.flags).toMatchObject([
      { type: 'duplicate_receipt', status: 'open' },
    ]);
    const lateCase = (await late.ok('returns.current', {}))!.caseId;
    expect((await reviewCase(late, lateCase)).flags[0]!.evidence).toMatchObject({
      firstReceipt: { caseId: 'other-case-x', stationLocalId: 'OTHER-LOCAL-ID' },
    });
  }, 120_000);

  it('reads an open case’s RMA again when sync brings a change to its lines', async () => {
    const tenant = await company();
    const fixture = await station(tenant);
    const [rma] = rmas(fixture, 1);
    const doc = referenceData().rmas!.find((r) => r.id === rma!.id) as { lines: { quantity: number }[] };
    const quantity = doc.lines[0]!.quantity;
    // Every item line 1 allows received and graded: the RMA expects no more of it.
    await receive(fixture, rma!, false);
    expect((await fixture.ok('scan.submit', { code: 'CMD:GOOD', source: 'wedge' })).tone).not.toBe('bad');
    for (let more = 1; more < quantity; more++) {
      for (const code of [rma!.code, 'CMD:GOOD'])
        expect((await fixture.ok('scan.submit', { code, source: 'wedge' })).tone).not.toBe('bad');
    }
    // The OMS lets the customer return one more; the station learns it through sync, the case still open.
    doc.lines[0]!.quantity = quantity + 1;
    expect((await cloud.upsert('rmas', [doc], tenant)).status).toBe(200);
    await fixture.core.sync!.runOnce();
    await fixture.core.sync!.stop();
    const second = await fixture.ok('scan.submit', { code: rma!.code, source: 'wedge' });
    expect(second.message).toBe('verdict.returns.received');
    const expected = (await fixture.ok('returns.current', {}))!.expected.find((l) => l.lineNo === 1)!;
    expect(expected).toMatchObject({ quantity: quantity + 1, received: quantity + 1 });
  }, 120_000);
});

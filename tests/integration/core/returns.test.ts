import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodOutput } from '#shared/contract/index';
import { EVENT_PAYLOAD_VERSION, readEventPayload } from '#shared/sync/event-payloads';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { eventTypes, inspectStation } from '../../support/db';

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

type Unit = { code: string; productId: string; category: string; serialised: number; serials: string[] };

/** A demo RMA (or order) and the printed barcode of each unit on it. */
function rma(
  dataDir: string,
  where: string,
): { id: string; number: string; tracking: string; orderNumber: string; units: Unit[] } {
  const db = inspectStation(dataDir);
  const row = db
    .prepare<[], { id: string; number: string; tracking: string; orderNumber: string; orderId: string }>(
      `SELECT r.id, r.number, r.return_tracking AS tracking, o.number AS orderNumber, o.id AS orderId FROM rmas r JOIN orders o ON o.id = r.order_id WHERE ${where} ORDER BY r.number LIMIT 1`,
    )
    .get();
  if (!row) throw new Error(`no demo RMA where ${where}`);
  const lines = db
    .prepare<
      [string, string],
      {
        code: string;
        productId: string;
        category: string;
        serialised: number;
        quantity: number;
        serials: string | null;
      }
    >(
      `SELECT (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code,
              l.product_id AS productId, p.category, p.serialised, l.quantity,
              (SELECT ol.serials FROM order_lines ol WHERE ol.order_id = ? AND ol.product_id = l.product_id) AS serials
         FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = ? ORDER BY l.line_no`,
    )
    .all(row.orderId, row.id);
  db.close();
  const units = lines.flatMap((l) =>
    Array.from({ length: l.quantity }, () => ({
      code: l.code,
      productId: l.productId,
      category: l.category,
      serialised: l.serialised,
      serials: l.serials ? (JSON.parse(l.serials) as string[]) : [],
    })),
  );
  return { id: row.id, number: row.number, tracking: row.tracking, orderNumber: row.orderNumber, units };
}

const qty = (n: number): string => `(SELECT sum(quantity) FROM rma_lines l WHERE l.rma_id = r.id) = ${n}`;
const notSerialised = `NOT EXISTS (SELECT 1 FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id AND p.serialised = 1)`;
const allCategory = (category: string): string =>
  `NOT EXISTS (SELECT 1 FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id AND p.category <> '${category}')`;

async function scan(f: CoreFixture, code: string): Promise<MethodOutput<'scan.submit'>> {
  return f.ok('scan.submit', { code, source: 'wedge' });
}

async function atReturns(f: CoreFixture, who: { badge: string; pin: string } = DEMO.returns): Promise<void> {
  await f.ok('auth.login', { badge: who.badge, pin: who.pin });
  await f.ok('session.bench', { bench: 'returns' });
}

/** The flag types of a case in the supervisor's queue: a supervisor looks, then the clerk logs back in. */
async function queuedFlags(f: CoreFixture, caseId: string): Promise<string[]> {
  await f.ok('auth.logout', {});
  await f.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
  await f.ok('session.bench', { bench: 'review' });
  const queue = await f.ok('review.queue', {});
  await f.ok('auth.logout', {});
  await atReturns(f);
  return queue.items.filter((i) => i.caseId === caseId).map((i) => i.type);
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

describe('the returns bench', () => {
  it('processes a return by scans: RMA, each item with one GOOD scan, DONE — graded, routed, refund recommended', async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${qty(2)}`);
    await atReturns(fixture);
    expect(await scan(fixture, target.number)).toMatchObject({
      kind: 'returns',
      tone: 'good',
      message: 'verdict.returns.opened',
    });
    let scans = 1;
    for (const unit of target.units) {
      expect(await scan(fixture, unit.code)).toMatchObject({ tone: 'good', message: 'verdict.returns.received' });
      expect(await scan(fixture, 'CMD:GOOD')).toMatchObject({
        tone: 'good',
        message: 'verdict.returns.routed',
        params: { grade: 'A' },
      });
      scans += 2;
    }
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'good', message: 'verdict.returns.closed' });
    scans++;
    expect(scans).toBeLessThanOrEqual(8);
    const view = (await fixture.ok('returns.current', {}))!;
    expect(view).toMatchObject({ status: 'closed', kind: 'rma', rmaNumber: target.number, missing: [], flags: [] });
    expect(view.items.every((i) => i.grade === 'A' && i.match === 'matched' && i.disposition !== null)).toBe(true);
    expect(view.refund).toMatchObject({ status: 'recommended', policyId: 'refund', version: 1 });
    expect(view.refund!.totalCents).toBeGreaterThan(0);
    const db = inspectStation(fixture.dataDir);
    const types = eventTypes(db);
    for (const type of [
      'returns.opened',
      'returns.item_received',
      'returns.answered',
      'returns.item_graded',
      'returns.item_routed',
      'returns.closed',
    ])
      expect(types).toContain(type);
    // Graded items are written at the newest payload version, with the item as the OMS knows it,
    // and read back by the cloud's reader unchanged (shared/sync/event-payloads.ts).
    const graded = db
      .prepare<[], { payload: string; schema_version: number }>(
        "SELECT payload, schema_version FROM events WHERE type = 'returns.item_graded' ORDER BY seq",
      )
      .all();
    expect(graded).toHaveLength(target.units.length);
    graded.forEach((row, i) => {
      expect(row.schema_version).toBe(EVENT_PAYLOAD_VERSION);
      const payload = JSON.parse(row.payload) as Record<string, unknown>;
      expect(payload).toMatchObject({
        itemNo: i + 1,
        grade: 'A',
        productId: target.units[i]!.productId,
        sku: expect.any(String) as unknown,
        rmaId: target.id,
        rmaLineNo: expect.any(Number) as unknown,
        rubricId: expect.any(String) as unknown,
        rubricVersion: expect.any(Number) as unknown,
      });
      expect(payload).not.toHaveProperty('rubric');
      expect(readEventPayload('returns.item_graded', row.schema_version, payload)).toEqual({ ok: true, payload });
    });
    db.close();
  });

  it('finds the return by tracking number, by order number and by the serial of an item', async () => {
    fixture = openCore();
    const byTracking = rma(fixture.dataDir, `r.status = 'authorized'`);
    await atReturns(fixture);
    expect(await scan(fixture, byTracking.tracking)).toMatchObject({ message: 'verdict.returns.opened' });
    expect((await fixture.ok('returns.current', {}))!.rmaNumber).toBe(byTracking.number);
    await fixture.ok('returns.close', {});
    const byOrder = rma(fixture.dataDir, `r.status = 'authorized' AND r.number > '${byTracking.number}'`);
    await scan(fixture, byOrder.orderNumber);
    expect((await fixture.ok('returns.current', {}))!).toMatchObject({ rmaNumber: byOrder.number, foundBy: 'order' });
    await fixture.ok('returns.close', {});
    const serialised = rma(
      fixture.dataDir,
      `r.status = 'authorized' AND NOT ${notSerialised} AND r.number > '${byOrder.number}'`,
    );
    const serial = serialised.units.find((u) => u.serials.length > 0)!.serials[0]!;
    await scan(fixture, serial);
    expect((await fixture.ok('returns.current', {}))!).toMatchObject({
      rmaNumber: serialised.number,
      foundBy: 'serial',
    });
  });

  it('checks a serialised item against the serial that was shipped', async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND NOT ${notSerialised}`);
    const unit = target.units.find((u) => u.serialised)!;
    await atReturns(fixture);
    await scan(fixture, target.number);
    expect(await scan(fixture, unit.code)).toMatchObject({ tone: 'info', message: 'verdict.returns.scanSerial' });
    expect(await scan(fixture, 'SN-NOT-SHIPPED')).toMatchObject({
      tone: 'bad',
      message: 'verdict.returns.serialMismatch',
      params: { expected: unit.serials[0] },
    });
    const item = (await fixture.ok('returns.current', {}))!.items[0]!;
    expect(item).toMatchObject({
      serial: 'SN-NOT-SHIPPED',
      expectedSerial: unit.serials[0],
      serialMismatch: true,
      status: 'grading',
    });
  });

  it('flags a wrong item as a possible swap and holds the refund', async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${allCategory('apparel')}`);
    const db = inspectStation(fixture.dataDir);
    const stranger = db
      .prepare<[], { code: string }>(
        `SELECT substr(b.code, 2) AS code FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.category = 'home' AND b.kind = 'ean13' ORDER BY b.code LIMIT 1`,
      )
      .get()!.code;
    db.close();
    await atReturns(fixture);
    await scan(fixture, target.number);
    expect(await scan(fixture, stranger)).toMatchObject({ tone: 'bad', message: 'verdict.returns.wrongItem' });
    await scan(fixture, 'CMD:GOOD');
    for (const unit of target.units) {
      await scan(fixture, unit.code);
      await scan(fixture, 'CMD:GOOD');
    }
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ message: 'verdict.returns.closedOnHold' });
    const view = (await fixture.ok('returns.current', {}))!;
    expect(view.flags).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'item_swap', severity: 'high', status: 'open' })]),
    );
    expect(view.refund!.status).toBe('on_hold');
    // The swapped item is not refunded.
    expect(view.items.find((i) => i.match === 'wrong_item')).toBeDefined();
  });

  it('receives an item of the order that is not on the RMA, and a unit beyond a line, as extra — and refunds neither', async () => {
    fixture = openCore();
    const otherLine = `EXISTS (SELECT 1 FROM order_lines ol JOIN products p ON p.id = ol.product_id WHERE ol.order_id = r.order_id AND p.serialised = 0 AND NOT EXISTS (SELECT 1 FROM rma_lines l WHERE l.rma_id = r.id AND l.product_id = ol.product_id))`;
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${otherLine}`);
    const db = inspectStation(fixture.dataDir);
    const extra = db
      .prepare<[string], { code: string; sku: string }>(
        `SELECT (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = p.id ORDER BY b.code LIMIT 1) AS code, p.sku
           FROM rmas r JOIN order_lines ol ON ol.order_id = r.order_id JOIN products p ON p.id = ol.product_id
          WHERE r.id = ? AND p.serialised = 0 AND NOT EXISTS (SELECT 1 FROM rma_lines l WHERE l.rma_id = r.id AND l.product_id = p.id)
          ORDER BY p.sku LIMIT 1`,
      )
      .get(target.id)!;
    db.close();
    await atReturns(fixture);
    await scan(fixture, target.number);
    // An item of the order that the customer did not put on the RMA.
    expect(await scan(fixture, extra.code)).toMatchObject({
      tone: 'info',
      message: 'verdict.returns.extra',
      params: { sku: extra.sku },
    });
    await scan(fixture, 'CMD:GOOD');
    for (const unit of target.units) {
      expect(await scan(fixture, unit.code)).toMatchObject({ tone: 'good', message: 'verdict.returns.received' });
      await scan(fixture, 'CMD:GOOD');
    }
    // One unit more than the RMA line asks for.
    const over = target.units[0]!;
    const overView = (await fixture.ok('returns.current', {}))!;
    const overSku = overView.items.find((i) => i.productId === over.productId)!.sku;
    expect(await scan(fixture, over.code)).toMatchObject({
      tone: 'info',
      message: 'verdict.returns.extra',
      params: { sku: overSku },
    });
    await scan(fixture, 'CMD:GOOD');
    const view = (await fixture.ok('returns.current', {}))!;
    expect(view.items).toHaveLength(target.units.length + 2);
    expect(view.items.map((i) => i.match)).toEqual(['extra', ...target.units.map(() => 'matched'), 'extra']);
    // Neither extra takes a line's reason; each line counts only what it asked for.
    expect(view.items[0]).toMatchObject({ sku: extra.sku, match: 'extra', reason: null });
    expect(view.items.at(-1)).toMatchObject({ sku: overSku, match: 'extra', reason: null });
    expect(view.expected.every((l) => l.received === l.quantity)).toBe(true);
    expect(view.expected.find((l) => l.sku === overSku)!.received).toBe(
      target.units.filter((u) => u.productId === over.productId).length,
    );
    await scan(fixture, 'CMD:DONE');
    const closed = (await fixture.ok('returns.current', {}))!;
    expect(closed.missing).toEqual([]);
    // The refund covers what the RMA authorised, not the extras.
    const priced = closed.refund!.lines.filter((l) => l.label.endsWith(': price')).map((l) => l.label);
    expect(priced).toHaveLength(target.units.length);
    expect(priced).not.toContain(`${extra.sku}: price`);
  });

  it("shows the case's events at the bench, newest last in the data, the same timeline the supervisor sees", async () => {
    fixture = openCore({ random: () => 0 }); // every graded item is sampled for a blind re-grade
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${qty(2)}`);
    await atReturns(fixture);
    await scan(fixture, target.number);
    expect((await fixture.ok('returns.current', {}))!.timeline.map((e) => e.type)).toEqual(['returns.opened']);
    await scan(fixture, target.units[0]!.code);
    fixture.clock.advance(1_000);
    await scan(fixture, 'CMD:GOOD');
    const view = (await fixture.ok('returns.current', {}))!;
    const types = view.timeline.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['returns.opened', 'returns.item_received']);
    expect(types).toContain('returns.item_graded');
    expect(types.at(-1)).toBe('returns.item_routed');
    // Exactly the events recorded for the case, in order, with their chain hashes.
    const db = inspectStation(fixture.dataDir);
    const stored = db
      .prepare<[string], { seq: number; type: string; hash: string; created_at: number }>(
        'SELECT seq, type, hash, created_at FROM events WHERE subject = ? ORDER BY seq',
      )
      .all(view.caseId);
    db.close();
    // (all but the re-grade sample, which the clerk must not know of)
    expect(stored.map((e) => e.type)).toContain('review.regrade_sampled');
    const shown = stored.filter((e) => e.type !== 'review.regrade_sampled');
    expect(view.timeline.map((e) => [e.seq, e.type, e.hash, e.createdAt])).toEqual(
      shown.map((e) => [e.seq, e.type, e.hash, e.created_at]),
    );
    expect(view.timeline.every((e) => e.operatorId !== null)).toBe(true);
    // The supervisor's case page reads the same timeline.
    await fixture.ok('auth.logout', {});
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    await fixture.ok('session.bench', { bench: 'review' });
    const review = (await fixture.ok('review.case', { caseId: view.caseId })).timeline;
    expect(review.filter((e) => e.type !== 'review.regrade_sampled')).toEqual(view.timeline);
    expect(review.map((e) => e.type)).toEqual(stored.map((e) => e.type));
  });

  it('lists the items that did not come back when the case closes', async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${qty(2)}`);
    await atReturns(fixture);
    await scan(fixture, target.number);
    await scan(fixture, target.units[0]!.code);
    await scan(fixture, 'CMD:GOOD');
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({
      message: 'verdict.returns.closedMissing',
      params: { count: 1 },
    });
    expect((await fixture.ok('returns.current', {}))!.missing).toHaveLength(1);
  });

  it("reads an RMA's lines afresh at each scan: a line the OMS adds while the case is open is missing at DONE", async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${qty(1)}`);
    await atReturns(fixture);
    await scan(fixture, target.number);
    await scan(fixture, target.units[0]!.code);
    await scan(fixture, 'CMD:GOOD');
    // Sync brings the RMA again with one more line (written here as sync would, beside the core).
    const db = new Database(join(fixture.dataDir, 'station.db'));
    db.pragma('busy_timeout = 5000');
    db.prepare(
      `INSERT INTO rma_lines (rma_id, line_no, product_id, quantity, reason)
       SELECT ?, 99, id, 1, 'changed_mind' FROM products WHERE id <> ? ORDER BY id LIMIT 1`,
    ).run(target.id, target.units[0]!.productId);
    db.close();
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({
      message: 'verdict.returns.closedMissing',
      params: { count: 1 },
    });
  });

  it("expects an RMA line whose product the station does not know yet, under the product's id, and lists it missing at DONE", async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${qty(1)}`);
    // The RMA arrived by sync before the catalog had its second product.
    const db = new Database(join(fixture.dataDir, 'station.db'));
    db.pragma('busy_timeout = 5000');
    db.prepare(
      `INSERT INTO rma_lines (rma_id, line_no, product_id, quantity, reason) VALUES (?, 99, 'p-not-synced', 1, 'changed_mind')`,
    ).run(target.id);
    db.close();
    await atReturns(fixture);
    expect(await scan(fixture, target.number)).toMatchObject({
      message: 'verdict.returns.opened',
      params: { count: 2 },
    });
    const opened = (await fixture.ok('returns.current', {}))!;
    expect(opened.expected.find((l) => l.lineNo === 99)).toMatchObject({ sku: 'p-not-synced', received: 0 });
    await scan(fixture, target.units[0]!.code);
    await scan(fixture, 'CMD:GOOD');
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({
      message: 'verdict.returns.closedMissing',
      params: { count: 1 },
    });
    const closed = (await fixture.ok('returns.current', {}))!;
    expect(closed.missing).toEqual([{ lineNo: 99, sku: 'p-not-synced', name: 'p-not-synced', quantity: 1 }]);
    const station = inspectStation(fixture.dataDir);
    const event = station
      .prepare<[], { payload: string }>(
        "SELECT payload FROM events WHERE type = 'returns.closed' ORDER BY seq DESC LIMIT 1",
      )
      .get()!;
    station.close();
    expect((JSON.parse(event.payload) as { missing: unknown[] }).missing).toEqual([
      { lineNo: 99, sku: 'p-not-synced', missing: 1 },
    ]);
  });

  it('grades by answers, asks for the photos the rubric wants, and routes by the disposition rules', async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${allCategory('apparel')}`);
    await atReturns(fixture);
    await scan(fixture, target.number);
    await scan(fixture, target.units[0]!.code);
    expect((await fixture.ok('returns.current', {}))!.items[0]!.grading!.question!.id).toBe('tags');
    expect(await scan(fixture, 'CMD:ANSWER:MAYBE')).toMatchObject({
      tone: 'bad',
      message: 'verdict.returns.notAnAnswer',
    });
    await scan(fixture, 'CMD:ANSWER:YES');
    await scan(fixture, 'CMD:ANSWER:LIGHT'); // light wear: grade C at best, and a photo
    await scan(fixture, 'CMD:ANSWER:NO');
    const waiting = (await fixture.ok('returns.current', {}))!;
    expect(waiting.prompt).toBe('photo');
    expect(waiting.items[0]!.grading!.photosRequired).toEqual(['worn']);
    const graded = await fixture.ok('returns.photo', { itemNo: 1, questionId: 'worn', base64: PNG });
    expect(graded.items[0]).toMatchObject({
      grade: 'C',
      status: 'routed',
      disposition: { action: 'donate', bin: 'DN-01' },
    });
    const sha = graded.items[0]!.grading!.photos.worn!;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(
      await fixture.call('returns.photo', {
        itemNo: 1,
        questionId: 'worn',
        base64: Buffer.from('not an image').toString('base64'),
      }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('needs a supervisor at the bench to put a D-grade item back on the shelf', async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${allCategory('home')}`);
    await atReturns(fixture);
    await scan(fixture, target.number);
    await scan(fixture, target.units[0]!.code);
    await scan(fixture, 'CMD:ANSWER:YES'); // packaging
    await scan(fixture, 'CMD:ANSWER:NO'); // hygiene seal broken: D
    const routed = await scan(fixture, 'CMD:ANSWER:NO'); // no damage
    expect(routed).toMatchObject({ message: 'verdict.returns.routed', params: { grade: 'D', to: 'liquidate' } });
    expect(await scan(fixture, 'CMD:ROUTE:RESTOCK')).toMatchObject({
      tone: 'info',
      message: 'verdict.returns.overrideReason',
    });
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'bad', message: 'verdict.returns.overridePending' });
    expect(await scan(fixture, 'CMD:REASON:INSPECTION_ERROR')).toMatchObject({
      message: 'verdict.returns.supervisorNeeded',
    });
    // A clerk's badge does not approve; a supervisor's badge then PIN does.
    expect(await scan(fixture, DEMO.packer.badge)).toMatchObject({
      tone: 'bad',
      message: 'verdict.returns.supervisorNeeded',
    });
    expect(await scan(fixture, DEMO.supervisor.badge)).toMatchObject({
      tone: 'info',
      message: 'verdict.returns.approverPin',
    });
    expect(await scan(fixture, '9999')).toMatchObject({ tone: 'bad', message: 'verdict.pinWrong' });
    expect(await scan(fixture, DEMO.supervisor.pin)).toMatchObject({
      tone: 'good',
      message: 'verdict.returns.overrideApplied',
    });
    const view = (await fixture.ok('returns.current', {}))!;
    expect(view.items[0]!.disposition).toMatchObject({
      action: 'restock',
      bin: 'RS-01',
      overrideReason: 'INSPECTION_ERROR',
      approvedBy: DEMO.supervisor.id,
    });
    // The clerk is still the one logged in.
    expect((await fixture.ok('session.current', {})).operator!.id).toBe(DEMO.returns.id);
    const db = inspectStation(fixture.dataDir);
    const applied = db
      .prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'returns.override_applied'")
      .get()!;
    expect(JSON.parse(applied.payload)).toMatchObject({
      from: 'liquidate',
      to: 'restock',
      approvedBy: DEMO.supervisor.id,
    });
    expect(eventTypes(db)).toContain('auth.pin_failed');
    db.close();
  });

  it('resumes a case in the middle of grading after a restart', async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised} AND ${allCategory('apparel')}`);
    await atReturns(fixture);
    await scan(fixture, target.number);
    await scan(fixture, target.units[0]!.code);
    await scan(fixture, 'CMD:ANSWER:NO'); // tags off
    fixture = fixture.reopen();
    const view = (await fixture.ok('returns.current', {}))!;
    expect(view).toMatchObject({ status: 'open', rmaNumber: target.number, prompt: 'grade' });
    expect(view.items[0]!.grading!.question!.id).toBe('worn');
    expect(await scan(fixture, 'CMD:GOOD')).toMatchObject({ params: { grade: 'B' } });
  });

  it('turns a parcel without an RMA into an unexpected return, linked to its order or quarantined — never silently', async () => {
    fixture = openCore();
    const db = inspectStation(fixture.dataDir);
    const shipped = db
      .prepare<[], { number: string }>(
        `SELECT o.number FROM orders o WHERE o.status = 'shipped' AND NOT EXISTS (SELECT 1 FROM rmas r WHERE r.order_id = o.id) ORDER BY o.number LIMIT 1`,
      )
      .get()!;
    db.close();
    await atReturns(fixture);
    expect(await scan(fixture, shipped.number)).toMatchObject({ message: 'verdict.returns.unexpectedOrder' });
    const linked = (await fixture.ok('returns.current', {}))!;
    expect(linked).toMatchObject({ status: 'open', flags: [{ type: 'unexpected_return', status: 'open' }] });
    // In the supervisor's queue at once, while the case is still open at the bench.
    expect(await queuedFlags(fixture, linked.caseId)).toEqual(['unexpected_return']);
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ message: 'verdict.returns.closedOnHold' });
    // Raised once: not a second time at DONE.
    expect((await fixture.ok('returns.current', {}))!.flags).toMatchObject([
      { type: 'unexpected_return', status: 'open' },
    ]);
    expect(await scan(fixture, 'CMD:UNEXPECTED')).toMatchObject({ message: 'verdict.returns.quarantined' });
    const quarantined = (await fixture.ok('returns.current', {}))!;
    expect(quarantined).toMatchObject({ kind: 'unexpected', quarantined: true, orderNumber: null });
    expect(await queuedFlags(fixture, quarantined.caseId)).toEqual(['quarantined_return']);
    // The clerk is back with the same case open.
    expect((await fixture.ok('returns.current', {}))!).toMatchObject({ caseId: quarantined.caseId, status: 'open' });
    await scan(fixture, 'CMD:DONE');
    expect((await fixture.ok('returns.current', {}))!).toMatchObject({
      status: 'closed',
      refund: null,
      flags: [{ type: 'quarantined_return' }],
    });
  });

  it('answers bad input clearly: unknown, closed, already received, received elsewhere, long expired, serial in another open case', async () => {
    fixture = openCore();
    await atReturns(fixture);
    expect(await scan(fixture, 'RMA-99999')).toMatchObject({ tone: 'bad', message: 'verdict.returns.unknownCase' });
    const closed = rma(fixture.dataDir, `r.status = 'closed'`);
    expect(await scan(fixture, closed.number)).toMatchObject({ tone: 'bad', message: 'verdict.returns.rmaClosed' });
    const elsewhere = rma(fixture.dataDir, `r.status = 'received'`);
    expect(await scan(fixture, elsewhere.number)).toMatchObject({
      tone: 'bad',
      message: 'verdict.returns.duplicateReceipt',
    });
    expect((await fixture.ok('returns.current', {}))!.flags).toMatchObject([
      { type: 'duplicate_receipt', severity: 'high', status: 'open' },
    ]);
    await scan(fixture, 'CMD:DONE');
    expect(await scan(fixture, elsewhere.number)).toMatchObject({
      tone: 'bad',
      message: 'verdict.returns.alreadyReceived',
    });

    const late = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised}`);
    fixture.clock.advance(200 * 86_400_000);
    expect(await scan(fixture, late.number)).toMatchObject({ tone: 'info', message: 'verdict.returns.outsideWindow' });
    await scan(fixture, late.units[0]!.code);
    await scan(fixture, 'CMD:GOOD');
    await scan(fixture, 'CMD:DONE');
    // Nothing refunded, and held: the fraud rules flag a return far outside its window.
    const lateCase = (await fixture.ok('returns.current', {}))!;
    expect(lateCase.refund).toMatchObject({ status: 'on_hold', totalCents: 0 });
    expect(lateCase.flags.map((f) => f.type)).toContain('outside_window');

    // Another station has an open case holding a serial; this station refuses the same serial.
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND NOT ${notSerialised}`);
    const unit = target.units.find((u) => u.serialised)!;
    const raw = new Database(join(fixture.dataDir, 'station.db'));
    raw
      .prepare(
        "INSERT INTO return_cases (id, station_id, clerk_id, kind, status, found_by, opened_at) VALUES ('OTHER', 'OTHER-STATION', 'x', 'unexpected', 'open', 'unexpected', 1)",
      )
      .run();
    raw
      .prepare(
        "INSERT INTO return_items (case_id, item_no, product_id, code, serial, match, value_cents, status, scanned_at) VALUES ('OTHER', 1, ?, 'x', ?, 'extra', 1, 'grading', 1)",
      )
      .run(unit.productId, unit.serials[0]);
    raw.close();
    await scan(fixture, target.number);
    await scan(fixture, unit.code);
    expect(await scan(fixture, unit.serials[0]!)).toMatchObject({
      tone: 'bad',
      message: 'verdict.returns.serialInOtherCase',
    });
  });

  it('weighs the parcel against its outbound weight: an empty box is a flag', async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised}`);
    await atReturns(fixture);
    await scan(fixture, target.number);
    const weighed = await fixture.ok('returns.weight', { grams: 90, source: 'manual' });
    expect(weighed.weight).toMatchObject({ grams: 90, outcome: 'fail' });
    expect(weighed.weight!.packedGrams).toBeGreaterThan(180);
    await scan(fixture, 'CMD:DONE');
    const view = (await fixture.ok('returns.current', {}))!;
    expect(view.flags.map((f) => f.type)).toContain('empty_box');
    expect(view.refund!.status).toBe('on_hold');
  });

  it('finds an item whose barcode is unknown by SKU or name', async () => {
    fixture = openCore();
    const target = rma(fixture.dataDir, `r.status = 'authorized' AND ${notSerialised}`);
    await atReturns(fixture);
    await scan(fixture, target.number);
    expect(await scan(fixture, 'SMUDGED-LABEL')).toMatchObject({ tone: 'bad', message: 'verdict.returns.unknownItem' });
    const found = await fixture.ok('returns.search', { query: 'Merino' });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((p) => /merino/i.test(p.name))).toBe(true);
    const bySku = await fixture.ok('returns.search', { query: found[0]!.sku.toLowerCase() });
    expect(bySku[0]!.sku).toBe(found[0]!.sku);
    const view = await fixture.ok('returns.addItem', { productId: target.units[0]!.productId });
    expect(view.items[0]).toMatchObject({ match: 'matched', code: `search:${target.units[0]!.productId}` });
  });
});

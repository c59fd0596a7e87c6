import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodOutput } from '#shared/contract/index';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { eventTypes, inspectStation } from '../../support/db';

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

type Item = { code: string; productId: string; quantity: number; category: string; serialised: number };

/** A demo order to pack: its number and one barcode per line (in the 13/12-digit form printed). */
function findOrder(dataDir: string, where: string): { id: string; number: string; items: Item[] } {
  const db = inspectStation(dataDir);
  const order = db
    .prepare<[], { id: string; number: string }>(
      `SELECT o.id, o.number FROM orders o WHERE ${where} ORDER BY o.number LIMIT 1`,
    )
    .get();
  if (!order) throw new Error(`no demo order where ${where}`);
  const items = db
    .prepare<[string], Item>(
      `SELECT (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code,
              l.product_id AS productId, l.quantity, p.category, p.serialised
         FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ? ORDER BY l.line_no`,
    )
    .all(order.id);
  db.close();
  return { ...order, items };
}

const NOT_ELECTRONICS = `o.status = 'ready_to_pack' AND o.brand_id = 'brand-northwind'`;
const ELECTRONICS = `o.status = 'ready_to_pack' AND o.brand_id = 'brand-lumen' AND EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.category = 'electronics') AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) = 1`;

/** A 1×1 PNG, and a second image with other bytes (the store checks the format's first bytes). */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';
const OTHER_PNG = Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.from('defect')]).toString('base64');
const sha256 = (base64: string): string => createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');

/** The next unit under a checklist is its Nth: what a station that has packed N−1 such units draws. */
function setSamplingCounter(dataDir: string, checklistId: string, units: number): void {
  const raw = new Database(join(dataDir, 'station.db'));
  raw
    .prepare(
      'INSERT INTO qc_sampling_counters (checklist_id, units) VALUES (?, ?) ON CONFLICT (checklist_id) DO UPDATE SET units = excluded.units',
    )
    .run(checklistId, units);
  raw.close();
}

const HOME_ONE_UNIT = `o.status = 'ready_to_pack' AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) = 1 AND EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.category = 'home' AND l.quantity = 1 AND p.serialised = 0)`;

async function scan(f: CoreFixture, code: string): Promise<MethodOutput<'scan.submit'>> {
  return f.ok('scan.submit', { code, source: 'wedge' });
}

async function atBench(f: CoreFixture, who: { badge: string; pin: string }, bench: 'pack' | 'qc'): Promise<void> {
  await f.ok('auth.login', { badge: who.badge, pin: who.pin });
  await f.ok('session.bench', { bench });
}

/** Scans every unit of an order (serials made up for serialised products). */
async function scanAll(f: CoreFixture, items: Item[]): Promise<void> {
  let serial = 1;
  for (const item of items) {
    for (let i = 0; i < item.quantity; i++) {
      const verdict = await scan(f, item.code);
      expect(verdict.tone).not.toBe('bad');
      if (item.serialised) expect((await scan(f, `SN-TEST-${serial++}`)).tone).toBe('good');
    }
  }
}

describe('the packing bench', () => {
  it('packs an order scan by scan, and DONE records the outbound fingerprint', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, NOT_ELECTRONICS);
    await atBench(fixture, DEMO.packer, 'pack');
    expect(await scan(fixture, order.number)).toMatchObject({
      kind: 'pack',
      tone: 'good',
      message: 'verdict.pack.opened',
    });
    const opened = (await fixture.ok('pack.current', {}))!;
    expect(opened).toMatchObject({ orderNumber: order.number, status: 'packing', prompt: 'items', unitsScanned: 0 });
    await scanAll(fixture, order.items);
    expect((await fixture.ok('pack.current', {}))!.prompt).toBe('weight');
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'good', message: 'verdict.pack.done' });
    const done = (await fixture.ok('pack.current', {}))!;
    expect(done).toMatchObject({ status: 'done', prompt: 'done', unitsScanned: done.unitsExpected });
    const db = inspectStation(fixture.dataDir);
    const completed = db
      .prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'pack.completed'")
      .get()!;
    const fingerprint = JSON.parse(completed.payload) as {
      number: string;
      units: { productId: string; code: string }[];
      packerId: string;
    };
    expect(fingerprint.number).toBe(order.number);
    expect(fingerprint.packerId).toBe(DEMO.packer.id);
    expect(fingerprint.units.map((u) => u.productId).sort()).toEqual(
      order.items.flatMap((i) => Array<string>(i.quantity).fill(i.productId)).sort(),
    );
    expect(eventTypes(db).filter((t) => t === 'pack.item_scanned')).toHaveLength(done.unitsExpected);
    db.close();
  });

  it('refuses a wrong item and one too many, loudly, and records the refusal', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, NOT_ELECTRONICS);
    const other = findOrder(fixture.dataDir, `o.status = 'ready_to_pack' AND o.brand_id = 'brand-lumen'`);
    await atBench(fixture, DEMO.packer, 'pack');
    await scan(fixture, order.number);
    expect(await scan(fixture, other.items[0]!.code)).toMatchObject({ tone: 'bad', message: 'verdict.pack.wrongItem' });
    const first = order.items[0]!;
    for (let i = 0; i < first.quantity; i++) await scan(fixture, first.code);
    expect(await scan(fixture, first.code)).toMatchObject({ tone: 'bad', message: 'verdict.pack.tooMany' });
    expect((await fixture.ok('pack.current', {}))!.unitsScanned).toBe(first.quantity);
    // DONE is refused while items are missing.
    if (order.items.length > 1)
      expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'bad', message: 'verdict.pack.itemsLeft' });
    const db = inspectStation(fixture.dataDir);
    const refusals = db
      .prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'pack.item_refused'")
      .all();
    expect(refusals.map((r) => (JSON.parse(r.payload) as { reason: string }).reason)).toEqual([
      'wrong_item',
      'too_many',
    ]);
    db.close();
  });

  it('stops at a cancelled or held order, and stops an open parcel whose order is cancelled meanwhile', async () => {
    fixture = openCore({ random: () => 0.99 });
    const cancelled = findOrder(fixture.dataDir, `o.status = 'cancelled'`);
    const held = findOrder(fixture.dataDir, `o.status = 'on_hold'`);
    await atBench(fixture, DEMO.packer, 'pack');
    expect(await scan(fixture, cancelled.number)).toMatchObject({
      tone: 'bad',
      message: 'verdict.pack.stopped',
      params: { status: 'cancelled' },
    });
    expect(await scan(fixture, held.number)).toMatchObject({ tone: 'bad', params: { status: 'on_hold' } });
    expect(await fixture.ok('pack.current', {})).toBeNull();

    const order = findOrder(fixture.dataDir, NOT_ELECTRONICS);
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    // The order system cancels it while it is on the bench (as a sync download would).
    const raw = new Database(join(fixture.dataDir, 'station.db'));
    raw.prepare("UPDATE orders SET status = 'cancelled' WHERE id = ?").run(order.id);
    raw.close();
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'bad', message: 'verdict.pack.stopped' });
    expect((await fixture.ok('pack.current', {}))!).toMatchObject({ prompt: 'stopped', stoppedBecause: 'cancelled' });
    expect(await scan(fixture, 'CMD:CANCEL')).toMatchObject({ tone: 'good', message: 'verdict.pack.cancelled' });
    expect((await fixture.ok('pack.current', {}))!.status).toBe('voided');
    const db = inspectStation(fixture.dataDir);
    expect(eventTypes(db).filter((t) => t === 'pack.order_stopped')).toHaveLength(2);
    db.close();
  });

  it('recalls a parcel whose order is stopped after it was packed, until it is pulled back', async () => {
    fixture = openCore({ random: () => 0.99 });
    await atBench(fixture, DEMO.packer, 'pack');
    const order = findOrder(fixture.dataDir, NOT_ELECTRONICS);
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    await fixture.ok('pack.weight', {
      grams: (await fixture.ok('pack.current', {}))!.expectedWeightG,
      source: 'manual',
    });
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'good', message: 'verdict.pack.done' });
    expect(await fixture.ok('pack.recalls', {})).toEqual([]);

    // The label is printed, the parcel is on the outbound shelf — and the order system refunds it.
    const raw = new Database(join(fixture.dataDir, 'station.db'));
    raw.prepare("UPDATE orders SET status = 'refunded' WHERE id = ?").run(order.id);
    raw.close();
    const pushed = fixture.frames.length;
    fixture.core.ordersChanged();
    await new Promise((resolve) => setImmediate(resolve));
    expect(fixture.frames.slice(pushed).some((f) => f.t === 'event' && f.name === 'pack.changed')).toBe(true);
    const recalls = await fixture.ok('pack.recalls', {});
    expect(recalls).toMatchObject([{ orderId: order.id, orderNumber: order.number, orderStatus: 'refunded' }]);

    // Pulled back: the packer scans the order; the recall is recorded and goes away.
    expect(await scan(fixture, order.number)).toMatchObject({ tone: 'info', message: 'verdict.pack.pulledBack' });
    expect(await fixture.ok('pack.recalls', {})).toEqual([]);
    const db = inspectStation(fixture.dataDir);
    const pulled = db
      .prepare<[], { subject: string; payload: string }>(
        "SELECT subject, payload FROM events WHERE type = 'pack.pulled_back'",
      )
      .all();
    db.close();
    expect(pulled).toHaveLength(1);
    expect(pulled[0]!.subject).toBe(recalls[0]!.packageId);
    expect(JSON.parse(pulled[0]!.payload)).toMatchObject({ orderNumber: order.number, orderStatus: 'refunded' });

    // A parcel packed more than 30 days before its order is stopped left long ago: no recall.
    const later = findOrder(fixture.dataDir, `${NOT_ELECTRONICS} AND o.id <> '${order.id}'`);
    await scan(fixture, later.number);
    await scanAll(fixture, later.items);
    await fixture.ok('pack.weight', {
      grams: (await fixture.ok('pack.current', {}))!.expectedWeightG,
      source: 'manual',
    });
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'good' });
    fixture.clock.advance(31 * 86_400_000);
    const raw2 = new Database(join(fixture.dataDir, 'station.db'));
    raw2.prepare("UPDATE orders SET status = 'cancelled' WHERE id = ?").run(later.id);
    raw2.close();
    expect(await fixture.ok('pack.recalls', {})).toEqual([]);
    fixture.clock.advance(-2 * 86_400_000);
    expect(await fixture.ok('pack.recalls', {})).toMatchObject([
      { orderNumber: later.number, orderStatus: 'cancelled' },
    ]);
  });

  it('asks for the serial of a serialised product, and refuses the same serial twice', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(
      fixture.dataDir,
      `o.status = 'ready_to_pack' AND EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.serialised = 1) AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) >= 2`,
    );
    const serialised = order.items.filter((i) => i.serialised);
    await atBench(fixture, DEMO.packer, 'pack');
    await scan(fixture, order.number);
    expect(await scan(fixture, serialised[0]!.code)).toMatchObject({
      tone: 'info',
      message: 'verdict.pack.scanSerial',
    });
    expect((await fixture.ok('pack.current', {}))!.prompt).toBe('serial');
    // A product barcode is not a serial.
    expect(await scan(fixture, serialised[0]!.code)).toMatchObject({
      tone: 'bad',
      message: 'verdict.pack.serialExpected',
    });
    expect(await scan(fixture, 'SN-A-0001')).toMatchObject({ tone: 'good' });
    const view = (await fixture.ok('pack.current', {}))!;
    expect(view.lines.find((l) => l.serialised)!.serials).toEqual(['SN-A-0001']);
    if (serialised[1]) {
      await scan(fixture, serialised[1].code);
      expect(await scan(fixture, 'SN-A-0001')).toMatchObject({ tone: 'bad', message: 'verdict.pack.serialTwice' });
    }
  });

  it('asks to confirm a second shipment of the same order within 30 days', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, NOT_ELECTRONICS);
    await atBench(fixture, DEMO.packer, 'pack');
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    await scan(fixture, 'CMD:DONE');
    fixture.clock.advance(5 * 86_400_000);
    expect(await scan(fixture, order.number)).toMatchObject({ tone: 'info', message: 'verdict.pack.secondShipment' });
    expect((await fixture.ok('pack.current', {}))!.prompt).toBe('confirm_second_shipment');
    expect(await scan(fixture, order.items[0]!.code)).toMatchObject({
      tone: 'bad',
      message: 'verdict.pack.confirmFirst',
    });
    expect(await scan(fixture, 'CMD:CONFIRM')).toMatchObject({ tone: 'good' });
    expect(await scan(fixture, order.items[0]!.code)).toMatchObject({ tone: 'good' });
    // After 30 days it is a new shipment without a question.
    await scan(fixture, 'CMD:CANCEL');
    fixture.clock.advance(31 * 86_400_000);
    expect(await scan(fixture, order.number)).toMatchObject({ message: 'verdict.pack.opened' });
  });

  it('checks the weight, refuses DONE on a failed weight, and requires weighing when the station says so', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, NOT_ELECTRONICS);
    await atBench(fixture, DEMO.supervisor, 'pack');
    await fixture.ok('settings.update', { weighing: 'required' });
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'bad', message: 'verdict.pack.weighFirst' });
    const expected = (await fixture.ok('pack.current', {}))!.expectedWeightG;
    expect((await fixture.ok('pack.weight', { grams: 100, source: 'manual' })).weight).toMatchObject({
      outcome: 'fail',
      source: 'manual',
    });
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'bad', message: 'verdict.pack.weightFail' });
    expect((await fixture.ok('pack.weight', { grams: expected + 5, source: 'scale' })).weight).toMatchObject({
      outcome: 'pass',
    });
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'good', message: 'verdict.pack.done' });
  });

  it('checks a scanned-back shipping label against the parcel completed last: its SSCC or carrier barcode', async () => {
    fixture = openCore({ random: () => 0.99 });
    await atBench(fixture, DEMO.packer, 'pack');
    const plain = findOrder(fixture.dataDir, `${NOT_ELECTRONICS} AND o.carrier_label IS NULL`);
    const carried = findOrder(fixture.dataDir, `${NOT_ELECTRONICS} AND o.carrier_label IS NOT NULL`);
    const packed = async (order: { number: string; items: Item[] }): Promise<void> => {
      await scan(fixture!, order.number);
      await scanAll(fixture!, order.items);
      expect(await scan(fixture!, 'CMD:DONE')).toMatchObject({ message: 'verdict.pack.done' });
    };
    await packed(plain);
    const db = inspectStation(fixture.dataDir);
    const sscc = db
      .prepare<[string], { sscc: string }>('SELECT sscc FROM packages WHERE order_number = ?')
      .get(plain.number)!.sscc;
    const carrier = JSON.parse(
      db.prepare<[string], { carrier_label: string }>('SELECT carrier_label FROM orders WHERE id = ?').get(carried.id)!
        .carrier_label,
    ) as { trackingNumber: string; barcode: { data: string } };
    db.close();
    expect(sscc).toMatch(/^\d{18}$/);
    // The GS1-128 of the label as a scanner without AIM ids sends it, and the bare SSCC.
    expect(await scan(fixture, `00${sscc}`)).toMatchObject({
      kind: 'pack',
      tone: 'good',
      message: 'verdict.pack.labelVerified',
      params: { number: plain.number },
    });
    expect(await scan(fixture, sscc)).toMatchObject({ tone: 'good', message: 'verdict.pack.labelVerified' });

    // The next parcel carries the carrier's label: the first parcel's label on it is refused loudly.
    await packed(carried);
    expect(await scan(fixture, `00${sscc}`)).toMatchObject({
      tone: 'bad',
      message: 'verdict.pack.labelOfOther',
      params: { number: carried.number, other: plain.number },
    });
    expect(await scan(fixture, carrier.barcode.data)).toMatchObject({
      tone: 'good',
      message: 'verdict.pack.labelVerified',
      params: { number: carried.number },
    });
    // A valid SSCC of no parcel here (another extension digit) is not this parcel's label either.
    expect(await scan(fixture, '106141410000000002')).toMatchObject({
      tone: 'bad',
      message: 'verdict.pack.labelMismatch',
      params: { number: carried.number },
    });
    // What is not a label stays "not recognised".
    expect(await scan(fixture, 'HELLO-WORLD')).toMatchObject({ kind: 'unknown', tone: 'bad' });

    const after = inspectStation(fixture.dataDir);
    const rows = after
      .prepare<[], { type: string; payload: string }>(
        "SELECT type, payload FROM events WHERE type IN ('pack.label_verified', 'pack.label_mismatch') ORDER BY seq",
      )
      .all()
      .map((r) => ({ type: r.type, ...(JSON.parse(r.payload) as Record<string, unknown>) }));
    after.close();
    expect(rows).toMatchObject([
      { type: 'pack.label_verified', orderNumber: plain.number, by: 'sscc' },
      { type: 'pack.label_verified', orderNumber: plain.number, code: sscc },
      { type: 'pack.label_mismatch', orderNumber: carried.number, otherOrderNumber: plain.number },
      { type: 'pack.label_verified', orderNumber: carried.number, by: 'carrier' },
      { type: 'pack.label_mismatch', orderNumber: carried.number, otherPackageId: null },
    ]);
  });

  it('takes back the last unit with UNDO', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, NOT_ELECTRONICS);
    await atBench(fixture, DEMO.packer, 'pack');
    await scan(fixture, order.number);
    await scan(fixture, order.items[0]!.code);
    expect(await scan(fixture, 'CMD:UNDO')).toMatchObject({ message: 'verdict.pack.undone' });
    expect((await fixture.ok('pack.current', {}))!.unitsScanned).toBe(0);
    expect(await scan(fixture, 'CMD:UNDO')).toMatchObject({ tone: 'bad' });
  });

  it('resumes the parcel after a restart of the core', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, NOT_ELECTRONICS);
    await atBench(fixture, DEMO.packer, 'pack');
    await scan(fixture, order.number);
    await scan(fixture, order.items[0]!.code);
    fixture = fixture.reopen();
    const view = (await fixture.ok('pack.current', {}))!;
    expect(view).toMatchObject({ orderNumber: order.number, status: 'packing', unitsScanned: 1 });
    expect((await fixture.ok('session.current', {})).bench).toBe('pack');
  });
});

describe('outbound QC', () => {
  it('samples every electronics unit, holds a failed parcel, re-inspects, releases it, and the packer completes it', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, ELECTRONICS);
    await atBench(fixture, DEMO.packer, 'pack');
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'info', message: 'verdict.pack.qcRequired' });
    expect((await fixture.ok('pack.current', {}))!).toMatchObject({ status: 'qc_pending', prompt: 'qc' });
    // The bench is free for the next order meanwhile.
    expect(await scan(fixture, order.number)).toMatchObject({ tone: 'bad', message: 'verdict.pack.atQc' });

    await fixture.ok('auth.logout', {});
    await atBench(fixture, DEMO.qc, 'qc');
    expect(await scan(fixture, order.number)).toMatchObject({ kind: 'qc', tone: 'info', message: 'verdict.qc.taken' });
    const inspection = (await fixture.ok('qc.current', {}))!;
    expect(inspection).toMatchObject({
      checklist: { id: 'qc-electronics', onFail: 'block' },
      currentStep: 'seal',
      round: 1,
    });
    expect(await scan(fixture, 'CMD:PASS')).toMatchObject({ tone: 'bad', message: 'verdict.qc.answerNeeded' });
    await scan(fixture, 'CMD:DONE');
    await scan(fixture, 'CMD:PASS');
    expect(await scan(fixture, 'CMD:FAIL')).toMatchObject({ tone: 'bad', message: 'verdict.qc.failed' });
    expect(await fixture.ok('qc.holds', {})).toMatchObject([
      { orderNumber: order.number, defects: [{ code: 'E-SERIAL', severity: 'major' }] },
    ]);

    // Re-inspection of the held parcel: all good this time.
    expect(await scan(fixture, order.number)).toMatchObject({ message: 'verdict.qc.reinspect' });
    expect((await fixture.ok('qc.current', {}))!.round).toBe(2);
    await scan(fixture, 'CMD:DONE');
    await scan(fixture, 'CMD:PASS');
    await scan(fixture, 'CMD:PASS');
    // The optional photo is asked too; SKIP leaves it out and finishes the inspection.
    expect((await fixture.ok('qc.current', {}))!).toMatchObject({ currentStep: 'photo' });
    expect(await scan(fixture, 'CMD:SKIP')).toMatchObject({ tone: 'good', message: 'verdict.qc.finished' });
    expect(await fixture.ok('qc.current', {})).toBeNull();
    expect(await fixture.ok('qc.holds', {})).toEqual([]);

    await fixture.ok('auth.logout', {});
    await atBench(fixture, DEMO.packer, 'pack');
    expect(await scan(fixture, order.number)).toMatchObject({ message: 'verdict.pack.resumed' });
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ message: 'verdict.pack.done' });
    const db = inspectStation(fixture.dataDir);
    const types = eventTypes(db);
    for (const type of [
      'qc.sampled',
      'qc.required',
      'qc.taken',
      'qc.step_answered',
      'qc.defect_logged',
      'qc.inspected',
      'qc.held',
      'qc.reinspection',
      'qc.released',
      'pack.resumed',
      'pack.completed',
    ]) {
      expect(types).toContain(type);
    }
    // Sampling is drawn once: the second DONE drew nothing new.
    expect(types.filter((t) => t === 'qc.sampled')).toHaveLength(order.items.reduce((n, i) => n + i.quantity, 0));
    db.close();
  });

  it('measures within tolerance, and a failing warn checklist flags without holding', async () => {
    fixture = openCore({ random: () => 0.0 }); // every apparel unit is sampled (10 %, draw 0)
    const order = findOrder(
      fixture.dataDir,
      `${NOT_ELECTRONICS} AND (SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.category = 'apparel') = (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id)`,
    );
    await atBench(fixture, DEMO.supervisor, 'pack');
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ message: 'verdict.pack.qcRequired' });
    await fixture.ok('session.bench', { bench: 'qc' });
    await scan(fixture, order.number);
    // Apparel measures the fold: 31.5 cm is inside 30 ± 2; the next units fold at 35 cm, outside.
    const measured = [31.5, 35, 35, 35, 35, 35];
    let units = 0;
    while (await fixture.ok('qc.current', {})) {
      await scan(fixture, 'CMD:PASS');
      await fixture.ok('qc.answer', { stepId: 'fold', answer: { type: 'measured', value: measured[units++]! } });
    }
    expect(units).toBe(order.items.reduce((n, i) => n + i.quantity, 0));
    const db = inspectStation(fixture.dataDir);
    const outcomes = db
      .prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'qc.inspected' ORDER BY seq")
      .all()
      .map((row) => JSON.parse(row.payload) as { outcome: string; consequence: string; checklist: string });
    db.close();
    expect(outcomes[0]).toMatchObject({ outcome: 'pass', checklist: 'qc-apparel' });
    for (const later of outcomes.slice(1)) expect(later).toMatchObject({ outcome: 'fail', consequence: 'warn' });
    // A warn checklist that fails does not hold the parcel: it is ready for the packer.
    expect(await fixture.ok('qc.holds', {})).toEqual([]);
    expect(await scan(fixture, 'CMD:REJECT')).toMatchObject({ tone: 'bad', message: 'verdict.qc.noHold' });
  });

  it('lets an inspector RELEASE a held parcel without re-inspecting it, and the packer completes it', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, ELECTRONICS);
    await atBench(fixture, DEMO.packer, 'pack');
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ message: 'verdict.pack.qcRequired' });
    await fixture.ok('auth.logout', {});
    await atBench(fixture, DEMO.qc, 'qc');
    await scan(fixture, order.number);
    await scan(fixture, 'CMD:DONE');
    expect(await scan(fixture, 'CMD:FAIL')).toMatchObject({ tone: 'bad', message: 'verdict.qc.failed' });
    expect(await fixture.ok('qc.holds', {})).toHaveLength(1);
    // Nothing is focused yet: RELEASE before the held order is scanned says so.
    expect(await scan(fixture, 'CMD:RELEASE')).toMatchObject({ tone: 'bad', message: 'verdict.qc.noHold' });

    // The inspector scans the held order (a re-inspection opens), then decides to let it go.
    expect(await scan(fixture, order.number)).toMatchObject({ message: 'verdict.qc.reinspect' });
    expect((await fixture.ok('qc.current', {}))!.round).toBe(2);
    expect(await scan(fixture, 'CMD:RELEASE')).toMatchObject({
      tone: 'good',
      message: 'verdict.qc.released',
      params: { number: order.number },
    });
    expect(await fixture.ok('qc.holds', {})).toEqual([]);
    expect(await fixture.ok('qc.current', {})).toBeNull();
    // A second RELEASE has nothing to release.
    expect(await scan(fixture, 'CMD:RELEASE')).toMatchObject({ tone: 'bad', message: 'verdict.qc.noHold' });
    const db = inspectStation(fixture.dataDir);
    const pkg = db
      .prepare<[string], { id: string; status: string }>('SELECT id, status FROM packages WHERE order_id = ?')
      .get(order.id)!;
    expect(pkg.status).toBe('ready');
    const released = db
      .prepare<[], { subject: string; operator_id: string; payload: string }>(
        "SELECT subject, operator_id, payload FROM events WHERE type = 'qc.released'",
      )
      .all();
    // The round-1 failure is marked released; the round-2 re-inspection is closed by the decision.
    const rounds = db
      .prepare<[string], { round: number; status: string; decided_by: string | null }>(
        'SELECT round, status, decided_by FROM qc_inspections WHERE package_id = ? ORDER BY round',
      )
      .all(pkg.id);
    db.close();
    expect(released).toHaveLength(1);
    expect(released[0]!.subject).toBe(pkg.id);
    expect(released[0]!.operator_id).toBe(DEMO.qc.id);
    expect(JSON.parse(released[0]!.payload)).toMatchObject({ reason: 'inspector release', round: 1 });
    expect(rounds).toMatchObject([
      { round: 1, status: 'released', decided_by: DEMO.qc.id },
      { round: 2, status: 'released' },
    ]);

    // Back at the packing bench the parcel resumes and completes.
    await fixture.ok('auth.logout', {});
    await atBench(fixture, DEMO.packer, 'pack');
    expect(await scan(fixture, order.number)).toMatchObject({ tone: 'good', message: 'verdict.pack.resumed' });
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ tone: 'good', message: 'verdict.pack.done' });
    expect((await fixture.ok('pack.current', {}))!).toMatchObject({ status: 'done', qc: { passed: 1, pending: 0 } });
  });

  it('a required photo step (qc-home) takes a stored photo and cannot be skipped; the photos are in the fingerprint and in review', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, HOME_ONE_UNIT);
    setSamplingCounter(fixture.dataDir, 'qc-home', 9); // this unit is the 10th: sampled
    await atBench(fixture, DEMO.packer, 'pack');
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ message: 'verdict.pack.qcRequired' });
    // The packer may not store QC photos.
    expect(await fixture.call('qc.photo', { base64: PNG })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await fixture.ok('auth.logout', {});
    await atBench(fixture, DEMO.qc, 'qc');
    // Nothing open here yet: no photo is taken for nothing.
    expect(await fixture.call('qc.photo', { base64: PNG })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await scan(fixture, order.number);
    expect((await fixture.ok('qc.current', {}))!).toMatchObject({
      checklist: { id: 'qc-home' },
      currentStep: 'protection',
      steps: [
        { id: 'protection', status: 'missing' },
        { id: 'photo', type: 'photo', required: true, status: 'missing' },
      ],
    });
    expect(await scan(fixture, 'CMD:SKIP')).toMatchObject({ tone: 'bad', message: 'verdict.qc.cannotSkip' });
    expect(await scan(fixture, 'CMD:PASS')).toMatchObject({ tone: 'good', message: 'verdict.qc.next' });
    // The photo step: SKIP is refused (by scan and by call), so is a photo that was never stored.
    expect(await scan(fixture, 'CMD:SKIP')).toMatchObject({
      tone: 'bad',
      message: 'verdict.qc.cannotSkip',
      params: { step: 'Photo of the packed item before closing.' },
    });
    expect(await scan(fixture, 'CMD:PASS')).toMatchObject({ tone: 'bad', message: 'verdict.qc.answerNeeded' });
    expect(await fixture.call('qc.answer', { stepId: 'photo', answer: { type: 'skip' } })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    const unstored = await fixture.call('qc.answer', {
      stepId: 'photo',
      answer: { type: 'photo', sha256: 'a'.repeat(64) },
    });
    expect(unstored).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(!unstored.ok && unstored.error.message).toMatch(/No photo aaaaaaaaaaaa/);
    // Not an image; too big.
    expect(await fixture.call('qc.photo', { base64: Buffer.from('hello world').toString('base64') })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await fixture.call('qc.photo', { base64: 'A'.repeat(8_500_001) })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect((await fixture.ok('qc.current', {}))!.currentStep).toBe('photo');

    const stored = await fixture.ok('qc.photo', { base64: PNG });
    expect(stored).toEqual({ sha256: sha256(PNG), mime: 'image/png', bytes: Buffer.from(PNG, 'base64').length });
    expect(
      await fixture.ok('qc.answer', { stepId: 'photo', answer: { type: 'photo', sha256: stored.sha256 } }),
    ).toBeNull();
    // The inspection just finished here: its defect may still get a photo — only a stored one.
    expect(await fixture.call('qc.defect', { code: 'H-PACK', photoSha256: sha256(OTHER_PNG) })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    const defectPhoto = await fixture.ok('qc.photo', { base64: OTHER_PNG });
    await fixture.ok('qc.defect', {
      code: 'H-PACK',
      severity: 'minor',
      note: 'loose',
      photoSha256: defectPhoto.sha256,
    });

    const db = inspectStation(fixture.dataDir);
    const inspected = JSON.parse(
      db.prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'qc.inspected'").get()!.payload,
    ) as { outcome: string; steps: { stepId: string; status: string; detail: string }[] };
    const defect = JSON.parse(
      db.prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'qc.defect_logged'").get()!.payload,
    ) as { code: string; photo: string };
    db.close();
    expect(inspected).toMatchObject({ outcome: 'pass' });
    expect(inspected.steps[1]).toMatchObject({
      stepId: 'photo',
      status: 'pass',
      detail: `photo ${stored.sha256.slice(0, 12)}`,
    });
    expect(defect).toMatchObject({ code: 'H-PACK', photo: defectPhoto.sha256 });

    // The packer completes the parcel: both photos are in its outbound fingerprint.
    await fixture.ok('auth.logout', {});
    await atBench(fixture, DEMO.packer, 'pack');
    expect(await scan(fixture, order.number)).toMatchObject({ message: 'verdict.pack.resumed' });
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ message: 'verdict.pack.done' });
    const after = inspectStation(fixture.dataDir);
    const fingerprint = JSON.parse(
      after.prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'pack.completed'").get()!.payload,
    ) as { qcPhotos: string[] };
    after.close();
    expect(fingerprint.qcPhotos.sort()).toEqual([stored.sha256, defectPhoto.sha256].sort());

    // The order comes back: the review case shows the QC photos beside what left.
    await fixture.ok('auth.logout', {});
    await atBench(fixture, DEMO.supervisor, 'pack');
    await fixture.ok('session.bench', { bench: 'returns' });
    expect((await scan(fixture, order.number)).tone).not.toBe('bad');
    const caseId = (await fixture.ok('returns.current', {}))!.caseId;
    await fixture.ok('session.bench', { bench: 'review' });
    const review = await fixture.ok('review.case', { caseId });
    expect(review.outbound).toMatchObject({ source: 'bench' });
    expect([...review.outbound!.photos].sort()).toEqual([stored.sha256, defectPhoto.sha256].sort());
    const photo = await fixture.ok('review.photo', { sha256: stored.sha256 });
    expect(photo).toMatchObject({ mime: 'image/png' });
  });

  it('an optional photo step is asked too, and SKIP leaves it out', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, ELECTRONICS);
    await atBench(fixture, DEMO.supervisor, 'pack');
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    await scan(fixture, 'CMD:DONE');
    await fixture.ok('session.bench', { bench: 'qc' });
    await scan(fixture, order.number);
    await scan(fixture, 'CMD:DONE');
    await scan(fixture, 'CMD:PASS');
    expect(await scan(fixture, 'CMD:SKIP')).toMatchObject({ tone: 'bad', message: 'verdict.qc.cannotSkip' });
    expect(await scan(fixture, 'CMD:PASS')).toMatchObject({ tone: 'good', message: 'verdict.qc.next' });
    const asked = (await fixture.ok('qc.current', {}))!;
    expect(asked.currentStep).toBe('photo');
    expect(asked.steps.find((s) => s.id === 'photo')).toMatchObject({ required: false, status: 'missing' });
    expect(await scan(fixture, 'CMD:SKIP')).toMatchObject({ tone: 'good', message: 'verdict.qc.finished' });
    expect(await fixture.ok('qc.current', {})).toBeNull();
    const db = inspectStation(fixture.dataDir);
    const inspected = JSON.parse(
      db.prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'qc.inspected'").get()!.payload,
    ) as { outcome: string; steps: { stepId: string; detail: string }[] };
    const status = db
      .prepare<[string], { status: string }>('SELECT status FROM packages WHERE order_id = ?')
      .get(order.id)!.status;
    db.close();
    expect(inspected.outcome).toBe('pass');
    expect(inspected.steps.find((s) => s.stepId === 'photo')!.detail).toBe('skipped (optional)');
    expect(status).toBe('ready');
  });

  it('takes a held parcel off the line with REJECT', async () => {
    fixture = openCore({ random: () => 0.99 });
    const order = findOrder(fixture.dataDir, ELECTRONICS);
    await atBench(fixture, DEMO.supervisor, 'pack');
    await scan(fixture, order.number);
    await scanAll(fixture, order.items);
    await scan(fixture, 'CMD:DONE');
    await fixture.ok('session.bench', { bench: 'qc' });
    await scan(fixture, order.number);
    await scan(fixture, 'CMD:DONE');
    await scan(fixture, 'CMD:FAIL');
    // The FAIL ended the inspection; a second defect with a note still attaches to it.
    await fixture.ok('qc.defect', { code: 'G-DAMAGE', severity: 'critical', note: 'dented corner' });
    expect(await fixture.call('qc.defect', { code: 'NOPE-1' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect((await fixture.ok('qc.holds', {}))[0]!.defects).toEqual([
      { code: 'E-POWER', severity: 'critical' },
      { code: 'G-DAMAGE', severity: 'critical' },
    ]);
    await scan(fixture, order.number); // focus the held parcel (starts a re-inspection)
    expect(await scan(fixture, 'CMD:REJECT')).toMatchObject({ tone: 'good', message: 'verdict.qc.rejected' });
    expect(await fixture.ok('qc.holds', {})).toEqual([]);
    expect(await fixture.ok('qc.current', {})).toBeNull();
    const db = inspectStation(fixture.dataDir);
    const status = db
      .prepare<[string], { status: string }>('SELECT status FROM packages WHERE order_id = ?')
      .get(order.id)!;
    expect(status.status).toBe('rejected');
    db.close();
  });
});

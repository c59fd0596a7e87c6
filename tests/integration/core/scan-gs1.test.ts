import { afterEach, describe, expect, it } from 'vitest';
import { digitalLinkUri } from '#shared/barcode/digital-link';
import { GS } from '#shared/barcode/gs1';
import type { MethodInput } from '#shared/contract/index';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { inspectStation } from '../../support/db';

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

type Line = { gtin: string; productId: string; quantity: number; serialised: number };

/** A ready-to-pack order with one line, serialised or not, and the GTIN-14 of its product. */
function oneLineOrder(dataDir: string, serialised: boolean): { number: string; line: Line } {
  const db = inspectStation(dataDir);
  const row = db
    .prepare<[number], { number: string; gtin: string; productId: string; quantity: number; serialised: number }>(
      `SELECT o.number, (SELECT b.code FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS gtin,
              l.product_id AS productId, l.quantity, p.serialised
         FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
        WHERE o.status = 'ready_to_pack' AND p.serialised = ? AND l.quantity = 1
          AND (SELECT count(*) FROM order_lines x WHERE x.order_id = o.id) = 1
        ORDER BY o.number LIMIT 1`,
    )
    .get(serialised ? 1 : 0);
  db.close();
  if (!row) throw new Error('no such demo order');
  return { number: row.number, line: row };
}

async function scan(f: CoreFixture, code: string, symbology?: string) {
  const input: MethodInput<'scan.submit'> = { code, source: 'wedge', ...(symbology ? { symbology } : {}) };
  return f.ok('scan.submit', input);
}

describe('GS1 scans in the core', () => {
  it('packs a serialised unit from one GS1-128 scan: lot, expiry and serial recorded, no serial prompt', async () => {
    fixture = openCore({ random: () => 0.99 });
    const { number, line } = oneLineOrder(fixture.dataDir, true);
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await fixture.ok('session.bench', { bench: 'pack' });
    await scan(fixture, number);
    const code = `01${line.gtin}` + `17271200` + `10LOT-A7${GS}` + `21SN-GS1-0001`;
    const verdict = await scan(fixture, code, 'C1');
    expect(verdict).toMatchObject({ tone: 'good', message: 'verdict.pack.allScanned' });
    expect(verdict.params.name).toContain('SN-GS1-0001');
    const view = (await fixture.ok('pack.current', {}))!;
    expect(view.prompt).not.toBe('serial');
    expect(view.lines[0]!.serials).toEqual(['SN-GS1-0001']);

    const db = inspectStation(fixture.dataDir);
    const unit = db.prepare('SELECT lot, expiry, serial FROM package_units').get();
    expect(unit).toEqual({ lot: 'LOT-A7', expiry: '2027-12-31', serial: 'SN-GS1-0001' });
    const serialEvent = db
      .prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'pack.serial_recorded'")
      .get()!;
    expect(JSON.parse(serialEvent.payload)).toMatchObject({ serial: 'SN-GS1-0001', from: 'gs1' });
    db.close();
  });

  it('reads a Digital Link on a non-serialised unit and keeps its lot; a plain GTIN still asks nothing more', async () => {
    fixture = openCore({ random: () => 0.99 });
    const { number, line } = oneLineOrder(fixture.dataDir, false);
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await fixture.ok('session.bench', { bench: 'pack' });
    await scan(fixture, number);
    const uri = digitalLinkUri([
      { ai: '01', value: line.gtin },
      { ai: '10', value: 'DL-LOT' },
      { ai: '17', value: '280100' },
    ]);
    expect(await scan(fixture, uri, 'Q1')).toMatchObject({ tone: 'good', message: 'verdict.pack.allScanned' });
    const db = inspectStation(fixture.dataDir);
    expect(db.prepare('SELECT lot, expiry, serial FROM package_units').get()).toEqual({
      lot: 'DL-LOT',
      expiry: '2028-01-31',
      serial: null,
    });
    db.close();
  });

  it('warns (done, but look) when the lot has expired or a GS1 separator may be missing', async () => {
    fixture = openCore({ random: () => 0.99 });
    const { number, line } = oneLineOrder(fixture.dataDir, false);
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await fixture.ok('session.bench', { bench: 'pack' });
    await scan(fixture, number);
    // The fixture's clock is 2026-11-22: a lot that expired on 2025-01-31.
    const expired = await scan(fixture, `01${line.gtin}` + `17250100` + `10OLD`, 'C1');
    expect(expired).toMatchObject({ tone: 'warn', params: { warning: 'expired', expiry: '2025-01-31' } });
    await scan(fixture, 'CMD:UNDO');
    const doubtful = await scan(fixture, `01${line.gtin}` + `10ABC` + `17291231`, 'C1');
    expect(doubtful).toMatchObject({ tone: 'warn', params: { warning: 'missing_separator:10' } });
    await scan(fixture, 'CMD:UNDO');
    expect(await scan(fixture, `01${line.gtin}` + `17291231` + `10NEW`, 'C1')).toMatchObject({ tone: 'good' });
  });

  it('answers "not recognised" with what was read, and records it', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const cases: [string, string | undefined, string, Record<string, unknown>][] = [
      ['4006381333932', 'E0', 'verdict.notRecognised.invalid', { expected: 'gtin', reason: 'check_digit' }],
      ['4006381333931', 'E0', 'verdict.notRecognised.gtin', { gtin: '04006381333931', form: 'GTIN-13' }],
      ['9780306406157', undefined, 'verdict.notRecognised.gtinRange', { range: 'isbn' }],
      ['1Z5R89390357567127', undefined, 'verdict.notRecognised.tracking', { carrier: 'UPS' }],
      ['RMA-99999', undefined, 'verdict.notRecognised.pattern', { pattern: 'rma' }],
      ['106141412345678908', undefined, 'verdict.notRecognised.sscc', { sscc: '106141412345678908' }],
      ['0109521234543214', 'C1', 'verdict.notRecognised.invalid', { expected: 'gs1', reason: 'check_digit:01' }],
      ['CMD:FLY', undefined, 'verdict.notRecognised.invalid', { expected: 'command' }],
      ['just words', undefined, 'verdict.notRecognised.text', { read: 'just words' }],
    ];
    for (const [code, symbology, message, params] of cases) {
      const verdict = await scan(fixture, code, symbology);
      expect({ code, kind: verdict.kind, tone: verdict.tone, message: verdict.message }).toEqual({
        code,
        kind: 'unknown',
        tone: 'bad',
        message,
      });
      expect(verdict.params).toMatchObject(params);
      expect(verdict.eventId).not.toBeNull();
    }
    const db = inspectStation(fixture.dataDir);
    const recorded = db
      .prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'scan.recorded' ORDER BY seq")
      .all()
      .map((row) => JSON.parse(row.payload) as { reading?: string; read?: string });
    expect(recorded.map((r) => r.reading)).toEqual([
      'invalid',
      'gtin',
      'gtin',
      'tracking',
      'pattern',
      'sscc',
      'invalid',
      'invalid',
      'text',
    ]);
    expect(recorded[3]!.read).toBe('UPS 1Z5R89390357567127');
    db.close();
  });

  it('finds products from every GTIN form and GS1 carrier, and orders by GS1 AI 400', async () => {
    fixture = openCore();
    const { number, line } = oneLineOrder(fixture.dataDir, false);
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const ean13 = line.gtin.slice(1);
    for (const [code, symbology] of [
      [ean13, 'E0'],
      [line.gtin, undefined],
      [`${GS}01${line.gtin}10ABC`, undefined],
      [`(01)${line.gtin}(21)X1`, undefined],
      [`https://brand.example/p/01/${line.gtin}`, undefined],
    ] as const) {
      expect({ code, verdict: (await scan(fixture, code, symbology)).kind }).toEqual({ code, verdict: 'product' });
    }
    expect((await scan(fixture, `400${number}`, 'C1')).kind).toBe('order');
  });
});

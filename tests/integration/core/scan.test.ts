import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeScan } from '../../../src/core/workflows/scan';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { inspectStation } from '../../support/db';
import { tempDir } from '../../support/paths';

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

function firstProduct(kind: 'ean13' | 'upca'): { code: string; sku: string } {
  const db = inspectStation(fixture!.dataDir);
  const row = db
    .prepare<[string], { code: string; sku: string }>(
      'SELECT b.code, p.sku FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE b.kind = ? ORDER BY p.sku LIMIT 1',
    )
    .get(kind)!;
  db.close();
  return row;
}

describe('scan.submit', () => {
  it('logs in by scanning a badge and then its PIN, without recording the PIN', async () => {
    fixture = openCore();
    const badge = await fixture.ok('scan.submit', { code: DEMO.returns.badge, source: 'wedge' });
    expect(badge).toMatchObject({ kind: 'badge', tone: 'info', params: { name: 'Lena Vogel' } });
    expect((await fixture.ok('session.current', {})).pending).toEqual({ operatorName: 'Lena Vogel', purpose: 'login' });
    const pin = await fixture.ok('scan.submit', { code: DEMO.returns.pin, source: 'wedge' });
    expect(pin).toMatchObject({ kind: 'login', tone: 'good', display: '••••', navigate: 'home' });
    const db = inspectStation(fixture.dataDir);
    const all = db.prepare<[], { payload: string }>('SELECT payload FROM events').all();
    expect(all.map((r) => r.payload).join()).not.toContain(DEMO.returns.pin);
    db.close();
  });

  it('says a wrong scanned PIN and how many tries are left', async () => {
    fixture = openCore();
    await fixture.ok('scan.submit', { code: DEMO.packer.badge, source: 'wedge' });
    expect(await fixture.ok('scan.submit', { code: '9876', source: 'wedge' })).toMatchObject({
      kind: 'pin_wrong',
      tone: 'bad',
      params: { attemptsLeft: 4 },
    });
  });

  it('reads only badges while nobody is logged in', async () => {
    fixture = openCore();
    expect(await fixture.ok('scan.submit', { code: 'NW10001', source: 'wedge' })).toMatchObject({
      kind: 'needs_login',
      tone: 'bad',
      eventId: null,
    });
  });

  it('finds products by every form of their GTIN, orders, totes, RMAs and return tracking numbers, and records each scan', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
    const ean = firstProduct('ean13');
    const upc = firstProduct('upca');
    const ean13 = ean.code.slice(-13);
    const upc12 = upc.code.slice(-12);
    const cases: [string, string, Record<string, unknown>][] = [
      [ean13, 'product', { sku: ean.sku }],
      [upc12, 'product', { sku: upc.sku }],
      [`0${upc12}`, 'product', { sku: upc.sku }], // UPC-A reported as EAN-13 (AIM ]E0)
      [`00${upc12}`, 'product', { sku: upc.sku }], // as GTIN-14
      ['NW10001', 'order', { number: 'NW10001' }],
      ['RMA-30001', 'rma', { number: 'RMA-30001' }],
      ['NOT-A-THING', 'unknown', {}],
    ];
    const db = inspectStation(fixture.dataDir);
    const tote = db
      .prepare<[], { tote: string; number: string }>('SELECT tote, number FROM orders WHERE tote IS NOT NULL LIMIT 1')
      .get()!;
    const tracking = db
      .prepare<[], { return_tracking: string; number: string }>('SELECT return_tracking, number FROM rmas LIMIT 1')
      .get()!;
    db.close();
    cases.push(
      [tote.tote, 'order', { number: tote.number }],
      [tracking.return_tracking, 'rma', { number: tracking.number }],
    );
    const seqs: number[] = [];
    for (const [code, kind, params] of cases) {
      const verdict = await fixture.ok('scan.submit', { code, source: 'wedge' });
      expect({ code, kind: verdict.kind, params: verdict.params }).toMatchObject({ code, kind, params });
      expect(verdict.tone).toBe(kind === 'unknown' ? 'bad' : 'good');
      seqs.push(verdict.seq!);
    }
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    const check = inspectStation(fixture.dataDir);
    expect(check.prepare("SELECT count(*) AS n FROM events WHERE type = 'scan.recorded'").get()).toEqual({
      n: cases.length,
    });
    check.close();
  });

  it("looks a code shaped like the company's own label up as that label first, and everything else as a product first", async () => {
    const temp = tempDir();
    try {
      openCore({ dataDir: temp.dir }).core.close();
      // Codes held twice: as a product's barcode and as an RMA or order number.
      const db = new Database(join(temp.dir, 'station.db'));
      const brand = db.prepare<[], { brand_id: string }>('SELECT brand_id FROM orders LIMIT 1').get()!.brand_id;
      const product = db.prepare(
        `INSERT INTO products (id, sku, brand_id, name, category, weight_g, price_cents, currency, return_window_days)
         VALUES (?, ?, ?, ?, 'apparel', 100, 1000, 'EUR', 30)`,
      );
      const barcode = db.prepare(`INSERT INTO product_barcodes (code, product_id, kind) VALUES (?, ?, 'code128')`);
      const order = db.prepare(
        `INSERT INTO orders (id, number, brand_id, status, placed_at, ship_to) VALUES (?, ?, ?, 'shipped', 0, '{}')`,
      );
      for (const [id, code] of [
        ['p-rma', 'RMA-30001'], // the demo's RMA number, RMA pattern
        ['p-order', 'NW10001'], // the demo's order number, order pattern
        ['p-plain', 'XO-777'], // an order number of no pattern
        ['p-only', 'RMA-99999'], // RMA pattern, no such RMA
      ] as const) {
        product.run(id, `SKU-${id}`, brand, `Product ${id}`);
        barcode.run(code, id);
      }
      order.run('o-plain', 'XO-777', brand);
      db.close();

      fixture = openCore({ dataDir: temp.dir });
      await fixture.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
      const read = async (code: string) => {
        const verdict = await fixture!.ok('scan.submit', { code, source: 'wedge' });
        return { kind: verdict.kind, params: verdict.params };
      };
      expect(await read('RMA-30001')).toMatchObject({ kind: 'rma', params: { number: 'RMA-30001' } });
      expect(await read('NW10001')).toMatchObject({ kind: 'order', params: { number: 'NW10001' } });
      expect(await read('XO-777')).toMatchObject({ kind: 'product', params: { sku: 'SKU-p-plain' } });
      expect(await read('RMA-99999')).toMatchObject({ kind: 'product', params: { sku: 'SKU-p-only' } });
    } finally {
      fixture?.close();
      fixture = undefined;
      temp.remove();
    }
  });

  it('drives the bench by command barcodes, within the role', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    expect(await fixture.ok('scan.submit', { code: 'CMD:BENCH:PACK', source: 'wedge' })).toMatchObject({
      kind: 'command',
      navigate: 'pack',
    });
    expect(await fixture.ok('scan.submit', { code: 'cmd:bench:settings', source: 'wedge' })).toMatchObject({
      kind: 'refused',
      tone: 'bad',
      navigate: null,
    });
    expect(await fixture.ok('scan.submit', { code: 'CMD:LOCK', source: 'wedge' })).toMatchObject({ kind: 'command' });
    expect((await fixture.ok('session.current', {})).locked).toBe(true);
    // Locked: a product scan is refused, the operator's own badge starts the unlock.
    expect(await fixture.ok('scan.submit', { code: 'NW10001', source: 'wedge' })).toMatchObject({ kind: 'locked' });
    expect(await fixture.ok('scan.submit', { code: DEMO.packer.badge, source: 'wedge' })).toMatchObject({
      kind: 'badge',
      message: 'verdict.badgeUnlock',
    });
    expect(await fixture.ok('scan.submit', { code: DEMO.packer.pin, source: 'wedge' })).toMatchObject({
      kind: 'unlock',
      tone: 'good',
    });
    expect(await fixture.ok('scan.submit', { code: 'CMD:LOGOUT', source: 'wedge' })).toMatchObject({ kind: 'command' });
    expect((await fixture.ok('session.current', {})).operator).toBeNull();
  });

  it('handles scans one at a time, in order, even when one waits for a PIN check', async () => {
    fixture = openCore();
    await fixture.ok('scan.submit', { code: DEMO.packer.badge, source: 'wedge' });
    const [pin, order] = await Promise.all([
      fixture.ok('scan.submit', { code: DEMO.packer.pin, source: 'wedge' }),
      fixture.ok('scan.submit', { code: 'NW10001', source: 'wedge' }),
    ]);
    expect(pin.kind).toBe('login');
    expect(order.kind).toBe('order');
  });

  it('strips what scanners add but keeps GS separators', () => {
    expect(normalizeScan('  0109501101530003\x1d10ABC\r\n')).toBe('0109501101530003\x1d10ABC');
    expect(normalizeScan('\x02NW10001\x03')).toBe('NW10001');
  });
});

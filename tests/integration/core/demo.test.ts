import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isValidGtin } from '#shared/barcode/gtin';
import { buildDemoWarehouse, DEMO_OPERATORS } from '#shared/demo/data';
import { openCore, type CoreFixture } from '../../support/core-fixture';
import { inspectStation } from '../../support/db';

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

describe('the demo station', () => {
  it('has 2 brands, at least 200 products with valid barcodes, 100 orders, 30 RMAs and one operator per role', () => {
    const warehouse = buildDemoWarehouse(Date.UTC(2026, 10, 22));
    expect(warehouse.brands).toHaveLength(2);
    expect(warehouse.products.length).toBeGreaterThanOrEqual(200);
    expect(warehouse.orders.length).toBeGreaterThanOrEqual(100);
    expect(warehouse.rmas.length).toBeGreaterThanOrEqual(30);
    expect(new Set(DEMO_OPERATORS.map((o) => o.role))).toEqual(
      new Set(['packer', 'qc_inspector', 'returns_clerk', 'supervisor']),
    );
    const codes = warehouse.products.flatMap((p) => p.barcodes);
    for (const barcode of codes) {
      expect(isValidGtin(barcode.code)).toBe(true);
      expect(barcode.code).toHaveLength(barcode.kind === 'upca' ? 12 : 13);
    }
    expect(new Set(codes.map((b) => b.code)).size).toBe(codes.length);
    expect(codes.some((b) => b.kind === 'upca') && codes.some((b) => b.kind === 'ean13')).toBe(true);
    // Every RMA line is a product of its order.
    for (const rma of warehouse.rmas) {
      const order = warehouse.orders.find((o) => o.id === rma.orderId)!;
      for (const line of rma.lines) expect(order.lines.map((l) => l.productId)).toContain(line.productId);
    }
  });

  it('is the same warehouse on every fresh install', () => {
    const a = buildDemoWarehouse(Date.UTC(2026, 0, 1));
    const b = buildDemoWarehouse(Date.UTC(2026, 0, 1));
    expect(a).toEqual(b);
  });

  it('is seeded into a new station, which is marked as a demo', async () => {
    fixture = openCore();
    const status = await fixture.ok('app.status', {});
    expect(status.station).toMatchObject({ name: 'DEMO-01', demo: true });
    const db = inspectStation(fixture.dataDir);
    const count = (table: string): number =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(count('products')).toBeGreaterThanOrEqual(200);
    expect(count('orders')).toBeGreaterThanOrEqual(100);
    expect(count('rmas')).toBeGreaterThanOrEqual(30);
    expect(count('operators')).toBe(4);
    expect(count('events')).toBe(0);
    db.close();
  });

  it('makes a demo sheet PDF with the badges, PINs, commands, orders and RMAs', async () => {
    fixture = openCore();
    const sheet = await fixture.ok('app.demoSheet', {});
    const pdf = Buffer.from(sheet.base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(fixture.dataDir, 'sheet.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const operator of DEMO_OPERATORS) {
      expect(text).toContain(operator.name);
      expect(text).toContain(`PIN ${operator.pin}`);
    }
    for (const word of ['Command barcodes', 'Orders to pack', 'Returns', 'RMA-30001']) expect(text).toContain(word);
    const pages = execFileSync('pdfinfo', [file], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/)?.[1];
    expect(Number(pages)).toBeGreaterThanOrEqual(3);
  });

  it('has no demo sheet on a station that is not a demo', async () => {
    fixture = openCore({ demo: false });
    expect(await fixture.call('app.demoSheet', {})).toMatchObject({ ok: false, error: { code: 'NOT_AVAILABLE' } });
  });
});

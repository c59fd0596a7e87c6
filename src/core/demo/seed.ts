import { demoProductImage } from './images';
import { hashPinSync } from '../auth/pin';
import type { Db } from '../db/connection';
import { barcodeKey } from '../db/queries/catalog';
import { operatorQueries } from '../db/queries/operators';
import { writeConfig } from '../db/queries/printing';
import { buildDemoWarehouse, DEMO_OPERATORS, DEMO_SHIP_FROM, type DemoWarehouse } from '#shared/demo/data';
import { DEMO_POLICIES } from '#shared/demo/policies';

/**
 * Fills an empty station with the demo warehouse, in one transaction. Reference data only: no
 * events, no bench records — the demo starts with a clean audit trail.
 */
export function seedDemo(db: Db, now: number): DemoWarehouse {
  const warehouse = buildDemoWarehouse(now);
  // Hash outside the transaction: scrypt is slow on purpose.
  const operators = DEMO_OPERATORS.map((o) => ({ ...o, pinHash: hashPinSync(o.pin), active: true }));
  const q = operatorQueries(db);
  const insertBrand = db.prepare(
    `INSERT INTO brands (id, name, theme, insert_copy, return_portal_url, logo, care_tips, recommendations)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertProduct = db.prepare(
    `INSERT INTO products (id, sku, brand_id, name, category, weight_g, price_cents, currency, serialised, return_window_days, image_url)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertBarcode = db.prepare('INSERT INTO product_barcodes (code, product_id, kind) VALUES (?, ?, ?)');
  const insertCustomer = db.prepare('INSERT INTO customers (id, first_name, address_key) VALUES (?, ?, ?)');
  const insertOrder = db.prepare(
    `INSERT INTO orders (id, number, brand_id, customer_id, status, placed_at, ship_to, carrier_label, instructions, tote, packed_weight_g)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertOrderLine = db.prepare(
    'INSERT INTO order_lines (order_id, line_no, product_id, quantity, serials) VALUES (?, ?, ?, ?, ?)',
  );
  const insertRma = db.prepare(
    `INSERT INTO rmas (id, number, order_id, status, return_tracking, requested_resolution, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertRmaLine = db.prepare(
    'INSERT INTO rma_lines (rma_id, line_no, product_id, quantity, reason) VALUES (?, ?, ?, ?, ?)',
  );
  const countOrders = db.prepare('UPDATE customers SET orders_count = orders_count + 1 WHERE id = ?');
  const insertPolicy = db.prepare('INSERT INTO policies (kind, id, version, document, active) VALUES (?, ?, ?, ?, 1)');

  db.transaction(() => {
    for (const o of operators) q.upsert(o);
    for (const b of warehouse.brands) {
      insertBrand.run(
        b.id,
        b.name,
        JSON.stringify(b.theme),
        JSON.stringify(b.insertCopy),
        b.returnPortalUrl,
        JSON.stringify(b.logo),
        JSON.stringify(b.careTips),
        JSON.stringify(b.recommendations),
      );
    }
    for (const p of warehouse.products) {
      insertProduct.run(
        p.id,
        p.sku,
        p.brandId,
        p.name,
        p.category,
        p.weightG,
        p.priceCents,
        p.currency,
        p.serialised ? 1 : 0,
        p.returnWindowDays,
        demoProductImage(p.category, p.name),
      );
      for (const barcode of p.barcodes) insertBarcode.run(barcodeKey(barcode.code), p.id, barcode.kind);
    }
    for (const c of warehouse.customers) insertCustomer.run(c.id, c.firstName, c.addressKey);
    for (const o of warehouse.orders) {
      insertOrder.run(
        o.id,
        o.number,
        o.brandId,
        o.customerId,
        o.status,
        o.placedAt,
        JSON.stringify(o.shipTo),
        o.carrierLabel ? JSON.stringify(o.carrierLabel) : null,
        o.instructions,
        o.tote,
        o.packedWeightG,
      );
      countOrders.run(o.customerId);
      for (const l of o.lines) {
        insertOrderLine.run(o.id, l.lineNo, l.productId, l.quantity, l.serials ? JSON.stringify(l.serials) : null);
      }
    }
    for (const { kind, document } of DEMO_POLICIES) {
      insertPolicy.run(kind, document.id, document.version, JSON.stringify(document));
    }
    // Labels: the demo warehouse ships from here; SSCCs use GS1's example company prefix.
    writeConfig(db, { gs1CompanyPrefix: '0614141', ssccExtension: 0, shipFrom: DEMO_SHIP_FROM }, now);
    for (const r of warehouse.rmas) {
      insertRma.run(r.id, r.number, r.orderId, r.status, r.returnTracking, r.requestedResolution, r.createdAt);
      for (const l of r.lines) insertRmaLine.run(r.id, l.lineNo, l.productId, l.quantity, l.reason);
    }
  })();
  return warehouse;
}

import { toGtin14 } from '#shared/barcode/gtin';
import type { Db } from '../connection';

export type ProductSummary = { id: string; sku: string; name: string; category: string; brand: string };
export type OrderSummary = { id: string; number: string; status: string; lines: number; brand: string };
export type RmaSummary = { id: string; number: string; status: string; lines: number };

/**
 * The key a barcode is stored and looked up under: GTINs (UPC-A, EAN-13, EAN-8, GTIN-14) in
 * their 14-digit form, so every way a scanner reports the same product meets one row; any other
 * code as scanned.
 */
export function barcodeKey(code: string): string {
  return toGtin14(code) ?? code;
}

export type CatalogQueries = ReturnType<typeof catalogQueries>;

/** Lookups the scan path needs; each one is a single index probe. */
export function catalogQueries(db: Db) {
  const product = db.prepare<[string], ProductSummary>(
    `SELECT p.id, p.sku, p.name, p.category, coalesce(b.name, '') AS brand
       FROM product_barcodes pb JOIN products p ON p.id = pb.product_id LEFT JOIN brands b ON b.id = p.brand_id
      WHERE pb.code = ?`,
  );
  const productBySku = db.prepare<[string], ProductSummary>(
    `SELECT p.id, p.sku, p.name, p.category, coalesce(b.name, '') AS brand
       FROM products p LEFT JOIN brands b ON b.id = p.brand_id WHERE p.sku = ?`,
  );
  // LEFT JOINs: sync may bring a product or an order before its brand; it is still found.
  const orderSelect = `SELECT o.id, o.number, o.status, coalesce(b.name, '') AS brand,
      (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS lines
      FROM orders o LEFT JOIN brands b ON b.id = o.brand_id`;
  const orderByNumber = db.prepare<[string], OrderSummary>(`${orderSelect} WHERE o.number = ?`);
  const orderByTote = db.prepare<[string], OrderSummary>(`${orderSelect} WHERE o.tote = ?`);
  const rmaSelect = `SELECT r.id, r.number, r.status, (SELECT count(*) FROM rma_lines l WHERE l.rma_id = r.id) AS lines
      FROM rmas r`;
  const rmaByNumber = db.prepare<[string], RmaSummary>(`${rmaSelect} WHERE r.number = ?`);
  const rmaByTracking = db.prepare<[string], RmaSummary>(`${rmaSelect} WHERE r.return_tracking = ?`);

  return {
    productByBarcode(code: string): ProductSummary | null {
      return product.get(barcodeKey(code)) ?? null;
    },
    productBySku(sku: string): ProductSummary | null {
      return productBySku.get(sku) ?? null;
    },
    /** An order by its number or by the tote it was picked into. */
    order(code: string): OrderSummary | null {
      return orderByNumber.get(code) ?? orderByTote.get(code) ?? null;
    },
    /** An RMA by its number or by the tracking number of its return label. */
    rma(code: string): RmaSummary | null {
      return rmaByNumber.get(code) ?? rmaByTracking.get(code) ?? null;
    },
  };
}

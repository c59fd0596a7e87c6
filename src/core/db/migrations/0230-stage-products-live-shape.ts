import type { Migration } from './types';

/**
 * The catalog's staging tables take the live tables' exact shape — the same columns, checks,
 * unique SKU, barcodes keyed by code and owned by their product — so that a station's first
 * download is not copied row by row into empty live tables at the end: the staged tables are
 * exchanged with the live ones by name (`ReferenceApplier.swap`, in the transaction that completes
 * the download). A million products were 3–4 µs a row of copying; renaming is constant time.
 *
 * From here on, `products`/`sync_stage_products` and `product_barcodes`/
 * `sync_stage_product_barcodes` must stay alike: a migration that changes one changes the other
 * the same way (a test compares them). A download staged before this migration is carried over.
 */
export const m0230StageProductsLiveShape: Migration = {
  version: 230,
  name: 'stage-products-live-shape',
  up(db) {
    db.exec(`
      ALTER TABLE sync_stage_products RENAME TO sync_stage_products_old;
      ALTER TABLE sync_stage_product_barcodes RENAME TO sync_stage_product_barcodes_old;
      DROP INDEX sync_stage_product_barcodes_product;

      CREATE TABLE sync_stage_products (
        id TEXT PRIMARY KEY,
        sku TEXT NOT NULL UNIQUE,
        brand_id TEXT NOT NULL,
        name TEXT NOT NULL,
        category TEXT NOT NULL,
        weight_g INTEGER NOT NULL,
        price_cents INTEGER NOT NULL,
        currency TEXT NOT NULL,
        serialised INTEGER NOT NULL DEFAULT 0 CHECK (serialised IN (0, 1)),
        return_window_days INTEGER NOT NULL,
        image_url TEXT
      , sync_hash INTEGER) STRICT;
      CREATE TABLE sync_stage_product_barcodes (
        code TEXT PRIMARY KEY,
        product_id TEXT NOT NULL REFERENCES sync_stage_products (id) ON DELETE CASCADE,
        kind TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX sync_stage_product_barcodes_product ON sync_stage_product_barcodes (product_id);

      -- A staged SKU or barcode held twice (a document changed during the download) keeps one
      -- holder; the staged checksum then disagrees and the download starts over, as after any
      -- mismatch.
      INSERT OR REPLACE INTO sync_stage_products SELECT * FROM sync_stage_products_old ORDER BY rowid;
      INSERT OR REPLACE INTO sync_stage_product_barcodes (code, product_id, kind)
        SELECT code, product_id, kind FROM sync_stage_product_barcodes_old
         WHERE product_id IN (SELECT id FROM sync_stage_products) ORDER BY rowid;
      DROP TABLE sync_stage_product_barcodes_old;
      DROP TABLE sync_stage_products_old;
    `);
  },
};

import type { Migration } from './types';

/**
 * The barcodes' index by product, on the live table and on its staging twin, takes a name that
 * names no table: `catalog_barcode_owner_1` and `_2`. A first download exchanges the twins by name
 * (`ReferenceApplier.swap`) and an index follows its table through a rename; with names tied to a
 * table, the swap had to drop both and build them again to keep the names true — at a million
 * products, 0.8 s of sorting in the swap's one transaction, while the windows' calls waited. Now
 * the swap renames the tables only, and which twin holds `_1` changes with each exchange.
 */
export const m0240CatalogTwinIndexNames: Migration = {
  version: 240,
  name: 'catalog-twin-index-names',
  up(db) {
    db.exec(`
      DROP INDEX product_barcodes_product;
      CREATE INDEX catalog_barcode_owner_1 ON product_barcodes (product_id);
      DROP INDEX sync_stage_product_barcodes_product;
      CREATE INDEX catalog_barcode_owner_2 ON sync_stage_product_barcodes (product_id);
    `);
  },
};

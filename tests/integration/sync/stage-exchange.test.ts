import { afterEach, describe, expect, it } from 'vitest';
import { brandDocSchema, docHash, productDocSchema } from '#shared/sync/records';
import { openDatabase, type Db } from '../../../src/core/db/connection';
import { MIGRATIONS, migrate } from '../../../src/core/db/migrations/index';
import { ReferenceApplier, type IncomingRow } from '../../../src/core/sync/apply';
import { inSyncTransaction } from '../../../src/core/sync/download';
import { tempDir } from '../../support/paths';
import { syntheticProduct } from '../../support/reference-data';

/** A product as the cloud sends it: in the schema's form, with its hash. */
function put(i: number, overrides: Record<string, unknown> = {}): IncomingRow {
  const doc = productDocSchema.parse(syntheticProduct(i, overrides));
  return { op: 'put', kind: 'product', id: doc.id, hash: docHash(doc), doc };
}

/** A table's definition with its own name (and its twin's, where it points) taken out. */
function shape(db: Db, name: string): string {
  const row = db.prepare<[string], { sql: string }>('SELECT sql FROM sqlite_schema WHERE name = ?').get(name)!;
  return row.sql
    .replace(/^CREATE TABLE "?\w+"?/, 'CREATE TABLE t')
    .replace(/REFERENCES "?(sync_stage_)?products"?/, 'REFERENCES p')
    .replace(/\s+/g, ' ');
}

function indexes(db: Db, table: string): string[] {
  return db
    .prepare<[string], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?")
    .all(table)
    .map((r) => r.name)
    .sort();
}

function rootPage(db: Db, table: string): number {
  return db.prepare<[string], number>('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck().get(table)!;
}

function count(db: Db, table: string): number {
  return db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
}

describe('the catalog stage is the live tables’ twin, exchanged on a first download', () => {
  const temps: { remove(): void }[] = [];
  const dbs: Db[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
    for (const temp of temps.splice(0)) temp.remove();
  });

  function open(migrations = MIGRATIONS): Db {
    const temp = tempDir('benchline-exchange-');
    temps.push(temp);
    const db = openDatabase(`${temp.dir}/station.db`);
    dbs.push(db);
    migrate(db, migrations);
    return db;
  }

  it('keeps the staging tables shaped exactly as the live ones', () => {
    const db = open();
    expect(shape(db, 'sync_stage_products')).toBe(shape(db, 'products'));
    expect(shape(db, 'sync_stage_product_barcodes')).toBe(shape(db, 'product_barcodes'));
    expect(indexes(db, 'sync_stage_products')).toEqual([
      'sqlite_autoindex_sync_stage_products_1',
      'sqlite_autoindex_sync_stage_products_2',
    ]);
    expect(indexes(db, 'sync_stage_product_barcodes')).toEqual(['catalog_barcode_owner_2']);
    expect(indexes(db, 'product_barcodes')).toEqual(['catalog_barcode_owner_1']);
  });

  it('names no table in the twins’ own indexes, which follow their tables through an exchange', () => {
    const db = open();
    const twins = ['products', 'sync_stage_products', 'product_barcodes', 'sync_stage_product_barcodes'];
    const explicit = twins.flatMap((table) => indexes(db, table).filter((name) => !name.startsWith('sqlite_')));
    expect(explicit.length).toBeGreaterThan(0);
    for (const name of explicit) for (const table of twins) expect(name).not.toContain(table);
  });

  it('swaps a first download in by name: the rows live with the staged indexes, the stage empty and usable', () => {
    const db = open();
    const applier = new ReferenceApplier(db);
    // A demo's seed: live rows that never came from the cloud (no hash) go with the first download.
    db.prepare(
      `INSERT INTO products (id, sku, brand_id, name, category, weight_g, price_cents, currency, return_window_days)
       VALUES ('seeded', 'SEED-1', 'b', 'Seeded', 'home', 1, 1, 'EUR', 30)`,
    ).run();
    db.prepare("INSERT INTO product_barcodes (code, product_id, kind) VALUES ('SEEDCODE', 'seeded', 'code128')").run();

    const rows = Array.from({ length: 300 }, (_, i) => put(i));
    // Besides the products: a brand (its table is merged, not exchanged) and a document this
    // station cannot store (parked) — each in the stream's checksum.
    const brand = brandDocSchema.parse({ id: 'brand-staged', name: 'Staged brand' });
    const odd: IncomingRow = { op: 'put', kind: 'product', id: 'odd', hash: 77, doc: { id: 'odd' } };
    const extras: IncomingRow[] = [{ op: 'put', kind: 'brand', id: brand.id, hash: docHash(brand), doc: brand }, odd];
    inSyncTransaction(db, () => applier.applyStage('catalog', [...rows, ...extras]));
    const stagedRoot = rootPage(db, 'sync_stage_products');
    const stagedIndexRoot = rootPage(db, 'catalog_barcode_owner_2');
    const { staged, swapped } = inSyncTransaction(db, () => {
      const staged = applier.stageChecksum('catalog');
      return { staged, swapped: applier.swap('catalog', false, staged) };
    });

    // Exchanged, not copied: the live name now holds the B-tree that was staged, and the live
    // barcodes the staged index, not one built again.
    expect(rootPage(db, 'products')).toBe(stagedRoot);
    expect(rootPage(db, 'catalog_barcode_owner_2')).toBe(stagedIndexRoot);

    // The products' part taken from the stage's count, the brand and the parked row counted live:
    // the same as counting every live row again.
    expect(staged.rows).toBe(302);
    expect(swapped.checksum).toEqual({ rows: staged.rows, sum: staged.sum });
    expect(swapped.checksum).toEqual(applier.liveChecksum('catalog'));
    expect(count(db, 'products')).toBe(300);
    expect(count(db, 'product_barcodes')).toBe(300);
    expect(db.prepare("SELECT 1 FROM products WHERE id = 'seeded'").get()).toBeUndefined();
    expect(count(db, 'sync_stage_products')).toBe(0);
    expect(count(db, 'sync_stage_product_barcodes')).toBe(0);
    expect(indexes(db, 'product_barcodes')).toEqual(['catalog_barcode_owner_2']);
    expect(indexes(db, 'sync_stage_product_barcodes')).toEqual(['catalog_barcode_owner_1']);
    expect(shape(db, 'sync_stage_products')).toBe(shape(db, 'products'));
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'product_barcodes'").pluck().get()).toMatch(
      /REFERENCES "?products"? \(id\)/,
    );
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(applier.verify('catalog').ok).toBe(true);
    // The barcode look-up uses the live index.
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT code FROM product_barcodes WHERE product_id = 'prod-syn-0000001'")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX catalog_barcode_owner_2\b/);

    // The next download (the live rows came from the cloud now) goes through the staging tables
    // again and is merged, not exchanged: one product changed, one gone, one new.
    const next = [...rows.slice(0, 298).map((r, i) => (i === 5 ? put(5, { name: 'Renamed' }) : r)), put(1000)];
    inSyncTransaction(db, () => applier.applyStage('catalog', next));
    const liveRoot = rootPage(db, 'products');
    inSyncTransaction(db, () => applier.swap('catalog'));
    expect(rootPage(db, 'products')).toBe(liveRoot);
    expect(count(db, 'products')).toBe(299);
    expect(db.prepare("SELECT name FROM products WHERE id = 'prod-syn-0000005'").pluck().get()).toBe('Renamed');
    expect(db.prepare("SELECT 1 FROM products WHERE id = 'prod-syn-0000299'").get()).toBeUndefined();
    expect(count(db, 'product_barcodes')).toBe(299);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(applier.verify('catalog').ok).toBe(true);
  });

  it('lets a newer staged document take a SKU or a barcode from an older one, its barcodes going with it', () => {
    const db = open();
    const applier = new ReferenceApplier(db);
    inSyncTransaction(db, () => applier.applyStage('catalog', [put(1), put(2)]));
    // Product 3 takes product 1's SKU; product 2 is staged again with product 1's barcode.
    const takesSku = put(3, { sku: 'SYN-0000001' });
    const takesCode = put(2, { barcodes: [{ code: 'SYNCODE-0000001', kind: 'code128' }] });
    inSyncTransaction(db, () => applier.applyStage('catalog', [takesSku, takesCode]));
    expect(db.prepare('SELECT id FROM sync_stage_products ORDER BY id').pluck().all()).toEqual([
      'prod-syn-0000002',
      'prod-syn-0000003',
    ]);
    expect(db.prepare('SELECT code, product_id FROM sync_stage_product_barcodes ORDER BY code').all()).toEqual([
      { code: 'SYNCODE-0000001', product_id: 'prod-syn-0000002' },
      { code: 'SYNCODE-0000003', product_id: 'prod-syn-0000003' },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('stages a page in batches to the same end as row by row, whatever the page holds', () => {
    // Rows staged by an earlier page; then a page of 160 rows: fresh products, products staged
    // before (a page fetched again), one product twice in a batch with other barcodes, a SKU and a
    // barcode taken from a product of the same batch, a row this station cannot store, a delete.
    const earlier = Array.from({ length: 60 }, (_, i) => put(i));
    const page: IncomingRow[] = Array.from({ length: 160 }, (_, i) => put(100 + i));
    page[10] = put(5, { name: 'Staged before, now renamed' });
    page[20] = put(112, { barcodes: [{ code: 'MOVED-112', kind: 'ean13' }] });
    page[30] = put(500, { sku: 'SYN-0000125' });
    page[40] = put(501, { barcodes: [{ code: 'SYNCODE-0000131', kind: 'code128' }] });
    page[70] = { op: 'put', kind: 'product', id: 'prod-odd', hash: 7, doc: { id: 'prod-odd', sku: 12 } };
    page[80] = { op: 'del', kind: 'product', id: 'prod-syn-0000007', hash: 0, doc: null };
    page[120] = put(30, { barcodes: [] });
    page[150] = put(131, { name: 'Its barcode was taken: a newer version' });

    const state = (db: Db): unknown => ({
      products: db.prepare('SELECT * FROM sync_stage_products ORDER BY id').all(),
      barcodes: db.prepare('SELECT * FROM sync_stage_product_barcodes ORDER BY code').all(),
      parked: db.prepare("SELECT kind, id, reason FROM sync_parked WHERE generation = 'stage' ORDER BY id").all(),
    });
    const batched = open();
    const byBatch = new ReferenceApplier(batched);
    inSyncTransaction(batched, () => byBatch.applyStage('catalog', earlier));
    expect(inSyncTransaction(batched, () => byBatch.applyStage('catalog', page))).toBe(1);
    const oneByOne = open();
    const byRow = new ReferenceApplier(oneByOne);
    for (const row of [...earlier, ...page]) inSyncTransaction(oneByOne, () => byRow.applyStage('catalog', [row]));

    expect(state(batched)).toEqual(state(oneByOne));
    const staged = state(batched) as { products: { id: string; sku: string }[]; barcodes: { code: string }[] };
    // 60 earlier, one deleted; 152 fresh of the page's 160 (8 rows are something else), 500 and
    // 501, and 125 gone with its SKU.
    expect(staged.products).toHaveLength(60 - 1 + 152 + 2 - 1);
    expect(staged.products.find((p) => p.sku === 'SYN-0000125')?.id).toBe('prod-syn-0000500');
    expect(staged.barcodes.filter((b) => b.code.startsWith('SYNCODE-0000112') || b.code === 'MOVED-112')).toEqual([
      { code: 'MOVED-112', product_id: 'prod-syn-0000112', kind: 'ean13' },
    ]);
    expect(batched.pragma('foreign_key_check')).toEqual([]);
  });

  it('keeps the stage’s checksum as rows are staged, and counts the rows once a row was replaced or deleted', () => {
    const db = open();
    const applier = new ReferenceApplier(db);
    const tally = (): unknown =>
      db.prepare("SELECT kind, rows FROM sync_stage_tally WHERE stream = 'catalog' ORDER BY kind").all();
    const checks = (): void => {
      const kept = inSyncTransaction(db, () => applier.stageChecksum('catalog'));
      const counted = inSyncTransaction(db, () => applier.stageChecksum('catalog', true));
      expect({ rows: kept.rows, sum: kept.sum }).toEqual({ rows: counted.rows, sum: counted.sum });
    };
    // Only new rows, in batches and one at a time, a parked document and a brand among them: the
    // tally follows, and nothing is counted.
    const brand = brandDocSchema.parse({ id: 'brand-tally', name: 'Tally' });
    const odd: IncomingRow = { op: 'put', kind: 'product', id: 'odd', hash: 9, doc: { id: 'odd' } };
    inSyncTransaction(db, () =>
      applier.applyStage(
        'catalog',
        Array.from({ length: 120 }, (_, i) => put(i)),
      ),
    );
    inSyncTransaction(db, () =>
      applier.applyStage('catalog', [
        put(200),
        { op: 'put', kind: 'brand', id: brand.id, hash: docHash(brand), doc: brand },
        odd,
        // A delete of a row never staged deletes nothing.
        { op: 'del', kind: 'product', id: 'prod-never', hash: 0, doc: null },
      ]),
    );
    expect(tally()).toEqual([
      { kind: 'brand', rows: 1 },
      { kind: 'product', rows: 121 },
    ]);
    checks();
    // A page fetched again, part of it staged before (replaced): unknown, then counted and kept.
    inSyncTransaction(db, () =>
      applier.applyStage(
        'catalog',
        Array.from({ length: 50 }, (_, i) => put(100 + i)),
      ),
    );
    expect(tally()).toEqual([]);
    checks();
    expect(tally()).toEqual([
      { kind: 'brand', rows: 1 },
      { kind: 'product', rows: 151 },
    ]);
    // A delete of a staged row.
    inSyncTransaction(db, () =>
      applier.applyStage('catalog', [{ op: 'del', kind: 'product', id: 'prod-syn-0000003', hash: 0, doc: null }]),
    );
    expect(tally()).toEqual([]);
    checks();
    // A cleared stage is known to be empty.
    inSyncTransaction(db, () => applier.clearStage('catalog'));
    expect(tally()).toEqual([
      { kind: 'brand', rows: 0 },
      { kind: 'product', rows: 0 },
    ]);
    checks();
  });

  it('carries a download staged before the migration over into the new staging tables', () => {
    const db = open(MIGRATIONS.filter((m) => m.version < 230));
    db.prepare(
      `INSERT INTO sync_stage_products (id, sku, brand_id, name, category, weight_g, price_cents, currency, serialised, return_window_days, image_url, sync_hash)
       VALUES ('p1', 'S1', 'b', 'One', 'home', 1, 1, 'EUR', 0, 30, NULL, 11), ('p2', 'S2', 'b', 'Two', 'home', 1, 1, 'EUR', 1, 30, NULL, 22)`,
    ).run();
    db.prepare(
      "INSERT INTO sync_stage_product_barcodes (code, product_id, kind) VALUES ('C1', 'p1', 'code128'), ('C2', 'p2', 'code128')",
    ).run();
    migrate(db);
    expect(db.prepare('SELECT id, sync_hash FROM sync_stage_products ORDER BY id').all()).toEqual([
      { id: 'p1', sync_hash: 11 },
      { id: 'p2', sync_hash: 22 },
    ]);
    expect(count(db, 'sync_stage_product_barcodes')).toBe(2);
    expect(shape(db, 'sync_stage_products')).toBe(shape(db, 'products'));
  });
});

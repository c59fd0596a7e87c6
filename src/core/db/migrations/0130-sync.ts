import type { Migration } from './types';

/**
 * Sync with the cloud.
 *
 * - `sync_link`: the enrolment (cloud URL, station token, company and warehouse).
 * - `sync_upload`: per incarnation of the event log, the last seq the cloud acknowledged. The events
 *   table itself is the outbox; nothing is copied out of it.
 * - `sync_refused`: events the cloud refused or quarantined, with its reason, shown on the Sync screen.
 * - `sync_streams`: per download stream, the cursor of the live data with its row count and
 *   checksum, and the state of a first download (or re-download) being staged.
 * - `sync_stage_*`: the staging copies of the reference tables. A first download lands here, page
 *   by page (resumable), and is swapped into the live tables in one transaction once complete, so
 *   the benches never see half a catalog. Only primary keys: a snapshot in progress may hold two
 *   documents briefly claiming one SKU.
 * - `sync_parked`: documents this station cannot store yet (a kind or a shape from a newer cloud),
 *   kept so that the checksum still adds up and an upgrade can use them.
 * - `sync_files`: photos uploaded to the cloud; `sync_lease`: which process owns sync.
 * - `sync_hash` on each reference table: the cloud's hash of the document the row came from (null for
 *   rows seeded locally, such as the demo warehouse).
 */
export const m0130Sync: Migration = {
  version: 130,
  name: 'sync',
  up(db) {
    db.exec(`
      ALTER TABLE brands ADD COLUMN sync_hash INTEGER;
      ALTER TABLE products ADD COLUMN sync_hash INTEGER;
      ALTER TABLE customers ADD COLUMN sync_hash INTEGER;
      ALTER TABLE orders ADD COLUMN sync_hash INTEGER;
      ALTER TABLE rmas ADD COLUMN sync_hash INTEGER;
      ALTER TABLE operators ADD COLUMN sync_hash INTEGER;
      ALTER TABLE policies ADD COLUMN sync_hash INTEGER;

      CREATE TABLE sync_link (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        cloud_url TEXT NOT NULL,
        token TEXT NOT NULL,
        station_id TEXT NOT NULL,
        station_name TEXT NOT NULL,
        company_id TEXT NOT NULL,
        company_name TEXT NOT NULL,
        warehouse_id TEXT NOT NULL,
        warehouse_name TEXT NOT NULL,
        server_epoch TEXT NOT NULL,
        enrolled_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;

      CREATE TABLE sync_upload (
        incarnation TEXT PRIMARY KEY,
        previous TEXT,
        base_seq INTEGER NOT NULL,
        acked_seq INTEGER NOT NULL,
        registered INTEGER NOT NULL DEFAULT 0 CHECK (registered IN (0, 1)),
        acked_at INTEGER
      ) STRICT;

      CREATE TABLE sync_refused (
        incarnation TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event_id TEXT,
        type TEXT,
        status TEXT NOT NULL CHECK (status IN ('refused', 'quarantined')),
        reason TEXT NOT NULL,
        refused_at INTEGER NOT NULL,
        PRIMARY KEY (incarnation, seq)
      ) STRICT;

      CREATE TABLE sync_streams (
        stream TEXT PRIMARY KEY,
        cursor TEXT,
        rows INTEGER NOT NULL DEFAULT 0,
        checksum INTEGER NOT NULL DEFAULT 0,
        staging INTEGER NOT NULL DEFAULT 0 CHECK (staging IN (0, 1)),
        stage_cursor TEXT,
        stage_rows INTEGER NOT NULL DEFAULT 0,
        stage_total INTEGER,
        last_pull_at INTEGER,
        last_change_at INTEGER,
        up_to_date_at INTEGER,
        up_to_date INTEGER NOT NULL DEFAULT 0 CHECK (up_to_date IN (0, 1)),
        mismatches INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE sync_stage_brands (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        theme TEXT NOT NULL,
        insert_copy TEXT NOT NULL,
        return_portal_url TEXT,
        logo TEXT,
        care_tips TEXT NOT NULL,
        recommendations TEXT NOT NULL,
        sync_hash INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sync_stage_products (
        id TEXT PRIMARY KEY,
        sku TEXT NOT NULL,
        brand_id TEXT NOT NULL,
        name TEXT NOT NULL,
        category TEXT NOT NULL,
        weight_g INTEGER NOT NULL,
        price_cents INTEGER NOT NULL,
        currency TEXT NOT NULL,
        serialised INTEGER NOT NULL,
        return_window_days INTEGER NOT NULL,
        image_url TEXT,
        sync_hash INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sync_stage_product_barcodes (
        code TEXT NOT NULL,
        product_id TEXT NOT NULL,
        kind TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sync_stage_product_barcodes_product ON sync_stage_product_barcodes (product_id);

      CREATE TABLE sync_stage_customers (
        id TEXT PRIMARY KEY,
        first_name TEXT NOT NULL,
        address_key TEXT,
        orders_count INTEGER NOT NULL,
        returns_count INTEGER NOT NULL,
        returns_value_cents INTEGER NOT NULL,
        sync_hash INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sync_stage_orders (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL,
        brand_id TEXT NOT NULL,
        customer_id TEXT,
        status TEXT NOT NULL,
        placed_at INTEGER NOT NULL,
        ship_to TEXT NOT NULL,
        carrier_label TEXT,
        instructions TEXT,
        tote TEXT,
        packed_weight_g INTEGER,
        sync_hash INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sync_stage_order_lines (
        order_id TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        serials TEXT
      ) STRICT;
      CREATE INDEX sync_stage_order_lines_order ON sync_stage_order_lines (order_id);

      CREATE TABLE sync_stage_rmas (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL,
        order_id TEXT,
        status TEXT NOT NULL,
        return_tracking TEXT,
        requested_resolution TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        sync_hash INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sync_stage_rma_lines (
        rma_id TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        reason TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sync_stage_rma_lines_rma ON sync_stage_rma_lines (rma_id);

      CREATE TABLE sync_stage_operators (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        badge_code TEXT NOT NULL,
        pin_hash TEXT NOT NULL,
        active INTEGER NOT NULL,
        sync_hash INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sync_stage_policies (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        document TEXT NOT NULL,
        active INTEGER NOT NULL,
        sync_hash INTEGER NOT NULL,
        PRIMARY KEY (kind, id, version)
      ) STRICT;

      CREATE TABLE sync_parked (
        generation TEXT NOT NULL CHECK (generation IN ('live', 'stage')),
        stream TEXT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        hash INTEGER NOT NULL,
        doc TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (generation, stream, kind, id)
      ) STRICT;

      CREATE TABLE sync_files (
        sha256 TEXT PRIMARY KEY,
        uploaded_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT
      ) STRICT;

      CREATE TABLE sync_lease (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};

import type { Migration } from './types';

/**
 * The first schema: station identity, settings, the append-only event log, the station
 * session, and the reference data pulled from the cloud (or seeded for the demo).
 *
 * Reference tables carry no foreign keys across download streams (catalog, orders, rmas,
 * customers arrive independently and in any order); within one stream, lines cascade with
 * their parent.
 */
export const m0010Initial: Migration = {
  version: 10,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE station (
        id TEXT PRIMARY KEY,
        singleton INTEGER NOT NULL UNIQUE DEFAULT 1 CHECK (singleton = 1),
        name TEXT NOT NULL,
        warehouse TEXT NOT NULL,
        incarnation TEXT NOT NULL,
        demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        station_id TEXT NOT NULL,
        operator_id TEXT,
        type TEXT NOT NULL,
        subject TEXT,
        payload TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX events_type_seq ON events (type, seq);
      CREATE INDEX events_subject_seq ON events (subject, seq) WHERE subject IS NOT NULL;
      CREATE INDEX events_operator_seq ON events (operator_id, seq);
      CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

      CREATE TABLE operators (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('packer', 'qc_inspector', 'returns_clerk', 'supervisor')),
        badge_code TEXT NOT NULL UNIQUE,
        pin_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
      ) STRICT;

      CREATE TABLE badge_lockouts (
        badge_code TEXT PRIMARY KEY,
        failed_count INTEGER NOT NULL,
        locked_until INTEGER
      ) STRICT;

      CREATE TABLE session (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        operator_id TEXT NOT NULL REFERENCES operators (id),
        started_at INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL,
        locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
        bench TEXT
      ) STRICT;

      CREATE TABLE brands (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        theme TEXT NOT NULL DEFAULT '{}',
        insert_copy TEXT NOT NULL DEFAULT '{}',
        return_portal_url TEXT
      ) STRICT;

      CREATE TABLE products (
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
      ) STRICT;

      CREATE TABLE product_barcodes (
        code TEXT PRIMARY KEY,
        product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
        kind TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX product_barcodes_product ON product_barcodes (product_id);

      CREATE TABLE customers (
        id TEXT PRIMARY KEY,
        first_name TEXT NOT NULL,
        address_key TEXT,
        orders_count INTEGER NOT NULL DEFAULT 0,
        returns_count INTEGER NOT NULL DEFAULT 0,
        returns_value_cents INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE orders (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        brand_id TEXT NOT NULL,
        customer_id TEXT,
        status TEXT NOT NULL,
        placed_at INTEGER NOT NULL,
        ship_to TEXT NOT NULL DEFAULT '{}',
        carrier_label TEXT,
        instructions TEXT,
        tote TEXT,
        packed_weight_g INTEGER
      ) STRICT;
      CREATE INDEX orders_tote ON orders (tote) WHERE tote IS NOT NULL;
      CREATE INDEX orders_customer ON orders (customer_id);

      CREATE TABLE order_lines (
        order_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line_no INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        serials TEXT,
        PRIMARY KEY (order_id, line_no)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE rmas (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        order_id TEXT,
        status TEXT NOT NULL,
        return_tracking TEXT,
        requested_resolution TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX rmas_tracking ON rmas (return_tracking) WHERE return_tracking IS NOT NULL;
      CREATE INDEX rmas_order ON rmas (order_id);

      CREATE TABLE rma_lines (
        rma_id TEXT NOT NULL REFERENCES rmas (id) ON DELETE CASCADE,
        line_no INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        reason TEXT NOT NULL,
        PRIMARY KEY (rma_id, line_no)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE policies (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        document TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
        PRIMARY KEY (kind, id, version)
      ) STRICT;
    `);
  },
};

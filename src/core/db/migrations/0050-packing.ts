import type { Migration } from './types';

/**
 * The packing bench and outbound QC: packages (one per parcel) with every unit scanned into
 * them — the outbound fingerprint the returns bench and the fraud rules compare a return
 * against — QC inspections with their defects, and the sampling counters of the checklists.
 */
export const m0050Packing: Migration = {
  version: 50,
  name: 'packing',
  up(db) {
    db.exec(`
      CREATE TABLE packages (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        order_number TEXT NOT NULL,
        brand_id TEXT NOT NULL,
        station_id TEXT NOT NULL,
        packer_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('packing', 'qc_pending', 'qc_hold', 'ready', 'done', 'voided', 'rejected')),
        opened_at INTEGER NOT NULL,
        completed_at INTEGER,
        expected_weight_g INTEGER NOT NULL,
        weight_g REAL,
        weight_source TEXT CHECK (weight_source IN ('scale', 'manual')),
        weight_outcome TEXT CHECK (weight_outcome IN ('pass', 'warn', 'fail')),
        second_shipment_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (second_shipment_confirmed IN (0, 1)),
        -- QC sampling was drawn for this parcel (even if no unit was picked): drawn once only.
        qc_planned INTEGER NOT NULL DEFAULT 0 CHECK (qc_planned IN (0, 1)),
        sscc TEXT
      ) STRICT;
      CREATE INDEX packages_order ON packages (order_id, opened_at);
      CREATE INDEX packages_status ON packages (status, opened_at);
      -- A station packs one parcel at a time.
      CREATE UNIQUE INDEX packages_one_open ON packages (station_id) WHERE status = 'packing';

      CREATE TABLE package_units (
        package_id TEXT NOT NULL REFERENCES packages (id),
        unit_no INTEGER NOT NULL,
        line_no INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        code TEXT NOT NULL,
        serial TEXT,
        lot TEXT,
        expiry TEXT,
        scanned_at INTEGER NOT NULL,
        removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
        PRIMARY KEY (package_id, unit_no)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX package_units_serial ON package_units (serial) WHERE serial IS NOT NULL;

      CREATE TABLE qc_inspections (
        id TEXT PRIMARY KEY,
        package_id TEXT NOT NULL REFERENCES packages (id),
        unit_no INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        checklist_id TEXT NOT NULL,
        checklist_version INTEGER NOT NULL,
        on_fail TEXT NOT NULL CHECK (on_fail IN ('block', 'warn')),
        round INTEGER NOT NULL DEFAULT 1,
        status TEXT NOT NULL CHECK (status IN ('pending', 'passed', 'failed', 'released', 'rejected')),
        inspector_id TEXT,
        -- The QC bench that took the inspection; it resumes there after a restart.
        station_id TEXT,
        answers TEXT NOT NULL DEFAULT '{}',
        result TEXT,
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        decided_by TEXT,
        decided_at INTEGER,
        decision_note TEXT
      ) STRICT;
      CREATE INDEX qc_inspections_package ON qc_inspections (package_id, unit_no);
      CREATE INDEX qc_inspections_status ON qc_inspections (status);

      CREATE TABLE qc_defects (
        id TEXT PRIMARY KEY,
        inspection_id TEXT NOT NULL REFERENCES qc_inspections (id),
        step_id TEXT,
        code TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
        note TEXT,
        photo_sha256 TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX qc_defects_inspection ON qc_defects (inspection_id);

      CREATE TABLE qc_sampling_counters (
        checklist_id TEXT PRIMARY KEY,
        units INTEGER NOT NULL
      ) STRICT;
    `);
  },
};

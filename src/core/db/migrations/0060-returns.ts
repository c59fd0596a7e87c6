import type { Migration } from './types';

/**
 * The returns bench: return cases (found by RMA, tracking number, order, serial — or unexpected),
 * the items received in them with their grading, disposition and evidence; photos stored by
 * content hash; and fraud flags, which hold a case's refund while they are open.
 */
export const m0060Returns: Migration = {
  version: 60,
  name: 'returns',
  up(db) {
    db.exec(`
      CREATE TABLE return_cases (
        id TEXT PRIMARY KEY,
        station_id TEXT NOT NULL,
        clerk_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('rma', 'unexpected')),
        quarantined INTEGER NOT NULL DEFAULT 0 CHECK (quarantined IN (0, 1)),
        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        rma_id TEXT,
        order_id TEXT,
        found_by TEXT NOT NULL,
        opened_at INTEGER NOT NULL,
        closed_at INTEGER,
        weight_g REAL,
        packed_weight_g REAL,
        weight_outcome TEXT CHECK (weight_outcome IN ('pass', 'warn', 'fail')),
        approval TEXT,
        refund TEXT
      ) STRICT;
      CREATE UNIQUE INDEX return_cases_one_open ON return_cases (station_id) WHERE status = 'open';
      CREATE INDEX return_cases_rma ON return_cases (rma_id) WHERE rma_id IS NOT NULL;
      CREATE INDEX return_cases_order ON return_cases (order_id) WHERE order_id IS NOT NULL;

      CREATE TABLE return_items (
        case_id TEXT NOT NULL REFERENCES return_cases (id),
        item_no INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        code TEXT NOT NULL,
        serial TEXT,
        expected_serial TEXT,
        match TEXT NOT NULL CHECK (match IN ('matched', 'extra', 'wrong_item')),
        rma_line_no INTEGER,
        reason TEXT,
        value_cents INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('awaiting_serial', 'grading', 'routed')),
        rubric_id TEXT,
        rubric_version INTEGER,
        answers TEXT NOT NULL DEFAULT '{}',
        photos TEXT NOT NULL DEFAULT '{}',
        grade TEXT CHECK (grade IN ('A', 'B', 'C', 'D', 'F')),
        disposition TEXT,
        bin TEXT,
        disposition_explanation TEXT,
        override_reason TEXT,
        approved_by TEXT,
        scanned_at INTEGER NOT NULL,
        PRIMARY KEY (case_id, item_no)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX return_items_serial ON return_items (serial) WHERE serial IS NOT NULL;

      CREATE TABLE photos (
        sha256 TEXT PRIMARY KEY,
        mime TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE fraud_flags (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        type TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
        score REAL NOT NULL,
        explanation TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '{}',
        rule TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'cleared', 'confirmed', 'escalated', 'info_requested')),
        raised_at INTEGER NOT NULL,
        decided_by TEXT,
        decided_at INTEGER,
        decision_reason TEXT,
        decision_note TEXT
      ) STRICT;
      CREATE INDEX fraud_flags_case ON fraud_flags (case_id);
      CREATE INDEX fraud_flags_status ON fraud_flags (status, raised_at);
    `);
  },
};

import type { Migration } from './types';

/**
 * Fraud rules at scale and their re-evaluation. The rules read a customer's history and the
 * accounts at their address on every case that closes — with a million past returns, each read
 * must be an index probe: accounts by address, closed cases by time (re-evaluation of recent
 * cases), flags by type for the review queue. A flag learns whether its rule still fires when
 * sync brings new history (`stale`: it no longer does — a supervisor still decides it).
 */
export const m0110FraudReview: Migration = {
  version: 110,
  name: 'fraud-review',
  up(db) {
    db.exec(`
      CREATE INDEX customers_address ON customers (address_key) WHERE address_key IS NOT NULL;
      CREATE INDEX return_cases_closed ON return_cases (closed_at) WHERE status = 'closed';
      CREATE INDEX fraud_flags_type ON fraud_flags (type, status);
      ALTER TABLE fraud_flags ADD COLUMN stale INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1));
      ALTER TABLE fraud_flags ADD COLUMN reevaluated_at INTEGER;
    `);
  },
};

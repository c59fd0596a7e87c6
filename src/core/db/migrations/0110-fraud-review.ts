import type { Migration } from './types';

/**
 * Fraud rules at scale and their re-evaluation. The rules read a customer's history and the
 * accounts at their address on every case that closes — with a million past returns, each read
 * must be an index probe or a short range: a case carries its order's customer (set when it
 * opens), so a customer's returns in a period are one range of `return_cases_customer` however
 * many orders the customer has; accounts by address; closed cases by time (re-evaluation of
 * recent cases); flags in the queue's order. A flag learns whether its rule still fires
 * when sync brings new history (`stale`: it no longer does — a supervisor still decides it).
 */
export const m0110FraudReview: Migration = {
  version: 110,
  name: 'fraud-review',
  up(db) {
    db.exec(`
      CREATE INDEX customers_address ON customers (address_key) WHERE address_key IS NOT NULL;
      CREATE INDEX return_cases_closed ON return_cases (closed_at) WHERE status = 'closed';
      CREATE INDEX fraud_flags_type ON fraud_flags (type, status);
      -- The queue's order (most severe, then oldest), covering its filters: a page is the first
      -- matching entries of this index, not a sort of every flag.
      CREATE INDEX fraud_flags_queue ON fraud_flags (
        (CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END), raised_at, id, status, type, severity
      );
      ALTER TABLE fraud_flags ADD COLUMN stale INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1));
      ALTER TABLE fraud_flags ADD COLUMN reevaluated_at INTEGER;
      ALTER TABLE return_cases ADD COLUMN customer_id TEXT;
      UPDATE return_cases SET customer_id = (SELECT o.customer_id FROM orders o WHERE o.id = return_cases.order_id)
       WHERE order_id IS NOT NULL;
      CREATE INDEX return_cases_customer ON return_cases (customer_id, closed_at) WHERE customer_id IS NOT NULL;
    `);
  },
};

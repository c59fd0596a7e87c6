import type { Migration } from './types';

/**
 * Lookups on orders the benches make on every scan:
 * - the serials the order system recorded for shipped orders, one row each, so a returned item's
 *   serial finds its order with one index probe instead of reading every order line's JSON. Kept
 *   by triggers on `order_lines`, so whatever writes the lines (the demo seed, a sync page) keeps it;
 * - the orders the order system stopped (cancelled, refunded, on hold): few, and the packing bench
 *   asks for them with every view, to recall parcels packed before the stop arrived.
 */
export const m0120OrderLookups: Migration = {
  version: 120,
  name: 'order-lookups',
  up(db) {
    db.exec(`
      CREATE TABLE order_serials (
        serial TEXT NOT NULL,
        order_id TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        PRIMARY KEY (serial, order_id, line_no)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX order_serials_order ON order_serials (order_id, line_no);
      CREATE INDEX orders_stopped ON orders (status) WHERE status IN ('cancelled', 'refunded', 'on_hold');

      INSERT OR IGNORE INTO order_serials (serial, order_id, line_no)
        SELECT s.value, l.order_id, l.line_no FROM order_lines l, json_each(l.serials) s
         WHERE l.serials IS NOT NULL AND json_valid(l.serials) AND s.type = 'text';

      CREATE TRIGGER order_lines_serials_insert AFTER INSERT ON order_lines
        WHEN NEW.serials IS NOT NULL AND json_valid(NEW.serials)
      BEGIN
        INSERT OR IGNORE INTO order_serials (serial, order_id, line_no)
          SELECT s.value, NEW.order_id, NEW.line_no FROM json_each(NEW.serials) s WHERE s.type = 'text';
      END;
      CREATE TRIGGER order_lines_serials_delete AFTER DELETE ON order_lines
      BEGIN
        DELETE FROM order_serials WHERE order_id = OLD.order_id AND line_no = OLD.line_no;
      END;
      CREATE TRIGGER order_lines_serials_update AFTER UPDATE OF serials, order_id, line_no ON order_lines
      BEGIN
        DELETE FROM order_serials WHERE order_id = OLD.order_id AND line_no = OLD.line_no;
        INSERT OR IGNORE INTO order_serials (serial, order_id, line_no)
          SELECT s.value, NEW.order_id, NEW.line_no FROM json_each(NEW.serials) s
           WHERE NEW.serials IS NOT NULL AND json_valid(NEW.serials) AND s.type = 'text';
      END;
    `);
  },
};

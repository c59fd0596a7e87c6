import type { Migration } from './types';

/**
 * Printing: the station's printers, which printer (and how) prints each label type, the print
 * queue, the label settings (ship-from address, SSCC numbering), and counters for the numbers labels carry (SSCC serial references, licence plates).
 * Brands gain what their inserts need: a vector logo, care tips and recommendations by category.
 *
 * A print job keeps the data it prints (so a reprint is the same label) and, once rendered, the
 * document itself (so a station without a printer can still show and hand out the PDF).
 */
export const m0080Printing: Migration = {
  version: 80,
  name: 'printing',
  up(db) {
    db.exec(`
      CREATE TABLE printers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        transport TEXT NOT NULL CHECK (transport IN ('cups', 'raw9100', 'system')),
        queue TEXT,
        host TEXT,
        port INTEGER,
        options TEXT NOT NULL DEFAULT '[]',
        zpl_font TEXT NOT NULL DEFAULT '0',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE label_assignments (
        label_type TEXT PRIMARY KEY,
        printer_id TEXT REFERENCES printers (id) ON DELETE SET NULL,
        format TEXT NOT NULL CHECK (format IN ('pdf', 'zpl')),
        dpi INTEGER NOT NULL,
        media TEXT NOT NULL,
        offset_x_mm REAL NOT NULL DEFAULT 0,
        offset_y_mm REAL NOT NULL DEFAULT 0,
        darkness INTEGER CHECK (darkness BETWEEN 0 AND 30),
        copies INTEGER NOT NULL DEFAULT 1 CHECK (copies BETWEEN 1 AND 20),
        auto_print INTEGER NOT NULL DEFAULT 1 CHECK (auto_print IN (0, 1)),
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE print_jobs (
        id TEXT PRIMARY KEY,
        label_type TEXT NOT NULL,
        subject TEXT,
        title TEXT NOT NULL,
        bench TEXT,
        operator_id TEXT,
        data TEXT NOT NULL,
        language TEXT NOT NULL,
        printer_id TEXT,
        printer_name TEXT,
        transport TEXT,
        format TEXT NOT NULL CHECK (format IN ('pdf', 'zpl')),
        dpi INTEGER NOT NULL,
        media TEXT NOT NULL,
        offset_x_mm REAL NOT NULL DEFAULT 0,
        offset_y_mm REAL NOT NULL DEFAULT 0,
        darkness INTEGER,
        copies INTEGER NOT NULL DEFAULT 1,
        zpl_font TEXT NOT NULL DEFAULT '0',
        status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'printed', 'failed', 'held')),
        document BLOB,
        content_type TEXT,
        pages INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        error_code TEXT,
        error TEXT,
        external_id TEXT,
        reprint_of TEXT,
        test INTEGER NOT NULL DEFAULT 0 CHECK (test IN (0, 1)),
        forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        printed_at INTEGER
      ) STRICT;
      CREATE INDEX print_jobs_status ON print_jobs (status, next_attempt_at);
      CREATE INDEX print_jobs_created ON print_jobs (created_at);
      CREATE INDEX print_jobs_bench ON print_jobs (bench, label_type, created_at);
      CREATE INDEX print_jobs_subject ON print_jobs (subject, label_type) WHERE subject IS NOT NULL;

      CREATE TABLE printing_config (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE label_counters (
        name TEXT PRIMARY KEY,
        next INTEGER NOT NULL
      ) STRICT;

      ALTER TABLE brands ADD COLUMN logo TEXT;
      ALTER TABLE brands ADD COLUMN care_tips TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE brands ADD COLUMN recommendations TEXT NOT NULL DEFAULT '{}';
    `);
  },
};

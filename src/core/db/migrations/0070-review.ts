import type { Migration } from './types';

/**
 * Supervisor review: the blind re-grade sample (grader consistency). Flag decisions live on the
 * flags themselves (0060) and, as everything, in the event log.
 */
export const m0070Review: Migration = {
  version: 70,
  name: 'review',
  up(db) {
    db.exec(`
      CREATE TABLE regrade_tasks (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        item_no INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        grader_id TEXT NOT NULL,
        original_grade TEXT NOT NULL CHECK (original_grade IN ('A', 'B', 'C', 'D', 'F')),
        status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
        regrade TEXT CHECK (regrade IN ('A', 'B', 'C', 'D', 'F')),
        regraded_by TEXT,
        created_at INTEGER NOT NULL,
        regraded_at INTEGER,
        UNIQUE (case_id, item_no)
      ) STRICT;
      CREATE INDEX regrade_tasks_status ON regrade_tasks (status, created_at);
      CREATE INDEX regrade_tasks_grader ON regrade_tasks (grader_id, status);
      CREATE INDEX events_created ON events (created_at);
    `);
  },
};

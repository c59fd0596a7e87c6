import type { Migration } from './types';

/**
 * The row the core writes to start the write-ahead log over at an idle moment (see
 * `db/checkpointer.ts`): the first commit into a fresh log fsyncs its header first, and that
 * commit should be this one, between scans, not a scan's. It counts the restarts as it goes.
 */
export const m0210LogRestarts: Migration = {
  version: 210,
  name: 'log-restarts',
  up(db) {
    db.exec(
      'CREATE TABLE log_restarts (id INTEGER PRIMARY KEY CHECK (id = 1), restarts INTEGER NOT NULL, at INTEGER NOT NULL) STRICT;',
    );
  },
};

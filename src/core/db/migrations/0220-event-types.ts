import type { Migration } from './types';

/**
 * The event log's look-ups by type (the audit trail's filter, the analytics' day of one kind of
 * event) move out of the scan's commit. Two indexes on `events` — type and seq, creation time —
 * took three of the ten pages every scan's commit wrote (each event of another type lands on
 * another page of the type index). `event_types` holds the same keys, filled in batches when the
 * core is idle and caught up before any query reads it (see `queries/events.ts`): the scan
 * writes the log, its id and subject indexes, and its projections; nothing for later reports.
 */
export const m0220EventTypes: Migration = {
  version: 220,
  name: 'event-types',
  up(db) {
    db.exec(`
      DROP INDEX events_type_seq;
      DROP INDEX events_created;
      CREATE TABLE event_types (
        seq INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX event_types_type_seq ON event_types (type, seq);
      CREATE INDEX event_types_type_created ON event_types (type, created_at);
      INSERT INTO event_types (seq, type, created_at) SELECT seq, type, created_at FROM events ORDER BY seq;
    `);
  },
};

import type { Migration } from './types';

/**
 * No query reads the event log by operator (the analytics group a day's events by operator
 * through `events_created`), yet every event ever appended — several per scan — also went into
 * `events_operator_seq`: one B-tree less for each scan's commit to write.
 */
export const m0200EventIndexes: Migration = {
  version: 200,
  name: 'event-indexes',
  up(db) {
    db.exec('DROP INDEX events_operator_seq;');
  },
};

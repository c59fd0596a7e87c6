import type { Migration } from './types';

/**
 * What a stream's staging tables hold, kept by `ReferenceApplier` in the transactions that write
 * them: each record kind's row count and hash sum, parked documents apart (they are counted from
 * `sync_parked`). A stream with a row for each of its kinds is known; one without is counted from
 * its rows when its checksum is next needed — as every stream is after this migration. Whatever
 * writes a staging table must keep this table right or delete the stream's rows.
 */
export const m0260StageTally: Migration = {
  version: 260,
  name: 'stage-tally',
  up(db) {
    db.exec(`
      CREATE TABLE sync_stage_tally (
        stream TEXT NOT NULL,
        kind TEXT NOT NULL,
        rows INTEGER NOT NULL,
        sum INTEGER NOT NULL,
        PRIMARY KEY (stream, kind)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};

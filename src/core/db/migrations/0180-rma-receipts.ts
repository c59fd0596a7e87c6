import type { Migration } from './types';

/**
 * RMA receipts learnt through sync (issue #4, "an RMA received at another station").
 *
 * - `rma_receipts`: the first receipt of each RMA the cloud knows of — the station and the case
 *   that opened it first (`rma_receipt` documents of the `rmas` stream, written by the cloud when
 *   it applies that station's `returns.opened` event). Keyed by RMA: one per RMA, never replaced
 *   by a later receipt. No foreign key to `rmas`: the two kinds arrive in the stream in the cloud's
 *   order, and an RMA's receipt outlives an OMS delete of the RMA.
 * - `sync_stage_rma_receipts`: its staging copy (first downloads).
 * - A station older than this schema parked the receipts it was sent (a kind it did not know): it
 *   cannot have raised a flag for them. If any are parked, the `rmas` stream is downloaded again
 *   beside the live data; the swap that ends it stores them, and the returns bench checks every
 *   local case against them then.
 */
export const m0180RmaReceipts: Migration = {
  version: 180,
  name: 'rma-receipts',
  up(db) {
    db.exec(`
      CREATE TABLE rma_receipts (
        rma_id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        station_id TEXT NOT NULL,
        station_local_id TEXT NOT NULL,
        station_name TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        sync_hash INTEGER
      ) STRICT;

      CREATE TABLE sync_stage_rma_receipts (
        rma_id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        station_id TEXT NOT NULL,
        station_local_id TEXT NOT NULL,
        station_name TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        sync_hash INTEGER NOT NULL
      ) STRICT;
    `);
    const parked = db
      .prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM sync_parked WHERE stream = 'rmas' AND kind = 'rma_receipt'",
      )
      .get()!.n;
    if (parked > 0) {
      db.exec(`
        DELETE FROM sync_stage_rmas;
        DELETE FROM sync_stage_rma_lines;
        DELETE FROM sync_parked WHERE generation = 'stage' AND stream = 'rmas';
        UPDATE sync_streams SET staging = 1, stage_cursor = NULL, stage_rows = 0, stage_total = NULL, up_to_date = 0
         WHERE stream = 'rmas';
      `);
    }
  },
};

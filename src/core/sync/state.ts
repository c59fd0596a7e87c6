import type { Refusal } from '#shared/sync/protocol';
import { STREAMS, type StreamName } from '#shared/sync/records';
import type { Db } from '../db/connection';
import type { EventRow } from '../db/queries/events';

export type SyncLink = {
  cloudUrl: string;
  token: string;
  stationId: string;
  stationName: string;
  companyId: string;
  companyName: string;
  warehouseId: string;
  warehouseName: string;
  serverEpoch: string;
  enrolledAt: number;
  revokedAt: number | null;
};

export type UploadState = {
  incarnation: string;
  previous: string | null;
  baseSeq: number;
  ackedSeq: number;
  registered: boolean;
  ackedAt: number | null;
};

export type StreamState = {
  stream: StreamName;
  cursor: string | null;
  rows: number;
  checksum: number;
  staging: boolean;
  stageCursor: string | null;
  stageRows: number;
  stageTotal: number | null;
  lastPullAt: number | null;
  lastChangeAt: number | null;
  upToDateAt: number | null;
  /** The last page said nothing is left and the checksum agreed. */
  upToDate: boolean;
  mismatches: number;
};

export type RefusedView = {
  seq: number;
  eventId: string | null;
  type: string | null;
  status: 'refused' | 'quarantined';
  reason: string;
  at: number;
};

type LinkRow = {
  cloud_url: string;
  token: string;
  station_id: string;
  station_name: string;
  company_id: string;
  company_name: string;
  warehouse_id: string;
  warehouse_name: string;
  server_epoch: string;
  enrolled_at: number;
  revoked_at: number | null;
};

type StreamRow = {
  stream: StreamName;
  cursor: string | null;
  rows: number;
  checksum: number;
  staging: number;
  stage_cursor: string | null;
  stage_rows: number;
  stage_total: number | null;
  last_pull_at: number | null;
  last_change_at: number | null;
  up_to_date_at: number | null;
  up_to_date: number;
  mismatches: number;
};

export type SyncState = ReturnType<typeof syncState>;

/** The station's sync bookkeeping (migration 0130), with prepared statements. */
export function syncState(db: Db) {
  const link = db.prepare<[], LinkRow>('SELECT * FROM sync_link');
  const upload = db.prepare<
    [string],
    {
      incarnation: string;
      previous: string | null;
      base_seq: number;
      acked_seq: number;
      registered: number;
      acked_at: number | null;
    }
  >('SELECT * FROM sync_upload WHERE incarnation = ?');
  const setAcked = db.prepare('UPDATE sync_upload SET acked_seq = ?, acked_at = ? WHERE incarnation = ?');
  const head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
  const hashAt = db.prepare<[number], { hash: string }>('SELECT hash FROM events WHERE seq = ?');
  const batch = db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
  const createdAt = db.prepare<[number], { created_at: number }>('SELECT created_at FROM events WHERE seq = ?');
  const addRefused = db.prepare(
    `INSERT OR REPLACE INTO sync_refused (incarnation, seq, event_id, type, status, reason, refused_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const refused = db.prepare<
    [number],
    {
      seq: number;
      event_id: string | null;
      type: string | null;
      status: 'refused' | 'quarantined';
      reason: string;
      refused_at: number;
    }
  >(
    'SELECT seq, event_id, type, status, reason, refused_at FROM sync_refused ORDER BY refused_at DESC, seq DESC LIMIT ?',
  );
  const refusedCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sync_refused');
  const stream = db.prepare<[string], StreamRow>('SELECT * FROM sync_streams WHERE stream = ?');
  const ensureStream = db.prepare('INSERT OR IGNORE INTO sync_streams (stream) VALUES (?)');

  return {
    link(): SyncLink | null {
      const row = link.get();
      if (!row) return null;
      return {
        cloudUrl: row.cloud_url,
        token: row.token,
        stationId: row.station_id,
        stationName: row.station_name,
        companyId: row.company_id,
        companyName: row.company_name,
        warehouseId: row.warehouse_id,
        warehouseName: row.warehouse_name,
        serverEpoch: row.server_epoch,
        enrolledAt: row.enrolled_at,
        revokedAt: row.revoked_at,
      };
    },
    saveLink(value: SyncLink): void {
      db.prepare(
        `INSERT OR REPLACE INTO sync_link (singleton, cloud_url, token, station_id, station_name, company_id, company_name,
           warehouse_id, warehouse_name, server_epoch, enrolled_at, revoked_at)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        value.cloudUrl,
        value.token,
        value.stationId,
        value.stationName,
        value.companyId,
        value.companyName,
        value.warehouseId,
        value.warehouseName,
        value.serverEpoch,
        value.enrolledAt,
        value.revokedAt,
      );
    },
    markRevoked(at: number): void {
      db.prepare('UPDATE sync_link SET revoked_at = ? WHERE revoked_at IS NULL').run(at);
    },
    upload(incarnation: string): UploadState | null {
      const row = upload.get(incarnation);
      if (!row) return null;
      return {
        incarnation: row.incarnation,
        previous: row.previous,
        baseSeq: row.base_seq,
        ackedSeq: row.acked_seq,
        registered: row.registered === 1,
        ackedAt: row.acked_at,
      };
    },
    saveUpload(value: UploadState): void {
      db.prepare(
        `INSERT OR REPLACE INTO sync_upload (incarnation, previous, base_seq, acked_seq, registered, acked_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(value.incarnation, value.previous, value.baseSeq, value.ackedSeq, value.registered ? 1 : 0, value.ackedAt);
    },
    setAcked(incarnation: string, seq: number, at: number): void {
      setAcked.run(seq, at, incarnation);
    },
    /** The newest event's seq and hash (0 and null for an empty log). */
    head(): { seq: number; hash: string | null } {
      const row = head.get();
      return row ? { seq: row.seq, hash: row.hash } : { seq: 0, hash: null };
    },
    hashAt(seq: number): string | null {
      return hashAt.get(seq)?.hash ?? null;
    },
    /** Events after `seq`, in order, at most `limit`. */
    eventsAfter(seq: number, limit: number): EventRow[] {
      return batch.all(seq, limit);
    },
    createdAtOf(seq: number): number | null {
      return createdAt.get(seq)?.created_at ?? null;
    },
    addRefused(incarnation: string, refusal: Refusal, at: number): void {
      addRefused.run(incarnation, refusal.seq, refusal.id, refusal.type, refusal.status, refusal.reason, at);
    },
    refused(limit: number): RefusedView[] {
      return refused.all(limit).map((r) => ({
        seq: r.seq,
        eventId: r.event_id,
        type: r.type,
        status: r.status,
        reason: r.reason,
        at: r.refused_at,
      }));
    },
    refusedCount(): number {
      return refusedCount.get()?.n ?? 0;
    },
    stream(name: StreamName): StreamState {
      // Read first: a write here would wait for (and fail behind) another connection's lock.
      let row = stream.get(name);
      if (!row) {
        ensureStream.run(name);
        row = stream.get(name)!;
      }
      return {
        stream: row.stream,
        cursor: row.cursor,
        rows: row.rows,
        checksum: row.checksum,
        staging: row.staging === 1,
        stageCursor: row.stage_cursor,
        stageRows: row.stage_rows,
        stageTotal: row.stage_total,
        lastPullAt: row.last_pull_at,
        lastChangeAt: row.last_change_at,
        upToDateAt: row.up_to_date_at,
        upToDate: row.up_to_date === 1,
        mismatches: row.mismatches,
      };
    },
    streams(): StreamState[] {
      return STREAMS.map((name) => this.stream(name));
    },
    saveStream(value: StreamState): void {
      db.prepare(
        `UPDATE sync_streams SET cursor = ?, rows = ?, checksum = ?, staging = ?, stage_cursor = ?, stage_rows = ?,
           stage_total = ?, last_pull_at = ?, last_change_at = ?, up_to_date_at = ?, up_to_date = ?, mismatches = ?
         WHERE stream = ?`,
      ).run(
        value.cursor,
        value.rows,
        value.checksum,
        value.staging ? 1 : 0,
        value.stageCursor,
        value.stageRows,
        value.stageTotal,
        value.lastPullAt,
        value.lastChangeAt,
        value.upToDateAt,
        value.upToDate ? 1 : 0,
        value.mismatches,
        value.stream,
      );
    },
    /** Files referenced by events that the cloud does not have yet. */
    pendingFiles(limit: number): { sha256: string; mime: string; bytes: number }[] {
      return db
        .prepare<[number], { sha256: string; mime: string; bytes: number }>(
          `SELECT p.sha256, p.mime, p.bytes FROM photos p LEFT JOIN sync_files f ON f.sha256 = p.sha256
            WHERE f.sha256 IS NULL OR (f.uploaded_at IS NULL AND (f.error IS NULL OR f.error NOT LIKE 'missing:%'))
            ORDER BY p.created_at, p.sha256 LIMIT ?`,
        )
        .all(limit);
    },
    pendingFileCount(): number {
      return (
        db
          .prepare<[], { n: number }>(
            `SELECT count(*) AS n FROM photos p LEFT JOIN sync_files f ON f.sha256 = p.sha256
              WHERE f.sha256 IS NULL OR (f.uploaded_at IS NULL AND (f.error IS NULL OR f.error NOT LIKE 'missing:%'))`,
          )
          .get()?.n ?? 0
      );
    },
    fileUploaded(sha256: string, at: number): void {
      db.prepare(
        `INSERT INTO sync_files (sha256, uploaded_at, attempts, error) VALUES (?, ?, 1, NULL)
         ON CONFLICT (sha256) DO UPDATE SET uploaded_at = excluded.uploaded_at, attempts = attempts + 1, error = NULL`,
      ).run(sha256, at);
    },
    fileFailed(sha256: string, error: string): void {
      db.prepare(
        `INSERT INTO sync_files (sha256, uploaded_at, attempts, error) VALUES (?, NULL, 1, ?)
         ON CONFLICT (sha256) DO UPDATE SET attempts = attempts + 1, error = excluded.error`,
      ).run(sha256, error);
    },
  };
}

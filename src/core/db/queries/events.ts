import type { CaseTimeline } from '#shared/contract/common';
import type { Db } from '../connection';

export type EventRow = {
  seq: number;
  id: string;
  station_id: string;
  operator_id: string | null;
  type: string;
  subject: string | null;
  payload: string;
  schema_version: number;
  created_at: number;
  prev_hash: string;
  hash: string;
};

/** An event as the core uses it; the payload stays the stored text until someone needs it. */
export type StoredEvent = {
  seq: number;
  id: string;
  stationId: string;
  operatorId: string | null;
  type: string;
  subject: string | null;
  payload: string;
  schemaVersion: number;
  createdAt: number;
  prevHash: string;
  hash: string;
};

export function rowToEvent(row: EventRow): StoredEvent {
  return {
    seq: row.seq,
    id: row.id,
    stationId: row.station_id,
    operatorId: row.operator_id,
    type: row.type,
    subject: row.subject,
    payload: row.payload,
    schemaVersion: row.schema_version,
    createdAt: row.created_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Prepared statements of the event log, prepared once per connection. */
export type EventQueries = ReturnType<typeof eventQueries>;

export function eventQueries(db: Db) {
  const last = db.prepare<[], Pick<EventRow, 'seq' | 'hash'>>('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare<EventRow>(
    `INSERT INTO events (seq, id, station_id, operator_id, type, subject, payload, schema_version, created_at, prev_hash, hash)
     VALUES (@seq, @id, @station_id, @operator_id, @type, @subject, @payload, @schema_version, @created_at, @prev_hash, @hash)`,
  );
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events');
  const countByType = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM event_types WHERE type = ?');
  const page = db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE seq < ? ORDER BY seq DESC LIMIT ?');
  const pageByType = db.prepare<[string, number, number], EventRow>(
    `SELECT e.* FROM event_types t JOIN events e ON e.seq = t.seq
      WHERE t.type = ? AND t.seq < ? ORDER BY t.seq DESC LIMIT ?`,
  );
  const all = db.prepare<[], EventRow>('SELECT * FROM events ORDER BY seq');
  const byId = db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?');
  const ofSubject = db.prepare<[string], EventRow>('SELECT * FROM events WHERE subject = ? ORDER BY seq');
  const timeline = db.prepare<[string], Pick<EventRow, 'seq' | 'type' | 'operator_id' | 'created_at' | 'hash'>>(
    'SELECT seq, type, operator_id, created_at, hash FROM events WHERE subject = ? ORDER BY seq',
  );

  const types = typeIndex(db);

  return {
    /** The by-type look-ups' index: caught up before every query here that reads it. */
    types,
    /** The newest event's seq and hash, or null for an empty log. */
    last(): { seq: number; hash: string } | null {
      return last.get() ?? null;
    },
    insert(row: EventRow): void {
      insert.run(row);
    },
    count(type?: string): number {
      if (type === undefined) return count.get()?.n ?? 0;
      types.catchUp();
      return countByType.get(type)?.n ?? 0;
    },
    /** Newest first, strictly before `beforeSeq`. */
    page(limit: number, beforeSeq: number, type?: string): StoredEvent[] {
      if (type !== undefined) types.catchUp();
      const rows = type === undefined ? page.all(beforeSeq, limit) : pageByType.all(type, beforeSeq, limit);
      return rows.map(rowToEvent);
    },
    /** Every event in seq order, streamed — the log can be large. */
    *iterate(): Generator<StoredEvent> {
      for (const row of all.iterate()) yield rowToEvent(row);
    },
    /** Every event about one subject (a case, a parcel), in order. */
    ofSubject(subject: string): StoredEvent[] {
      return ofSubject.all(subject).map(rowToEvent);
    },
    /** A case's timeline: the columns it shows, without reading the payloads. */
    timeline(subject: string): CaseTimeline {
      return timeline
        .all(subject)
        .map((r) => ({ seq: r.seq, type: r.type, operatorId: r.operator_id, createdAt: r.created_at, hash: r.hash }));
    },
    byId(id: string): StoredEvent | null {
      const row = byId.get(id);
      return row ? rowToEvent(row) : null;
    },
  };
}

/**
 * `event_types` (migration 0220): every event's type and time under its seq, indexed by type and
 * seq and by type and time — written in batches, not in the scan's commit. Whatever reads it
 * catches it up first, so it never misses an event; the core also catches it up when idle.
 */
export type EventTypeIndex = ReturnType<typeof typeIndex>;

export function typeIndex(db: Db) {
  const indexed = db.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM event_types').pluck();
  const newest = db.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM events').pluck();
  const add = db.prepare<[number]>(
    'INSERT INTO event_types (seq, type, created_at) SELECT seq, type, created_at FROM events WHERE seq > ? ORDER BY seq',
  );
  return {
    /** Events appended and not in the index yet. */
    lag(): number {
      return newest.get()! - indexed.get()!;
    },
    /**
     * Adds the events appended since the last catch-up; returns how many. Inside the caller's
     * transaction if there is one, else in its own.
     */
    catchUp(): number {
      const from = indexed.get()!;
      if (newest.get()! === from) return 0;
      return add.run(from).changes;
    },
  };
}

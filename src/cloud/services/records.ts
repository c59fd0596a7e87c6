import { z } from 'zod';
import { hash32, mod32 } from '#shared/sync/hash';
import {
  COLLECTIONS,
  DOC_SCHEMAS,
  idSchema,
  KIND_STREAM,
  recordKey,
  uniqueKeys,
  type RecordKind,
  type StreamName,
} from '#shared/sync/records';
import { canonicalJson } from '#shared/util/canonical-json';
import { hashPin } from '../auth';
import { sqlState, type Queryable, type Store } from '../db/store';
import { badRequest, conflict, describeIssues, HttpError, notFound } from '../errors';
import { checkCursor, formatCursor, parseCursor, ZERO_XID, type Cursor } from './cursor';
import { PAGE_LINE_SQL, PageWriter } from './page';
import type { StationAuth } from './tenants';

/** Lines of one NDJSON import; more is a 413 (split the file). */
export const MAX_IMPORT_LINES = 10_000;
/** Bytes of one NDJSON line. */
export const MAX_LINE_BYTES = 1024 * 1024;

const lineSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('upsert'), data: z.record(z.string(), z.unknown()) }),
  z.strictObject({ op: z.literal('delete'), id: idSchema }),
]);

type Upsert = {
  op: 'upsert';
  line: number;
  key: string;
  body: string;
  hash: number;
  keys: { type: string; value: string }[];
};
type Delete = { op: 'delete'; line: number; key: string };
type Op = Upsert | Delete;

export type ImportResult = { upserted: number; unchanged: number; deleted: number; notFound: number };

export type LineError = { line: number; message: string };

/**
 * Reference data: the OMS writes documents (NDJSON upserts and deletes), stations read them by
 * stream. One import is one transaction — all of it or nothing — and stamps every row it changes
 * with the transaction id, which is what download cursors follow (see the migration's comment).
 */
export class Records {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Imports an NDJSON body into a collection. Nothing is written unless every line is valid. */
  async import(companyId: string, collection: string, ndjson: string): Promise<ImportResult> {
    const kind = kindOf(collection);
    const ops = parseLines(kind, ndjson);
    if (ops.length === 0) return { upserted: 0, unchanged: 0, deleted: 0, notFound: 0 };
    try {
      return await this.#store.tx((q) => this.#write(q, companyId, kind, ops));
    } catch (error) {
      if (sqlState(error) === '23505')
        throw conflict('unique_conflict', 'Another document took one of these keys at the same moment; try again.');
      throw error;
    }
  }

  /** One document as stored, or a 404. */
  async get(companyId: string, collection: string, id: string): Promise<unknown> {
    const kind = kindOf(collection);
    const { rows } = await this.#store.query<{ body: string | null; deleted: boolean }>(
      'SELECT body, deleted FROM records WHERE company_id = $1 AND kind = $2 AND id = $3',
      [companyId, kind, id],
    );
    const row = rows[0];
    if (!row || row.deleted || row.body === null) throw notFound(`There is no ${kind} ${id}.`);
    return JSON.parse(row.body) as unknown;
  }

  async #write(q: Queryable, companyId: string, kind: RecordKind, ops: Op[]): Promise<ImportResult> {
    const stream = KIND_STREAM[kind];
    const keys = ops.map((op) => op.key).sort();
    // Lock the rows in a fixed order: two imports of overlapping documents cannot deadlock.
    const existing = await q.query<{ id: string; hash: number; deleted: boolean }>(
      'SELECT id, hash, deleted FROM records WHERE company_id = $1 AND kind = $2 AND id = ANY($3::text[]) ORDER BY id FOR UPDATE',
      [companyId, kind, keys],
    );
    const old = new Map(existing.rows.map((row) => [row.id, row]));
    const upserts: Upsert[] = [];
    const deletes: Delete[] = [];
    let unchanged = 0;
    let missing = 0;
    let rowsDelta = 0;
    let sumDelta = 0;
    for (const op of ops) {
      const before = old.get(op.key);
      const live = before !== undefined && !before.deleted;
      if (op.op === 'upsert') {
        if (live && Number(before.hash) === op.hash) {
          unchanged++;
          continue;
        }
        upserts.push(op);
        if (live) sumDelta -= Number(before.hash);
        else rowsDelta++;
        sumDelta += op.hash;
      } else {
        if (!live) {
          missing++;
          continue;
        }
        deletes.push(op);
        rowsDelta--;
        sumDelta -= Number(before.hash);
      }
    }
    const changed = [...upserts.map((u) => u.key), ...deletes.map((d) => d.key)];
    if (changed.length === 0) return { upserted: 0, unchanged, deleted: 0, notFound: missing };

    // Unique keys (SKU, barcode, order number…): what the changed documents held is released,
    // then what they hold now is claimed. A key held by another document is a 409.
    await q.query('DELETE FROM record_keys WHERE company_id = $1 AND kind = $2 AND id = ANY($3::text[])', [
      companyId,
      kind,
      changed,
    ]);
    const claims = upserts.flatMap((u) => u.keys.map((k) => ({ ...k, id: u.key })));
    if (claims.length > 0) {
      const taken = await q.query<{ key_type: string; value: string; kind: string; id: string }>(
        `SELECT k.key_type, k.value, k.kind, k.id FROM record_keys k
           JOIN unnest($2::text[], $3::text[]) AS c(key_type, value) ON k.key_type = c.key_type AND k.value = c.value
          WHERE k.company_id = $1 LIMIT 20`,
        [companyId, claims.map((c) => c.type), claims.map((c) => c.value)],
      );
      if (taken.rows.length > 0) {
        const first = taken.rows[0]!;
        throw conflict(
          'unique_conflict',
          `${first.key_type} "${first.value}" already belongs to ${first.kind} ${first.id}; nothing was written.`,
          { conflicts: taken.rows.map((r) => ({ key: r.key_type, value: r.value, kind: r.kind, id: r.id })) },
        );
      }
      await q.query(
        `INSERT INTO record_keys (company_id, key_type, value, kind, id)
         SELECT $1, c.key_type, c.value, $2, c.id FROM unnest($3::text[], $4::text[], $5::text[]) AS c(key_type, value, id)`,
        [companyId, kind, claims.map((c) => c.type), claims.map((c) => c.value), claims.map((c) => c.id)],
      );
    }
    if (upserts.length > 0) {
      await q.query(
        `INSERT INTO records (company_id, kind, id, stream, body, hash, deleted, xid, n, updated_at)
         SELECT $1, $2, u.id, $3, u.body, u.hash, false, pg_current_xact_id(), nextval('change_n'), now()
           FROM unnest($4::text[], $5::text[], $6::bigint[]) WITH ORDINALITY AS u(id, body, hash, i) ORDER BY u.i
         ON CONFLICT (company_id, kind, id) DO UPDATE
           SET body = excluded.body, hash = excluded.hash, deleted = false, xid = excluded.xid, n = excluded.n,
               updated_at = excluded.updated_at`,
        [companyId, kind, stream, upserts.map((u) => u.key), upserts.map((u) => u.body), upserts.map((u) => u.hash)],
      );
    }
    if (deletes.length > 0) {
      await q.query(
        `UPDATE records SET body = NULL, hash = 0, deleted = true, xid = pg_current_xact_id(), n = nextval('change_n'),
                updated_at = now()
          WHERE company_id = $1 AND kind = $2 AND id = ANY($3::text[])`,
        [companyId, kind, deletes.map((d) => d.key)],
      );
    }
    await q.query(
      `INSERT INTO stream_stats (company_id, stream, rows, checksum) VALUES ($1, $2, $3, $4)
       ON CONFLICT (company_id, stream) DO UPDATE
         SET rows = stream_stats.rows + excluded.rows,
             checksum = mod(mod(stream_stats.checksum + excluded.checksum, 4294967296) + 4294967296, 4294967296)`,
      [companyId, stream, rowsDelta, mod32(sumDelta)],
    );
    return { upserted: upserts.length, unchanged, deleted: deletes.length, notFound: missing };
  }

  /**
   * One page of a stream for a station, as the UTF-8 bytes of its JSON text (`PageWriter`). Read in
   * one REPEATABLE READ snapshot: the rows, the snapshot's xmin (the commit-safe bound), and the
   * stream's checksum, so that "up to date" and the checksum describe exactly the state the station
   * holds after this page.
   */
  async pull(station: StationAuth, stream: StreamName, cursorText: string | null, limit: number): Promise<Buffer> {
    const cursor = cursorText === null ? null : parseCursor(cursorText);
    const page = await this.#store.tx(
      async (q) => {
        // The statement that takes the snapshot reads the stream's stats in it: one round trip.
        const head = await q.query<{
          xmin: string;
          xmax: string;
          epoch: string;
          rows: number | null;
          checksum: number | null;
          horizon: string | null;
        }>(
          `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, pg_snapshot_xmax(pg_current_snapshot())::text AS xmax,
                  (SELECT value FROM server_meta WHERE key = 'epoch') AS epoch,
                  s.rows, s.checksum, s.horizon::text AS horizon
             FROM (VALUES (1)) AS one (x) LEFT JOIN stream_stats s ON s.company_id = $1 AND s.stream = $2`,
          [station.companyId, stream],
        );
        const { xmin, xmax, epoch, ...found } = head.rows[0]!;
        const stats =
          found.horizon === null
            ? { rows: 0, checksum: 0, horizon: ZERO_XID }
            : { rows: Number(found.rows), checksum: Number(found.checksum), horizon: found.horizon };
        if (cursor) checkCursor(cursor, epoch, xmax, stats.horizon);
        const from: Cursor = cursor ?? { epoch, xid: ZERO_XID, n: 0 };
        // Each row goes into the page as it arrives; only the last one's place is kept, for the cursor.
        const writer = new PageWriter();
        const last = { xid: from.xid, n: from.n };
        await q.each<{ line: string; xid: string; n: number }>(
          `SELECT ${PAGE_LINE_SQL} AS line, xid::text AS xid, n FROM records
            WHERE company_id = $1 AND stream = $2 AND (xid, n) > ($3::xid8, $4::bigint) AND xid < $5::xid8
            ORDER BY records.xid, records.n LIMIT $6`,
          [station.companyId, stream, from.xid, from.n, xmin, limit],
          (row) => {
            writer.add(row.line);
            last.xid = row.xid;
            last.n = Number(row.n);
          },
        );
        const more = writer.rows === limit;
        let next: Cursor;
        if (more) next = { epoch, ...last };
        else if (BigInt(from.xid) >= BigInt(xmin)) next = { ...from, epoch };
        else next = { epoch, xid: xmin, n: 0 };
        let upToDate = false;
        if (!more) {
          const held = await q.query(
            'SELECT 1 FROM records WHERE company_id = $1 AND stream = $2 AND xid >= $3::xid8 LIMIT 1',
            [station.companyId, stream, xmin],
          );
          upToDate = held.rows.length === 0;
        }
        return { writer, next, more, upToDate, stats, fresh: cursor === null };
      },
      { isolation: 'repeatable read', readOnly: true },
    );
    return page.writer.finish({
      stream,
      cursor: formatCursor(page.next),
      more: page.more,
      upToDate: page.upToDate,
      checksum: page.upToDate ? { rows: page.stats.rows, sum: page.stats.checksum } : null,
      total: page.fresh ? page.stats.rows : null,
    });
  }

  /**
   * Forgets tombstones older than `olderThanMs` and raises each stream's horizon past them: a
   * station whose cursor is older must download the stream again (410). Returns how many went.
   */
  async purgeTombstones(olderThanMs: number): Promise<number> {
    return this.#store.tx(async (q) => {
      const purged = await q.query<{ company_id: string; stream: string; horizon: string }>(
        `WITH gone AS (
           DELETE FROM records WHERE deleted AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
           RETURNING company_id, stream, xid)
         SELECT company_id, stream, (max(xid::text::numeric) + 1)::text AS horizon FROM gone GROUP BY company_id, stream`,
        [olderThanMs],
      );
      let count = 0;
      for (const row of purged.rows) {
        const updated = await q.query(
          `INSERT INTO stream_stats (company_id, stream, horizon) VALUES ($1, $2, $3::xid8)
           ON CONFLICT (company_id, stream) DO UPDATE SET horizon = greatest(stream_stats.horizon, excluded.horizon)`,
          [row.company_id, row.stream, row.horizon],
        );
        count += updated.rowCount;
      }
      return count;
    });
  }

  /** The checksum of a stream as the cloud holds it (tests, and the OMS's own checks). */
  async checksum(companyId: string, stream: StreamName): Promise<{ rows: number; sum: number }> {
    const { rows } = await this.#store.query<{ rows: number; checksum: number }>(
      'SELECT rows, checksum FROM stream_stats WHERE company_id = $1 AND stream = $2',
      [companyId, stream],
    );
    return { rows: Number(rows[0]?.rows ?? 0), sum: Number(rows[0]?.checksum ?? 0) };
  }
}

function kindOf(collection: string): RecordKind {
  const kind = (COLLECTIONS as Record<string, RecordKind | undefined>)[collection];
  if (!kind)
    throw new HttpError(
      404,
      'not_found',
      `There is no collection "${collection.slice(0, 40)}". Collections: ${Object.keys(COLLECTIONS).join(', ')}.`,
    );
  return kind;
}

const PIN = /^\d{4,8}$/;

/** Parses and validates every line; throws a 400 listing the bad lines, or a 413 when too many. */
function parseLines(kind: RecordKind, ndjson: string): Op[] {
  const lines = ndjson.split('\n');
  const nonEmpty = lines.filter((line) => line.trim() !== '').length;
  if (nonEmpty > MAX_IMPORT_LINES)
    throw new HttpError(413, 'too_many_lines', `${nonEmpty} lines; at most ${MAX_IMPORT_LINES} per request.`, {
      max: MAX_IMPORT_LINES,
    });
  const errors: LineError[] = [];
  const ops: Op[] = [];
  const seen = new Map<string, number>();
  const claimed = new Map<string, { line: number; key: string }>();
  const schema = DOC_SCHEMAS[kind] as z.ZodType;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const line = i + 1;
    const fail = (message: string): void => {
      errors.push({ line, message });
    };
    if (raw.length > MAX_LINE_BYTES) {
      fail(`the line is longer than ${MAX_LINE_BYTES} bytes`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      fail(`not JSON: ${(error as Error).message.slice(0, 120)}`);
      continue;
    }
    const envelope = lineSchema.safeParse(value);
    if (!envelope.success) {
      fail(
        `expected {"op":"upsert","data":{…}} or {"op":"delete","id":"…"} — ${describeIssues(envelope.error.issues)}`,
      );
      continue;
    }
    let op: Op;
    if (envelope.data.op === 'upsert') {
      let data = envelope.data.data;
      if (kind === 'operator' && 'pin' in data) {
        const { pin, ...rest } = data;
        if (typeof pin !== 'string' || !PIN.test(pin) || 'pinHash' in rest) {
          fail('data.pin: a PIN is 4 to 8 digits, given instead of pinHash');
          continue;
        }
        data = { ...rest, pinHash: hashPin(pin) };
      }
      const doc = schema.safeParse(data);
      if (!doc.success) {
        fail(describeIssues(doc.error.issues.map((issue) => ({ ...issue, path: ['data', ...issue.path] }))));
        continue;
      }
      const body = canonicalJson(doc.data);
      if (body.length > MAX_LINE_BYTES) {
        fail(`the document is longer than ${MAX_LINE_BYTES} bytes`);
        continue;
      }
      const key = recordKey(kind, doc.data as never);
      const keys = uniqueKeys(kind, doc.data as never);
      let clash = false;
      for (const unique of keys) {
        const other = claimed.get(`${unique.type}\u0000${unique.value}`);
        if (other && other.key !== key) {
          fail(`${unique.type} "${unique.value}" is also given to ${other.key} on line ${other.line}`);
          clash = true;
        }
        claimed.set(`${unique.type}\u0000${unique.value}`, { line, key });
      }
      if (clash) continue;
      op = { op: 'upsert', line, key, body, hash: hash32(body), keys };
    } else {
      op = { op: 'delete', line, key: envelope.data.id };
    }
    const earlier = seen.get(op.key);
    if (earlier !== undefined) {
      fail(`${op.key} is also on line ${earlier}: one line per document and request`);
      continue;
    }
    seen.set(op.key, line);
    ops.push(op);
  }
  if (errors.length > 0) {
    throw badRequest(
      `${errors.length} invalid line${errors.length === 1 ? '' : 's'}; nothing was written. First: line ${errors[0]!.line}: ${errors[0]!.message}`,
      { errors: errors.slice(0, 50), count: errors.length },
    );
  }
  return ops;
}

import {
  GENESIS_HASH,
  MAX_EVENT_SCHEMA_VERSION,
  newIncarnationRequestSchema,
  pushRequestSchema,
  checkUploadEvent,
  type IncarnationState,
  type PushResponse,
  type Refusal,
  type StateResponse,
} from '#shared/sync/protocol';
import { readEventPayload } from '#shared/sync/event-payloads';
import type { Queryable, Store } from '../db/store';
import { badRequest, conflict, describeIssues } from '../errors';
import { eventHash } from './event-hash';
import { recordReceipts } from './receipts';
import type { StationAuth } from './tenants';
import type { Webhooks } from './webhooks';

/** An event stamped more than this ahead of the cloud's clock is quarantined, not applied. */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
/** Before this (2020-01-01) a stamp can only come from a reset clock. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2020, 0, 1);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type IncarnationRow = {
  incarnation: string;
  previous: string | null;
  base_seq: number;
  last_seq: number;
  last_hash: string;
};

/** One event row as it will be stored: applied, refused or quarantined. */
type StoredRow = {
  seq: number;
  id: string;
  type: string | null;
  subject: string | null;
  operatorId: string | null;
  payload: string | null;
  schemaVersion: number | null;
  createdAt: number | null;
  prevHash: string | null;
  hash: string | null;
  status: 'applied' | 'refused' | 'quarantined';
  reason: string | null;
};

/**
 * The upload side: a station's events, applied exactly once.
 *
 * A batch is contiguous seqs of one incarnation. In one transaction: the incarnation's row is
 * locked (`FOR UPDATE`, so two uploaders of one station run one after the other); seqs at or below
 * its `last_seq` are acknowledged as repeats; a batch that starts after `last_seq + 1` is refused
 * as a gap (nothing written); every new event is checked, and stored — applied, or refused /
 * quarantined with its reason — and `last_seq` moves to the batch's end in the same transaction.
 * A refused event never blocks the queue (Replicache's "must still mark the mutation processed").
 * An applied `returns.opened` of a case on an RMA marks the RMA received (`recordReceipts`), in
 * the same transaction.
 */
export class Uploads {
  readonly #store: Store;
  readonly #webhooks: Webhooks;
  readonly #clock: () => number;
  readonly #maxSchemaVersion: number;

  /**
   * @param maxSchemaVersion the newest event payload version accepted: `MAX_EVENT_SCHEMA_VERSION`,
   *   lower only to hold stations back while a fleet of cloud instances is being upgraded (and to
   *   test a station that is newer than its cloud).
   */
  constructor(
    store: Store,
    webhooks: Webhooks,
    clock: () => number = Date.now,
    maxSchemaVersion: number = MAX_EVENT_SCHEMA_VERSION,
  ) {
    this.#store = store;
    this.#webhooks = webhooks;
    this.#clock = clock;
    this.#maxSchemaVersion = Math.min(maxSchemaVersion, MAX_EVENT_SCHEMA_VERSION);
  }

  async state(station: StationAuth, incarnation: string, epoch: string): Promise<StateResponse> {
    const { rows } = await this.#store.query<IncarnationRow>(
      'SELECT incarnation, previous, base_seq, last_seq, last_hash FROM station_incarnations WHERE station_id = $1 AND incarnation = $2',
      [station.stationId, incarnation],
    );
    return {
      station: { id: station.stationId, name: station.name, localId: station.localId },
      incarnation: rows[0] ? toState(rows[0]) : null,
      serverEpoch: epoch,
      serverTime: this.#clock(),
    };
  }

  /**
   * The hash the cloud holds for a seq of this station's log, following the incarnation back
   * through the ones it continues. The station bisects with it to find where a restored database
   * parts from what the cloud has.
   */
  async hashAt(
    station: StationAuth,
    incarnation: string,
    seq: number,
    q: Queryable = this.#store,
  ): Promise<string | null> {
    if (seq === 0) return GENESIS_HASH;
    let current: string | null = incarnation;
    for (let hops = 0; current !== null && hops < 1000; hops++) {
      const found: { rows: IncarnationRow[] } = await q.query<IncarnationRow>(
        'SELECT incarnation, previous, base_seq, last_seq, last_hash FROM station_incarnations WHERE station_id = $1 AND incarnation = $2',
        [station.stationId, current],
      );
      const row: IncarnationRow | undefined = found.rows[0];
      if (!row) return null;
      if (seq > row.base_seq) {
        if (seq > row.last_seq) return null;
        const event = await q.query<{ hash: string | null }>(
          'SELECT hash FROM events WHERE station_id = $1 AND incarnation = $2 AND seq = $3',
          [station.stationId, current, seq],
        );
        return event.rows[0]?.hash ?? null;
      }
      current = row.previous;
    }
    return null;
  }

  /**
   * Registers a new incarnation of the station's log, continuing `previous` after `baseSeq`
   * (whose hash must match what the cloud holds). Idempotent for the same request.
   */
  async newIncarnation(station: StationAuth, body: unknown): Promise<IncarnationState> {
    const parsed = newIncarnationRequestSchema.safeParse(body);
    if (!parsed.success) throw badRequest(`Invalid incarnation request — ${describeIssues(parsed.error.issues)}`);
    const { incarnation, previous, baseSeq, baseHash } = parsed.data;
    return this.#store.tx(async (q) => {
      // One incarnation change at a time per station.
      await q.query('SELECT id FROM stations WHERE id = $1 FOR UPDATE', [station.stationId]);
      const existing = await q.query<IncarnationRow>(
        'SELECT incarnation, previous, base_seq, last_seq, last_hash FROM station_incarnations WHERE station_id = $1 AND incarnation = $2',
        [station.stationId, incarnation],
      );
      if (existing.rows[0]) {
        const row = existing.rows[0];
        if (row.previous === previous && row.base_seq === baseSeq) return toState(row);
        throw conflict('incarnation_exists', `Incarnation ${incarnation} already exists with another base.`);
      }
      if (previous === null) {
        if (baseSeq !== 0 || baseHash !== GENESIS_HASH)
          throw conflict('base_mismatch', 'A first incarnation starts at seq 0.');
      } else {
        const held = await this.hashAt(station, previous, baseSeq, q);
        if (held === null || held !== baseHash)
          throw conflict('base_mismatch', `The cloud holds another event at seq ${baseSeq} of ${previous}.`, {
            held,
          });
      }
      await q.query(
        `INSERT INTO station_incarnations (station_id, incarnation, previous, base_seq, last_seq, last_hash)
         VALUES ($1, $2, $3, $4, $4, $5)`,
        [station.stationId, incarnation, previous, baseSeq, baseHash],
      );
      return { incarnation, previous, baseSeq, lastSeq: baseSeq, lastHash: baseHash };
    });
  }

  /** Applies one batch (see the class comment). */
  async push(station: StationAuth, body: unknown): Promise<PushResponse> {
    const parsed = pushRequestSchema.safeParse(body);
    if (!parsed.success) throw badRequest(`Invalid batch — ${describeIssues(parsed.error.issues)}`);
    const { incarnation, events } = parsed.data;
    const first = events[0]!.seq;
    for (let i = 1; i < events.length; i++) {
      if (events[i]!.seq !== first + i) throw badRequest(`The batch's seqs are not contiguous at index ${i}.`);
    }
    const max = this.#maxSchemaVersion;
    const tooNew = events.find((e) => typeof e['schemaVersion'] === 'number' && e['schemaVersion'] > max);
    if (tooNew) {
      // Not a refusal: the events are fine, this cloud is older than the station. Nothing is
      // written; the station keeps them queued, and sends the events before `seq` on their own.
      throw conflict(
        'schema_too_new',
        `Event ${tooNew.seq} has payload version ${String(tooNew['schemaVersion'])}; this cloud understands up to ${max}. Upgrade the cloud service.`,
        { maxSchemaVersion: max, seq: tooNew.seq },
      );
    }
    const now = this.#clock();

    return this.#store.tx(async (q) => {
      const { rows } = await q.query<IncarnationRow>(
        `SELECT incarnation, previous, base_seq, last_seq, last_hash FROM station_incarnations
          WHERE station_id = $1 AND incarnation = $2 FOR UPDATE`,
        [station.stationId, incarnation],
      );
      const current = rows[0];
      if (!current)
        throw conflict('unknown_incarnation', `The cloud does not know incarnation ${incarnation} of this station.`);
      if (first > current.last_seq + 1)
        throw conflict('gap', `The batch starts at seq ${first}; the cloud expects ${current.last_seq + 1}.`, {
          expected: current.last_seq + 1,
        });
      const fresh = events.filter((e) => e.seq > current.last_seq);
      if (fresh.length === 0) {
        return {
          lastSeq: current.last_seq,
          lastHash: current.last_hash,
          applied: 0,
          duplicates: events.length,
          refused: [],
        };
      }

      const stored: StoredRow[] = [];
      let prevHash = current.last_hash;
      for (const raw of fresh) {
        const row = checkEvent(raw, station, prevHash, now);
        // The chain goes on from what the station says it is, even past a refused event: one bad
        // event must not refuse every one after it.
        if (row.hash !== null && /^[0-9a-f]{64}$/.test(row.hash)) prevHash = row.hash;
        stored.push(row);
      }

      const inserted = await q.query<{ seq: number }>(
        `INSERT INTO events (company_id, station_id, incarnation, seq, id, type, subject, operator_id, payload,
                             schema_version, created_at, prev_hash, hash, status, reason)
         SELECT $1, $2, $3, u.seq, u.id, u.type, u.subject, u.operator_id, u.payload, u.schema_version, u.created_at,
                u.prev_hash, u.hash, u.status, u.reason
           FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::bigint[],
                       $12::text[], $13::text[], $14::text[], $15::text[])
             AS u(seq, id, type, subject, operator_id, payload, schema_version, created_at, prev_hash, hash, status, reason)
         ON CONFLICT DO NOTHING
         RETURNING seq`,
        [
          station.companyId,
          station.stationId,
          incarnation,
          stored.map((r) => r.seq),
          stored.map((r) => r.id),
          stored.map((r) => r.type),
          stored.map((r) => r.subject),
          stored.map((r) => r.operatorId),
          stored.map((r) => r.payload),
          stored.map((r) => r.schemaVersion),
          stored.map((r) => r.createdAt),
          stored.map((r) => r.prevHash),
          stored.map((r) => r.hash),
          stored.map((r) => r.status),
          stored.map((r) => r.reason),
        ],
      );
      // An event whose id the cloud already holds (sent before under an older incarnation) is a
      // repeat, not a new record.
      const insertedSeqs = new Set(inserted.rows.map((r) => Number(r.seq)));
      const last = stored[stored.length - 1]!;
      const lastHash = last.hash !== null && /^[0-9a-f]{64}$/.test(last.hash) ? last.hash : prevHash;
      await q.query(
        'UPDATE station_incarnations SET last_seq = $3, last_hash = $4 WHERE station_id = $1 AND incarnation = $2',
        [station.stationId, incarnation, last.seq, lastHash],
      );
      const applied = stored.filter((r) => r.status === 'applied' && insertedSeqs.has(r.seq));
      // A return received at this bench marks its RMA received, for every station, in this
      // transaction: the mark and the event that makes it are one commit.
      await recordReceipts(q, station, applied);
      await this.#webhooks.enqueue(q, station, applied);
      await q.query('UPDATE stations SET last_seen_at = now() WHERE id = $1', [station.stationId]);
      const refused: Refusal[] = stored
        .filter((r) => r.status !== 'applied' && insertedSeqs.has(r.seq))
        .map((r) => ({
          seq: r.seq,
          id: r.id,
          type: r.type,
          status: r.status as 'refused' | 'quarantined',
          reason: r.reason ?? '',
        }));
      return {
        lastSeq: last.seq,
        lastHash,
        applied: applied.length,
        duplicates: events.length - fresh.length + (stored.length - insertedSeqs.size),
        refused,
      };
    });
  }
}

function toState(row: IncarnationRow): IncarnationState {
  return {
    incarnation: row.incarnation,
    previous: row.previous,
    baseSeq: row.base_seq,
    lastSeq: row.last_seq,
    lastHash: row.last_hash,
  };
}

/** What to store for one uploaded event, and whether it is applied. Never throws. */
function checkEvent(raw: Record<string, unknown>, station: StationAuth, prevHash: string, now: number): StoredRow {
  const seq = raw['seq'] as number;
  const parsed = checkUploadEvent(raw);
  if (!parsed.ok) {
    const id =
      typeof raw['id'] === 'string' && raw['id'].length <= 64 ? raw['id'] : `invalid:${station.stationId}:${seq}`;
    return {
      seq,
      id,
      type: typeof raw['type'] === 'string' ? raw['type'].slice(0, 64) : null,
      subject: null,
      operatorId: null,
      // What arrived, for whoever investigates (bounded).
      // JSON.stringify escapes NUL and lone surrogates: safe in a text column.
      payload: JSON.stringify(raw).slice(0, 64 * 1024),
      schemaVersion: null,
      createdAt: null,
      prevHash: null,
      hash: typeof raw['hash'] === 'string' ? raw['hash'].slice(0, 64) : null,
      status: 'refused',
      reason: `malformed event — ${parsed.reason}`,
    };
  }
  const event = parsed.event;
  const row: StoredRow = {
    seq,
    id: event.id,
    type: event.type,
    subject: event.subject,
    operatorId: event.operatorId,
    payload: event.payload,
    schemaVersion: event.schemaVersion,
    createdAt: event.createdAt,
    prevHash: event.prevHash,
    hash: event.hash,
    status: 'applied',
    reason: null,
  };
  const refuse = (reason: string): StoredRow => ({ ...row, status: 'refused', reason });
  const texts = [event.id, event.type, event.subject ?? '', event.operatorId ?? '', event.payload];
  if (texts.some((t) => LONE_SURROGATE.test(t) || t.includes('\u0000')))
    return { ...refuse('text that is not well-formed Unicode'), subject: null, operatorId: null, payload: null };
  if (event.stationId !== station.localId)
    return refuse(`the event belongs to station ${event.stationId}, not to this station (${station.localId})`);
  let payload: unknown;
  try {
    payload = JSON.parse(event.payload);
  } catch {
    return refuse('the payload is not JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return refuse('the payload is not a JSON object');
  if (eventHash(event) !== event.hash) return refuse('the event does not match its hash');
  if (event.prevHash !== prevHash) return refuse('the event does not link to the previous one (hash chain broken)');
  // The payload must read at its own version (and upcast to the current one), so the feed and
  // webhooks can promise one shape. It is stored as it came either way: the hash covers that text.
  const reading = readEventPayload(event.type, event.schemaVersion, payload);
  if (!reading.ok) return refuse(`the payload does not match its version — ${reading.reason}`);
  if (event.createdAt > now + FUTURE_TOLERANCE_MS)
    return {
      ...row,
      status: 'quarantined',
      reason: `stamped ${new Date(event.createdAt).toISOString()}, more than a day ahead of the cloud's clock`,
    };
  if (event.createdAt < EARLIEST_PLAUSIBLE_MS)
    return {
      ...row,
      status: 'quarantined',
      reason: `stamped ${new Date(event.createdAt).toISOString()}, before 2020: the station's clock was wrong`,
    };
  return row;
}

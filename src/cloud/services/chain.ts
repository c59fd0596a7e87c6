import { GENESIS_HASH } from '#shared/sync/protocol';
import type { Queryable, Store } from '../db/store';
import { notFound } from '../errors';
import { eventHash } from './event-hash';

/** Where a stored chain stops checking out: the first event (or missing seq) that fails. */
export type ChainBreak = {
  incarnation: string;
  seq: number;
  /** The stored event's id; null when no event is stored at that seq. */
  id: string | null;
  reason: string;
};

/** The answer of `GET /v1/oms/stations/{id}/chain`. */
export type ChainVerdict = {
  ok: boolean;
  /** Events whose hash and link were recomputed and held, before the break if there is one. */
  checked: number;
  incarnations: number;
  brokenAt: ChainBreak | null;
};

type IncarnationRow = { incarnation: string; previous: string | null; base_seq: number; last_seq: number };

type EventRow = {
  seq: number;
  id: string;
  type: string | null;
  subject: string | null;
  operator_id: string | null;
  payload: string | null;
  schema_version: number | null;
  created_at: number | null;
  prev_hash: string | null;
  hash: string | null;
  status: string;
  reason: string | null;
};

const PAGE = 2000;
const EVENT_COLUMNS =
  'seq, id, type, subject, operator_id, payload, schema_version, created_at, prev_hash, hash, status, reason';

/**
 * Verifies, on demand, the hash chain of a station's events as the cloud stores them — what
 * the bench does with its own log (`events.verify`), here over every incarnation the station
 * uploaded. Each incarnation is walked in seq order from its base (the genesis hash, or the hash
 * the incarnation it continues holds at its base seq): every event's link must be the hash before
 * it, its hash must be recomputed from its stored fields (with the station's own id, as the
 * station hashed it) by the same function that checks uploads, and no seq up to the
 * incarnation's last may be missing. The first failure is the answer; a row edited in the
 * database after it was stored fails there (its hash), or at the next event (its link).
 *
 * An event refused on arrival that cannot be recomputed (malformed, or not well-formed text) is a
 * break too: the cloud cannot vouch for the chain past it. An event whose id the cloud already
 * held under an older incarnation was not stored twice; its seq is taken from whichever
 * incarnation stored it, if it links where it should.
 *
 * Pages of {@link PAGE} events along the primary key, outside any transaction: a long walk never
 * holds a lock on what stations upload meanwhile (the incarnation's `last_seq` is read first, so
 * events stored after that are not looked at).
 */
export class ChainCheck {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async verify(companyId: string, stationId: string): Promise<ChainVerdict> {
    const q: Queryable = this.#store;
    const station = await q.query<{ local_id: string }>(
      'SELECT local_id FROM stations WHERE company_id = $1 AND id = $2',
      [companyId, stationId],
    );
    const localId = station.rows[0]?.local_id;
    if (localId === undefined) throw notFound(`No station ${stationId} in this company.`);
    const { rows: incarnations } = await q.query<IncarnationRow>(
      `SELECT incarnation, previous, base_seq, last_seq FROM station_incarnations
        WHERE station_id = $1 ORDER BY created_at, incarnation`,
      [stationId],
    );
    const byName = new Map(incarnations.map((i) => [i.incarnation, i]));
    // Each incarnation after the one it continues (whatever the clocks of the instances that
    // stored them said).
    const ordered: IncarnationRow[] = [];
    const placed = new Set<string>();
    for (let pending = incarnations; pending.length > 0;) {
      const ready = pending.filter((i) => i.previous === null || placed.has(i.previous) || !byName.has(i.previous));
      for (const inc of ready.length > 0 ? ready : pending) {
        ordered.push(inc);
        placed.add(inc.incarnation);
      }
      pending = pending.filter((i) => !placed.has(i.incarnation));
    }
    // The seq an incarnation starts after is held by the incarnation it continues — or by one
    // further back, when it starts at or below that one's own base.
    const owner = (inc: IncarnationRow): { incarnation: string; seq: number } | null => {
      let at: IncarnationRow | undefined = byName.get(inc.previous ?? '');
      for (let hops = 0; at && hops < 1000; hops++) {
        if (inc.base_seq > at.base_seq) return { incarnation: at.incarnation, seq: inc.base_seq };
        at = at.previous === null ? undefined : byName.get(at.previous);
      }
      return null;
    };
    const wanted = new Set<string>();
    for (const inc of incarnations) {
      const base = inc.base_seq > 0 ? owner(inc) : null;
      if (base) wanted.add(`${base.incarnation}\n${base.seq}`);
    }
    /** Hashes verified at the seqs other incarnations start after. */
    const bases = new Map<string, string>();
    let checked = 0;
    const verdict = (brokenAt: ChainBreak | null): ChainVerdict => ({
      ok: brokenAt === null,
      checked,
      incarnations: incarnations.length,
      brokenAt,
    });

    for (const inc of ordered) {
      let prev: string;
      if (inc.base_seq === 0) prev = GENESIS_HASH;
      else {
        const base = owner(inc);
        const held = base ? bases.get(`${base.incarnation}\n${base.seq}`) : undefined;
        if (held === undefined)
          return verdict({
            incarnation: inc.incarnation,
            seq: inc.base_seq,
            id: null,
            reason: `the event this incarnation continues (seq ${inc.base_seq} of ${inc.previous ?? '—'}) is not held`,
          });
        prev = held;
      }
      let expected = inc.base_seq + 1;
      while (expected <= inc.last_seq) {
        const { rows } = await q.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events
            WHERE station_id = $1 AND incarnation = $2 AND seq >= $3 AND seq <= $4 ORDER BY seq LIMIT ${PAGE}`,
          [stationId, inc.incarnation, expected, inc.last_seq],
        );
        let i = 0;
        while (expected <= inc.last_seq) {
          let row = rows[i];
          if (row?.seq === expected) i++;
          else if (!row && rows.length === PAGE)
            break; // the next page
          else {
            // Not stored under this incarnation: stored under another one first, or missing.
            const elsewhere = await q.query<EventRow>(
              `SELECT ${EVENT_COLUMNS} FROM events WHERE station_id = $1 AND seq = $2 AND prev_hash = $3 LIMIT 1`,
              [stationId, expected, prev],
            );
            row = elsewhere.rows[0];
            if (!row)
              return verdict({ incarnation: inc.incarnation, seq: expected, id: null, reason: 'no event is stored' });
          }
          const failure = check(row, prev, localId);
          if (failure) return verdict({ incarnation: inc.incarnation, seq: row.seq, id: row.id, reason: failure });
          prev = row.hash!;
          const key = `${inc.incarnation}\n${row.seq}`;
          if (wanted.has(key)) bases.set(key, prev);
          checked++;
          expected++;
        }
      }
    }
    return verdict(null);
  }
}

/** Why a stored event fails its link or its hash; null when both hold. */
function check(row: EventRow, prev: string, localId: string): string | null {
  const refused = row.status === 'refused' ? ` (refused on arrival: ${row.reason ?? 'no reason stored'})` : '';
  if (
    row.type === null ||
    row.payload === null ||
    row.schema_version === null ||
    row.created_at === null ||
    row.prev_hash === null ||
    row.hash === null
  )
    return `the stored event is incomplete and cannot be checked${refused}`;
  if (row.prev_hash !== prev) return `the event does not link to the previous one${refused}`;
  const recomputed = eventHash({
    id: row.id,
    seq: row.seq,
    stationId: localId,
    operatorId: row.operator_id,
    type: row.type,
    subject: row.subject,
    payload: row.payload,
    schemaVersion: row.schema_version,
    createdAt: row.created_at,
    prevHash: row.prev_hash,
  });
  if (recomputed !== row.hash) return `the event does not match its hash${refused}`;
  return null;
}

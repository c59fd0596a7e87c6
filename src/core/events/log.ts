import type { CaseTimeline } from '#shared/contract/common';
import { EVENT_PAYLOAD_VERSION } from '#shared/sync/event-payloads';
import { canonicalJson } from '#shared/util/canonical-json';
import type { Db } from '../db/connection';
import { eventQueries, type EventQueries, type StoredEvent } from '../db/queries/events';
import { ulid } from '../util/ulid';
import { eventHash, GENESIS_HASH } from './chain';

/**
 * The version of event payload shapes this app writes; bumped when a payload changes (see
 * shared/sync/event-payloads.ts: the cloud reads every older version through upcasters).
 */
export const EVENT_SCHEMA_VERSION = EVENT_PAYLOAD_VERSION;

export type NewEvent = {
  type: string;
  operatorId: string | null;
  subject?: string | null;
  payload: Record<string, unknown>;
};

export type ChainVerdict = { ok: boolean; checked: number; brokenAtSeq: number | null; reason: string | null };

/**
 * The station's append-only event log: what an operator did, who, when, where — the record that
 * sync uploads and the audit trail shows.
 *
 * `append` must run inside the caller's `db.transaction`, together with the projection rows it
 * explains; it reads the chain head in that transaction, so seq has no gap and the chain has no
 * fork even if the caller's transaction rolls back.
 */
export class EventLog {
  readonly #db: Db;
  readonly #q: EventQueries;
  readonly #stationId: string;
  readonly #clock: () => number;
  readonly #appended: () => void;
  readonly #recordOne: (event: NewEvent) => StoredEvent;

  /**
   * @param appended called after each append (inside the caller's transaction): for things
   *   that must look again later, like the upload queue depth. It must not write.
   */
  constructor(db: Db, stationId: string, clock: () => number = Date.now, appended: () => void = () => undefined) {
    this.#db = db;
    this.#q = eventQueries(db);
    this.#stationId = stationId;
    this.#clock = clock;
    this.#appended = appended;
    const record = db.transaction((event: NewEvent) => this.append(event));
    // IMMEDIATE: take the write lock before reading the chain head, so a second connection
    // (a report, a backup) can never interleave between the read and the insert.
    this.#recordOne = (event) => record.immediate(event);
  }

  /** Appends one event; call it inside a transaction. */
  append(event: NewEvent): StoredEvent {
    if (!this.#db.inTransaction) throw new Error('EventLog.append must run inside a transaction');
    const head = this.#q.last();
    const createdAt = this.#clock();
    const fields = {
      id: ulid(createdAt),
      seq: (head?.seq ?? 0) + 1,
      stationId: this.#stationId,
      operatorId: event.operatorId,
      type: event.type,
      subject: event.subject ?? null,
      payload: canonicalJson(event.payload),
      schemaVersion: EVENT_SCHEMA_VERSION,
      createdAt,
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    const hash = eventHash(fields);
    this.#q.insert({
      seq: fields.seq,
      id: fields.id,
      station_id: fields.stationId,
      operator_id: fields.operatorId,
      type: fields.type,
      subject: fields.subject,
      payload: fields.payload,
      schema_version: fields.schemaVersion,
      created_at: fields.createdAt,
      prev_hash: fields.prevHash,
      hash,
    });
    this.#appended();
    return { ...fields, hash };
  }

  /** Appends one event in its own transaction. */
  record(event: NewEvent): StoredEvent {
    return this.#recordOne(event);
  }

  /**
   * The upkeep of the by-type index (`event_types`), at an idle moment: adds the events appended
   * since, once at least `atLeast` wait — one commit for a batch of scans, not a page or two in
   * each scan's. Returns how many were added.
   */
  indexTypes(atLeast = 1): number {
    if (this.#db.inTransaction || this.#q.types.lag() < atLeast) return 0;
    return this.#q.types.catchUp();
  }

  count(type?: string): number {
    return this.#q.count(type);
  }

  page(limit: number, beforeSeq: number = Number.MAX_SAFE_INTEGER, type?: string): StoredEvent[] {
    return this.#q.page(limit, beforeSeq, type);
  }

  byId(id: string): StoredEvent | null {
    return this.#q.byId(id);
  }

  ofSubject(subject: string): StoredEvent[] {
    return this.#q.ofSubject(subject);
  }

  /** The timeline of a case (or any subject), oldest first: what the review page and the returns bench show. */
  timeline(subject: string): CaseTimeline {
    return this.#q.timeline(subject);
  }

  /** Recomputes every hash in order and reports the first event that does not match. */
  verify(): ChainVerdict {
    return verifyChain(this.#q.iterate());
  }
}

/** Verifies a sequence of events in seq order: contiguous seq from 1, links, and hashes. */
export function verifyChain(events: Iterable<StoredEvent>): ChainVerdict {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (const event of events) {
    const broken = (reason: string): ChainVerdict => ({ ok: false, checked, brokenAtSeq: event.seq, reason });
    if (event.seq !== expectedSeq) return broken(`expected seq ${expectedSeq}, found ${event.seq}`);
    if (event.prevHash !== prevHash) return broken('the link to the previous event does not match');
    if (eventHash(event) !== event.hash) return broken('the event does not match its hash');
    prevHash = event.hash;
    expectedSeq++;
    checked++;
  }
  return { ok: true, checked, brokenAtSeq: null, reason: null };
}

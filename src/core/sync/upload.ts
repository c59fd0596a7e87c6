import {
  GENESIS_HASH,
  hashResponseSchema,
  incarnationStateSchema,
  LIMITS,
  pushResponseSchema,
  stateResponseSchema,
  type UploadEvent,
} from '#shared/sync/protocol';
import type { Db } from '../db/connection';
import type { EventRow } from '../db/queries/events';
import type { StationRecord } from '../db/queries/station';
import type { EventLog } from '../events/log';
import type { Logger } from '../util/log';
import { ulid } from '../util/ulid';
import { SyncHttpError, type SyncClient } from './client';
import type { SyncState, UploadState } from './state';

export type FaultPoint =
  'before_push' | 'after_push_response' | 'after_page_fetch' | 'before_page_commit' | 'before_swap_commit';

/** Test hooks: throwing from `at` simulates the station dying at that point. */
export type SyncFaults = { at?(point: FaultPoint): void };

/** What one upload run did: events acknowledged, and why it stopped early (null: the queue is empty). */
export type UploadRun = { sent: number; held: SyncHttpError | null };

export type UploaderDeps = {
  db: Db;
  state: SyncState;
  events: EventLog;
  station: StationRecord;
  clock: () => number;
  log: Logger;
  faults: SyncFaults;
  /** Called after each acknowledged batch (status for the windows). */
  progressed: () => void;
  yieldToLoop: () => Promise<void>;
};

/**
 * Uploads the event log — the outbox — in seq order, one batch in flight.
 *
 * Before sending, it asks the cloud where this incarnation stands and believes it: the cloud's
 * `lastSeq` is where the next batch starts, even below what the station thought acknowledged (the
 * cloud was restored and lost events: they go again). If the cloud holds more than the station
 * has, or something else at the same seq, this database was restored from a backup: the station
 * finds the last seq both agree on (by hash, the chain makes that a bisection), opens a new
 * incarnation from there, and carries on — nothing silently dropped as "already processed",
 * nothing sent twice.
 */
export class Uploader {
  readonly #deps: UploaderDeps;

  constructor(deps: UploaderDeps) {
    this.#deps = deps;
  }

  /**
   * Uploads until the queue is empty, or until the cloud is too old for the next event: then the
   * events before it are sent, that one and every later one stay queued (nothing is dropped or
   * refused), and `held` says why — the engine reports it after the downloads, which go on.
   */
  async run(client: SyncClient, signal: AbortSignal): Promise<UploadRun> {
    const { state, faults } = this.#deps;
    let sent = 0;
    let upload = await this.#reconcile(client, signal);
    let acked = upload.ackedSeq;
    // The first seq the cloud cannot read yet (it answered schema_too_new): batches stop before it.
    let before = Number.POSITIVE_INFINITY;
    let held: SyncHttpError | null = null;
    for (;;) {
      signal.throwIfAborted();
      const batch = this.#batch(acked, before);
      if (batch.length === 0) break;
      faults.at?.('before_push');
      let response;
      try {
        response = await client.json('POST', '/v1/sync/events', pushResponseSchema, {
          body: { incarnation: upload.incarnation, events: batch },
          signal,
        });
      } catch (error) {
        if (error instanceof SyncHttpError && error.code === 'gap' && typeof error.details?.['expected'] === 'number') {
          // The cloud has less than we thought: start from where it is.
          acked = Number(error.details['expected']) - 1;
          continue;
        }
        if (error instanceof SyncHttpError && error.code === 'unknown_incarnation') {
          upload = await this.#reconcile(client, signal);
          acked = upload.ackedSeq;
          continue;
        }
        if (error instanceof SyncHttpError && error.code === 'schema_too_new') {
          // This station is newer than its cloud: its events wait for the cloud's upgrade, queued.
          const seq = error.details?.['seq'];
          if (typeof seq === 'number' && seq > batch[0]!.seq && seq < before) {
            // Events recorded before this app was installed still go.
            before = seq;
            held = error;
            continue;
          }
          this.#deps.log.warn({ seq: batch[0]!.seq, reason: error.message }, 'the cloud is too old for these events');
          return { sent, held: error };
        }
        throw error;
      }
      faults.at?.('after_push_response');
      const now = this.#deps.clock();
      const incarnation = upload.incarnation;
      this.#deps.db.transaction(() => {
        state.setAcked(incarnation, response.lastSeq, now);
        for (const refusal of response.refused) state.addRefused(incarnation, refusal, now);
      })();
      for (const refusal of response.refused) {
        this.#deps.log.warn(
          { seq: refusal.seq, status: refusal.status, reason: refusal.reason },
          'event refused by the cloud',
        );
      }
      sent += Math.max(0, response.lastSeq - acked);
      acked = response.lastSeq;
      this.#deps.progressed();
      await this.#deps.yieldToLoop();
    }
    if (held) this.#deps.log.warn({ seq: before, reason: held.message }, 'the cloud is too old for these events');
    return { sent, held };
  }

  /** Events after `acked` and before `before`, as many as fit one batch (one oversized event goes alone). */
  #batch(acked: number, before: number): UploadEvent[] {
    const rows = this.#deps.state.eventsAfter(acked, LIMITS.batchEvents);
    const batch: UploadEvent[] = [];
    let bytes = 0;
    for (const row of rows) {
      if (row.seq >= before) break;
      const size = row.payload.length + 512;
      if (batch.length > 0 && bytes + size > LIMITS.batchBytes) break;
      batch.push(toUpload(row));
      bytes += size;
    }
    return batch;
  }

  /** Agrees with the cloud on where this incarnation stands; opens a new one after a restore. */
  async #reconcile(client: SyncClient, signal: AbortSignal): Promise<UploadState> {
    const { state, station, clock, log } = this.#deps;
    let upload = state.upload(station.incarnation) ?? {
      incarnation: station.incarnation,
      previous: null,
      baseSeq: 0,
      ackedSeq: 0,
      registered: false,
      ackedAt: null,
    };
    if (!upload.registered) {
      upload = await this.#register(client, upload, signal);
    }
    const remote = await client.json('GET', '/v1/sync/state', stateResponseSchema, {
      query: { incarnation: upload.incarnation },
      signal,
    });
    if (remote.incarnation === null) {
      // The cloud lost this incarnation (it was restored from an older backup): register it again.
      log.warn({ incarnation: upload.incarnation }, 'the cloud does not know this incarnation: registering it again');
      try {
        upload = await this.#register(client, { ...upload, registered: false }, signal);
      } catch (error) {
        if (!(error instanceof SyncHttpError) || error.code !== 'base_mismatch' || upload.previous === null)
          throw error;
        // Not even its base survived: part from the previous incarnation where the cloud still agrees.
        const previous = await client.json('GET', '/v1/sync/state', stateResponseSchema, {
          query: { incarnation: upload.previous },
          signal,
        });
        return this.#fork(
          client,
          { ...upload, incarnation: upload.previous },
          previous.incarnation?.lastSeq ?? 0,
          signal,
        );
      }
      return this.#reconcile(client, signal);
    }
    const lastSeq = remote.incarnation.lastSeq;
    const head = state.head();
    const localHash = lastSeq === 0 ? GENESIS_HASH : state.hashAt(lastSeq);
    if (lastSeq > head.seq || localHash !== remote.incarnation.lastHash) {
      return this.#fork(client, upload, lastSeq, signal);
    }
    if (lastSeq < upload.ackedSeq) {
      log.warn(
        { ackedSeq: upload.ackedSeq, cloudLastSeq: lastSeq },
        'the cloud lost events it had acknowledged (restored?): sending them again',
      );
    }
    if (lastSeq !== upload.ackedSeq) {
      state.setAcked(upload.incarnation, lastSeq, clock());
      upload = { ...upload, ackedSeq: lastSeq };
    }
    return upload;
  }

  async #register(client: SyncClient, upload: UploadState, signal: AbortSignal): Promise<UploadState> {
    const baseHash = upload.baseSeq === 0 ? GENESIS_HASH : (this.#deps.state.hashAt(upload.baseSeq) ?? GENESIS_HASH);
    try {
      await client.json('POST', '/v1/sync/incarnations', incarnationStateSchema, {
        body: { incarnation: upload.incarnation, previous: upload.previous, baseSeq: upload.baseSeq, baseHash },
        signal,
      });
    } catch (error) {
      if (!(error instanceof SyncHttpError) || error.code !== 'incarnation_exists') throw error;
    }
    const registered = { ...upload, registered: true };
    this.#deps.state.saveUpload(registered);
    return registered;
  }

  /**
   * This database and the cloud disagree about the log: find the last seq they share (the hash
   * chain makes "same hash at k" true for every seq below k, so bisect), and open a new
   * incarnation after it.
   */
  async #fork(
    client: SyncClient,
    upload: UploadState,
    cloudLastSeq: number,
    signal: AbortSignal,
  ): Promise<UploadState> {
    const { state, station, log, clock } = this.#deps;
    const head = state.head();
    let low = 0;
    let high = Math.min(cloudLastSeq, head.seq);
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      const remote = await client.json('GET', '/v1/sync/events/hash', hashResponseSchema, {
        query: { incarnation: upload.incarnation, seq: mid },
        signal,
      });
      if (remote.hash !== null && remote.hash === state.hashAt(mid)) low = mid;
      else high = mid - 1;
    }
    const base = low;
    const baseHash = base === 0 ? GENESIS_HASH : state.hashAt(base)!;
    const now = clock();
    const incarnation = ulid(now);
    log.warn(
      { previous: upload.incarnation, incarnation, base, cloudLastSeq, localHead: head.seq },
      'this database parts from what the cloud holds (restored from a backup?): a new incarnation starts',
    );
    await client.json('POST', '/v1/sync/incarnations', incarnationStateSchema, {
      body: { incarnation, previous: upload.incarnation, baseSeq: base, baseHash },
      signal,
    });
    const next: UploadState = {
      incarnation,
      previous: upload.incarnation,
      baseSeq: base,
      ackedSeq: base,
      registered: true,
      ackedAt: now,
    };
    this.#deps.db.transaction(() => {
      this.#deps.db.prepare('UPDATE station SET incarnation = ?').run(incarnation);
      state.saveUpload(next);
      this.#deps.events.append({
        type: 'sync.incarnation_started',
        operatorId: null,
        subject: station.id,
        payload: { previous: upload.incarnation, incarnation, baseSeq: base, cloudLastSeq, localHeadSeq: head.seq },
      });
    })();
    station.incarnation = incarnation;
    return next;
  }
}

function toUpload(row: EventRow): UploadEvent {
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

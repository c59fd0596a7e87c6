import { hash32, mod32 } from '#shared/sync/hash';
import { KIND_STREAM, rmaReceiptDocSchema, type RmaReceiptDoc } from '#shared/sync/records';
import { canonicalJson } from '#shared/util/canonical-json';
import type { Queryable } from '../db/store';
import { notFound } from '../errors';
import type { StationAuth } from './tenants';

/** An applied event, as the upload stores it (payload as the station's JSON text). */
export type AppliedEvent = {
  id: string;
  type: string | null;
  subject: string | null;
  payload: string | null;
  createdAt: number | null;
};

/** The event that receives a return at a bench: a case opened on an RMA. */
export const RECEIPT_EVENT = 'returns.opened';

const STREAM = KIND_STREAM.rma_receipt;

/**
 * The first receipt of each RMA, learnt from the stations' uploads (issue #4).
 *
 * Called by the upload in the transaction that stores the batch: each applied `returns.opened`
 * event of a case opened on an RMA (`payload.rmaId`) the cloud holds becomes that RMA's
 * `rma_receipt` document — unless the RMA already has one: the first receipt the cloud applies
 * stays, a later one (another station, another case) is the duplicate the stations flag. The
 * document is a change of the `rmas` stream like an OMS write (stamped with the transaction's
 * xid and a change number, counted in the stream's checksum), so every station's download gets
 * it with the same commit-safe cursor, whichever station uploads first.
 *
 * Two uploads receiving the same RMA at the same moment: both insert the same key; PostgreSQL
 * makes the second wait for the first to commit and then do nothing (`ON CONFLICT DO NOTHING`).
 */
export async function recordReceipts(
  q: Queryable,
  station: StationAuth,
  events: readonly AppliedEvent[],
): Promise<RmaReceiptDoc[]> {
  const docs = new Map<string, RmaReceiptDoc>();
  for (const event of events) {
    if (event.type !== RECEIPT_EVENT || event.subject === null || event.payload === null) continue;
    let payload: unknown;
    try {
      payload = JSON.parse(event.payload);
    } catch {
      continue;
    }
    const rmaId = (payload as { rmaId?: unknown }).rmaId;
    if (typeof rmaId !== 'string') continue;
    // The first receipt in the batch's order wins, as across batches.
    if (docs.has(rmaId)) continue;
    const parsed = rmaReceiptDocSchema.safeParse({
      rmaId,
      caseId: event.subject,
      eventId: event.id,
      stationId: station.stationId,
      stationLocalId: station.localId,
      stationName: station.name,
      receivedAt: event.createdAt,
    });
    // An event the station's own checks let through but whose ids cannot be a document (too
    // long, control characters) is not a receipt anyone can act on: the event itself is kept.
    if (parsed.success) docs.set(rmaId, parsed.data);
  }
  if (docs.size === 0) return [];
  const list = [...docs.values()].sort((a, b) => (a.rmaId < b.rmaId ? -1 : a.rmaId > b.rmaId ? 1 : 0));
  const bodies = list.map((doc) => canonicalJson(doc));
  const hashes = bodies.map((body) => hash32(body));
  // Only RMAs the cloud holds (an RMA deleted by the OMS, or one a demo station invented, has
  // nothing to mark); ids in a fixed order so that two uploads cannot deadlock.
  const inserted = await q.query<{ id: string; hash: number }>(
    `INSERT INTO records (company_id, kind, id, stream, body, hash, deleted, xid, n, updated_at)
     SELECT $1, 'rma_receipt', u.id, $2, u.body, u.hash, false, pg_current_xact_id(), nextval('change_n'), now()
       FROM unnest($3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS u(id, body, hash, i)
      WHERE EXISTS (SELECT 1 FROM records r WHERE r.company_id = $1 AND r.kind = 'rma' AND r.id = u.id AND NOT r.deleted)
      ORDER BY u.i
     ON CONFLICT (company_id, kind, id) DO NOTHING
     RETURNING id, hash`,
    [station.companyId, STREAM, list.map((d) => d.rmaId), bodies, hashes],
  );
  if (inserted.rows.length === 0) return [];
  const sum = inserted.rows.reduce((total, row) => total + Number(row.hash), 0);
  await q.query(
    `INSERT INTO stream_stats (company_id, stream, rows, checksum) VALUES ($1, $2, $3, $4)
     ON CONFLICT (company_id, stream) DO UPDATE
       SET rows = stream_stats.rows + excluded.rows,
           checksum = mod(mod(stream_stats.checksum + excluded.checksum, 4294967296) + 4294967296, 4294967296)`,
    [station.companyId, STREAM, inserted.rows.length, mod32(sum)],
  );
  const ids = new Set(inserted.rows.map((row) => row.id));
  return list.filter((doc) => ids.has(doc.rmaId));
}

/** The first receipt of an RMA, for the OMS; a 404 when no bench has received it (yet). */
export async function receiptOf(q: Queryable, companyId: string, rmaId: string): Promise<RmaReceiptDoc> {
  const { rows } = await q.query<{ body: string }>(
    "SELECT body FROM records WHERE company_id = $1 AND kind = 'rma_receipt' AND id = $2 AND NOT deleted",
    [companyId, rmaId],
  );
  const row = rows[0];
  if (!row) throw notFound(`No bench has received RMA ${rmaId} (as far as the cloud knows).`);
  return JSON.parse(row.body) as RmaReceiptDoc;
}

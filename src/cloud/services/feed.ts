import { z } from 'zod';
import type { Store } from '../db/store';
import { badRequest, describeIssues } from '../errors';
import { formatCursor, parseCursor, checkCursor, ZERO_XID, type Cursor } from './cursor';
import { servedPayload } from './served-payload';

/**
 * The export feed of bench outcomes for the OMS: applied events of the outcome kinds, in
 * commit-safe order with a cursor (the same xid technique as the download streams), so an OMS
 * that reads the feed in a loop sees every outcome exactly once, even when stations upload late.
 */
export const OUTCOME_CATEGORIES = {
  packages: ['pack.completed', 'pack.voided'],
  qc: ['qc.inspected', 'qc.passed', 'qc.held', 'qc.released', 'qc.rejected'],
  defects: ['qc.defect_logged'],
  receipts: ['returns.opened', 'returns.item_received', 'returns.closed'],
  grades: ['returns.item_graded'],
  dispositions: ['returns.item_routed', 'returns.override_applied'],
  refunds: ['returns.refund_updated'],
  fraud: ['fraud.flag_raised', 'fraud.flag_decided'],
} as const satisfies Record<string, readonly string[]>;
export type OutcomeCategory = keyof typeof OUTCOME_CATEGORIES;

const CATEGORY_OF = new Map<string, OutcomeCategory>(
  Object.entries(OUTCOME_CATEGORIES).flatMap(([category, types]) =>
    types.map((type) => [type, category as OutcomeCategory] as const),
  ),
);

export const feedQuerySchema = z.strictObject({
  cursor: z.string().max(120).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** Comma-separated categories; all when left out. */
  categories: z
    .string()
    .max(200)
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return Object.keys(OUTCOME_CATEGORIES) as OutcomeCategory[];
      const list = value.split(',').map((v) => v.trim());
      for (const item of list) {
        if (!(item in OUTCOME_CATEGORIES)) {
          ctx.addIssue({ code: 'custom', message: `unknown category "${item.slice(0, 40)}"` });
          return z.NEVER;
        }
      }
      return list as OutcomeCategory[];
    }),
});

export type Outcome = {
  category: OutcomeCategory;
  eventId: string;
  type: string;
  station: { id: string; name: string };
  stationSeq: number;
  subject: string | null;
  operatorId: string | null;
  occurredAt: number;
  receivedAt: string;
  /** In the current shape (`payloadVersion`), whatever app version recorded it. */
  payload: unknown;
  payloadVersion: number;
  /** The payload version the station wrote. */
  recordedVersion: number;
};

export class Feed {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async outcomes(
    companyId: string,
    query: unknown,
  ): Promise<{ items: Outcome[]; cursor: string; more: boolean; heldBack: boolean }> {
    const parsed = feedQuerySchema.safeParse(query);
    if (!parsed.success) throw badRequest(`Invalid feed query — ${describeIssues(parsed.error.issues)}`);
    const { limit, categories } = parsed.data;
    const cursor = parsed.data.cursor === undefined ? null : parseCursor(parsed.data.cursor);
    const types = categories.flatMap((category) => OUTCOME_CATEGORIES[category]);
    return this.#store.tx(
      async (q) => {
        const snapshot = await q.query<{ xmin: string; xmax: string; epoch: string }>(
          `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, pg_snapshot_xmax(pg_current_snapshot())::text AS xmax,
                  (SELECT value FROM server_meta WHERE key = 'epoch') AS epoch`,
        );
        const { xmin, xmax, epoch } = snapshot.rows[0]!;
        if (cursor) checkCursor(cursor, epoch, xmax, ZERO_XID);
        const from: Cursor = cursor ?? { epoch, xid: ZERO_XID, n: 0 };
        const rows = await q.query<{
          id: string;
          type: string;
          station_id: string;
          station_name: string;
          seq: number;
          subject: string | null;
          operator_id: string | null;
          created_at: number;
          received_at: Date;
          payload: string;
          schema_version: number;
          xid: string;
          n: number;
        }>(
          `SELECT e.id, e.type, e.station_id, s.name AS station_name, e.seq, e.subject, e.operator_id, e.created_at,
                  e.received_at, e.payload, e.schema_version, e.xid::text AS xid, e.n
             FROM events e JOIN stations s ON s.id = e.station_id
            WHERE e.company_id = $1 AND (e.xid, e.n) > ($2::xid8, $3::bigint) AND e.xid < $4::xid8
              AND e.status = 'applied' AND e.type = ANY($5::text[])
            ORDER BY e.xid, e.n LIMIT $6`,
          [companyId, from.xid, from.n, xmin, types, limit],
        );
        const more = rows.rows.length === limit;
        const last = rows.rows[rows.rows.length - 1];
        let next: Cursor;
        if (more && last) next = { epoch, xid: last.xid, n: Number(last.n) };
        else if (BigInt(from.xid) >= BigInt(xmin)) next = { ...from, epoch };
        else next = { epoch, xid: xmin, n: 0 };
        // Committed outcomes this page could not include yet (a transaction still running holds the
        // xmin back): ask again in a moment.
        const held = more
          ? { rows: [] }
          : await q.query(
              `SELECT 1 FROM events WHERE company_id = $1 AND xid >= $2::xid8 AND status = 'applied' AND type = ANY($3::text[]) LIMIT 1`,
              [companyId, xmin, types],
            );
        return {
          heldBack: held.rows.length > 0,
          items: rows.rows.map((row) => ({
            category: CATEGORY_OF.get(row.type)!,
            eventId: row.id,
            type: row.type,
            station: { id: row.station_id, name: row.station_name },
            stationSeq: Number(row.seq),
            subject: row.subject,
            operatorId: row.operator_id,
            occurredAt: Number(row.created_at),
            receivedAt: new Date(row.received_at).toISOString(),
            ...servedPayload(row.type, Number(row.schema_version), row.payload),
          })),
          cursor: formatCursor(next),
          more,
        };
      },
      { isolation: 'repeatable read', readOnly: true },
    );
  }

  /** Events the cloud refused or quarantined, newest first, with their reasons. */
  async refused(companyId: string): Promise<RefusedEvent[]> {
    const { rows } = await this.#store.query<{
      id: string;
      station_id: string;
      incarnation: string;
      seq: number;
      type: string | null;
      status: string;
      reason: string | null;
      received_at: Date;
    }>(
      `SELECT id, station_id, incarnation, seq, type, status, reason, received_at FROM events
        WHERE company_id = $1 AND status <> 'applied' ORDER BY received_at DESC, seq DESC LIMIT 500`,
      [companyId],
    );
    return rows.map((row) => ({
      eventId: row.id,
      stationId: row.station_id,
      incarnation: row.incarnation,
      seq: Number(row.seq),
      type: row.type,
      status: row.status,
      reason: row.reason ?? '',
      receivedAt: new Date(row.received_at).toISOString(),
    }));
  }
}

export type RefusedEvent = {
  eventId: string;
  stationId: string;
  incarnation: string;
  seq: number;
  type: string | null;
  status: string;
  reason: string;
  receivedAt: string;
};

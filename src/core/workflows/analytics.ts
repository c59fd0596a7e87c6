import type { Analytics } from '#shared/contract/analytics';
import type { Db } from '../db/connection';
import { typeIndex } from '../db/queries/events';

/**
 * How much of an item's value each disposition recovers, for "recovered value". Conservative
 * defaults from the returns research (restocked at full value, refurbished about 60 %, parts and
 * liquidation a quarter); the order system can tune them per policy later.
 */
const RECOVERY: Record<string, number> = {
  restock: 1,
  refurbish: 0.6,
  repair: 0.5,
  return_to_vendor: 0.8,
  liquidate: 0.25,
  donate: 0,
  recycle: 0,
  dispose: 0,
};

/** A unit handled: packed into a parcel, or received in a return. An UNDO takes one back. */
const UNIT_EVENTS = "('pack.item_scanned', 'returns.item_received', 'pack.unit_removed')";
const UNIT_COUNT = "sum(CASE WHEN e.type = 'pack.unit_removed' THEN -1 ELSE 1 END)";
/**
 * Item-level scans: every scan of an item or its serial, accepted or refused — what a unit cost
 * in scans. Case, order, badge and command scans are not item scans.
 */
const ITEM_SCAN_EVENTS =
  "('pack.item_scanned', 'pack.item_refused', 'pack.serial_recorded', 'returns.item_received', 'returns.serial_recorded')";

/**
 * The bench's figures for a date range, from the station's own records — offline.
 * @param stations names of the station ids, for the labels.
 */
export function computeAnalytics(
  db: Db,
  from: number,
  to: number,
  stations: Readonly<Record<string, string>> = {},
): Analytics {
  // The figures read the events by type and time: every event appended so far counts.
  typeIndex(db).catchUp();
  const perHour = (column: 'operator_id' | 'station_id') =>
    db
      .prepare<[number, number], { key: string | null; label: string | null; units: number; hours: number }>(
        `SELECT e.${column} AS key, ${column === 'operator_id' ? 'o.name' : 'e.station_id'} AS label,
                ${UNIT_COUNT} AS units,
                count(DISTINCT e.created_at / 3600000) AS hours
           FROM event_types t JOIN events e ON e.seq = t.seq
                ${column === 'operator_id' ? 'LEFT JOIN operators o ON o.id = e.operator_id' : ''}
          WHERE t.type IN ${UNIT_EVENTS} AND t.created_at >= ? AND t.created_at < ?
          GROUP BY e.${column} ORDER BY units DESC`,
      )
      .all(from, to)
      .map((row) => ({
        key: row.key ?? '—',
        label: (column === 'station_id' && row.key ? stations[row.key] : null) ?? row.label ?? row.key ?? '—',
        units: row.units,
        hours: row.hours,
        value: row.hours > 0 ? round1(row.units / row.hours) : 0,
      }));

  const units = db
    .prepare<[number, number], { n: number }>(
      `SELECT coalesce(${UNIT_COUNT}, 0) AS n FROM event_types e
        WHERE e.type IN ${UNIT_EVENTS} AND e.created_at >= ? AND e.created_at < ?`,
    )
    .get(from, to)!.n;
  const scans = db
    .prepare<[number, number], { n: number }>(
      `SELECT count(*) AS n FROM event_types
        WHERE type IN ${ITEM_SCAN_EVENTS} AND created_at >= ? AND created_at < ?`,
    )
    .get(from, to)!.n;

  const qc = db
    .prepare<[number, number], { inspected: number; failed: number }>(
      `SELECT count(*) AS inspected, coalesce(sum(json_extract(e.payload, '$.outcome') = 'fail'), 0) AS failed
         FROM event_types t JOIN events e ON e.seq = t.seq
        WHERE t.type = 'qc.inspected' AND t.created_at >= ? AND t.created_at < ?`,
    )
    .get(from, to)!;

  const defects = db
    .prepare<[number, number], { key: string; value: number }>(
      `SELECT json_extract(e.payload, '$.code') AS key, count(*) AS value
         FROM event_types t JOIN events e ON e.seq = t.seq
        WHERE t.type = 'qc.defect_logged' AND t.created_at >= ? AND t.created_at < ?
        GROUP BY key ORDER BY value DESC, key`,
    )
    .all(from, to);
  const defectTotal = defects.reduce((s, d) => s + d.value, 0);
  let running = 0;
  const defectPareto = defects.map((d) => {
    running += d.value;
    return {
      key: d.key,
      label: d.key,
      value: d.value,
      cumulativeShare: defectTotal > 0 ? round3(running / defectTotal) : 0,
    };
  });

  const gradeDistribution = db
    .prepare<[number, number], { key: string; value: number }>(
      `SELECT json_extract(e.payload, '$.grade') AS key, count(*) AS value
         FROM event_types t JOIN events e ON e.seq = t.seq
        WHERE t.type = 'returns.item_graded' AND t.created_at >= ? AND t.created_at < ?
        GROUP BY key ORDER BY key`,
    )
    .all(from, to)
    .map((row) => ({ ...row, label: row.key }));

  // Final dispositions (after overrides) of items received in the range.
  const mix = db
    .prepare<[number, number], { key: string; value: number; valueCents: number }>(
      `SELECT i.disposition AS key, count(*) AS value, coalesce(sum(i.value_cents), 0) AS valueCents
         FROM return_items i WHERE i.disposition IS NOT NULL AND i.scanned_at >= ? AND i.scanned_at < ? GROUP BY i.disposition ORDER BY value DESC`,
    )
    .all(from, to)
    .map((row) => ({ ...row, label: row.key, recoveredCents: Math.round(row.valueCents * (RECOVERY[row.key] ?? 0)) }));

  const reasons = db
    .prepare<[number, number], { sku: string; reason: string; value: number }>(
      `SELECT p.sku, i.reason, count(*) AS value FROM return_items i JOIN products p ON p.id = i.product_id
        WHERE i.reason IS NOT NULL AND i.scanned_at >= ? AND i.scanned_at < ? GROUP BY p.sku, i.reason ORDER BY value DESC, p.sku LIMIT 50`,
    )
    .all(from, to)
    .map((row) => ({
      key: `${row.sku}:${row.reason}`,
      label: `${row.sku} · ${row.reason.replace(/_/g, ' ')}`,
      sku: row.sku,
      reason: row.reason,
      value: row.value,
    }));

  const flags = db
    .prepare<[number, number], { key: string; value: number; open: number }>(
      "SELECT type AS key, count(*) AS value, sum(status = 'open') AS open FROM fraud_flags WHERE raised_at >= ? AND raised_at < ? GROUP BY type ORDER BY value DESC",
    )
    .all(from, to)
    .map((row) => ({ ...row, label: row.key.replace(/_/g, ' ') }));

  return {
    from,
    to,
    unitsPerHourByOperator: perHour('operator_id'),
    unitsPerHourByStation: perHour('station_id'),
    scansPerItem: units > 0 ? round1(scans / units) : 0,
    qc: {
      inspected: qc.inspected,
      failed: qc.failed,
      failureRate: qc.inspected > 0 ? round3(qc.failed / qc.inspected) : 0,
    },
    defectPareto,
    gradeDistribution,
    dispositionMix: mix,
    recoveredCents: mix.reduce((s, m) => s + m.recoveredCents, 0),
    returnReasonsBySku: reasons,
    flagsByType: flags,
  };
}

/** One table of the figures as CSV (RFC 4180 quoting). */
export function analyticsCsv(
  analytics: Analytics,
  table: Exclude<keyof Analytics, 'from' | 'to' | 'scansPerItem' | 'qc' | 'recoveredCents'>,
): string {
  const rows = analytics[table] as Record<string, unknown>[];
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : ['key', 'label', 'value'];
  const quote = (value: unknown): string => {
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : value === null || value === undefined
            ? ''
            : JSON.stringify(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((c) => quote(row[c])).join(','))].join('\r\n') + '\r\n';
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

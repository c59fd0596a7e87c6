import type { DefectSeverity } from '#shared/policy/checklist';
import type { Db } from '../connection';
import type { InspectionRow } from './packing';

export type DefectRow = {
  id: string;
  inspection_id: string;
  step_id: string | null;
  code: string;
  severity: DefectSeverity;
  note: string | null;
  photo_sha256: string | null;
  created_at: number;
};

export type QcQueries = ReturnType<typeof qcQueries>;

/** Outbound QC: inspections, defects, sampling counters. Writes run in the caller's transaction. */
export function qcQueries(db: Db) {
  const bumpCounter = db.prepare<[string], { units: number }>(
    `INSERT INTO qc_sampling_counters (checklist_id, units) VALUES (?, 1)
     ON CONFLICT (checklist_id) DO UPDATE SET units = units + 1 RETURNING units`,
  );
  const insert = db.prepare(
    `INSERT INTO qc_inspections (id, package_id, unit_no, product_id, checklist_id, checklist_version, on_fail, round, status, created_at)
     VALUES (@id, @package_id, @unit_no, @product_id, @checklist_id, @checklist_version, @on_fail, @round, 'pending', @created_at)`,
  );
  const ofPackage = db.prepare<[string], InspectionRow>(
    'SELECT * FROM qc_inspections WHERE package_id = ? ORDER BY round, unit_no',
  );
  const byId = db.prepare<[string], InspectionRow>('SELECT * FROM qc_inspections WHERE id = ?');
  const claimedAt = db.prepare<[string], InspectionRow>(
    "SELECT * FROM qc_inspections WHERE station_id = ? AND status = 'pending' ORDER BY created_at, round, unit_no LIMIT 1",
  );
  const claim = db.prepare(
    "UPDATE qc_inspections SET station_id = ?, inspector_id = ? WHERE package_id = ? AND status = 'pending'",
  );
  const setAnswers = db.prepare('UPDATE qc_inspections SET answers = ? WHERE id = ?');
  const finish = db.prepare(
    'UPDATE qc_inspections SET status = ?, result = ?, finished_at = ?, inspector_id = ? WHERE id = ?',
  );
  const decide = db.prepare(
    'UPDATE qc_inspections SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE package_id = ? AND round = ? AND status = ?',
  );
  const insertDefect = db.prepare(
    `INSERT INTO qc_defects (id, inspection_id, step_id, code, severity, note, photo_sha256, created_at)
     VALUES (@id, @inspection_id, @step_id, @code, @severity, @note, @photo_sha256, @created_at)`,
  );
  const defects = db.prepare<[string], DefectRow>(
    'SELECT * FROM qc_defects WHERE inspection_id = ? ORDER BY created_at, id',
  );
  const packageDefects = db.prepare<[string], DefectRow>(
    'SELECT d.* FROM qc_defects d JOIN qc_inspections i ON i.id = d.inspection_id WHERE i.package_id = ? ORDER BY d.created_at',
  );
  const setPlanned = db.prepare('UPDATE packages SET qc_planned = 1 WHERE id = ?');
  const held = db.prepare<[], { id: string; order_number: string; held_at: number }>(
    `SELECT p.id, p.order_number, max(i.finished_at) AS held_at FROM packages p JOIN qc_inspections i ON i.package_id = p.id
      WHERE p.status = 'qc_hold' AND i.status = 'failed' GROUP BY p.id ORDER BY held_at`,
  );

  return {
    /** Counts one more unit under a checklist; returns its 1-based number (for "every Nth"). */
    bumpCounter: (checklistId: string): number => bumpCounter.get(checklistId)!.units,
    insert: (
      row: Pick<
        InspectionRow,
        | 'id'
        | 'package_id'
        | 'unit_no'
        | 'product_id'
        | 'checklist_id'
        | 'checklist_version'
        | 'on_fail'
        | 'round'
        | 'created_at'
      >,
    ): void => {
      insert.run(row);
    },
    ofPackage: (packageId: string): InspectionRow[] => ofPackage.all(packageId),
    byId: (id: string): InspectionRow | null => byId.get(id) ?? null,
    claimedAt: (stationId: string): InspectionRow | null => claimedAt.get(stationId) ?? null,
    claim: (packageId: string, stationId: string, inspectorId: string): void => {
      claim.run(stationId, inspectorId, packageId);
    },
    setAnswers: (id: string, answers: string): void => {
      setAnswers.run(answers, id);
    },
    finish: (
      id: string,
      status: 'passed' | 'failed' | 'released' | 'rejected',
      result: string,
      at: number,
      inspectorId: string,
    ): void => {
      finish.run(status, result, at, inspectorId, id);
    },
    /** Marks the failed inspections of a round released or rejected. */
    decide: (
      packageId: string,
      round: number,
      status: 'released' | 'rejected',
      by: string,
      at: number,
      note: string,
    ): void => {
      decide.run(status, by, at, note, packageId, round, 'failed');
    },
    insertDefect: (row: DefectRow): void => {
      insertDefect.run(row);
    },
    defects: (inspectionId: string): DefectRow[] => defects.all(inspectionId),
    packageDefects: (packageId: string): DefectRow[] => packageDefects.all(packageId),
    setPlanned: (packageId: string): void => {
      setPlanned.run(packageId);
    },
    held: () => held.all(),
  };
}

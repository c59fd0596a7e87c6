import { randomInt } from 'node:crypto';
import type { QcView } from '#shared/contract/pack';
import type { Verdict } from '#shared/contract/scan';
import {
  checklistFor,
  evaluateChecklist,
  evaluateStep,
  isFinished,
  isSampled,
  isSkippable,
  nextStep,
  type Checklist,
  type DefectSeverity,
  type StepAnswer,
} from '#shared/policy/checklist';
import type { Db } from '../db/connection';
import {
  packingQueries,
  type InspectionRow,
  type PackageRow,
  type PackingQueries,
  type PackOrder,
  type UnitRow,
} from '../db/queries/packing';
import type { PolicyStore } from '../db/queries/policies';
import { qcQueries, type QcQueries } from '../db/queries/qc';
import type { EventLog } from '../events/log';
import type { PhotoStore } from '../photos';
import { BenchError } from '../util/errors';
import { ulid } from '../util/ulid';
import { verdict, type ScanContext } from './scan';
import type { ActiveSession } from './session';

export type QcDeps = {
  db: Db;
  events: EventLog;
  policies: PolicyStore;
  /** Where photos of photo steps and defects are stored, by content. */
  photos: PhotoStore;
  stationId: string;
  clock: () => number;
  /** A draw in [0, 1) for percentage sampling; injected so tests can fix it. */
  random?: () => number;
  changed: (view: QcView | null) => void;
  /** A parcel went on QC hold: print its hold label. */
  held?: (packageId: string) => void;
};

export type QcSummary = { required: number; passed: number; failed: number; pending: number };

/**
 * Outbound QC. At the first DONE of a parcel, each unit with a checklist is counted under it and
 * sampled (every unit, every Nth, a random share — the draw is recorded); sampled units wait for
 * an inspector. At the QC bench, the inspector scans the order and answers each step — PASS,
 * FAIL and DONE barcodes, a measurement or a note typed, a photo. A failed step logs a defect. A
 * failure of a blocking checklist puts the parcel on hold (and prints a hold label); scanning a
 * held parcel re-inspects the failed units, and passing releases it — or REJECT takes it off the
 * line. Every decision is an event naming the checklist version that made it.
 */
export class QcService {
  readonly #deps: QcDeps;
  readonly #q: QcQueries;
  readonly #packing: PackingQueries;
  /** The held parcel the inspector scanned last, for RELEASE and REJECT. */
  #focus: string | null = null;
  /** The inspection answered last here: a FAIL ends it, and its defect still takes a note or a photo. */
  #last: string | null = null;

  constructor(deps: QcDeps) {
    this.#deps = deps;
    this.#q = qcQueries(deps.db);
    this.#packing = packingQueries(deps.db);
  }

  /** Whether sampling was drawn for a parcel. */
  planned(packageId: string): boolean {
    return this.#packing.byId(packageId)?.qc_planned === 1;
  }

  /**
   * Draws the sample for a parcel's units and, if any unit is picked, sends the parcel to QC.
   * Returns how many units wait for inspection.
   */
  plan(active: ActiveSession, pkg: PackageRow, order: PackOrder, units: UnitRow[]): number {
    const checklists = this.#deps.policies.all('checklist');
    const random = this.#deps.random ?? (() => randomInt(0, 1_000_000) / 1_000_000);
    let sampled = 0;
    this.#write(() => {
      for (const unit of units) {
        const line = order.lines.find((l) => l.lineNo === unit.line_no);
        if (!line) continue;
        const checklist = checklistFor(checklists, unit.product_id, line.category);
        if (!checklist) continue;
        const count = this.#q.bumpCounter(checklist.id);
        const draw = random();
        const picked = isSampled(checklist.sampling, count, draw);
        this.#deps.events.append({
          type: 'qc.sampled',
          operatorId: active.operator.id,
          subject: pkg.id,
          payload: {
            unitNo: unit.unit_no,
            checklist: checklist.id,
            version: checklist.version,
            count,
            draw,
            sampled: picked,
          },
        });
        if (!picked) continue;
        sampled++;
        this.#q.insert({
          id: ulid(this.#deps.clock()),
          package_id: pkg.id,
          unit_no: unit.unit_no,
          product_id: unit.product_id,
          checklist_id: checklist.id,
          checklist_version: checklist.version,
          on_fail: checklist.onFail,
          round: 1,
          created_at: this.#deps.clock(),
        });
      }
      this.#q.setPlanned(pkg.id);
      if (sampled > 0) {
        this.#packing.setStatus(pkg.id, 'qc_pending', null);
        this.#deps.events.append({
          type: 'qc.required',
          operatorId: active.operator.id,
          subject: pkg.id,
          payload: { units: sampled },
        });
      }
    });
    return sampled;
  }

  /** Where a parcel's inspections stand: each unit counted once, by its latest round. */
  summary(packageId: string): QcSummary {
    const latest = latestPerUnit(this.#q.ofPackage(packageId));
    return {
      required: latest.length,
      passed: latest.filter((i) => i.status === 'passed' || i.status === 'released').length,
      failed: latest.filter((i) => i.status === 'failed' || i.status === 'rejected').length,
      pending: latest.filter((i) => i.status === 'pending').length,
    };
  }

  /** The inspection open on this QC bench. */
  current(): QcView | null {
    const row = this.#q.claimedAt(this.#deps.stationId);
    return row ? this.#view(row) : null;
  }

  /** Parcels on hold, oldest first, with their defects. */
  holds(): {
    packageId: string;
    orderNumber: string;
    heldAt: number;
    defects: { code: string; severity: DefectSeverity }[];
  }[] {
    return this.#q.held().map((row) => ({
      packageId: row.id,
      orderNumber: row.order_number,
      heldAt: row.held_at,
      defects: this.#q.packageDefects(row.id).map((d) => ({ code: d.code, severity: d.severity })),
    }));
  }

  defectCodes(): { code: string; label: { en: string; es: string }; severity: DefectSeverity }[] {
    return this.#deps.policies.one('defects')?.defects ?? [];
  }

  /**
   * The photos of a parcel's inspections — photo steps and defects, every round — by sha256:
   * part of its outbound fingerprint.
   */
  photos(packageId: string): string[] {
    const found: string[] = [];
    for (const inspection of this.#q.ofPackage(packageId)) {
      for (const answer of Object.values(JSON.parse(inspection.answers) as Record<string, StepAnswer>))
        if (answer.type === 'photo') found.push(answer.sha256);
    }
    for (const defect of this.#q.packageDefects(packageId)) if (defect.photo_sha256) found.push(defect.photo_sha256);
    return [...new Set(found)];
  }

  /**
   * Stores a photo taken at this bench (for a photo step or a defect) and gives its sha256; the
   * answer or the defect that cites it is the record. Only while an inspection is open here, or
   * just finished by a FAIL (its defect may still get a photo).
   */
  photo(base64: string): { sha256: string; mime: string; bytes: number } {
    const current = this.#q.claimedAt(this.#deps.stationId) ?? (this.#last ? this.#q.byId(this.#last) : null);
    if (!current) throw new BenchError('NOT_FOUND', 'No inspection is open on this bench: scan an order.');
    const bytes = Buffer.from(base64, 'base64');
    const { sha256, mime } = this.#deps.photos.put(bytes, this.#deps.clock());
    return { sha256, mime, bytes: bytes.length };
  }

  /** Reads a scan made at the QC bench. */
  scan({ active, code, classified }: ScanContext): Verdict | null {
    if (classified.kind === 'order') return this.#take(active, classified.subject, code);
    if (classified.kind !== 'command') return null;
    const name = classified.command.name;
    if (name === 'release' || name === 'reject') return this.#decide(active, name, code);
    if (name !== 'pass' && name !== 'fail' && name !== 'done' && name !== 'skip')
      return bad('verdict.commandNotHere', {}, code);
    const current = this.#q.claimedAt(this.#deps.stationId);
    if (!current) return bad('verdict.qc.scanOrderFirst', {}, code);
    const answer: StepAnswer = { type: name };
    const step = this.#currentStep(current);
    if (!step) return bad('verdict.commandNotHere', {}, code);
    if (name === 'skip' && !isSkippable(step)) return bad('verdict.qc.cannotSkip', { step: step.text }, code);
    const fits =
      name === 'skip' ||
      (step.type === 'pass_fail' && name !== 'done') ||
      (step.type === 'instruction' && name === 'done');
    if (!fits) return bad('verdict.qc.answerNeeded', { step: step.text }, code);
    const result = this.answer(active, step.id, answer);
    if (name === 'fail') return bad('verdict.qc.failed', { step: step.text }, code);
    return result
      ? good('verdict.qc.next', { step: this.#currentStep(this.#q.claimedAt(this.#deps.stationId)!)?.text ?? '' }, code)
      : good('verdict.qc.finished', {}, code);
  }

  /** Answers a step of the open inspection; finishes it when the checklist has an outcome. */
  answer(active: ActiveSession, stepId: string, answer: StepAnswer): QcView | null {
    const current = this.#q.claimedAt(this.#deps.stationId);
    if (!current) throw new BenchError('NOT_FOUND', 'No inspection is open on this bench: scan an order.');
    const checklist = this.#checklist(current);
    const step = checklist.steps.find((s) => s.id === stepId);
    if (!step) throw new BenchError('BAD_INPUT', `The checklist ${checklist.id} has no step ${stepId}.`);
    if (answer.type === 'skip' && !isSkippable(step))
      throw new BenchError('BAD_INPUT', `The step "${step.text}" is required: it cannot be skipped.`);
    if (answer.type === 'photo') this.#requirePhoto(answer.sha256);
    const answers = JSON.parse(current.answers) as Record<string, StepAnswer>;
    answers[stepId] = answer;
    const stepResult = evaluateStep(step, answer);
    if (stepResult.status === 'missing')
      throw new BenchError('BAD_INPUT', `That answer does not fit the step "${step.text}".`);
    const result = evaluateChecklist(checklist, answers);
    const now = this.#deps.clock();
    let held = false;
    this.#last = current.id;
    this.#write(() => {
      this.#q.setAnswers(current.id, JSON.stringify(answers));
      this.#deps.events.append({
        type: 'qc.step_answered',
        operatorId: active.operator.id,
        subject: current.package_id,
        payload: { inspectionId: current.id, unitNo: current.unit_no, stepId, answer, status: stepResult.status },
      });
      if (stepResult.status === 'fail' && stepResult.defectCode) {
        this.#logDefect(active, current, stepResult.defectCode, undefined, null, null, stepId);
      }
      if (!isFinished(checklist, answers)) return;
      const status = result.outcome === 'pass' ? 'passed' : 'failed';
      this.#q.finish(current.id, status, JSON.stringify(result), now, active.operator.id);
      this.#deps.events.append({
        type: 'qc.inspected',
        operatorId: active.operator.id,
        subject: current.package_id,
        payload: {
          inspectionId: current.id,
          unitNo: current.unit_no,
          checklist: current.checklist_id,
          version: current.checklist_version,
          round: current.round,
          outcome: result.outcome,
          consequence: result.consequence,
          steps: result.steps,
        },
      });
      held = this.#settlePackage(active, current.package_id);
    });
    if (held) this.#deps.held?.(current.package_id);
    const view = this.current();
    this.#deps.changed(view);
    return view;
  }

  /** Logs a defect on the open inspection, or on the one a FAIL just finished here. */
  defect(
    active: ActiveSession,
    code: string,
    severity: DefectSeverity | undefined,
    note: string | null,
    photo: string | null,
  ): QcView | null {
    const current = this.#q.claimedAt(this.#deps.stationId) ?? (this.#last ? this.#q.byId(this.#last) : null);
    if (!current) throw new BenchError('NOT_FOUND', 'No inspection is open on this bench: scan an order.');
    if (!this.defectCodes().some((d) => d.code === code))
      throw new BenchError('BAD_INPUT', `Unknown defect code ${code}.`);
    if (photo !== null) this.#requirePhoto(photo);
    this.#write(() => this.#logDefect(active, current, code, severity, note, photo, null));
    const view = this.current();
    this.#deps.changed(view);
    return view;
  }

  /** A record may cite only a photo stored here: a hash of nothing would be evidence of nothing. */
  #requirePhoto(sha256: string): void {
    if (!this.#deps.photos.has(sha256))
      throw new BenchError('BAD_INPUT', `No photo ${sha256.slice(0, 12)}… is stored at this station: take it first.`);
  }

  #logDefect(
    active: ActiveSession,
    inspection: InspectionRow,
    code: string,
    severity: DefectSeverity | undefined,
    note: string | null,
    photo: string | null,
    stepId: string | null,
  ): void {
    const listed = this.defectCodes().find((d) => d.code === code);
    const row = {
      id: ulid(this.#deps.clock()),
      inspection_id: inspection.id,
      step_id: stepId,
      code,
      severity: severity ?? listed?.severity ?? 'major',
      note,
      photo_sha256: photo,
      created_at: this.#deps.clock(),
    };
    this.#q.insertDefect(row);
    this.#deps.events.append({
      type: 'qc.defect_logged',
      operatorId: active.operator.id,
      subject: inspection.package_id,
      payload: {
        inspectionId: inspection.id,
        unitNo: inspection.unit_no,
        code,
        severity: row.severity,
        note,
        photo,
        stepId,
      },
    });
  }

  /**
   * After an inspection finished: a blocking failure holds the parcel; when nothing is pending
   * any more and nothing blocks, a parcel waiting for QC (or re-inspected on hold) is ready.
   * Returns true when the parcel has just gone on hold.
   */
  #settlePackage(active: ActiveSession, packageId: string): boolean {
    const pkg = this.#packing.byId(packageId)!;
    const latest = latestPerUnit(this.#q.ofPackage(packageId));
    const blocking = latest.filter((i) => i.status === 'failed' && i.on_fail === 'block');
    if (blocking.length > 0 && pkg.status !== 'qc_hold') {
      this.#packing.setStatus(packageId, 'qc_hold', null);
      this.#deps.events.append({
        type: 'qc.held',
        operatorId: active.operator.id,
        subject: packageId,
        payload: {
          units: blocking.map((i) => i.unit_no),
          defects: this.#q.packageDefects(packageId).map((d) => d.code),
        },
      });
      return true;
    }
    if (latest.some((i) => i.status === 'pending') || blocking.length > 0) return false;
    if (pkg.status === 'qc_pending' || pkg.status === 'qc_hold') {
      this.#packing.setStatus(packageId, 'ready', null);
      const warnings = latest.filter((i) => i.status === 'failed').length;
      this.#deps.events.append({
        type: pkg.status === 'qc_hold' ? 'qc.released' : 'qc.passed',
        operatorId: active.operator.id,
        subject: packageId,
        payload: { reason: pkg.status === 'qc_hold' ? 're-inspection passed' : 'inspection passed', warnings },
      });
    }
    return false;
  }

  /** The inspector scanned an order: take its pending inspections, or re-inspect a held parcel. */
  #take(active: ActiveSession, orderId: string, code: string): Verdict {
    const packages = this.#packing.ofOrder(orderId);
    const pending = packages.find((p) => this.#q.ofPackage(p.id).some((i) => i.status === 'pending'));
    const held = packages.find((p) => p.status === 'qc_hold');
    const target = pending ?? held;
    if (!target) return bad('verdict.qc.nothing', { number: packages[0]?.order_number ?? code }, code);
    let reinspect = 0;
    this.#write(() => {
      if (!pending && held) {
        // Re-inspection: a new round for the units whose latest inspection failed.
        const failed = latestPerUnit(this.#q.ofPackage(held.id)).filter((i) => i.status === 'failed');
        for (const inspection of failed) {
          const checklist =
            this.#deps.policies.one('checklist', inspection.checklist_id) ?? this.#checklist(inspection);
          this.#q.insert({
            id: ulid(this.#deps.clock()),
            package_id: held.id,
            unit_no: inspection.unit_no,
            product_id: inspection.product_id,
            checklist_id: checklist.id,
            checklist_version: checklist.version,
            on_fail: checklist.onFail,
            round: inspection.round + 1,
            created_at: this.#deps.clock(),
          });
          reinspect++;
        }
        this.#deps.events.append({
          type: 'qc.reinspection',
          operatorId: active.operator.id,
          subject: held.id,
          payload: { units: reinspect },
        });
      }
      this.#q.claim(target.id, this.#deps.stationId, active.operator.id);
      this.#deps.events.append({
        type: 'qc.taken',
        operatorId: active.operator.id,
        subject: target.id,
        payload: { number: target.order_number },
      });
    });
    this.#focus = target.status === 'qc_hold' ? target.id : null;
    const view = this.current();
    this.#deps.changed(view);
    const units = this.summary(target.id).pending;
    return reinspect > 0
      ? info('verdict.qc.reinspect', { number: target.order_number, count: units }, code)
      : info('verdict.qc.taken', { number: target.order_number, count: units }, code);
  }

  #decide(active: ActiveSession, decision: 'release' | 'reject', code: string): Verdict {
    const packageId = this.#focus ?? this.#q.claimedAt(this.#deps.stationId)?.package_id ?? null;
    const pkg = packageId ? this.#packing.byId(packageId) : null;
    if (!pkg || pkg.status !== 'qc_hold') return bad('verdict.qc.noHold', {}, code);
    const inspections = this.#q.ofPackage(pkg.id);
    // The round that failed: scanning the held order has usually opened a re-inspection round
    // since, so it is not the latest one.
    const failedRound = Math.max(0, ...inspections.filter((i) => i.status === 'failed').map((i) => i.round));
    const status = decision === 'release' ? 'released' : 'rejected';
    const now = this.#deps.clock();
    this.#write(() => {
      // Pending re-inspections of this parcel are closed by the decision, and say so: a released
      // parcel counts its units as released, not as failed.
      for (const inspection of latestPerUnit(inspections).filter((i) => i.status === 'pending')) {
        this.#q.finish(inspection.id, status, JSON.stringify({ closedBy: decision }), now, active.operator.id);
      }
      this.#q.decide(pkg.id, failedRound, status, active.operator.id, now, decision);
      this.#packing.setStatus(
        pkg.id,
        decision === 'release' ? 'ready' : 'rejected',
        decision === 'reject' ? now : null,
      );
      this.#deps.events.append({
        type: decision === 'release' ? 'qc.released' : 'qc.rejected',
        operatorId: active.operator.id,
        subject: pkg.id,
        payload: { reason: `inspector ${decision}`, round: failedRound },
      });
    });
    this.#focus = null;
    this.#deps.changed(this.current());
    return decision === 'release'
      ? good('verdict.qc.released', { number: pkg.order_number }, code)
      : good('verdict.qc.rejected', { number: pkg.order_number }, code);
  }

  #checklist(inspection: InspectionRow): Checklist {
    const doc = this.#deps.policies.exact('checklist', inspection.checklist_id, inspection.checklist_version);
    if (!doc)
      throw new BenchError(
        'NOT_FOUND',
        `Checklist ${inspection.checklist_id} v${inspection.checklist_version} is missing.`,
      );
    return doc;
  }

  #currentStep(inspection: InspectionRow): Checklist['steps'][number] | null {
    return nextStep(this.#checklist(inspection), JSON.parse(inspection.answers) as Record<string, StepAnswer>);
  }

  #view(row: InspectionRow): QcView {
    const checklist = this.#checklist(row);
    const answers = JSON.parse(row.answers) as Record<string, StepAnswer>;
    const pkg = this.#packing.byId(row.package_id)!;
    const product = this.#deps.db
      .prepare<[string], { sku: string; name: string }>('SELECT sku, name FROM products WHERE id = ?')
      .get(row.product_id);
    const current = this.#currentStep(row);
    return {
      inspectionId: row.id,
      packageId: row.package_id,
      orderNumber: pkg.order_number,
      unitNo: row.unit_no,
      sku: product?.sku ?? row.product_id,
      productName: product?.name ?? '',
      checklist: { id: checklist.id, version: checklist.version, name: checklist.name, onFail: checklist.onFail },
      round: row.round,
      steps: checklist.steps.map((step) => {
        const result = evaluateStep(step, answers[step.id]);
        return {
          id: step.id,
          type: step.type,
          text: step.text,
          unit: step.type === 'measurement' ? step.unit : null,
          nominal: step.type === 'measurement' ? step.nominal : null,
          tolerance: step.type === 'measurement' ? step.tolerance : null,
          required: step.type === 'photo' || step.type === 'note' ? step.required : true,
          // An optional step not answered yet is still to do (it is asked, to take or to SKIP).
          status: answers[step.id] === undefined ? 'missing' : result.status,
          detail: answers[step.id] === undefined ? '' : result.detail,
        };
      }),
      currentStep: current?.id ?? null,
      defects: this.#q.defects(row.id).map((d) => ({
        code: d.code,
        severity: d.severity,
        note: d.note,
        stepId: d.step_id,
        photoSha256: d.photo_sha256,
      })),
      remainingUnits: Math.max(0, this.summary(row.package_id).pending - 1),
    };
  }

  #write(fn: () => void): void {
    this.#deps.db.transaction(fn).immediate();
  }
}

/** The latest round of each unit's inspections. */
function latestPerUnit(inspections: InspectionRow[]): InspectionRow[] {
  const byUnit = new Map<number, InspectionRow>();
  for (const inspection of inspections) {
    const seen = byUnit.get(inspection.unit_no);
    if (!seen || inspection.round > seen.round) byUnit.set(inspection.unit_no, inspection);
  }
  return [...byUnit.values()];
}

function good(message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('qc', 'good', message, params, code);
}

function bad(message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('qc', 'bad', message, params, code);
}

function info(message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('qc', 'info', message, params, code);
}

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { MethodInput, MethodOutput } from '#shared/contract/index';
import {
  DECISION_REASONS,
  FLAG_DECISIONS,
  REASONS_BY_DECISION,
  UNRESOLVED_STATUSES,
  type DecisionReason,
  type FlagDecision,
  type ReviewCase,
} from '#shared/contract/review';
import type { Verdict } from '#shared/contract/scan';
import { GRADES } from '#shared/policy/grades';
import type { Db } from '../db/connection';
import type { OperatorRecord } from '../db/queries/operators';
import type { PolicyStore } from '../db/queries/policies';
import { reviewQueries, type ReviewQueries } from '../db/queries/review';
import type { EventLog } from '../events/log';
import type { PhotoStore } from '../photos';
import { BenchError } from '../util/errors';
import type { ReturnsService } from './returns';
import { verdict, type BenchScanHandler, type ScanContext } from './scan';
import type { ActiveSession, SessionService } from './session';

type QueueInput = MethodInput<'review.queue'>;
type Queue = MethodOutput<'review.queue'>;

const STATUS_OF: Record<FlagDecision, string> = {
  clear: 'cleared',
  confirm: 'confirmed',
  escalate: 'escalated',
  request_info: 'info_requested',
};
const PHOTO_EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
/** How long a confirmation waits for the second supervisor. */
const SECOND_WAIT_MS = 5 * 60_000;

/** A confirmation of fraud waiting for the second supervisor (kept in memory: it is seconds long). */
type Pending = {
  flagId: string;
  caseId: string;
  reason: DecisionReason;
  note: string | null;
  requestedBy: string;
  second: OperatorRecord | null;
  expiresAt: number;
};

export type ReviewDeps = {
  db: Db;
  events: EventLog;
  policies: PolicyStore;
  session: SessionService;
  returns: ReturnsService;
  photos: PhotoStore;
  clock: () => number;
  /** A case changed outside the window's own call (a second supervisor's scan): tell the windows. */
  changed?: (view: ReviewCase) => void;
};

/**
 * The supervisor's review, offline: the queue of flags, each case with its evidence side by side
 * (what left against what came back), and decisions with reason codes — confirming fraud on a
 * case above the policy's value needs a second supervisor, whose badge and PIN are scanned at the
 * bench like the returns bench's override approval (or typed). Every decision is an event in the
 * same transaction as the flag and the refund it releases, holds or denies; it syncs like the rest.
 *
 * It is also the review bench's reader of scans: an RMA label or an order opens its case, the
 * decision and reason barcodes (`CMD:DECIDE:CLEAR`, `CMD:REASON:PACKING_ERROR`) and DONE fill and
 * send the decision on screen, and a supervisor badge then PIN completes a pending confirmation.
 */
export class ReviewService implements BenchScanHandler {
  readonly #deps: ReviewDeps;
  readonly #q: ReviewQueries;
  #pending: Pending | null = null;

  constructor(deps: ReviewDeps) {
    this.#deps = deps;
    this.#q = reviewQueries(deps.db);
  }

  /** Flags matching the filters (unresolved ones by default), most severe and oldest first. */
  queue(input: QueueInput): Queue {
    const status = input.status ?? 'unresolved';
    const filter = {
      statuses: status === 'any' ? null : status === 'unresolved' ? UNRESOLVED_STATUSES : [status],
      severity: input.severity,
      type: input.type,
      stationId: input.stationId,
      raisedBefore:
        input.olderThanHours !== undefined ? this.#deps.clock() - input.olderThanHours * 3_600_000 : undefined,
    };
    return { items: this.#q.queue(filter, input.limit ?? 500), total: this.#q.count(filter), types: this.#q.types() };
  }

  /** A case with everything a supervisor needs to decide. */
  case(caseId: string): ReviewCase {
    const q = this.#q;
    const c = q.caseRow(caseId);
    if (!c) throw new BenchError('NOT_FOUND', `No case ${caseId}.`);
    const name = (id: string | null): string | null => (id ? (q.operatorName(id) ?? id) : null);
    const rmaNumber = c.rma_id ? q.rmaNumber(c.rma_id) : null;
    const order = c.order_id ? q.order(c.order_id) : null;
    const items = q.items(caseId);
    const pkg = c.order_id ? q.packedPackage(c.order_id) : null;
    let outbound: ReviewCase['outbound'] = null;
    if (pkg) {
      outbound = {
        packedAt: pkg.completed_at,
        packer: name(pkg.packer_id),
        weightG: pkg.weight_g,
        units: q.packedUnits(pkg.id),
        photos: q.qcPhotos(pkg.id),
        source: 'bench',
      };
    } else if (c.order_id) {
      outbound = {
        packedAt: null,
        packer: null,
        weightG: order?.packed_weight_g ?? null,
        units: q.orderLines(c.order_id).flatMap((l) => {
          const serials = l.serials ? (JSON.parse(l.serials) as string[]) : [];
          return Array.from({ length: l.quantity }, (_, i) => ({
            sku: l.sku,
            name: l.name,
            serial: serials[i] ?? null,
          }));
        }),
        photos: [],
        source: 'order_system',
      };
    }
    const customerRow = order?.customer_id ? q.customer(order.customer_id) : null;
    const value = items.reduce((s, i) => s + i.value_cents, 0);
    const refund = c.refund ? (JSON.parse(c.refund) as NonNullable<ReviewCase['refund']>) : null;
    const pending = this.#livePending();
    const queueItem = {
      caseId: c.id,
      stationId: c.station_id,
      rmaNumber,
      orderNumber: order?.number ?? null,
      valueCents: value,
    };
    return {
      caseId: c.id,
      status: c.status,
      kind: c.kind,
      rmaNumber,
      orderNumber: order?.number ?? null,
      valueCents: value,
      currency: refund?.currency ?? items[0]?.currency ?? 'EUR',
      closedAt: c.closed_at,
      flags: q.flags(caseId).map((f) => ({
        ...queueItem,
        flagId: f.id,
        type: f.type,
        severity: f.severity,
        share: f.score,
        explanation: f.explanation,
        status: f.status,
        raisedAt: f.raised_at,
        stale: f.stale === 1,
        evidence: JSON.parse(f.evidence) as Record<string, unknown>,
        rule: f.rule,
        decidedBy: name(f.decided_by),
        decidedAt: f.decided_at,
        decisionReason: f.decision_reason,
        decisionNote: f.decision_note,
      })),
      outbound,
      returned: {
        receivedAt: c.opened_at,
        clerk: name(c.clerk_id) ?? c.clerk_id,
        weightG: c.weight_g,
        weightOutcome: c.weight_outcome,
        items: items.map((i) => ({
          itemNo: i.item_no,
          sku: i.sku,
          name: i.name,
          serial: i.serial,
          expectedSerial: i.expected_serial,
          grade: i.grade,
          match: i.match,
          reason: i.reason,
          valueCents: i.value_cents,
          answers: JSON.parse(i.answers) as Record<string, string>,
          photos: [...new Set(Object.values(JSON.parse(i.photos) as Record<string, string>))],
          disposition: i.disposition,
        })),
      },
      customer:
        customerRow && order?.customer_id
          ? {
              firstName: customerRow.first_name,
              ordersCount: customerRow.orders_count,
              returnsCount: customerRow.returns_count,
              returnsValueCents: customerRow.returns_value_cents,
              casesHere: q.casesOfCustomer(order.customer_id),
              accountsAtAddress: customerRow.address_key ? q.accountsAt(customerRow.address_key) : 1,
              history: q.history(order.customer_id, caseId),
            }
          : null,
      refund,
      secondSupervisorAboveCents: this.#threshold(),
      pendingConfirmation:
        pending && pending.caseId === caseId
          ? {
              flagId: pending.flagId,
              reason: pending.reason,
              secondSupervisor: pending.second?.name ?? null,
              expiresAt: pending.expiresAt,
            }
          : null,
      timeline: this.#deps.events.timeline(caseId),
    };
  }

  /**
   * Decides a flag. Confirming fraud on a case worth more than the policy's threshold needs a
   * second supervisor: their badge and PIN typed here (`second`), or scanned after
   * `requestSecond`. The flag, its event and the case's refund change in one transaction.
   */
  async decide(active: ActiveSession, input: MethodInput<'review.decide'>): Promise<ReviewCase> {
    const flag = this.#unresolvedFlag(input.flagId);
    assertReasonFits(input.decision, input.reason);
    let second: string | null = null;
    if (input.decision === 'confirm' && this.#needsSecond(flag.case_id)) {
      if (!input.second) {
        const value = this.#q.caseValue(flag.case_id);
        throw new BenchError(
          'FORBIDDEN',
          `Confirming fraud on a case worth ${(value / 100).toFixed(2)} needs a second supervisor's badge and PIN.`,
          { valueCents: value, thresholdCents: this.#threshold() },
        );
      }
      const other = await this.#deps.session.verifyOperator(input.second.badge, input.second.pin);
      assertSecond(active, other);
      second = other.id;
    }
    this.#apply(active.operator.id, flag.id, input.decision, input.reason, input.note ?? null, second);
    return this.case(flag.case_id);
  }

  /**
   * Starts a confirmation that waits for a second supervisor: the next supervisor badge scanned
   * at this bench, then that supervisor's PIN, completes it. Nothing is decided until then.
   */
  requestSecond(active: ActiveSession, input: MethodInput<'review.requestSecond'>): ReviewCase {
    const flag = this.#unresolvedFlag(input.flagId);
    assertReasonFits('confirm', input.reason);
    if (!this.#needsSecond(flag.case_id))
      throw new BenchError('NOT_AVAILABLE', 'This case is under the threshold: one supervisor confirms it.');
    this.#pending = {
      flagId: flag.id,
      caseId: flag.case_id,
      reason: input.reason,
      note: input.note ?? null,
      requestedBy: active.operator.id,
      second: null,
      expiresAt: this.#deps.clock() + SECOND_WAIT_MS,
    };
    return this.#changed(flag.case_id);
  }

  /** Stops waiting for a second supervisor. */
  cancelSecond(): { cancelled: boolean } {
    const pending = this.#livePending();
    this.#pending = null;
    if (pending) this.#changed(pending.caseId);
    return { cancelled: pending !== null };
  }

  /** A photo of the evidence, read from the content-addressed store and checked against its hash. */
  photo(sha256: string): MethodOutput<'review.photo'> {
    const row = this.#q.photo(sha256);
    const path = row ? this.#deps.photos.path(sha256, PHOTO_EXT[row.mime] ?? 'bin') : null;
    if (!row || !path || !existsSync(path)) throw new BenchError('NOT_FOUND', `No photo ${sha256.slice(0, 12)}….`);
    const bytes = readFileSync(path);
    return {
      mime: row.mime,
      base64: bytes.toString('base64'),
      verified: createHash('sha256').update(bytes).digest('hex') === sha256,
    };
  }

  /**
   * At the review bench: an RMA label or an order opens its case; decision, reason and grade
   * barcodes fill the decision (or the blind re-grade) on screen, DONE sends it, CANCEL stops a
   * wait for the second supervisor. The screen acts on the verdict; the core records the scan.
   */
  scan({ active, input, code, classified }: ScanContext): Verdict | null {
    if (classified.kind === 'rma' || classified.kind === 'order') {
      const caseId = this.#q.caseOf(classified.kind, classified.subject);
      const number = String(classified.params.number ?? code);
      this.#record(active, input, code, caseId, classified.kind);
      if (!caseId) return review('bad', 'verdict.review.noCase', { number }, code);
      return review('good', 'verdict.review.caseOpened', { caseId, number }, code);
    }
    if (classified.kind !== 'command') return null;
    const command = classified.command;
    if (command.name === 'cancel' && this.#livePending()) {
      this.#record(active, input, code, null, 'command');
      this.cancelSecond();
      return review('info', 'verdict.review.secondCancelled', {}, code);
    }
    if (command.name === 'decide') {
      const decision = command.value.toLowerCase();
      this.#record(active, input, code, null, 'command');
      if (!(FLAG_DECISIONS as readonly string[]).includes(decision))
        return review('bad', 'verdict.review.notADecision', { decision: command.value }, code);
      return review('info', 'verdict.review.decision', { decision }, code);
    }
    if (command.name === 'reason') {
      this.#record(active, input, code, null, 'command');
      if (!(DECISION_REASONS as readonly string[]).includes(command.value))
        return review('bad', 'verdict.review.notAReason', { reason: command.value }, code);
      return review('info', 'verdict.review.reason', { reason: command.value }, code);
    }
    if (command.name === 'grade') {
      this.#record(active, input, code, null, 'command');
      if (!(GRADES as readonly string[]).includes(command.value))
        return review('bad', 'verdict.returns.notAnAnswer', { answer: command.value }, code);
      return review('info', 'verdict.review.grade', { grade: command.value }, code);
    }
    if (command.name === 'done') {
      this.#record(active, input, code, null, 'command');
      return review('info', 'verdict.review.submit', {}, code);
    }
    return null;
  }

  /** A badge scanned while a confirmation waits: the second supervisor, or a refusal. */
  badge(active: ActiveSession, operator: OperatorRecord): Verdict | null {
    const pending = this.#livePending();
    if (!pending || pending.requestedBy !== active.operator.id) return null;
    if (operator.role !== 'supervisor')
      return review('bad', 'verdict.review.secondNeeded', { name: operator.name }, operator.badge);
    if (operator.id === active.operator.id) return review('bad', 'verdict.review.ownConfirmation', {}, operator.badge);
    this.#pending = { ...pending, second: operator };
    this.#changed(pending.caseId);
    return review('info', 'verdict.review.secondPin', { name: operator.name }, operator.badge);
  }

  /** The second supervisor's PIN, scanned. Never recorded; a wrong one counts toward the lockout. */
  async pin(active: ActiveSession, pin: string): Promise<Verdict | null> {
    const pending = this.#livePending();
    if (!pending?.second || pending.requestedBy !== active.operator.id) return null;
    try {
      const other = await this.#deps.session.verifyOperator(pending.second.badge, pin);
      assertSecond(active, other);
      this.#pending = null;
      this.#apply(active.operator.id, pending.flagId, 'confirm', pending.reason, pending.note, other.id);
      this.#changed(pending.caseId);
      return review('good', 'verdict.review.confirmed', { name: other.name }, '••••');
    } catch (error) {
      if (error instanceof BenchError && (error.code === 'WRONG_PIN' || error.code === 'BADGE_LOCKED')) {
        return verdict(
          'review',
          'bad',
          error.code === 'WRONG_PIN' ? 'verdict.pinWrong' : 'verdict.badgeLocked',
          {
            attemptsLeft: Number(error.details?.attemptsLeft ?? 0),
            lockedUntil: Number(error.details?.lockedUntil ?? 0),
          },
          '••••',
        );
      }
      if (error instanceof BenchError) {
        this.#pending = null;
        this.#changed(pending.caseId);
        return review('bad', 'verdict.review.notDecided', { reason: error.message }, '••••');
      }
      throw error;
    }
  }

  #apply(
    operatorId: string,
    flagId: string,
    decision: FlagDecision,
    reason: DecisionReason,
    note: string | null,
    second: string | null,
  ): void {
    const { db, events, returns, clock } = this.#deps;
    db.transaction(() => {
      const flag = this.#q.flag(flagId)!;
      if (!this.#q.decide(flagId, STATUS_OF[decision], operatorId, clock(), reason, note))
        throw new BenchError('NOT_AVAILABLE', 'The flag was decided meanwhile.');
      events.append({
        type: 'fraud.flag_decided',
        operatorId,
        subject: flag.case_id,
        payload: { flagId, flagType: flag.type, decision, reason, note, secondSupervisor: second },
      });
      // The refund follows in the same transaction: released, still held, or denied.
      returns.reassessRefund(operatorId, flag.case_id);
    }).immediate();
    if (this.#pending?.flagId === flagId) this.#pending = null;
  }

  #unresolvedFlag(flagId: string) {
    const flag = this.#q.flag(flagId);
    if (!flag) throw new BenchError('NOT_FOUND', `No flag ${flagId}.`);
    if (!(UNRESOLVED_STATUSES as readonly string[]).includes(flag.status))
      throw new BenchError('NOT_AVAILABLE', `The flag is already ${flag.status}.`);
    return flag;
  }

  #threshold(): number | null {
    return this.#deps.policies.one('fraud')?.secondSupervisorAboveCents ?? null;
  }

  #needsSecond(caseId: string): boolean {
    const threshold = this.#threshold();
    return threshold !== null && this.#q.caseValue(caseId) > threshold;
  }

  #livePending(): Pending | null {
    const active = this.#deps.session.active();
    if (
      this.#pending &&
      (this.#pending.expiresAt <= this.#deps.clock() || active?.operator.id !== this.#pending.requestedBy)
    )
      this.#pending = null;
    return this.#pending;
  }

  #changed(caseId: string): ReviewCase {
    const view = this.case(caseId);
    this.#deps.changed?.(view);
    return view;
  }

  /** Every scan while logged in is recorded; a scan read by the review bench too. */
  #record(active: ActiveSession, input: ScanContext['input'], code: string, caseId: string | null, kind: string): void {
    this.#deps.events.record({
      type: 'scan.recorded',
      operatorId: active.operator.id,
      subject: caseId,
      payload: { code, source: input.source, symbology: input.symbology ?? null, kind, bench: 'review' },
    });
  }
}

function assertReasonFits(decision: FlagDecision, reason: DecisionReason): void {
  if (!REASONS_BY_DECISION[decision].includes(reason))
    throw new BenchError('BAD_INPUT', `${reason} is not a reason to ${decision.replace('_', ' ')} a flag.`, {
      decision,
      reason,
      allowed: [...REASONS_BY_DECISION[decision]],
    });
}

function assertSecond(active: ActiveSession, other: OperatorRecord): void {
  if (other.role !== 'supervisor') throw new BenchError('FORBIDDEN', `${other.name} is not a supervisor.`);
  if (other.id === active.operator.id)
    throw new BenchError('FORBIDDEN', 'The second supervisor must be another person.');
}

function review(tone: Verdict['tone'], message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('review', tone, message, params, code);
}

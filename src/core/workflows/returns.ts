import type { ReturnCaseView, ReturnItemView } from '#shared/contract/returns';
import type { Verdict } from '#shared/contract/scan';
import { decideDisposition, DISPOSITIONS, overrideNeedsSupervisor, type Disposition } from '#shared/policy/disposition';
import { GRADES, type Grade } from '#shared/policy/grades';
import { recommendRefund, type RefundItem, type RefundPolicy } from '#shared/policy/refund';
import { goodAnswers, walkRubric, type Rubric } from '#shared/policy/rubric';
import { checkWeight, DEFAULT_WEIGHT_TOLERANCE } from '#shared/policy/weight';
import type { ItemGradedPayload } from '#shared/sync/event-payloads';
import type { Db } from '../db/connection';
import type { OperatorRecord } from '../db/queries/operators';
import type { PolicyStore } from '../db/queries/policies';
import {
  returnsQueries,
  type CaseRow,
  type ItemRow,
  type ReceiptRow,
  type ReturnsQueries,
  type RmaLine,
  type RmaLineRef,
} from '../db/queries/returns';
import type { EventLog } from '../events/log';
import type { PhotoStore } from '../photos';
import { BenchError } from '../util/errors';
import { ulid } from '../util/ulid';
import { verdict, type ScanContext } from './scan';
import type { ActiveSession, SessionService } from './session';

/** A flag the returns bench (or the fraud rules) raises on a case. */
export type NewFlag = {
  type: string;
  severity: 'low' | 'medium' | 'high';
  score: number;
  explanation: string;
  evidence: Record<string, unknown>;
  rule: string | null;
};

/** What the fraud rules see of a case when it closes. */
export type CaseSnapshot = { case: CaseRow; items: ItemRow[]; customerId: string | null; refundCents: number | null };

/**
 * The hook the fraud rules fill: flags for a case at close. Until they exist, the bench raises
 * what it knows for certain itself (a swapped item, a serial that is not the one shipped, an
 * empty-box weight).
 */
export type FraudEvaluator = (snapshot: CaseSnapshot) => NewFlag[];

/** A case's refund inputs but its open flags (`ReturnsService.#refundBasis`). */
type RefundBasis = {
  policy: RefundPolicy;
  items: RefundItem[];
  deliveredAt: number;
  receivedAt: number;
  currency: string;
};

type Approval = {
  itemNo: number;
  to: Disposition;
  reason: string | null;
  needsSupervisor: boolean;
  supervisor: string | null;
  supervisorBadge: string | null;
};

export type ReturnsDeps = {
  db: Db;
  events: EventLog;
  policies: PolicyStore;
  photos: PhotoStore;
  session: SessionService;
  stationId: string;
  clock: () => number;
  changed: (view: ReturnCaseView | null) => void;
  fraud?: FraudEvaluator;
  /** An item was routed: print its licence-plate / bin label. */
  routed?: (caseId: string, itemNo: number) => void;
  /** Share (0–100) of graded items sampled for a supervisor's blind re-grade. */
  regradePercent?: () => number;
  /** A draw in [0, 1) for the re-grade sample; tests fix it. */
  random?: () => number;
};

/**
 * The returns bench. Scan the RMA label, the return tracking number, the order or an item's
 * serial — or UNEXPECTED — then each item: it is matched against the RMA (or flagged extra or
 * wrong), serialised items are checked against the serial that was packed, and each item is
 * graded with its category's rubric (one GOOD scan answers a perfect item), routed by the
 * disposition rules (overrides need a reason, some a supervisor's badge and PIN), and labelled.
 * DONE lists what is missing, recommends the refund and raises the flags that hold it. Every step
 * is an event; an open case resumes exactly where it was after a restart.
 */
export class ReturnsService {
  readonly #deps: ReturnsDeps;
  readonly #q: ReturnsQueries;
  /** Cases whose view the bench is still to be told of, oldest change first (see `#changed`). */
  readonly #unpushed = new Set<string>();
  /** The RMA lines read during the scan in progress (`#rmaLines`); null between scans. */
  #linesOfScan: Map<string, RmaLineRef[]> | null = null;

  constructor(deps: ReturnsDeps) {
    this.#deps = deps;
    this.#q = returnsQueries(deps.db);
  }

  current(): ReturnCaseView | null {
    const row = this.#q.openAt(this.#deps.stationId) ?? this.#q.latestAt(this.#deps.stationId);
    return row ? this.#view(row) : null;
  }

  /** Reads a scan made at the returns bench. */
  scan(context: ScanContext): Verdict | null {
    this.#linesOfScan = new Map();
    try {
      return this.#scan(context);
    } finally {
      this.#linesOfScan = null;
    }
  }

  /**
   * An RMA's lines, read once per scan (closing a case needs them for the missing items and for
   * the refund's reasons), without a look-up of each line's product: a scan matches and counts
   * lines, and names only a missing one. Nothing a scan does changes them (they are the OMS's,
   * brought by sync, which never runs inside a scan).
   */
  #rmaLines(rmaId: string): RmaLineRef[] {
    const memo = this.#linesOfScan;
    if (!memo) return this.#q.rmaLineRefs(rmaId);
    let lines = memo.get(rmaId);
    if (!lines) {
      lines = this.#q.rmaLineRefs(rmaId);
      memo.set(rmaId, lines);
    }
    return lines;
  }

  #scan({ active, code, classified }: ScanContext): Verdict | null {
    const open = this.#q.openAt(this.#deps.stationId);
    if (!open) return this.#scanWithoutCase(active, code, classified);
    if (classified.kind === 'command') return this.#command(active, open, classified.command, code);
    const items = this.#q.items(open.id);
    const waiting = items.find((i) => i.status === 'awaiting_serial');
    if (waiting) {
      if (classified.kind !== 'unknown')
        return bad('verdict.returns.serialExpected', { sku: this.#product(waiting.product_id).sku }, code);
      return this.#serial(active, open, waiting, code);
    }
    const grading = items.find((i) => i.status === 'grading');
    if (classified.kind === 'product') {
      if (grading) return bad('verdict.returns.gradeFirst', { sku: this.#product(grading.product_id).sku }, code);
      return this.#receive(active, open, items, classified.subject, code);
    }
    if (classified.kind === 'rma' || classified.kind === 'order') {
      const same =
        (classified.kind === 'rma' && classified.subject === open.rma_id) ||
        (classified.kind === 'order' && classified.subject === open.order_id);
      return same ? info('verdict.returns.alreadyOpen', {}, code) : bad('verdict.returns.closeFirst', {}, code);
    }
    return bad('verdict.returns.unknownItem', {}, code);
  }

  /** A supervisor's badge scanned while an override waits for approval. */
  badge(active: ActiveSession, operator: OperatorRecord): Verdict | null {
    const open = this.#q.openAt(this.#deps.stationId);
    const approval = open ? this.#approval(open) : null;
    if (!open || !approval?.needsSupervisor || approval.reason === null) return null;
    if (operator.role !== 'supervisor')
      return bad('verdict.returns.supervisorNeeded', { name: operator.name }, operator.badge);
    if (operator.id === active.operator.id) return bad('verdict.returns.ownApproval', {}, operator.badge);
    this.#write(() =>
      this.#q.setApproval(
        open.id,
        JSON.stringify({ ...approval, supervisor: operator.id, supervisorBadge: operator.badge }),
      ),
    );
    this.#changed(open.id);
    return info('verdict.returns.approverPin', { name: operator.name }, operator.badge);
  }

  /** The approving supervisor's PIN, scanned. Never recorded. */
  async pin(active: ActiveSession, pin: string): Promise<Verdict | null> {
    const open = this.#q.openAt(this.#deps.stationId);
    const approval = open ? this.#approval(open) : null;
    if (!open || !approval?.supervisorBadge) return null;
    try {
      await this.#approveWith(active, open, approval.supervisorBadge, pin);
      return good('verdict.returns.overrideApplied', { to: approval.to }, '••••');
    } catch (error) {
      if (error instanceof BenchError && (error.code === 'WRONG_PIN' || error.code === 'BADGE_LOCKED')) {
        return bad(
          error.code === 'WRONG_PIN' ? 'verdict.pinWrong' : 'verdict.badgeLocked',
          {
            attemptsLeft: Number(error.details?.attemptsLeft ?? 0),
            lockedUntil: Number(error.details?.lockedUntil ?? 0),
          },
          '••••',
        );
      }
      throw error;
    }
  }

  /** Starts a quarantined case for a parcel that nothing identifies. */
  unexpected(active: ActiveSession): ReturnCaseView {
    if (this.#q.openAt(this.#deps.stationId)) throw new BenchError('NOT_AVAILABLE', 'Close the open case first.');
    const id = this.#open(active, {
      kind: 'unexpected',
      quarantined: true,
      rmaId: null,
      orderId: null,
      foundBy: 'unexpected',
    });
    return this.#shown(id);
  }

  /** Answers the current question of an item's rubric (touch). */
  answer(active: ActiveSession, itemNo: number, questionId: string, answerId: string): ReturnCaseView {
    const open = this.#requireOpen();
    const item = this.#item(open, itemNo);
    const state = this.#state(item);
    if (!state || state.next !== questionId)
      throw new BenchError('BAD_INPUT', `Question ${questionId} is not the one asked for item ${itemNo}.`);
    this.#applyAnswers(active, open, item, { [questionId]: answerId });
    return this.#shown(open.id);
  }

  /** A photo taken as evidence for an answer. */
  photo(active: ActiveSession, itemNo: number, questionId: string, base64: string): ReturnCaseView {
    const open = this.#requireOpen();
    const item = this.#item(open, itemNo);
    const bytes = Buffer.from(base64, 'base64');
    const { sha256 } = this.#deps.photos.put(bytes, this.#deps.clock());
    const photos = { ...(JSON.parse(item.photos) as Record<string, string>), [questionId]: sha256 };
    this.#write(() => {
      this.#q.updateItem({ ...item, photos: JSON.stringify(photos) });
      this.#deps.events.append({
        type: 'returns.photo_attached',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { itemNo, questionId, sha256 },
      });
    });
    // A photo completes grading only while the item is being graded; on a routed item it is
    // extra evidence and changes nothing else.
    if (item.status === 'grading') this.#advance(active, open, this.#item(open, itemNo));
    return this.#shown(open.id);
  }

  /** An override of an item's disposition, with a reason; waits for a supervisor when needed. */
  override(active: ActiveSession, itemNo: number, to: Disposition, reason: string): ReturnCaseView {
    const open = this.#requireOpen();
    this.#requestOverride(active, open, itemNo, to);
    this.#setReason(active, this.#q.caseById(open.id)!, reason);
    return this.#shown(open.id);
  }

  /** The supervisor's badge and PIN typed at the bench. */
  async approve(active: ActiveSession, badge: string, pin: string): Promise<ReturnCaseView> {
    const open = this.#requireOpen();
    const approval = this.#approval(open);
    if (!approval?.needsSupervisor) throw new BenchError('NOT_AVAILABLE', 'No override waits for a supervisor.');
    await this.#approveWith(active, open, badge, pin);
    return this.#shown(open.id);
  }

  /** The parcel weight against the weight it left with. */
  weigh(active: ActiveSession, grams: number, source: 'scale' | 'manual'): ReturnCaseView {
    const open = this.#requireOpen();
    const policy = this.#deps.policies.one('weight');
    const check =
      open.packed_weight_g !== null
        ? checkWeight(open.packed_weight_g, grams, policy?.tolerance ?? DEFAULT_WEIGHT_TOLERANCE)
        : null;
    this.#write(() => {
      this.#q.setWeight(open.id, grams, check?.outcome ?? null);
      this.#deps.events.append({
        type: 'returns.weighed',
        operatorId: active.operator.id,
        subject: open.id,
        payload: {
          grams,
          source,
          packedGrams: open.packed_weight_g,
          outcome: check?.outcome ?? null,
          differenceGrams: check?.differenceGrams ?? null,
        },
      });
    });
    return this.#shown(open.id);
  }

  search(query: string): { productId: string; sku: string; name: string; brand: string }[] {
    return this.#q.search(query.trim());
  }

  /** Receives an item found by search. */
  addItem(active: ActiveSession, productId: string): ReturnCaseView {
    const open = this.#requireOpen();
    if (!this.#q.product(productId)) throw new BenchError('NOT_FOUND', `No product ${productId}.`);
    const result = this.#receive(active, open, this.#q.items(open.id), productId, `search:${productId}`);
    if (result.tone === 'bad') throw new BenchError('NOT_AVAILABLE', result.message, result.params);
    return this.#shown(open.id);
  }

  close(active: ActiveSession): ReturnCaseView {
    const open = this.#requireOpen();
    const result = this.#close(active, open, 'CMD:DONE');
    if (result.tone === 'bad') throw new BenchError('NOT_AVAILABLE', result.message, result.params);
    return this.#view(this.#q.caseById(open.id)!);
  }

  /**
   * Recomputes a closed case's refund after its flags were decided: denied once fraud is
   * confirmed, held while any flag is unresolved, recommended again when all are cleared.
   */
  reassessRefund(operatorId: string | null, caseId: string): void {
    const row = this.#q.caseById(caseId);
    if (!row || row.status !== 'closed' || !row.refund) return;
    const flags = this.#q.flags(caseId);
    const confirmed = flags.filter((f) => f.status === 'confirmed');
    const unresolved = flags.filter(
      (f) => f.status === 'open' || f.status === 'escalated' || f.status === 'info_requested',
    ).length;
    const previous = JSON.parse(row.refund) as NonNullable<ReturnCaseView['refund']>;
    let next: NonNullable<ReturnCaseView['refund']>;
    if (confirmed.length > 0) {
      // The recommendation as it would stand with no flag open, then denied: no "on hold" line.
      const base = this.#refund(row, this.#q.items(caseId), 0, row.closed_at ?? this.#deps.clock()) ?? previous;
      next = {
        ...base,
        status: 'denied',
        totalCents: 0,
        explanation: [...base.explanation, `Denied: fraud confirmed (${confirmed.map((f) => f.type).join(', ')}).`],
      };
    } else {
      const recomputed = this.#refund(row, this.#q.items(caseId), unresolved, row.closed_at ?? this.#deps.clock());
      if (!recomputed) return;
      next = recomputed;
    }
    if (next.status === previous.status && next.totalCents === previous.totalCents) return;
    this.#write(() => {
      this.#deps.db.prepare('UPDATE return_cases SET refund = ? WHERE id = ?').run(JSON.stringify(next), caseId);
      this.#deps.events.append({
        type: 'returns.refund_updated',
        operatorId,
        subject: caseId,
        payload: { from: previous.status, to: next.status, totalCents: next.totalCents },
      });
    });
    // The bench is told only if it shows this case: a supervisor's decision, or a re-evaluation
    // after sync, must not replace the case a clerk has open.
    const shown = this.#q.openAt(this.#deps.stationId) ?? this.#q.latestAt(this.#deps.stationId);
    if (shown?.id === caseId) this.#changed(caseId);
  }

  /**
   * Sync brought receipts of RMAs (the `rmas` stream: `ids` of a page, or null when the whole
   * stream was swapped in): every local case of such an RMA — open or closed — that is not the
   * case the cloud says received it first was a second receipt of the same return. It gets a
   * `duplicate_receipt` flag naming the first station and case (once: a case that has one, in
   * any status, is left alone, so a page delivered again raises nothing), which holds its refund
   * (a closed case's now, an open case's at DONE) and puts it in the supervisor's queue. Each
   * case is one transaction (the flag, its event, the refund). The station whose case received
   * first is never flagged by its own receipt coming back down. Returns the cases flagged.
   */
  receiptsLearnt(ids: readonly string[] | null): string[] {
    const found =
      ids === null ? this.#q.secondReceipts(null) : [...new Set(ids)].flatMap((id) => this.#q.secondReceipts(id));
    const flagged: string[] = [];
    for (const second of found) {
      let raised = false;
      this.#write(() => {
        // Checked again in the transaction: the flag is raised once.
        const row = this.#q.caseById(second.local_case_id);
        if (!row || this.#q.flags(row.id).some((f) => f.type === 'duplicate_receipt')) return;
        const rma = this.#q.rma(second.rma_id);
        this.#raise(null, row.id, duplicateReceiptFlag(rma?.number ?? second.rma_id, rma?.status ?? null, second));
        raised = true;
        // In the same transaction: a closed case's refund is held with the flag that holds it.
        if (row.status === 'closed') this.reassessRefund(null, row.id);
      });
      if (!raised) continue;
      flagged.push(second.local_case_id);
      // The bench shows the flag at once if it shows this case (the same rule as the refund's).
      const shown = this.#q.openAt(this.#deps.stationId) ?? this.#q.latestAt(this.#deps.stationId);
      if (shown?.id === second.local_case_id) this.#changed(second.local_case_id);
    }
    return flagged;
  }

  #scanWithoutCase(active: ActiveSession, code: string, classified: ScanContext['classified']): Verdict | null {
    if (classified.kind === 'command') {
      if (classified.command.name === 'unexpected') {
        this.unexpected(active);
        return info('verdict.returns.quarantined', {}, code);
      }
      return bad('verdict.returns.scanCaseFirst', {}, code);
    }
    if (classified.kind === 'rma') return this.#openRma(active, classified.subject, code, 'rma');
    if (classified.kind === 'order') return this.#openOrder(active, classified.subject, code, 'order');
    if (classified.kind === 'product') return bad('verdict.returns.scanCaseFirst', {}, code);
    const orderId = this.#q.orderOfSerial(code);
    if (orderId) return this.#openOrder(active, orderId, code, 'serial');
    return bad('verdict.returns.unknownCase', {}, code);
  }

  #openRma(active: ActiveSession, rmaId: string, code: string, foundBy: string): Verdict {
    const rma = this.#q.rma(rmaId)!;
    if (rma.status === 'closed') return bad('verdict.returns.rmaClosed', { number: rma.number }, code);
    if (this.#q.casesOfRma(rma.id).some((c) => c.status === 'closed'))
      return bad('verdict.returns.alreadyReceived', { number: rma.number }, code);
    const id = this.#open(active, { kind: 'rma', quarantined: false, rmaId: rma.id, orderId: rma.order_id, foundBy });
    // Received already — said by the order system (its status), or learnt by sync from the cloud
    // (another case opened on this RMA first, at another station: `rma_receipts`).
    const first = this.#q.receipt(rma.id);
    if (rma.status === 'received' || first) {
      this.#write(() => this.#raise(active.operator.id, id, duplicateReceiptFlag(rma.number, rma.status, first)));
      this.#changed(id);
      return bad('verdict.returns.duplicateReceipt', { number: rma.number }, code);
    }
    const rmaLines = this.#rmaLines(rma.id);
    if (rma.order_id && this.#outsideWindow(rma.order_id, rmaLines))
      return info('verdict.returns.outsideWindow', { number: rma.number }, code);
    return good(
      'verdict.returns.opened',
      { number: rma.number, count: rmaLines.reduce((n, l) => n + l.quantity, 0) },
      code,
    );
  }

  #openOrder(active: ActiveSession, orderId: string, code: string, foundBy: string): Verdict {
    const authorised = this.#q
      .rmasOfOrder(orderId)
      .find((r) => r.status === 'authorized' && !this.#q.casesOfRma(r.id).some((c) => c.status === 'closed'));
    if (authorised) return this.#openRma(active, authorised.id, code, foundBy);
    const order = this.#q.order(orderId)!;
    this.#open(active, { kind: 'unexpected', quarantined: false, rmaId: null, orderId, foundBy });
    return info('verdict.returns.unexpectedOrder', { number: order.number }, code);
  }

  #open(
    active: ActiveSession,
    how: {
      kind: 'rma' | 'unexpected';
      quarantined: boolean;
      rmaId: string | null;
      orderId: string | null;
      foundBy: string;
    },
  ): string {
    const id = ulid(this.#deps.clock());
    const packed = how.orderId ? this.#packedWeight(how.orderId) : null;
    this.#write(() => {
      this.#q.insertCase({
        id,
        station_id: this.#deps.stationId,
        clerk_id: active.operator.id,
        kind: how.kind,
        quarantined: how.quarantined ? 1 : 0,
        rma_id: how.rmaId,
        order_id: how.orderId,
        found_by: how.foundBy,
        opened_at: this.#deps.clock(),
        packed_weight_g: packed,
      });
      this.#deps.events.append({
        type: 'returns.opened',
        operatorId: active.operator.id,
        subject: id,
        payload: {
          kind: how.kind,
          quarantined: how.quarantined,
          rmaId: how.rmaId,
          orderId: how.orderId,
          foundBy: how.foundBy,
          packedWeightG: packed,
        },
      });
      // Never parked silently: a parcel with no RMA is in the supervisor's queue from the moment
      // its case opens, in the same transaction, not only once the clerk closes it.
      if (how.kind === 'unexpected')
        this.#raise(active.operator.id, id, unexpectedFlag(how.quarantined, how.orderId, how.foundBy));
    });
    this.#changed(id);
    return id;
  }

  /** An item scanned into the open case, whose items (read by this scan) are `items`. */
  #receive(active: ActiveSession, open: CaseRow, items: ItemRow[], productId: string, code: string): Verdict {
    const product = this.#product(productId);
    const rmaLines = open.rma_id ? this.#rmaLines(open.rma_id) : [];
    const line = rmaLines.find(
      (l) => l.productId === productId && items.filter((i) => i.rma_line_no === l.lineNo).length < l.quantity,
    );
    // The order's lines matter only for an item the RMA does not expect (extra, or a swap).
    const inOrder =
      !line && open.order_id !== null && this.#q.orderLines(open.order_id).some((l) => l.product_id === productId);
    // No RMA and no order (a quarantined parcel): nothing to compare with, so nothing is "wrong".
    const match: ItemRow['match'] = line
      ? 'matched'
      : inOrder || (!open.rma_id && !open.order_id)
        ? 'extra'
        : 'wrong_item';
    const rubric = this.#rubric(product.category);
    const itemNo = items.length + 1;
    const expectedSerial =
      product.serialised === 1 && open.order_id ? this.#expectedSerial(open.order_id, productId, items) : null;
    this.#write(() => {
      this.#q.insertItem({
        case_id: open.id,
        item_no: itemNo,
        product_id: productId,
        code,
        serial: null,
        expected_serial: expectedSerial,
        match,
        rma_line_no: line?.lineNo ?? null,
        reason: line?.reason ?? null,
        value_cents: product.price_cents,
        status: product.serialised === 1 ? 'awaiting_serial' : 'grading',
        rubric_id: rubric?.id ?? null,
        rubric_version: rubric?.version ?? null,
        scanned_at: this.#deps.clock(),
      });
      this.#deps.events.append({
        type: 'returns.item_received',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { itemNo, productId, sku: product.sku, code, match, rmaLineNo: line?.lineNo ?? null },
      });
    });
    this.#changed(open.id);
    if (product.serialised === 1) return info('verdict.returns.scanSerial', { sku: product.sku }, code);
    if (match === 'wrong_item') return bad('verdict.returns.wrongItem', { sku: product.sku }, code);
    if (match === 'extra' && (open.rma_id || open.order_id))
      return info('verdict.returns.extra', { sku: product.sku }, code);
    return good('verdict.returns.received', { sku: product.sku, name: product.name }, code);
  }

  #serial(active: ActiveSession, open: CaseRow, item: ItemRow, serial: string): Verdict {
    const elsewhere = this.#q.serialInOtherOpenCase(serial, open.id);
    if (elsewhere) return bad('verdict.returns.serialInOtherCase', { serial }, serial);
    const mismatch = item.expected_serial !== null && item.expected_serial !== serial;
    this.#write(() => {
      this.#q.updateItem({ ...item, serial, status: 'grading' });
      this.#deps.events.append({
        type: 'returns.serial_recorded',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { itemNo: item.item_no, serial, expectedSerial: item.expected_serial, mismatch },
      });
    });
    this.#changed(open.id);
    if (mismatch)
      return bad('verdict.returns.serialMismatch', { serial, expected: item.expected_serial ?? '' }, serial);
    if (item.match === 'wrong_item')
      return bad('verdict.returns.wrongItem', { sku: this.#product(item.product_id).sku }, serial);
    return good('verdict.returns.serialOk', { serial }, serial);
  }

  #command(
    active: ActiveSession,
    open: CaseRow,
    command: Extract<ScanContext['classified'], { kind: 'command' }>['command'],
    code: string,
  ): Verdict {
    const items = this.#q.items(open.id);
    const grading = items.find((i) => i.status === 'grading');
    switch (command.name) {
      case 'done':
        return this.#close(active, open, code, items);
      case 'good': {
        if (!grading) return bad('verdict.returns.nothingToGrade', {}, code);
        const state = this.#state(grading);
        if (!state) return bad('verdict.returns.noRubric', {}, code);
        const answers = goodAnswers(this.#rubricOf(grading)!, JSON.parse(grading.answers) as Record<string, string>);
        return this.#gradeVerdict(this.#applyAnswers(active, open, grading, answers), code);
      }
      case 'answer': {
        if (!grading) return bad('verdict.returns.nothingToGrade', {}, code);
        const state = this.#state(grading);
        if (!state || state.next === null) return bad('verdict.returns.nothingToGrade', {}, code);
        const question = this.#rubricOf(grading)!.questions.find((q) => q.id === state.next)!;
        if (!question.answers.some((a) => a.id === command.value))
          return bad('verdict.returns.notAnAnswer', { answer: command.value }, code);
        return this.#gradeVerdict(this.#applyAnswers(active, open, grading, { [state.next]: command.value }), code);
      }
      case 'grade': {
        if (!grading || this.#rubricOf(grading)) return bad('verdict.commandNotHere', {}, code);
        if (!(GRADES as readonly string[]).includes(command.value))
          return bad('verdict.returns.notAnAnswer', { answer: command.value }, code);
        return this.#gradeVerdict(this.#finishGrading(active, open, grading, command.value as Grade), code);
      }
      case 'route': {
        const to = command.value.toLowerCase();
        if (!(DISPOSITIONS as readonly string[]).includes(to))
          return bad('verdict.returns.notADisposition', { to: command.value }, code);
        const last = [...this.#q.items(open.id)].reverse().find((i) => i.status === 'routed');
        if (!last) return bad('verdict.returns.nothingToRoute', {}, code);
        this.#requestOverride(active, open, last.item_no, to as Disposition);
        return info('verdict.returns.overrideReason', { to }, code);
      }
      case 'reason': {
        if (!this.#approval(open)) return bad('verdict.commandNotHere', {}, code);
        return this.#setReason(active, open, command.value);
      }
      case 'cancel': {
        if (!this.#approval(open)) return bad('verdict.commandNotHere', {}, code);
        this.#write(() => {
          this.#q.setApproval(open.id, null);
          this.#deps.events.append({
            type: 'returns.override_cancelled',
            operatorId: active.operator.id,
            subject: open.id,
            payload: {},
          });
        });
        this.#changed(open.id);
        return info('verdict.returns.overrideCancelled', {}, code);
      }
      default:
        return bad('verdict.commandNotHere', {}, code);
    }
  }

  #gradeVerdict(item: ItemRow, code: string): Verdict {
    if (item.status === 'routed')
      return good(
        'verdict.returns.routed',
        { grade: item.grade ?? '', to: item.disposition ?? '', bin: item.bin ?? '' },
        code,
      );
    const state = this.#state(item);
    if (state && state.next === null) return info('verdict.returns.photoNeeded', {}, code);
    return info('verdict.returns.nextQuestion', {}, code);
  }

  #applyAnswers(active: ActiveSession, open: CaseRow, item: ItemRow, given: Record<string, string>): ItemRow {
    const answers = { ...(JSON.parse(item.answers) as Record<string, string>), ...given };
    const answered: ItemRow = { ...item, answers: JSON.stringify(answers) };
    this.#write(() => {
      this.#q.updateItem(answered);
      this.#deps.events.append({
        type: 'returns.answered',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { itemNo: item.item_no, answers: given },
      });
    });
    // The row as it now stands: the item as read in this unit of work, with its answers.
    return this.#advance(active, open, answered);
  }

  /** Finishes grading when every question is answered and every photo asked for is taken. */
  #advance(active: ActiveSession, open: CaseRow, item: ItemRow): ItemRow {
    const state = this.#state(item);
    const photos = JSON.parse(item.photos) as Record<string, string>;
    if (!state || state.next !== null || state.photosRequired.some((q) => !photos[q])) {
      this.#changed(open.id);
      return item;
    }
    return this.#finishGrading(active, open, item, state.grade);
  }

  #finishGrading(active: ActiveSession, open: CaseRow, item: ItemRow, grade: Grade): ItemRow {
    const product = this.#product(item.product_id);
    const policy = this.#deps.policies.one('disposition');
    if (!policy) throw new BenchError('NOT_FOUND', 'No disposition policy at this station.');
    const decision = decideDisposition(policy, { category: product.category, grade, valueCents: item.value_cents });
    const routed: ItemRow = {
      ...item,
      grade,
      status: 'routed',
      disposition: decision.action,
      bin: decision.bin,
      disposition_explanation: decision.explanation,
    };
    this.#write(() => {
      this.#q.updateItem(routed);
      this.#deps.events.append({
        type: 'returns.item_graded',
        operatorId: active.operator.id,
        subject: open.id,
        // Payload version 3 (shared/sync/event-payloads.ts): the item as the OMS knows it, so a
        // return.graded webhook can be acted on alone; the cloud upcasts older stations' events.
        payload: {
          itemNo: item.item_no,
          grade,
          rubricId: item.rubric_id,
          rubricVersion: item.rubric_version,
          answers: JSON.parse(item.answers) as Record<string, string>,
          photos: JSON.parse(item.photos) as Record<string, string>,
          productId: item.product_id,
          sku: product.sku,
          rmaId: open.rma_id,
          rmaLineNo: item.rma_line_no,
          orderId: open.order_id,
        } satisfies ItemGradedPayload,
      });
      const share = this.#deps.regradePercent?.() ?? 0;
      const draw = (this.#deps.random ?? Math.random)();
      if (draw * 100 < share) {
        this.#deps.db
          .prepare(
            `INSERT INTO regrade_tasks (id, case_id, item_no, product_id, grader_id, original_grade, status, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (case_id, item_no) DO NOTHING`,
          )
          .run(
            ulid(this.#deps.clock()),
            open.id,
            item.item_no,
            item.product_id,
            active.operator.id,
            grade,
            this.#deps.clock(),
          );
        this.#deps.events.append({
          type: 'review.regrade_sampled',
          operatorId: active.operator.id,
          subject: open.id,
          payload: { itemNo: item.item_no, draw, share },
        });
      }
      this.#deps.events.append({
        type: 'returns.item_routed',
        operatorId: active.operator.id,
        subject: open.id,
        payload: {
          itemNo: item.item_no,
          action: decision.action,
          bin: decision.bin,
          policy: `${decision.policyId}@${decision.version}`,
          rule: decision.rule,
        },
      });
    });
    this.#changed(open.id);
    this.#deps.routed?.(open.id, item.item_no);
    return routed;
  }

  #requestOverride(active: ActiveSession, open: CaseRow, itemNo: number, to: Disposition): void {
    const item = this.#item(open, itemNo);
    if (item.status !== 'routed' || !item.grade)
      throw new BenchError('NOT_AVAILABLE', 'Grade the item before routing it elsewhere.');
    const policy = this.#deps.policies.one('disposition')!;
    const needsSupervisor = overrideNeedsSupervisor(
      policy,
      { category: this.#product(item.product_id).category, grade: item.grade, valueCents: item.value_cents },
      to,
    );
    const approval: Approval = { itemNo, to, reason: null, needsSupervisor, supervisor: null, supervisorBadge: null };
    this.#write(() => {
      this.#q.setApproval(open.id, JSON.stringify(approval));
      this.#deps.events.append({
        type: 'returns.override_requested',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { itemNo, from: item.disposition, to, needsSupervisor },
      });
    });
    this.#changed(open.id);
  }

  #setReason(active: ActiveSession, open: CaseRow, reason: string): Verdict {
    const approval = this.#approval(open)!;
    const next: Approval = { ...approval, reason };
    this.#write(() => this.#q.setApproval(open.id, JSON.stringify(next)));
    if (!next.needsSupervisor) {
      this.#applyOverride(active, open, next, null);
      return good('verdict.returns.overrideApplied', { to: next.to }, `CMD:REASON:${reason}`);
    }
    this.#changed(open.id);
    return info('verdict.returns.supervisorNeeded', { name: '' }, `CMD:REASON:${reason}`);
  }

  async #approveWith(active: ActiveSession, open: CaseRow, badge: string, pin: string): Promise<void> {
    const approval = this.#approval(open);
    if (!approval?.needsSupervisor || approval.reason === null)
      throw new BenchError('NOT_AVAILABLE', 'No override waits for a supervisor.');
    const supervisor = await this.#deps.session.verifyOperator(badge, pin);
    if (supervisor.role !== 'supervisor') throw new BenchError('FORBIDDEN', `${supervisor.name} is not a supervisor.`);
    if (supervisor.id === active.operator.id)
      throw new BenchError('FORBIDDEN', 'An override needs a second person: another supervisor must approve it.');
    this.#applyOverride(active, this.#q.caseById(open.id)!, approval, supervisor.id);
  }

  #applyOverride(active: ActiveSession, open: CaseRow, approval: Approval, approvedBy: string | null): void {
    const item = this.#item(open, approval.itemNo);
    const policy = this.#deps.policies.one('disposition')!;
    // The bin of the target disposition: the first rule sending this category there (or any
    // category), else the fallback's, else a bin named after the disposition.
    const category = this.#product(item.product_id).category;
    const bin =
      policy.rules.find(
        (r) => r.then.action === approval.to && (!r.when.categories || r.when.categories.includes(category)),
      )?.then.bin ?? (policy.fallback.action === approval.to ? policy.fallback.bin : approval.to.toUpperCase());
    const updated: ItemRow = {
      ...item,
      disposition: approval.to,
      bin,
      disposition_explanation: `Overridden from ${item.disposition ?? '—'} to ${approval.to}: ${approval.reason ?? ''}.`,
      override_reason: approval.reason,
      approved_by: approvedBy,
    };
    this.#write(() => {
      this.#q.updateItem(updated);
      this.#q.setApproval(open.id, null);
      this.#deps.events.append({
        type: 'returns.override_applied',
        operatorId: active.operator.id,
        subject: open.id,
        payload: {
          itemNo: item.item_no,
          from: item.disposition,
          to: approval.to,
          bin,
          reason: approval.reason,
          approvedBy,
        },
      });
    });
    this.#changed(open.id);
    this.#deps.routed?.(open.id, item.item_no);
  }

  /** Closes the open case; `items` are its items when this scan has read them already. */
  #close(active: ActiveSession, open: CaseRow, code: string, items = this.#q.items(open.id)): Verdict {
    // `open` was read by this scan, in its transaction: its approval is the one that stands.
    if (open.approval) return bad('verdict.returns.overridePending', {}, code);
    const unfinished = items.find((i) => i.status !== 'routed');
    if (unfinished) return bad('verdict.returns.gradeFirst', { sku: this.#product(unfinished.product_id).sku }, code);
    const missing = (open.rma_id ? this.#rmaLines(open.rma_id) : [])
      .map((l) => ({ ...l, received: items.filter((i) => i.rma_line_no === l.lineNo).length }))
      .filter((l) => l.received < l.quantity);
    const now = this.#deps.clock();
    // The refund before any flag, for the rules that compare it with the order (refund anomaly).
    const basis = this.#refundBasis(open, items, now);
    const preliminary = recommended(basis, 0);
    const flags = this.#evaluate(open, items, preliminary?.totalCents ?? null);
    const { refund, openFlags } = this.#write(() => {
      for (const flag of flags) this.#raise(active.operator.id, open.id, flag);
      const openFlags = this.#q.flags(open.id).filter((f) => f.status === 'open').length;
      const refund = recommended(basis, openFlags);
      this.#q.close(open.id, now, refund ? JSON.stringify(refund) : null);
      this.#deps.events.append({
        type: 'returns.closed',
        operatorId: active.operator.id,
        subject: open.id,
        payload: {
          kind: open.kind,
          quarantined: open.quarantined === 1,
          items: items.map((i) => ({
            itemNo: i.item_no,
            productId: i.product_id,
            serial: i.serial,
            match: i.match,
            grade: i.grade,
            disposition: i.disposition,
            bin: i.bin,
          })),
          missing: missing.map((l) => ({
            lineNo: l.lineNo,
            sku: this.#q.product(l.productId)?.sku ?? l.productId,
            missing: l.quantity - l.received,
          })),
          refund,
          openFlags,
        },
      });
      return { refund, openFlags };
    });
    this.#changed(open.id);
    if (refund?.status === 'on_hold') return info('verdict.returns.closedOnHold', { count: openFlags }, code);
    if (missing.length > 0)
      return info(
        'verdict.returns.closedMissing',
        { count: missing.reduce((n, l) => n + l.quantity - l.received, 0) },
        code,
      );
    return good('verdict.returns.closed', {}, code);
  }

  /** The flags this case raises at close: the fraud rules' (when installed), and what the bench knows for certain. */
  #evaluate(open: CaseRow, items: ItemRow[], refundCents: number | null): NewFlag[] {
    const flags: NewFlag[] = [];
    if (open.kind === 'unexpected') {
      // Raised when the case opened; a case opened before that rule (resumed after an update)
      // gets it here. Never twice.
      const flag = unexpectedFlag(open.quarantined === 1, open.order_id, open.found_by);
      if (!this.#q.flags(open.id).some((f) => f.type === flag.type)) flags.push(flag);
    }
    const order = open.order_id ? this.#q.order(open.order_id) : null;
    if (this.#deps.fraud) {
      flags.push(...this.#deps.fraud({ case: open, items, customerId: order?.customer_id ?? null, refundCents }));
    } else {
      const swapped = items.filter(
        (i) =>
          i.match === 'wrong_item' ||
          (i.expected_serial !== null && i.serial !== null && i.serial !== i.expected_serial),
      );
      if (swapped.length > 0) {
        flags.push({
          type: 'item_swap',
          severity: 'high',
          score: 0.9,
          explanation: `${swapped.length} item(s) differ from what was shipped: a SKU not in the order, or a serial that is not the one packed.`,
          evidence: {
            items: swapped.map((i) => ({
              itemNo: i.item_no,
              productId: i.product_id,
              serial: i.serial,
              expectedSerial: i.expected_serial,
              match: i.match,
            })),
          },
          rule: 'returns.item_swap@1',
        });
      }
      if (open.weight_outcome === 'fail') {
        flags.push({
          type: 'weight_mismatch',
          severity: 'high',
          score: 0.7,
          explanation: `The parcel weighs ${open.weight_g} g; it left weighing ${open.packed_weight_g} g.`,
          evidence: { weightG: open.weight_g, packedWeightG: open.packed_weight_g },
          rule: 'returns.weight@1',
        });
      }
    }
    return flags;
  }

  #raise(operatorId: string | null, caseId: string, flag: NewFlag): void {
    const id = ulid(this.#deps.clock());
    this.#q.insertFlag({
      id,
      case_id: caseId,
      type: flag.type,
      severity: flag.severity,
      score: flag.score,
      explanation: flag.explanation,
      evidence: JSON.stringify(flag.evidence),
      rule: flag.rule,
      raised_at: this.#deps.clock(),
    });
    this.#deps.events.append({
      type: 'fraud.flag_raised',
      operatorId,
      subject: caseId,
      payload: { flagId: id, ...flag },
    });
  }

  #refund(open: CaseRow, items: ItemRow[], openFlags: number, now: number): ReturnCaseView['refund'] {
    return recommended(this.#refundBasis(open, items, now), openFlags);
  }

  /**
   * What a case's refund is computed from, read from the database: everything but the count of
   * open flags, so closing a case reads it once for the two recommendations it makes (before
   * the fraud rules, which compare the refund with the order, and after their flags).
   */
  #refundBasis(open: CaseRow, items: ItemRow[], now: number): RefundBasis | null {
    if (!open.order_id) return null;
    const policy = this.#deps.policies.one('refund');
    const order = this.#q.order(open.order_id);
    if (!policy || !order) return null;
    const rmaLines = open.rma_id ? this.#rmaLines(open.rma_id) : [];
    const refundable: RefundItem[] = items
      .filter((i) => i.match === 'matched' || (i.match === 'extra' && !open.rma_id))
      .map((i) => {
        const product = this.#product(i.product_id);
        return {
          sku: product.sku,
          priceCents: i.value_cents,
          category: product.category,
          grade: i.grade ?? 'F',
          reason: i.reason ?? rmaLines.find((l) => l.lineNo === i.rma_line_no)?.reason ?? 'unexpected',
          returnWindowDays: product.return_window_days,
        };
      });
    return {
      policy,
      items: refundable,
      deliveredAt: this.#shippedAt(order.id) ?? order.placed_at,
      receivedAt: now,
      currency: items[0] ? this.#product(items[0].product_id).currency : 'EUR',
    };
  }

  #shippedAt(orderId: string): number | null {
    return this.#q.packedUnits(orderId)[0]?.completed_at ?? null;
  }

  #packedWeight(orderId: string): number | null {
    return this.#q.packedUnits(orderId)[0]?.weight_g ?? this.#q.order(orderId)?.packed_weight_g ?? null;
  }

  /** The serial a product left with in this order, skipping serials already matched in this case. */
  #expectedSerial(orderId: string, productId: string, items: ItemRow[]): string | null {
    const used = new Set(items.map((i) => i.expected_serial));
    const local = this.#q
      .packedUnits(orderId)
      .filter((u) => u.product_id === productId && u.serial)
      .map((u) => u.serial!);
    const cloud = this.#q
      .orderLines(orderId)
      .filter((l) => l.product_id === productId && l.serials)
      .flatMap((l) => JSON.parse(l.serials!) as string[]);
    return [...local, ...cloud].find((s) => !used.has(s)) ?? null;
  }

  #rubric(category: string): Rubric | null {
    const matches = this.#deps.policies.all('rubric').filter((r) => r.category === category);
    return matches.sort((a, b) => b.version - a.version)[0] ?? null;
  }

  #rubricOf(item: ItemRow): Rubric | null {
    if (!item.rubric_id || item.rubric_version === null) return null;
    return this.#deps.policies.exact('rubric', item.rubric_id, item.rubric_version);
  }

  #state(item: ItemRow): ReturnType<typeof walkRubric> | null {
    const rubric = this.#rubricOf(item);
    return rubric ? walkRubric(rubric, JSON.parse(item.answers) as Record<string, string>) : null;
  }

  #approval(open: CaseRow): Approval | null {
    const fresh = this.#q.caseById(open.id);
    return fresh?.approval ? (JSON.parse(fresh.approval) as Approval) : null;
  }

  #product(id: string) {
    const product = this.#q.product(id);
    if (!product) throw new BenchError('NOT_FOUND', `No product ${id}.`);
    return product;
  }

  #item(open: CaseRow, itemNo: number): ItemRow {
    const item = this.#q.items(open.id).find((i) => i.item_no === itemNo);
    if (!item) throw new BenchError('NOT_FOUND', `No item ${itemNo} in this case.`);
    return item;
  }

  #requireOpen(): CaseRow {
    const open = this.#q.openAt(this.#deps.stationId);
    if (!open)
      throw new BenchError(
        'NOT_FOUND',
        'No return case is open on this bench: scan an RMA, a tracking number or an order.',
      );
    return open;
  }

  #write<T>(fn: () => T): T {
    return this.#deps.db.transaction(fn).immediate();
  }

  /**
   * Tells the bench a case changed. The view is built and pushed after the scan's answer, on a
   * later turn of the event loop (once however many steps changed the case): building it reads
   * the items, lines, flags and timeline, and a scan's verdict must not wait for that (DESIGN.md's
   * 2 ms budget). The push reads the committed state then, so it is never older than the answer;
   * a write that rolled back pushes the state that stands.
   */
  #changed(caseId: string): void {
    this.#unpushed.delete(caseId);
    this.#unpushed.add(caseId);
    if (this.#unpushed.size === 1) setImmediate(() => this.#push());
  }

  #push(): void {
    const ids = [...this.#unpushed];
    this.#unpushed.clear();
    if (!this.#deps.db.open) return;
    for (const id of ids) {
      const row = this.#q.caseById(id);
      this.#deps.changed(row ? this.#view(row) : null);
    }
  }

  /** The case's view now, for a call that answers with it; pushed to the bench as well. */
  #shown(caseId: string): ReturnCaseView {
    this.#unpushed.delete(caseId);
    const view = this.#view(this.#q.caseById(caseId)!);
    this.#deps.changed(view);
    return view;
  }

  /** The RMA's lines with how many of each this case received. */
  #expected(rmaLines: RmaLine[], items: ItemRow[]): ReturnCaseView['expected'] {
    return rmaLines.map((l) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      received: items.filter((i) => i.rma_line_no === l.lineNo).length,
      reason: l.reason,
    }));
  }

  /** Every line is past its product's return window, counted in days since the order shipped. */
  #outsideWindow(orderId: string, rmaLines: RmaLineRef[]): boolean {
    const order = this.#q.order(orderId);
    if (!order || rmaLines.length === 0) return false;
    const days =
      Math.floor(this.#deps.clock() / 86_400_000) -
      Math.floor((this.#shippedAt(order.id) ?? order.placed_at) / 86_400_000);
    return rmaLines.every((l) => days > (this.#q.product(l.productId)?.return_window_days ?? 30));
  }

  #view(row: CaseRow): ReturnCaseView {
    const items = this.#q.items(row.id);
    const rma = row.rma_id ? this.#q.rma(row.rma_id) : null;
    const order = row.order_id ? this.#q.order(row.order_id) : null;
    const rmaLines = rma ? this.#q.rmaLines(rma.id) : [];
    const expected = this.#expected(rmaLines, items);
    const approval = row.approval ? (JSON.parse(row.approval) as Approval) : null;
    const itemViews = items.map((i) => this.#itemView(i));
    let prompt: ReturnCaseView['prompt'];
    if (row.status === 'closed') prompt = 'closed';
    else if (approval) prompt = approval.reason === null ? 'override_reason' : 'approval';
    else if (items.some((i) => i.status === 'awaiting_serial')) prompt = 'serial';
    else if (itemViews.some((i) => i.status === 'grading' && i.grading?.question === null)) prompt = 'photo';
    else if (items.some((i) => i.status === 'grading')) prompt = 'grade';
    else prompt = 'items';
    const outsideWindow = order !== null && this.#outsideWindow(order.id, rmaLines);
    const policy = this.#deps.policies.one('weight');
    const weight =
      row.weight_g !== null
        ? {
            grams: row.weight_g,
            packedGrams: row.packed_weight_g,
            outcome: row.weight_outcome,
            explanation:
              row.packed_weight_g !== null
                ? checkWeight(row.packed_weight_g, row.weight_g, policy?.tolerance ?? DEFAULT_WEIGHT_TOLERANCE)
                    .explanation
                : 'No outbound weight to compare with.',
          }
        : null;
    return {
      caseId: row.id,
      kind: row.kind,
      quarantined: row.quarantined === 1,
      status: row.status,
      foundBy: row.found_by,
      rmaNumber: rma?.number ?? null,
      orderNumber: order?.number ?? null,
      customerFirstName: order?.customer_id ? this.#q.customerName(order.customer_id) : null,
      requestedResolution: rma?.requested_resolution ?? null,
      expected,
      items: itemViews,
      prompt,
      approval: approval
        ? {
            itemNo: approval.itemNo,
            to: approval.to,
            reason: approval.reason,
            needsSupervisor: approval.needsSupervisor,
            supervisor: approval.supervisor,
          }
        : null,
      weight,
      outsideWindow,
      refund: row.refund ? (JSON.parse(row.refund) as ReturnCaseView['refund']) : null,
      flags: this.#q
        .flags(row.id)
        .map((f) => ({ id: f.id, type: f.type, severity: f.severity, explanation: f.explanation, status: f.status })),
      missing:
        row.status === 'closed'
          ? expected
              .filter((l) => l.received < l.quantity)
              .map((l) => ({ lineNo: l.lineNo, sku: l.sku, name: l.name, quantity: l.quantity - l.received }))
          : [],
      openedAt: row.opened_at,
      closedAt: row.closed_at,
      // A blind re-grade stays blind: the clerk is not told which items were sampled.
      timeline: this.#deps.events.timeline(row.id).filter((e) => e.type !== 'review.regrade_sampled'),
    };
  }

  #itemView(item: ItemRow): ReturnItemView {
    const product = this.#product(item.product_id);
    const rubric = this.#rubricOf(item);
    const state = rubric ? walkRubric(rubric, JSON.parse(item.answers) as Record<string, string>) : null;
    const question = state?.next ? rubric!.questions.find((q) => q.id === state.next)! : null;
    return {
      itemNo: item.item_no,
      productId: item.product_id,
      sku: product.sku,
      name: product.name,
      category: product.category,
      code: item.code,
      serial: item.serial,
      expectedSerial: item.expected_serial,
      serialMismatch: item.expected_serial !== null && item.serial !== null && item.expected_serial !== item.serial,
      match: item.match,
      reason: item.reason,
      valueCents: item.value_cents,
      status: item.status,
      grading:
        rubric && state
          ? {
              rubricId: rubric.id,
              version: rubric.version,
              question: question
                ? {
                    id: question.id,
                    text: question.text,
                    answers: question.answers.map((a) => ({ id: a.id, label: a.label, photo: a.photo ?? false })),
                  }
                : null,
              answered: state.path.map((s) => ({ questionId: s.questionId, answerId: s.answerId })),
              photosRequired: state.photosRequired,
              photos: JSON.parse(item.photos) as Record<string, string>,
            }
          : null,
      grade: item.grade,
      disposition:
        item.disposition && item.bin
          ? {
              action: item.disposition as Disposition,
              bin: item.bin,
              explanation: item.disposition_explanation ?? '',
              overrideReason: item.override_reason,
              approvedBy: item.approved_by,
            }
          : null,
    };
  }
}

/**
 * The flag of a second receipt of one return: `first` is the receipt the cloud applied first
 * (another station's case, learnt by sync), absent when only the order system's status says so.
 */
function duplicateReceiptFlag(number: string, rmaStatus: string | null, first: ReceiptRow | null): NewFlag {
  const where = first ? ` at ${first.station_name} (case ${first.case_id})` : ' elsewhere';
  return {
    type: 'duplicate_receipt',
    severity: 'high',
    score: 0.8,
    explanation: `RMA ${number} was already received${where}; this is a second receipt of the same return.`,
    evidence: {
      rma: number,
      rmaStatus,
      ...(first
        ? {
            firstReceipt: {
              stationId: first.station_id,
              stationLocalId: first.station_local_id,
              stationName: first.station_name,
              caseId: first.case_id,
              eventId: first.event_id,
              receivedAt: first.received_at,
            },
          }
        : {}),
    },
    rule: 'returns.duplicate_receipt@1',
  };
}

/** The flag that puts a return without an RMA in the supervisor's queue. */
function unexpectedFlag(quarantined: boolean, orderId: string | null, foundBy: string): NewFlag {
  return {
    type: quarantined ? 'quarantined_return' : 'unexpected_return',
    severity: 'low',
    score: 0.2,
    explanation: quarantined
      ? 'A parcel with no RMA and no known order: quarantined for a supervisor.'
      : 'A return without an authorised RMA.',
    evidence: { orderId, foundBy },
    rule: 'returns.unexpected@1',
  };
}

/** The refund recommended on a basis with this many flags open (none without a basis: no order or no policy). */
function recommended(basis: RefundBasis | null, openFlags: number): ReturnCaseView['refund'] {
  if (!basis) return null;
  const { policy, currency, ...input } = basis;
  return { ...recommendRefund(policy, { ...input, shippingPaidCents: 0, openFlags }), currency };
}

function good(message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('returns', 'good', message, params, code);
}

function bad(message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('returns', 'bad', message, params, code);
}

function info(message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('returns', 'info', message, params, code);
}

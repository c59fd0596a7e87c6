import type { MethodInput, MethodOutput } from '#shared/contract/index';
import type { ReviewCase } from '#shared/contract/review';
import type { Grade } from '#shared/policy/grades';
import type { Db } from '../db/connection';
import type { PolicyStore } from '../db/queries/policies';
import type { EventLog } from '../events/log';
import { BenchError } from '../util/errors';
import type { ReturnsService } from './returns';
import type { ActiveSession, SessionService } from './session';

type QueueInput = MethodInput<'review.queue'>;
type Queue = MethodOutput<'review.queue'>;

const UNRESOLVED = ['open', 'escalated', 'info_requested'];

/**
 * The supervisor's review, offline: the queue of flags, each case with its evidence side by side
 * (what left against what came back), decisions with reason codes — a second supervisor for
 * confirming fraud on a high-value case — and the blind re-grades that measure how consistently
 * graders grade. Every decision is an event; it syncs like the rest.
 */
export class ReviewService {
  readonly #db: Db;
  readonly #events: EventLog;
  readonly #policies: PolicyStore;
  readonly #session: SessionService;
  readonly #returns: ReturnsService;
  readonly #clock: () => number;

  constructor(deps: {
    db: Db;
    events: EventLog;
    policies: PolicyStore;
    session: SessionService;
    returns: ReturnsService;
    clock: () => number;
  }) {
    this.#db = deps.db;
    this.#events = deps.events;
    this.#policies = deps.policies;
    this.#session = deps.session;
    this.#returns = deps.returns;
    this.#clock = deps.clock;
  }

  /** Flags matching the filters, most severe and oldest first. */
  queue(input: QueueInput): Queue {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const status = input.status ?? 'open';
    if (status !== 'any') {
      where.push('f.status = ?');
      params.push(status);
    }
    if (input.severity) {
      where.push('f.severity = ?');
      params.push(input.severity);
    }
    if (input.type) {
      where.push('f.type = ?');
      params.push(input.type);
    }
    if (input.stationId) {
      where.push('c.station_id = ?');
      params.push(input.stationId);
    }
    if (input.olderThanHours !== undefined) {
      where.push('f.raised_at <= ?');
      params.push(this.#clock() - input.olderThanHours * 3_600_000);
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.#db
      .prepare<(string | number)[], { n: number }>(
        `SELECT count(*) AS n FROM fraud_flags f JOIN return_cases c ON c.id = f.case_id ${filter}`,
      )
      .get(...params)!.n;
    const rows = this.#db
      .prepare<(string | number)[], Queue['items'][number]>(
        `SELECT f.id AS flagId, f.case_id AS caseId, f.type, f.severity, f.score AS share, f.explanation, f.status, f.raised_at AS raisedAt,
                c.station_id AS stationId, r.number AS rmaNumber, o.number AS orderNumber, coalesce(v.value, 0) AS valueCents
           FROM fraud_flags f
           JOIN return_cases c ON c.id = f.case_id
           LEFT JOIN rmas r ON r.id = c.rma_id
           LEFT JOIN orders o ON o.id = c.order_id
           LEFT JOIN (SELECT case_id, sum(value_cents) AS value FROM return_items GROUP BY case_id) v ON v.case_id = c.id
           ${filter}
          ORDER BY CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, f.raised_at
          LIMIT ?`,
      )
      .all(...params, input.limit ?? 500);
    return { items: rows, total };
  }

  /** A case with everything a supervisor needs to decide. */
  case(caseId: string): ReviewCase {
    const db = this.#db;
    const c = db
      .prepare<
        [string],
        {
          id: string;
          status: 'open' | 'closed';
          kind: 'rma' | 'unexpected';
          station_id: string;
          clerk_id: string;
          rma_id: string | null;
          order_id: string | null;
          opened_at: number;
          weight_g: number | null;
          refund: string | null;
        }
      >(
        'SELECT id, status, kind, station_id, clerk_id, rma_id, order_id, opened_at, weight_g, refund FROM return_cases WHERE id = ?',
      )
      .get(caseId);
    if (!c) throw new BenchError('NOT_FOUND', `No case ${caseId}.`);
    const name = (id: string | null): string | null =>
      id
        ? (db.prepare<[string], { name: string }>('SELECT name FROM operators WHERE id = ?').get(id)?.name ?? id)
        : null;
    const rma = c.rma_id
      ? db.prepare<[string], { number: string }>('SELECT number FROM rmas WHERE id = ?').get(c.rma_id)
      : undefined;
    const order = c.order_id
      ? db
          .prepare<[string], { number: string; customer_id: string | null; packed_weight_g: number | null }>(
            'SELECT number, customer_id, packed_weight_g FROM orders WHERE id = ?',
          )
          .get(c.order_id)
      : undefined;
    const items = db
      .prepare<
        [string],
        {
          item_no: number;
          sku: string;
          name: string;
          serial: string | null;
          grade: Grade | null;
          match: string;
          photos: string;
          disposition: string | null;
          value_cents: number;
        }
      >(
        'SELECT i.item_no, p.sku, p.name, i.serial, i.grade, i.match, i.photos, i.disposition, i.value_cents FROM return_items i JOIN products p ON p.id = i.product_id WHERE i.case_id = ? ORDER BY i.item_no',
      )
      .all(caseId);
    const pkg = c.order_id
      ? db
          .prepare<[string], { id: string; completed_at: number | null; packer_id: string; weight_g: number | null }>(
            "SELECT id, completed_at, packer_id, weight_g FROM packages WHERE order_id = ? AND status = 'done' ORDER BY completed_at DESC LIMIT 1",
          )
          .get(c.order_id)
      : undefined;
    const outbound = pkg
      ? {
          packedAt: pkg.completed_at,
          packer: name(pkg.packer_id),
          weightG: pkg.weight_g,
          units: db
            .prepare<[string], { sku: string; name: string; serial: string | null }>(
              'SELECT p.sku, p.name, u.serial FROM package_units u JOIN products p ON p.id = u.product_id WHERE u.package_id = ? AND u.removed = 0 ORDER BY u.unit_no',
            )
            .all(pkg.id),
          source: 'bench' as const,
        }
      : c.order_id
        ? {
            packedAt: null,
            packer: null,
            weightG: order?.packed_weight_g ?? null,
            units: db
              .prepare<[string], { sku: string; name: string; quantity: number; serials: string | null }>(
                'SELECT p.sku, p.name, l.quantity, l.serials FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ? ORDER BY l.line_no',
              )
              .all(c.order_id)
              .flatMap((l) => {
                const serials = l.serials ? (JSON.parse(l.serials) as string[]) : [];
                return Array.from({ length: l.quantity }, (_, i) => ({
                  sku: l.sku,
                  name: l.name,
                  serial: serials[i] ?? null,
                }));
              }),
            source: 'order_system' as const,
          }
        : null;
    const customer = order?.customer_id
      ? db
          .prepare<
            [string],
            { first_name: string; orders_count: number; returns_count: number; returns_value_cents: number }
          >('SELECT first_name, orders_count, returns_count, returns_value_cents FROM customers WHERE id = ?')
          .get(order.customer_id)
      : undefined;
    const casesHere = order?.customer_id
      ? db
          .prepare<[string], { n: number }>(
            'SELECT count(*) AS n FROM return_cases c JOIN orders o ON o.id = c.order_id WHERE o.customer_id = ?',
          )
          .get(order.customer_id)!.n
      : 0;
    const flags = db
      .prepare<
        [string],
        {
          id: string;
          type: string;
          severity: 'low' | 'medium' | 'high';
          score: number;
          explanation: string;
          status: ReviewCase['flags'][number]['status'];
          raised_at: number;
          evidence: string;
          rule: string | null;
          decided_by: string | null;
          decision_reason: string | null;
          decision_note: string | null;
        }
      >('SELECT * FROM fraud_flags WHERE case_id = ? ORDER BY raised_at, id')
      .all(caseId);
    const value = items.reduce((s, i) => s + i.value_cents, 0);
    return {
      caseId: c.id,
      status: c.status,
      kind: c.kind,
      rmaNumber: rma?.number ?? null,
      orderNumber: order?.number ?? null,
      valueCents: value,
      flags: flags.map((f) => ({
        flagId: f.id,
        caseId: c.id,
        type: f.type,
        severity: f.severity,
        share: f.score,
        explanation: f.explanation,
        status: f.status,
        raisedAt: f.raised_at,
        stationId: c.station_id,
        rmaNumber: rma?.number ?? null,
        orderNumber: order?.number ?? null,
        valueCents: value,
        evidence: JSON.parse(f.evidence) as Record<string, unknown>,
        rule: f.rule,
        decidedBy: name(f.decided_by),
        decisionReason: f.decision_reason,
        decisionNote: f.decision_note,
      })),
      outbound,
      returned: {
        receivedAt: c.opened_at,
        clerk: name(c.clerk_id) ?? c.clerk_id,
        weightG: c.weight_g,
        items: items.map((i) => ({
          sku: i.sku,
          name: i.name,
          serial: i.serial,
          grade: i.grade,
          match: i.match,
          photos: Object.values(JSON.parse(i.photos) as Record<string, string>),
          disposition: i.disposition,
        })),
      },
      customer: customer
        ? {
            firstName: customer.first_name,
            ordersCount: customer.orders_count,
            returnsCount: customer.returns_count,
            returnsValueCents: customer.returns_value_cents,
            casesHere,
          }
        : null,
      refund: c.refund ? (JSON.parse(c.refund) as ReviewCase['refund']) : null,
      timeline: this.#events
        .ofSubject(caseId)
        .map((e) => ({ seq: e.seq, type: e.type, operatorId: e.operatorId, createdAt: e.createdAt, hash: e.hash })),
    };
  }

  /** Decides a flag, then lets the case's refund follow (held, released or denied). */
  async decide(active: ActiveSession, input: MethodInput<'review.decide'>): Promise<ReviewCase> {
    const flag = this.#db
      .prepare<[string], { id: string; case_id: string; status: string; type: string }>(
        'SELECT id, case_id, status, type FROM fraud_flags WHERE id = ?',
      )
      .get(input.flagId);
    if (!flag) throw new BenchError('NOT_FOUND', `No flag ${input.flagId}.`);
    if (!UNRESOLVED.includes(flag.status)) throw new BenchError('NOT_AVAILABLE', `The flag is already ${flag.status}.`);
    let second: string | null = null;
    if (input.decision === 'confirm') {
      const value = this.#db
        .prepare<[string], { v: number }>(
          'SELECT coalesce(sum(value_cents), 0) AS v FROM return_items WHERE case_id = ?',
        )
        .get(flag.case_id)!.v;
      const threshold = this.#policies.one('fraud')?.secondSupervisorAboveCents ?? Number.POSITIVE_INFINITY;
      if (value > threshold) {
        if (!input.second) {
          throw new BenchError(
            'FORBIDDEN',
            `Confirming fraud on a case worth ${(value / 100).toFixed(2)} needs a second supervisor's badge and PIN.`,
            { valueCents: value, thresholdCents: threshold },
          );
        }
        const other = await this.#session.verifyOperator(input.second.badge, input.second.pin);
        if (other.role !== 'supervisor') throw new BenchError('FORBIDDEN', `${other.name} is not a supervisor.`);
        if (other.id === active.operator.id)
          throw new BenchError('FORBIDDEN', 'The second supervisor must be another person.');
        second = other.id;
      }
    }
    const status = { clear: 'cleared', confirm: 'confirmed', escalate: 'escalated', request_info: 'info_requested' }[
      input.decision
    ];
    const now = this.#clock();
    this.#db
      .transaction(() => {
        this.#db
          .prepare(
            'UPDATE fraud_flags SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?, decision_note = ? WHERE id = ?',
          )
          .run(status, active.operator.id, now, input.reason, input.note ?? null, flag.id);
        this.#events.append({
          type: 'fraud.flag_decided',
          operatorId: active.operator.id,
          subject: flag.case_id,
          payload: {
            flagId: flag.id,
            flagType: flag.type,
            decision: input.decision,
            reason: input.reason,
            note: input.note ?? null,
            secondSupervisor: second,
          },
        });
      })
      .immediate();
    this.#returns.reassessRefund(active, flag.case_id);
    return this.case(flag.case_id);
  }

  /** Sampled items waiting for a blind re-grade: no first grade shown. */
  regrades(): MethodOutput<'review.regrades'> {
    return this.#db
      .prepare<
        [],
        { taskId: string; caseId: string; itemNo: number; sku: string; name: string; category: string; photos: string }
      >(
        `SELECT t.id AS taskId, t.case_id AS caseId, t.item_no AS itemNo, p.sku, p.name, p.category, i.photos
           FROM regrade_tasks t JOIN products p ON p.id = t.product_id JOIN return_items i ON i.case_id = t.case_id AND i.item_no = t.item_no
          WHERE t.status = 'pending' ORDER BY t.created_at LIMIT 200`,
      )
      .all()
      .map((row) => ({ ...row, photos: Object.values(JSON.parse(row.photos) as Record<string, string>) }));
  }

  regrade(active: ActiveSession, taskId: string, grade: Grade): MethodOutput<'review.regrade'> {
    const task = this.#db
      .prepare<
        [string],
        { id: string; case_id: string; item_no: number; original_grade: Grade; grader_id: string; status: string }
      >('SELECT * FROM regrade_tasks WHERE id = ?')
      .get(taskId);
    if (!task) throw new BenchError('NOT_FOUND', `No re-grade task ${taskId}.`);
    if (task.status !== 'pending') throw new BenchError('NOT_AVAILABLE', 'This item was re-graded already.');
    if (task.grader_id === active.operator.id)
      throw new BenchError('FORBIDDEN', 'A grader cannot re-grade their own item.');
    const agreed = grade === task.original_grade;
    this.#db
      .transaction(() => {
        this.#db
          .prepare(
            "UPDATE regrade_tasks SET status = 'done', regrade = ?, regraded_by = ?, regraded_at = ? WHERE id = ?",
          )
          .run(grade, active.operator.id, this.#clock(), taskId);
        this.#events.append({
          type: 'review.regraded',
          operatorId: active.operator.id,
          subject: task.case_id,
          payload: {
            taskId,
            itemNo: task.item_no,
            graderId: task.grader_id,
            original: task.original_grade,
            regrade: grade,
            agreed,
          },
        });
      })
      .immediate();
    return { agreed, originalGrade: task.original_grade };
  }

  consistency(): MethodOutput<'review.consistency'> {
    return this.#db
      .prepare<[], { graderId: string; grader: string | null; regraded: number; agreed: number }>(
        `SELECT t.grader_id AS graderId, o.name AS grader, count(*) AS regraded, sum(t.regrade = t.original_grade) AS agreed
           FROM regrade_tasks t LEFT JOIN operators o ON o.id = t.grader_id WHERE t.status = 'done' GROUP BY t.grader_id ORDER BY o.name`,
      )
      .all()
      .map((row) => ({
        graderId: row.graderId,
        grader: row.grader ?? row.graderId,
        regraded: row.regraded,
        agreed: row.agreed,
        rate: row.regraded > 0 ? row.agreed / row.regraded : 0,
      }));
  }
}

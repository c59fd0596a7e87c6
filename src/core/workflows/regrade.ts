import type { MethodOutput } from '#shared/contract/index';
import type { Grade } from '#shared/policy/grades';
import type { Db } from '../db/connection';
import type { EventLog } from '../events/log';
import { BenchError } from '../util/errors';
import type { ActiveSession } from './session';

type TaskRow = {
  id: string;
  case_id: string;
  item_no: number;
  original_grade: Grade;
  grader_id: string;
  status: string;
};

/**
 * Grader consistency: a share of graded items (the `regradePercent` setting, drawn by the
 * returns bench when an item is graded) waits for a supervisor's blind re-grade — the first grade
 * is never shown before the second is given — and the agreement rate per grader comes from them.
 * A supervisor never re-grades their own grading, so it is not offered to them.
 */
export class RegradeService {
  readonly #db: Db;
  readonly #events: EventLog;
  readonly #clock: () => number;
  readonly #q: ReturnType<typeof regradeQueries>;

  constructor(deps: { db: Db; events: EventLog; clock: () => number }) {
    this.#db = deps.db;
    this.#events = deps.events;
    this.#clock = deps.clock;
    this.#q = regradeQueries(deps.db);
  }

  /** Sampled items waiting for a blind re-grade by this supervisor: no first grade, no bin. */
  pending(active: ActiveSession): MethodOutput<'review.regrades'> {
    return this.#q.pending.all(active.operator.id).map((row) => ({
      ...row,
      photos: [...new Set(Object.values(JSON.parse(row.photos) as Record<string, string>))],
    }));
  }

  /** The blind grade; only now is the first grade told, with whether they agree. */
  regrade(active: ActiveSession, taskId: string, grade: Grade): MethodOutput<'review.regrade'> {
    const task = this.#q.task.get(taskId);
    if (!task) throw new BenchError('NOT_FOUND', `No re-grade task ${taskId}.`);
    if (task.status !== 'pending') throw new BenchError('NOT_AVAILABLE', 'This item was re-graded already.');
    if (task.grader_id === active.operator.id)
      throw new BenchError('FORBIDDEN', 'A grader cannot re-grade their own item.');
    const agreed = grade === task.original_grade;
    this.#db
      .transaction(() => {
        if (this.#q.finish.run(grade, active.operator.id, this.#clock(), taskId).changes !== 1)
          throw new BenchError('NOT_AVAILABLE', 'This item was re-graded already.');
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

  /** Agreement per grader: exact, and within one grade (B against C). */
  consistency(): MethodOutput<'review.consistency'> {
    return this.#q.consistency.all().map((row) => ({
      graderId: row.graderId,
      grader: row.grader ?? row.graderId,
      regraded: row.regraded,
      agreed: row.agreed,
      withinOne: row.withinOne,
      rate: row.regraded > 0 ? Math.round((row.agreed / row.regraded) * 1000) / 1000 : 0,
    }));
  }
}

function regradeQueries(db: Db) {
  return {
    pending: db.prepare<
      [string],
      {
        taskId: string;
        caseId: string;
        rmaNumber: string | null;
        itemNo: number;
        sku: string;
        name: string;
        category: string;
        photos: string;
        sampledAt: number;
      }
    >(
      `SELECT t.id AS taskId, t.case_id AS caseId, r.number AS rmaNumber, t.item_no AS itemNo, p.sku, p.name, p.category,
              i.photos, t.created_at AS sampledAt
         FROM regrade_tasks t
         JOIN products p ON p.id = t.product_id
         JOIN return_items i ON i.case_id = t.case_id AND i.item_no = t.item_no
         JOIN return_cases c ON c.id = t.case_id
         LEFT JOIN rmas r ON r.id = c.rma_id
        WHERE t.status = 'pending' AND t.grader_id <> ? ORDER BY t.created_at LIMIT 200`,
    ),
    task: db.prepare<[string], TaskRow>(
      'SELECT id, case_id, item_no, original_grade, grader_id, status FROM regrade_tasks WHERE id = ?',
    ),
    finish: db.prepare<[string, string, number, string]>(
      "UPDATE regrade_tasks SET status = 'done', regrade = ?, regraded_by = ?, regraded_at = ? WHERE id = ? AND status = 'pending'",
    ),
    consistency: db.prepare<
      [],
      { graderId: string; grader: string | null; regraded: number; agreed: number; withinOne: number }
    >(
      `SELECT t.grader_id AS graderId, o.name AS grader, count(*) AS regraded,
              sum(t.regrade = t.original_grade) AS agreed,
              sum(abs(instr('ABCDF', t.regrade) - instr('ABCDF', t.original_grade)) <= 1) AS withinOne
         FROM regrade_tasks t LEFT JOIN operators o ON o.id = t.grader_id
        WHERE t.status = 'done' GROUP BY t.grader_id ORDER BY o.name`,
    ),
  };
}

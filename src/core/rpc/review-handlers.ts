import type { analyticsMethods } from '#shared/contract/analytics';
import type { reviewMethods } from '#shared/contract/review';
import type { Db } from '../db/connection';
import type { EventLog } from '../events/log';
import type { PhotoStore } from '../photos';
import { BenchError } from '../util/errors';
import { analyticsCsv, computeAnalytics } from '../workflows/analytics';
import { exportEvidence } from '../workflows/evidence';
import type { FraudService } from '../workflows/fraud';
import type { RegradeService } from '../workflows/regrade';
import type { ReviewService } from '../workflows/review';
import type { ActiveSession, SessionService } from '../workflows/session';
import type { Handlers } from './dispatcher';

type ReviewMethod = keyof (typeof reviewMethods & typeof analyticsMethods);

/** The longest date range the figures are computed over at once. */
const MAX_RANGE_MS = 400 * 86_400_000;

/** Supervisor review, evidence bundles, re-evaluation, grader consistency and bench analytics. */
export function reviewHandlers(deps: {
  review: ReviewService;
  regrades: RegradeService;
  fraud: FraudService;
  session: SessionService;
  db: Db;
  events: EventLog;
  photos: PhotoStore;
  dataDir: string;
  stationId: string;
  stationName: string;
  clock: () => number;
}): Pick<Handlers, ReviewMethod> {
  const { review, regrades, session } = deps;
  const active = (): ActiveSession => {
    const current = session.active();
    if (!current) throw new BenchError('UNAUTHENTICATED', 'Log in first: scan your badge.');
    return current;
  };
  const range = (from: number, to: number): void => {
    if (to <= from) throw new BenchError('BAD_INPUT', 'The end of the range must come after its start.');
    if (to - from > MAX_RANGE_MS) throw new BenchError('BAD_INPUT', 'The range is at most 400 days.');
  };
  const stations = { [deps.stationId]: deps.stationName };
  return {
    'review.queue': (input) => review.queue(input),
    'review.case': ({ caseId }) => review.case(caseId),
    'review.decide': (input) => review.decide(active(), input),
    'review.requestSecond': (input) => review.requestSecond(active(), input),
    'review.cancelSecond': () => review.cancelSecond(),
    'review.photo': ({ sha256 }) => review.photo(sha256),
    'review.reevaluate': ({ caseIds }) => deps.fraud.reevaluate(caseIds ? { caseIds } : {}, active().operator.id),
    'review.bundle': async ({ caseId }) => {
      const operator = active();
      const bundle = await exportEvidence({
        ...deps,
        review: review.case(caseId),
        active: operator,
        now: deps.clock(),
      });
      deps.events.record({
        type: 'review.bundle_exported',
        operatorId: operator.operator.id,
        subject: caseId,
        payload: { directory: bundle.directory, files: bundle.files },
      });
      return {
        pdfBase64: bundle.pdf.toString('base64'),
        json: bundle.json,
        directory: bundle.directory,
        files: bundle.files,
      };
    },
    'review.regrades': () => regrades.pending(active()),
    'review.regrade': ({ taskId, grade }) => regrades.regrade(active(), taskId, grade),
    'review.consistency': () => regrades.consistency(),
    'analytics.summary': ({ from, to }) => {
      range(from, to);
      return computeAnalytics(deps.db, from, to, stations);
    },
    'analytics.csv': ({ from, to, table }) => {
      range(from, to);
      return {
        filename: `benchline-${table}-${new Date(from).toISOString().slice(0, 10)}-${new Date(to).toISOString().slice(0, 10)}.csv`,
        csv: analyticsCsv(computeAnalytics(deps.db, from, to, stations), table),
      };
    },
  };
}

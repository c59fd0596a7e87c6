import type { analyticsMethods } from '#shared/contract/analytics';
import type { reviewMethods } from '#shared/contract/review';
import type { Db } from '../db/connection';
import type { EventLog } from '../events/log';
import type { PhotoStore } from '../photos';
import { BenchError } from '../util/errors';
import { analyticsCsv, computeAnalytics } from '../workflows/analytics';
import { exportEvidence } from '../workflows/evidence';
import type { ReviewService } from '../workflows/review';
import type { ActiveSession, SessionService } from '../workflows/session';
import type { Handlers } from './dispatcher';

type ReviewMethod = keyof (typeof reviewMethods & typeof analyticsMethods);

/** Supervisor review, evidence bundles, grader consistency and bench analytics. */
export function reviewHandlers(deps: {
  review: ReviewService;
  session: SessionService;
  db: Db;
  events: EventLog;
  photos: PhotoStore;
  dataDir: string;
  stationName: string;
  clock: () => number;
}): Pick<Handlers, ReviewMethod> {
  const { review, session } = deps;
  const active = (): ActiveSession => {
    const current = session.active();
    if (!current) throw new BenchError('UNAUTHENTICATED', 'Log in first: scan your badge.');
    return current;
  };
  return {
    'review.queue': (input) => review.queue(input),
    'review.case': ({ caseId }) => review.case(caseId),
    'review.decide': (input) => review.decide(active(), input),
    'review.bundle': async ({ caseId }) => {
      const operator = active();
      const { pdf, json, directory } = await exportEvidence({
        ...deps,
        review: review.case(caseId),
        active: operator,
        now: deps.clock(),
      });
      deps.events.record({
        type: 'review.bundle_exported',
        operatorId: operator.operator.id,
        subject: caseId,
        payload: { directory },
      });
      return { pdfBase64: pdf.toString('base64'), json, directory };
    },
    'review.regrades': () => review.regrades(),
    'review.regrade': ({ taskId, grade }) => review.regrade(active(), taskId, grade),
    'review.consistency': () => review.consistency(),
    'analytics.summary': ({ from, to }) => computeAnalytics(deps.db, from, to),
    'analytics.csv': ({ from, to, table }) => ({
      filename: `benchline-${table}-${new Date(from).toISOString().slice(0, 10)}-${new Date(to).toISOString().slice(0, 10)}.csv`,
      csv: analyticsCsv(computeAnalytics(deps.db, from, to), table),
    }),
  };
}

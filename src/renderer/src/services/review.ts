import type { MethodInput } from '#shared/contract/index';
import type { AnalyticsTable } from '#shared/contract/analytics';
import { callCore } from './core';

/** The supervisor's review, re-grades and the bench figures, over window.bench. */
export const reviewService = {
  queue: (input: MethodInput<'review.queue'>) => callCore('review.queue', input),
  case: (caseId: string) => callCore('review.case', { caseId }),
  decide: (input: MethodInput<'review.decide'>) => callCore('review.decide', input),
  requestSecond: (input: MethodInput<'review.requestSecond'>) => callCore('review.requestSecond', input),
  cancelSecond: () => callCore('review.cancelSecond', {}),
  photo: (sha256: string) => callCore('review.photo', { sha256 }),
  reevaluate: () => callCore('review.reevaluate', {}),
  bundle: (caseId: string) => callCore('review.bundle', { caseId }),
  regrades: () => callCore('review.regrades', {}),
  regrade: (input: MethodInput<'review.regrade'>) => callCore('review.regrade', input),
  consistency: () => callCore('review.consistency', {}),
};

export const analyticsService = {
  summary: (from: number, to: number) => callCore('analytics.summary', { from, to }),
  csv: (from: number, to: number, table: AnalyticsTable) => callCore('analytics.csv', { from, to, table }),
};

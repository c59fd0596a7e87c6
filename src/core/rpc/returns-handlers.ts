import type { returnsMethods } from '#shared/contract/returns';
import { BenchError } from '../util/errors';
import type { ReturnsService } from '../workflows/returns';
import type { ActiveSession, SessionService } from '../workflows/session';
import type { Handlers } from './dispatcher';

type ReturnsMethod = keyof typeof returnsMethods;

/** The returns bench methods. Scans reach the same service through scan.submit. */
export function returnsHandlers(deps: {
  returns: ReturnsService;
  session: SessionService;
}): Pick<Handlers, ReturnsMethod> {
  const { returns, session } = deps;
  const active = (): ActiveSession => {
    const current = session.active();
    if (!current) throw new BenchError('UNAUTHENTICATED', 'Log in first: scan your badge.');
    return current;
  };
  return {
    'returns.current': () => returns.current(),
    'returns.unexpected': () => returns.unexpected(active()),
    'returns.answer': ({ itemNo, questionId, answerId }) => returns.answer(active(), itemNo, questionId, answerId),
    'returns.photo': ({ itemNo, questionId, base64 }) => returns.photo(active(), itemNo, questionId, base64),
    'returns.override': ({ itemNo, to, reason }) => returns.override(active(), itemNo, to, reason),
    'returns.approve': ({ badge, pin }) => returns.approve(active(), badge, pin),
    'returns.weight': ({ grams, source }) => returns.weigh(active(), grams, source),
    'returns.search': ({ query }) => returns.search(query),
    'returns.addItem': ({ productId }) => returns.addItem(active(), productId),
    'returns.close': () => returns.close(active()),
  };
}

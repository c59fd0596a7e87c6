import type { packMethods, qcMethods } from '#shared/contract/pack';
import { BenchError } from '../util/errors';
import type { PackService } from '../workflows/pack';
import type { QcService } from '../workflows/qc';
import type { ActiveSession, SessionService } from '../workflows/session';
import type { Handlers } from './dispatcher';

type PackingMethod = keyof (typeof packMethods & typeof qcMethods);

/** The packing bench and outbound QC methods. Scans reach the same services through scan.submit. */
export function packingHandlers(deps: {
  pack: PackService;
  qc: QcService;
  session: SessionService;
}): Pick<Handlers, PackingMethod> {
  const { pack, qc, session } = deps;
  const active = (): ActiveSession => {
    const current = session.active();
    if (!current) throw new BenchError('UNAUTHENTICATED', 'Log in first: scan your badge.');
    return current;
  };
  return {
    'pack.current': () => pack.current(),
    'pack.recalls': () => pack.recalls(),
    'pack.weight': ({ grams, source }) => pack.weigh(active(), grams, source),
    'pack.done': () => pack.done(active()),
    'pack.undo': () => pack.undo(active()),
    'pack.cancel': ({ reason }) => pack.cancel(active(), reason),
    'qc.current': () => qc.current(),
    'qc.answer': ({ stepId, answer }) => qc.answer(active(), stepId, answer),
    'qc.photo': ({ base64 }) => qc.photo(base64),
    'qc.defect': ({ code, severity, note, photoSha256 }) =>
      qc.defect(active(), code, severity, note ?? null, photoSha256 ?? null),
    'qc.holds': () => qc.holds(),
    'qc.defectCodes': () => qc.defectCodes(),
  };
}

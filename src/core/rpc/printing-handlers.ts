import type { printingMethods } from '#shared/contract/printing';
import type { PrintService } from '../printing/service';
import { BenchError } from '../util/errors';
import type { ActiveSession, SessionService } from '../workflows/session';
import type { Handlers } from './dispatcher';

type PrintingMethod = keyof typeof printingMethods;

/** Print history, previews, reprints and retries; printers and label settings. */
export function printingHandlers(deps: {
  printing: PrintService;
  session: SessionService;
}): Pick<Handlers, PrintingMethod> {
  const { printing, session } = deps;
  const active = (): ActiveSession => {
    const current = session.active();
    if (!current) throw new BenchError('UNAUTHENTICATED', 'Log in first: scan your badge.');
    return current;
  };
  return {
    'print.jobs': ({ limit, status, bench }) => printing.jobs(limit, status ?? null, bench ?? null),
    'print.preview': ({ jobId, page, dpi }) => printing.preview(jobId, page ?? 0, dpi ?? null),
    'print.document': ({ jobId, as }) => printing.document(jobId, as ?? 'original'),
    'print.reprint': ({ jobId }) => printing.reprint(active(), jobId),
    'print.reprintLast': () => printing.reprintLast(active()),
    'print.retry': ({ jobId }) => printing.retry(active(), jobId),
    'print.returnLabel': ({ caseId }) => printing.returnLabel(active(), caseId),
    'print.badge': ({ operatorId }) => printing.badge(active(), operatorId),
    'print.commandSheet': ({ media }) => printing.commandSheet(active(), media ?? null),
    'printers.list': () => printing.printers(),
    'printers.discover': () => printing.discover(),
    'printers.save': (input, ctx) => printing.savePrinter(ctx.operator?.id ?? null, input),
    'printers.remove': ({ id }, ctx) => ({ removed: printing.removePrinter(ctx.operator?.id ?? null, id) }),
    'printers.assign': (input, ctx) => printing.assign(ctx.operator?.id ?? null, input),
    'printers.config': (patch, ctx) => printing.setConfig(ctx.operator?.id ?? null, patch),
    'printers.test': ({ labelType }) => printing.test(active(), labelType),
  };
}

import type { MethodInput } from '#shared/contract/index';
import { callCore } from './core';

/** Print history, previews, reprints and retries. */
export const printService = {
  jobs: (input: MethodInput<'print.jobs'>) => callCore('print.jobs', input),
  preview: (jobId: string, page: number) => callCore('print.preview', { jobId, page }),
  document: (jobId: string, as: 'original' | 'pdf') => callCore('print.document', { jobId, as }),
  reprint: (jobId: string) => callCore('print.reprint', { jobId }),
  reprintLast: () => callCore('print.reprintLast', {}),
  retry: (jobId: string) => callCore('print.retry', { jobId }),
  returnLabel: (caseId: string) => callCore('print.returnLabel', { caseId }),
  badge: (operatorId: string) => callCore('print.badge', { operatorId }),
  commandSheet: (media: 'letter' | 'a4') => callCore('print.commandSheet', { media }),
};

/** Settings → Printers (supervisor). */
export const printerService = {
  list: () => callCore('printers.list', {}),
  discover: () => callCore('printers.discover', {}),
  save: (input: MethodInput<'printers.save'>) => callCore('printers.save', input),
  remove: (id: string) => callCore('printers.remove', { id }),
  assign: (input: MethodInput<'printers.assign'>) => callCore('printers.assign', input),
  config: (input: MethodInput<'printers.config'>) => callCore('printers.config', input),
  test: (labelType: MethodInput<'printers.test'>['labelType']) => callCore('printers.test', { labelType }),
};

/** Hands a document from the core to the browser as a download (web mode) or a file (app). */
export function saveDocument(document: { filename: string; contentType: string; base64: string }): void {
  const bytes = Uint8Array.from(atob(document.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: document.contentType }));
  const link = window.document.createElement('a');
  link.href = url;
  link.download = document.filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

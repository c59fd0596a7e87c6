import type { ScanInput } from '#shared/contract/scan';
import { callCore } from './core';

export const scanService = {
  submit: (code: string, source: ScanInput['source'], symbology?: string | null) =>
    callCore('scan.submit', { code, source, ...(symbology ? { symbology } : {}) }),
};

import type { ScanInput } from '#shared/contract/scan';
import { callCore } from './core';

export const scanService = {
  submit: (code: string, source: ScanInput['source']) => callCore('scan.submit', { code, source }),
};

import type { MethodInput } from '#shared/contract/index';
import { callCore } from './core';

export const packService = {
  current: () => callCore('pack.current', {}),
  recalls: () => callCore('pack.recalls', {}),
  weigh: (grams: number, source: 'scale' | 'manual') => callCore('pack.weight', { grams, source }),
  done: () => callCore('pack.done', {}),
  undo: () => callCore('pack.undo', {}),
  cancel: (reason: string) => callCore('pack.cancel', { reason }),
};

export const qcService = {
  current: () => callCore('qc.current', {}),
  answer: (input: MethodInput<'qc.answer'>) => callCore('qc.answer', input),
  photo: (base64: string) => callCore('qc.photo', { base64 }),
  defect: (input: MethodInput<'qc.defect'>) => callCore('qc.defect', input),
  holds: () => callCore('qc.holds', {}),
  defectCodes: () => callCore('qc.defectCodes', {}),
};

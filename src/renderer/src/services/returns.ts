import type { MethodInput } from '#shared/contract/index';
import { callCore } from './core';

export const returnsService = {
  current: () => callCore('returns.current', {}),
  unexpected: () => callCore('returns.unexpected', {}),
  answer: (input: MethodInput<'returns.answer'>) => callCore('returns.answer', input),
  photo: (input: MethodInput<'returns.photo'>) => callCore('returns.photo', input),
  override: (input: MethodInput<'returns.override'>) => callCore('returns.override', input),
  approve: (badge: string, pin: string) => callCore('returns.approve', { badge, pin }),
  weigh: (grams: number) => callCore('returns.weight', { grams, source: 'manual' }),
  search: (query: string) => callCore('returns.search', { query }),
  addItem: (productId: string) => callCore('returns.addItem', { productId }),
  close: () => callCore('returns.close', {}),
};

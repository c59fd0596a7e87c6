import { create } from 'zustand';
import type { BenchErrorShape, Result } from '#shared/contract/errors';
import type { MethodInput, MethodOutput } from '#shared/contract/index';
import type { ReturnCaseView } from '#shared/contract/returns';
import { returnsService } from '../services/returns';

type Found = MethodOutput<'returns.search'>;

type ReturnsState = {
  view: ReturnCaseView | null;
  error: BenchErrorShape | null;
  found: Found;
  load: () => Promise<void>;
  changed: (view: ReturnCaseView | null) => void;
  answer: (input: MethodInput<'returns.answer'>) => Promise<void>;
  photo: (input: MethodInput<'returns.photo'>) => Promise<void>;
  override: (input: MethodInput<'returns.override'>) => Promise<void>;
  approve: (badge: string, pin: string) => Promise<void>;
  weigh: (grams: number) => Promise<void>;
  search: (query: string) => Promise<void>;
  addItem: (productId: string) => Promise<void>;
  close: () => Promise<void>;
};

/** The return case on this bench; the core pushes every change. */
export const useReturnsStore = create<ReturnsState>()((set) => {
  const apply = (result: Result<ReturnCaseView | null>): void => {
    if (result.ok) set({ view: result.value, error: null });
    else set({ error: result.error });
  };
  return {
    view: null,
    error: null,
    found: [],
    load: async () => apply(await returnsService.current()),
    changed: (view) => set({ view }),
    answer: async (input) => apply(await returnsService.answer(input)),
    photo: async (input) => apply(await returnsService.photo(input)),
    override: async (input) => apply(await returnsService.override(input)),
    approve: async (badge, pin) => apply(await returnsService.approve(badge, pin)),
    weigh: async (grams) => apply(await returnsService.weigh(grams)),
    search: async (query) => {
      const result = await returnsService.search(query);
      if (result.ok) set({ found: result.value, error: null });
      else set({ error: result.error });
    },
    addItem: async (productId) => {
      apply(await returnsService.addItem(productId));
      set({ found: [] });
    },
    close: async () => apply(await returnsService.close()),
  };
});

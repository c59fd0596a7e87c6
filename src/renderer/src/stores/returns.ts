import { create } from 'zustand';
import type { BenchErrorShape, Result } from '#shared/contract/errors';
import type { MethodInput, MethodOutput } from '#shared/contract/index';
import type { ReturnCaseView } from '#shared/contract/returns';
import { returnsService } from '../services/returns';
import { PushedViews } from './pushed';

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
  const pushes = new PushedViews();
  const apply = (call: Promise<Result<ReturnCaseView | null>>): Promise<void> =>
    pushes.show(
      call,
      () => returnsService.current(),
      (view) => set({ view, error: null }),
      (error) => set({ error }),
    );
  return {
    view: null,
    error: null,
    found: [],
    load: () => apply(returnsService.current()),
    changed: (view) => {
      pushes.pushed();
      set({ view });
    },
    answer: (input) => apply(returnsService.answer(input)),
    photo: (input) => apply(returnsService.photo(input)),
    override: (input) => apply(returnsService.override(input)),
    approve: (badge, pin) => apply(returnsService.approve(badge, pin)),
    weigh: (grams) => apply(returnsService.weigh(grams)),
    search: async (query) => {
      const result = await returnsService.search(query);
      if (result.ok) set({ found: result.value, error: null });
      else set({ error: result.error });
    },
    addItem: async (productId) => {
      await apply(returnsService.addItem(productId));
      set({ found: [] });
    },
    close: () => apply(returnsService.close()),
  };
});

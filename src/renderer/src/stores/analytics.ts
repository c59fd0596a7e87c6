import { create } from 'zustand';
import type { Analytics, AnalyticsTable } from '#shared/contract/analytics';
import type { BenchErrorShape } from '#shared/contract/errors';
import { saveFile } from '../download';
import { analyticsService } from '../services/review';

const DAY = 86_400_000;

/** Midnight (local time) of the day a time falls in. */
export function startOfDay(ms: number): number {
  const date = new Date(ms);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

type AnalyticsState = {
  /** The range, as whole local days: from the start of `from` to the end of `to`. */
  from: number;
  to: number;
  data: Analytics | null;
  error: BenchErrorShape | null;
  setRange: (from: number, to: number) => void;
  /** The last `days` days, today included. */
  lastDays: (days: number) => void;
  load: () => Promise<void>;
  exportCsv: (table: AnalyticsTable) => Promise<void>;
};

/** The bench figures over a date range, computed by the core from this station's records. */
export const useAnalyticsStore = create<AnalyticsState>()((set, get) => ({
  from: startOfDay(Date.now()) - 6 * DAY,
  to: startOfDay(Date.now()),
  data: null,
  error: null,
  setRange: (from, to) => {
    set({ from: startOfDay(Math.min(from, to)), to: startOfDay(Math.max(from, to)) });
    void get().load();
  },
  lastDays: (days) => get().setRange(startOfDay(Date.now()) - (days - 1) * DAY, Date.now()),
  load: async () => {
    const { from, to } = get();
    const result = await analyticsService.summary(from, to + DAY);
    if (result.ok) set({ data: result.value, error: null });
    else set({ error: result.error });
  },
  exportCsv: async (table) => {
    const { from, to } = get();
    const result = await analyticsService.csv(from, to + DAY, table);
    if (!result.ok) {
      set({ error: result.error });
      return;
    }
    saveFile(result.value.filename, { text: result.value.csv }, 'text/csv');
  },
}));

import { create } from 'zustand';
import type { BenchErrorShape } from '#shared/contract/errors';
import type { SyncView } from '#shared/contract/sync';
import { syncService } from '../services/sync';

type SyncState = {
  view: SyncView | null;
  error: BenchErrorShape | null;
  busy: boolean;
  load: () => Promise<void>;
  changed: (view: SyncView) => void;
  syncNow: () => Promise<void>;
  /** True when the station was enrolled. */
  enrol: (url: string, code: string) => Promise<boolean>;
};

/** Sync with the cloud as the Sync screen shows it; the core pushes every change. */
export const useSyncStore = create<SyncState>()((set) => ({
  view: null,
  error: null,
  busy: false,
  load: async () => {
    const result = await syncService.status();
    if (result.ok) set({ view: result.value, error: null });
    else set({ error: result.error });
  },
  changed: (view) => set({ view }),
  syncNow: async () => {
    const result = await syncService.now();
    if (result.ok) set({ view: result.value, error: null });
    else set({ error: result.error });
  },
  enrol: async (url, code) => {
    set({ busy: true });
    const result = await syncService.enrol(url, code);
    if (result.ok) set({ view: result.value, error: null, busy: false });
    else set({ error: result.error, busy: false });
    return result.ok;
  },
}));

import { create } from 'zustand';
import type { BenchErrorShape } from '#shared/contract/errors';
import type { SyncView } from '#shared/contract/sync';
import { syncService } from '../services/sync';
import { PushedViews } from './pushed';

const pushes = new PushedViews();

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
export const useSyncStore = create<SyncState>()((set, get) => ({
  view: null,
  error: null,
  busy: false,
  load: async () => {
    const { result, overtaken } = await pushes.answer(syncService.status());
    if (!result.ok) set({ error: result.error });
    else if (overtaken) await get().load();
    else set({ view: result.value, error: null });
  },
  changed: (view) => {
    pushes.pushed();
    set({ view });
  },
  syncNow: async () => {
    const { result, overtaken } = await pushes.answer(syncService.now());
    if (!result.ok) set({ error: result.error });
    else if (overtaken) await get().load();
    else set({ view: result.value, error: null });
  },
  enrol: async (url, code) => {
    set({ busy: true });
    const result = await syncService.enrol(url, code);
    if (result.ok) set({ view: result.value, error: null, busy: false });
    else set({ error: result.error, busy: false });
    return result.ok;
  },
}));

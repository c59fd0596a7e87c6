import { create } from 'zustand';
import type { Verdict } from '#shared/contract/scan';
import type { BenchErrorShape } from '#shared/contract/errors';
import { scanService } from '../services/scan';
import { playTone } from '../sound';
import { useNavStore } from './nav';
import { useStationStore } from './station';

type ScanState = {
  last: Verdict | null;
  lastError: BenchErrorShape | null;
  /** Increments with every verdict, so the flash restarts even for two equal verdicts. */
  flashId: number;
  flashTone: Verdict['tone'] | null;
  submit: (code: string, source: 'wedge' | 'camera' | 'manual') => Promise<Verdict | null>;
  verdict: (verdict: Verdict) => void;
};

/** The last scan and its verdict, with the sound and flash that tell the operator. */
export const useScanStore = create<ScanState>()((set, get) => ({
  last: null,
  lastError: null,
  flashId: 0,
  flashTone: null,
  submit: async (code, source) => {
    const result = await scanService.submit(code, source);
    if (!result.ok) {
      set((state) => ({ lastError: result.error, flashId: state.flashId + 1, flashTone: 'bad' }));
      signal('bad');
      return null;
    }
    get().verdict(result.value);
    return result.value;
  },
  verdict: (verdict) => {
    set((state) => ({ last: verdict, lastError: null, flashId: state.flashId + 1, flashTone: verdict.tone }));
    signal(verdict.tone);
    if (verdict.navigate) useNavStore.getState().follow(verdict.navigate === 'home' ? null : verdict.navigate);
  },
}));

function signal(tone: Verdict['tone']): void {
  if (useStationStore.getState().status?.settings?.sounds ?? true) playTone(tone);
}

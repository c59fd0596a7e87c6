import { create } from 'zustand';
import type { ScanInput, Verdict } from '#shared/contract/scan';
import type { BenchErrorShape } from '#shared/contract/errors';
import { scanService } from '../services/scan';
import { playTone } from '../sound';
import { useNavStore } from './nav';
import { useStationStore } from './station';

/** How many scans the history panel keeps. */
export const HISTORY_LENGTH = 20;

/** One scan in the history panel: what was read, from where, and what the core said. */
export type ScanHistoryEntry = {
  id: number;
  at: number;
  source: ScanInput['source'] | 'other';
  symbology: string | null;
  verdict: Verdict | null;
  error: BenchErrorShape | null;
};

type ScanState = {
  last: Verdict | null;
  lastError: BenchErrorShape | null;
  /** Increments with every verdict, so the flash restarts even for two equal verdicts. */
  flashId: number;
  flashTone: Verdict['tone'] | null;
  /** The last scans, newest first. */
  history: ScanHistoryEntry[];
  submit: (code: string, source: ScanInput['source'], symbology?: string | null) => Promise<Verdict | null>;
  /** A verdict the core pushed (an HID scan, another window). */
  verdict: (verdict: Verdict, source?: ScanHistoryEntry['source'], symbology?: string | null) => void;
};

let nextHistoryId = 1;

/** The last scan and its verdict, with the sound and flash that tell the operator, and the history. */
export const useScanStore = create<ScanState>()((set, get) => ({
  last: null,
  lastError: null,
  flashId: 0,
  flashTone: null,
  history: [],
  submit: async (code, source, symbology = null) => {
    const result = await scanService.submit(code, source, symbology);
    if (!result.ok) {
      set((state) => ({
        lastError: result.error,
        flashId: state.flashId + 1,
        flashTone: 'bad',
        history: remember(state.history, {
          source,
          symbology,
          verdict: null,
          error: { ...result.error, details: { ...result.error.details, code } },
        }),
      }));
      signal('bad');
      return null;
    }
    get().verdict(result.value, source, symbology);
    return result.value;
  },
  verdict: (verdict, source = 'other', symbology = null) => {
    set((state) => ({
      last: verdict,
      lastError: null,
      flashId: state.flashId + 1,
      flashTone: verdict.tone,
      history: remember(state.history, { source, symbology, verdict, error: null }),
    }));
    signal(verdict.tone);
    if (verdict.navigate) useNavStore.getState().follow(verdict.navigate === 'home' ? null : verdict.navigate);
  },
}));

function remember(history: ScanHistoryEntry[], entry: Omit<ScanHistoryEntry, 'id' | 'at'>): ScanHistoryEntry[] {
  return [{ ...entry, id: nextHistoryId++, at: Date.now() }, ...history].slice(0, HISTORY_LENGTH);
}

function signal(tone: Verdict['tone']): void {
  if (useStationStore.getState().status?.settings?.sounds ?? true) playTone(tone);
}

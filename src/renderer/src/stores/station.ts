import { create } from 'zustand';
import type { Status } from '#shared/contract/app';
import type { BenchErrorShape } from '#shared/contract/errors';
import type { Settings } from '#shared/domain/settings';
import { stationService } from '../services/station';

type LinkState = 'connecting' | 'open' | 'closed';

type StationState = {
  link: LinkState;
  coreStartedAt: number | null;
  status: Status | null;
  loadError: BenchErrorShape | null;
  setLink: (link: LinkState, coreStartedAt: number | null) => void;
  load: () => Promise<void>;
  settingsChanged: (settings: Settings) => void;
  statusChanged: (status: Status) => void;
};

/** The station: link to the core, station identity, settings, sync and device state. */
export const useStationStore = create<StationState>()((set) => ({
  link: 'connecting',
  coreStartedAt: null,
  status: null,
  loadError: null,
  setLink: (link, coreStartedAt) => set({ link, coreStartedAt }),
  load: async () => {
    const result = await stationService.status();
    if (result.ok) set({ status: result.value, loadError: null });
    else set({ loadError: result.error });
  },
  settingsChanged: (settings) => set((state) => (state.status ? { status: { ...state.status, settings } } : {})),
  statusChanged: (status) => set({ status }),
}));

export const stationSelectors = {
  settings: (state: StationState) => state.status?.settings ?? null,
  ready: (state: StationState) => state.link === 'open' && state.status !== null,
};

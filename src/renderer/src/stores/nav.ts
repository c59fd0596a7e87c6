import { create } from 'zustand';
import type { Bench } from '#shared/domain/roles';

export type Screen = Bench | 'home';

type NavState = { screen: Screen; go: (screen: Screen) => void };

/** Which bench the operator is on. The core decides what the role may do; this only shows. */
export const useNavStore = create<NavState>()((set) => ({
  screen: 'home',
  go: (screen) => set({ screen }),
}));

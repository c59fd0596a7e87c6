import { create } from 'zustand';
import type { Bench } from '#shared/domain/roles';
import { sessionService } from '../services/session';

export type Screen = Bench | 'home';

type NavState = {
  screen: Screen;
  /** The operator goes to a bench: the core records it (scans are routed by it) and may refuse. */
  go: (screen: Screen) => void;
  /** The core says where the operator is (session changes, command barcodes). */
  follow: (bench: Bench | null) => void;
};

/** Which bench is shown. The core owns the answer; this shows it at once and follows the core. */
export const useNavStore = create<NavState>()((set) => ({
  screen: 'home',
  go: (screen) => {
    set({ screen });
    void sessionService.bench(screen === 'home' ? null : screen);
  },
  follow: (bench) => set({ screen: bench ?? 'home' }),
}));

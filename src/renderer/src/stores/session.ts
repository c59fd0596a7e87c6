import { create } from 'zustand';
import type { SessionView } from '#shared/contract/common';
import type { BenchErrorShape, Result } from '#shared/contract/errors';
import { sessionService } from '../services/session';
import { useNavStore } from './nav';

type SessionState = {
  session: SessionView | null;
  /** The last failed login or unlock, shown on the login and lock screens. */
  error: BenchErrorShape | null;
  busy: boolean;
  sessionChanged: (session: SessionView) => void;
  refresh: () => Promise<void>;
  identify: (badge: string) => Promise<void>;
  pin: (pin: string) => Promise<void>;
  cancel: () => Promise<void>;
  unlock: (pin: string) => Promise<void>;
  lock: () => Promise<void>;
  logout: () => Promise<void>;
  clearError: () => void;
};

/** The station session as the core reports it; the core pushes every change. */
export const useSessionStore = create<SessionState>()((set, get) => {
  const run = async (action: () => Promise<Result<unknown>>): Promise<void> => {
    set({ busy: true, error: null });
    const result = await action();
    set({ busy: false, error: result.ok ? null : result.error });
    if (result.ok && isSession(result.value)) get().sessionChanged(result.value);
  };
  return {
    session: null,
    error: null,
    busy: false,
    sessionChanged: (session) => {
      useNavStore.getState().follow(session.bench);
      set({ session });
    },
    refresh: async () => {
      const result = await sessionService.current();
      if (result.ok) get().sessionChanged(result.value);
    },
    identify: (badge) => run(() => sessionService.identify(badge)),
    pin: (pin) => run(() => sessionService.pin(pin)),
    cancel: () => run(() => sessionService.cancel()),
    unlock: (pin) => run(() => sessionService.unlock(pin)),
    lock: () => run(() => sessionService.lock()),
    logout: () => run(() => sessionService.logout()),
    clearError: () => set({ error: null }),
  };
});

function isSession(value: unknown): value is SessionView {
  return typeof value === 'object' && value !== null && 'benches' in value && 'locked' in value;
}

import type { Bench } from '#shared/domain/roles';
import { callCore } from './core';

export const sessionService = {
  current: () => callCore('session.current', {}),
  identify: (badge: string) => callCore('auth.identify', { badge }),
  pin: (pin: string) => callCore('auth.pin', { pin }),
  cancel: () => callCore('auth.cancel', {}),
  logout: () => callCore('auth.logout', {}),
  lock: () => callCore('session.lock', {}),
  unlock: (pin: string) => callCore('session.unlock', { pin }),
  touch: () => callCore('session.touch', {}),
  bench: (bench: Bench | null) => callCore('session.bench', { bench }),
};

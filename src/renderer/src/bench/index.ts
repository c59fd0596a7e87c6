import type { BenchApi } from '#shared/rpc/client';
import { createWebBench } from './web';

declare global {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- augmenting Window needs an interface
  interface Window {
    /** Set by the Electron preload; created here in web mode. */
    bench?: BenchApi;
  }
}

/**
 * The bridge to the core: the preload's in Electron, a WebSocket client in web mode. Only the
 * service modules use it; components never do.
 */
export function installBench(): BenchApi {
  if (!window.bench) {
    window.bench = createWebBench(window.location, window.sessionStorage);
  }
  return window.bench;
}

export function bench(): BenchApi {
  if (!window.bench) throw new Error('installBench() must run first');
  return window.bench;
}

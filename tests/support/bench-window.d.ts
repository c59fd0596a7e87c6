import type { BenchApi } from '#shared/rpc/client';

declare global {
  // The page's bridge to the core, as tests reach it through page.evaluate.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface Window {
    bench?: BenchApi;
  }
}

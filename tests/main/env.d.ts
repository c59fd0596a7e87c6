/**
 * Replaced at build time (electron-vite) and by vitest's `define`; declared here because the
 * tools project type-checks src/main/index.ts, which reads it, without src/main/env.d.ts.
 */
declare const __APP_VERSION__: string;

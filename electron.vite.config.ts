import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const pkg = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as { version: string };
const define = { __APP_VERSION__: JSON.stringify(pkg.version) };

export default defineConfig({
  main: {
    define,
    build: {
      // The core entries also run under plain Node 20 (web mode); Electron 45 embeds Node 22.
      target: 'node20',
      // Four entries: main, the core for utilityProcess, the core for web mode, and the reference
      // cloud service (`npm run cloud`, plain Node). Main imports no core or cloud module, so the
      // only chunks they may share are of `shared`.
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          core: resolve(__dirname, 'src/core/hosts/electron.ts'),
          standalone: resolve(__dirname, 'src/core/hosts/standalone.ts'),
          cloud: resolve(__dirname, 'src/cloud/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require anything but `electron`: bundle everything into it.
      externalizeDeps: false,
      rolldownOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    define,
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rolldownOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
});

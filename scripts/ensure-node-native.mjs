// Makes sure better-sqlite3 is built for this Node, not for Electron.
//
// `npm start` rebuilds native modules for Electron's ABI (electron-builder install-app-deps);
// after that, plain Node (tests, web mode, benchmarks) cannot load them. This script loads the
// module in a child Node process and, if the ABI does not match, rebuilds it from source for
// this Node (offline: node-gyp uses the local Node headers).
import { spawnSync } from 'node:child_process';

const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
  encoding: 'utf8',
});
if (probe.status === 0) process.exit(0);

const reason =
  (probe.stderr || '').split('\n').find((line) => line.includes('NODE_MODULE_VERSION') || line.includes('bindings')) ??
  probe.stderr;
process.stdout.write(
  `better-sqlite3 does not load in Node ${process.version} (${reason.trim()}); rebuilding it for Node…\n`,
);
const rebuild = spawnSync('npm', ['rebuild', 'better-sqlite3'], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
process.exit(rebuild.status ?? 1);

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Core } from '../app';
import { SystemPrinterRelay } from '../printing/system-relay';
import { createLogger } from '../util/log';

/**
 * The core as an Electron utilityProcess. Main forks it with `--data-dir` (the app's userData)
 * and hands it one MessagePort per window; the window's preload holds the other end. Main never
 * relays calls, so a busy core never stalls the windows' event loop in main. The one thing the
 * core asks of main is system printing (Windows printers), over the parent port.
 *
 * Electron's types are not part of the core's build (the core must run under plain Node), so
 * the few shapes used from `process.parentPort` are declared here.
 */
type PortMessage = { data: unknown; ports: ElectronPort[] };
type ElectronPort = {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
};
type ParentPort = {
  on(event: 'message', listener: (message: PortMessage) => void): void;
  postMessage(message: unknown): void;
};

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { 'data-dir': { type: 'string' } },
  strict: false,
});
const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : process.cwd();
const log = createLogger({ file: join(dataDir, 'logs', 'core.log') });
const parentPort = (process as unknown as { parentPort: ParentPort }).parentPort;
// System printers (Windows) are printed by main: the core asks over its parent port.
const systemPrinter = new SystemPrinterRelay((request) => parentPort.postMessage(request));
const core = new Core({
  dataDir,
  demo: process.env.BENCHLINE_DEMO !== '0',
  version: __APP_VERSION__,
  log,
  systemPrinter,
});

parentPort.on('message', (message) => {
  if (systemPrinter.receive(message.data)) return;
  const data = message.data as { type?: string } | null;
  const port = message.ports[0];
  if (data?.type !== 'connect' || !port) return;
  const link = core.attach((frame) => port.postMessage(frame));
  port.on('message', (event) => link.receive(event.data));
  port.on('close', () => link.detach());
  port.start();
});

process.on('SIGTERM', () => {
  systemPrinter.close();
  core.close();
  process.exit(0);
});

parentPort.postMessage({ type: 'ready', pid: process.pid });
log.info(
  { dataDir, electron: process.versions.electron, modules: process.versions.modules },
  'core started in Electron',
);

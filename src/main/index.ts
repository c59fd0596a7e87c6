import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, MessageChannelMain, session, utilityProcess } from 'electron';
import { HEAP_FLAGS } from '#shared/util/node-flags';
import { CoreSupervisor } from './core-supervisor';
import { logMain } from './log';
import { hardenContents, hardenSession } from './security';
import { MainSystemPrinter, serveSystemPrinter } from './system-printer';
import { mainWindowOptions, printWindowOptions } from './window';
import { isAppFrame } from './trusted';
import { guardScans } from './scan-guard';

/**
 * Electron main: windows, security, and the core's supervisor. Main stays thin: it never
 * touches the database or the devices, and never relays calls — each window talks to the core
 * over its own MessagePort.
 */

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(__dirname, '../renderer/index.html');

app.enableSandbox();

// Only the instance holding the lock goes on. `app.quit()` does not stop this script, and before
// it takes effect `ready` can still fire: a second instance that had registered its handlers
// would fork a second core on the same data folder (two writers of one event chain) and open a
// second window. So the second instance registers nothing and just quits.
if (app.requestSingleInstanceLock()) {
  runPrimary();
} else {
  app.quit();
}

function runPrimary(): void {
  const dataDir = process.env.BENCHLINE_DATA_DIR ?? app.getPath('userData');

  // Hidden windows that hold a label's PDF while it prints: never the app's window.
  const printWindows = new Set<number>();
  const appWindows = (): BrowserWindow[] =>
    BrowserWindow.getAllWindows().filter((window) => !printWindows.has(window.id));

  // System printers (Windows) for the core, which asks over its own port: main prints.
  const systemPrinter = new MainSystemPrinter({
    createWindow: () => {
      const window = new BrowserWindow(printWindowOptions());
      const id = window.id;
      printWindows.add(id);
      window.on('closed', () => printWindows.delete(id));
      return window;
    },
    anyContents: () => appWindows().find((window) => !window.isDestroyed())?.webContents ?? null,
    log: logMain,
  });

  const supervisor = new CoreSupervisor({
    fork: () => {
      const core = utilityProcess.fork(join(__dirname, 'core.js'), ['--data-dir', dataDir], {
        serviceName: 'Benchline core',
        execArgv: [...HEAP_FLAGS],
        stdio: 'inherit',
      });
      serveSystemPrinter(core, systemPrinter, logMain);
      return core;
    },
    createChannel: () => new MessageChannelMain(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    log: logMain,
  });

  app.on('web-contents-created', (_event, contents) => hardenContents(contents));

  // Launching the app again (a double click on its icon) brings the running window forward.
  app.on('second-instance', () => {
    const [window] = appWindows();
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  // A window's preload asks for its port once the page exists (and again after a reload).
  ipcMain.on('bench:hello', (event) => {
    const window = BrowserWindow.fromWebContents(event.sender);
    if (!window || !isAppFrame(event.senderFrame, event.sender.mainFrame, rendererUrl, rendererFile)) {
      logMain('refused bench:hello from an unexpected frame', { url: event.senderFrame?.url });
      return;
    }
    const contents = window.webContents;
    supervisor.attach({
      id: window.id,
      isDestroyed: () => window.isDestroyed(),
      sendPort: (port) => contents.postMessage('bench:port', null, [port as Electron.MessagePortMain]),
      coreDown: () => contents.send('bench:core-down'),
    });
  });

  function createWindow(): void {
    const window = new BrowserWindow(mainWindowOptions(join(__dirname, '../preload/index.js')));
    const id = window.id;
    // Keys of a scan (Ctrl+], F8, Alt+0029, fast bursts) never trigger a menu accelerator.
    guardScans(window.webContents);
    window.on('closed', () => supervisor.detach(id));
    window.once('ready-to-show', () => window.show());
    if (rendererUrl) {
      void window.loadURL(rendererUrl);
    } else {
      void window.loadFile(rendererFile);
    }
  }

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession);
    // No default menu: its accelerators (Ctrl+R, Ctrl+W…) would fire on the control characters
    // some scanners send. macOS keeps an app menu for Quit.
    Menu.setApplicationMenu(process.platform === 'darwin' ? Menu.buildFromTemplate([{ role: 'appMenu' }]) : null);
    logMain('starting', { version: __APP_VERSION__, electron: process.versions.electron, dataDir });
    supervisor.start();
    createWindow();
    app.on('activate', () => {
      if (appWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', () => supervisor.stop());
}

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WebPreferences } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ROOT } from '../support/paths';
import { createMainElectron, FakeWebContents, type MainElectron } from './electron-stub';

// `vi.mock` factories run once per file; the getters hand main the stand-in of the current test.
const h = vi.hoisted(() => {
  const state = { electron: null as MainElectron | null, log: vi.fn() };
  const module = (): MainElectron['module'] => {
    if (!state.electron) throw new Error('the test did not create an electron stand-in');
    return state.electron.module;
  };
  return { state, module };
});

vi.mock('electron', () => ({
  get app() {
    return h.module().app;
  },
  get BrowserWindow() {
    return h.module().BrowserWindow;
  },
  get ipcMain() {
    return h.module().ipcMain;
  },
  get Menu() {
    return h.module().Menu;
  },
  get MessageChannelMain() {
    return h.module().MessageChannelMain;
  },
  get session() {
    return h.module().session;
  },
  get utilityProcess() {
    return h.module().utilityProcess;
  },
}));

// Main's log writes JSON lines to stderr; captured here so refusals can be asserted.
vi.mock('../../src/main/log', () => ({ logMain: h.state.log }));

// Under vitest, main's __dirname is src/main: the paths it builds from it land here.
const MAIN_DIR = join(ROOT, 'src', 'main');
const RENDERER_FILE = join(MAIN_DIR, '../renderer/index.html');
const RENDERER_URL = pathToFileURL(RENDERER_FILE).href;
const DATA_DIR = '/var/lib/benchline/bench-7';
const REFUSED = 'refused bench:hello from an unexpected frame';

const realPlatform = Object.getOwnPropertyDescriptor(process, 'platform');

function setPlatform(platform: NodeJS.Platform): void {
  Object.defineProperty(process, 'platform', { value: platform, configurable: true });
}

/** Imports a fresh copy of main against a fresh stand-in. */
async function loadMain(options: { hasLock?: boolean } = {}): Promise<MainElectron> {
  const electron = createMainElectron(options);
  h.state.electron = electron;
  vi.resetModules();
  await import('../../src/main/index');
  return electron;
}

/** Main, started: `ready` fired, the core forked, the first window open. */
async function startMain(): Promise<MainElectron> {
  const electron = await loadMain();
  await electron.ready();
  return electron;
}

function onlyWindow(electron: MainElectron) {
  expect(electron.windows).toHaveLength(1);
  const window = electron.windows[0];
  if (!window) throw new Error('no window');
  return window;
}

function onlyCore(electron: MainElectron) {
  const core = electron.cores.at(-1);
  if (!core) throw new Error('no core');
  return core;
}

beforeEach(() => {
  h.state.log.mockClear();
  setPlatform('linux');
  vi.stubEnv('BENCHLINE_DATA_DIR', DATA_DIR);
  vi.stubEnv('ELECTRON_RENDERER_URL', undefined);
});

afterEach(() => {
  if (realPlatform) Object.defineProperty(process, 'platform', realPlatform);
  vi.unstubAllEnvs();
  vi.useRealTimers();
  h.state.electron = null;
});

describe('main: start-up', () => {
  it('enables the sandbox for every renderer before anything else', async () => {
    const electron = await loadMain();
    const { app } = electron.module;
    expect(app.enableSandbox).toHaveBeenCalledTimes(1);
    // enableSandbox only works before `ready`, so it must come first.
    const sandboxAt = app.enableSandbox.mock.invocationCallOrder[0] ?? Infinity;
    expect(sandboxAt).toBeLessThan(app.requestSingleInstanceLock.mock.invocationCallOrder[0] ?? -1);
    expect(sandboxAt).toBeLessThan(app.whenReady.mock.invocationCallOrder[0] ?? -1);
  });

  it('a second instance quits and starts nothing: no core, no window, no IPC', async () => {
    const electron = await loadMain({ hasLock: false });
    expect(electron.module.app.quit).toHaveBeenCalledTimes(1);
    await electron.ready();
    expect(electron.module.utilityProcess.fork).not.toHaveBeenCalled();
    expect(electron.windows).toHaveLength(0);
    expect(electron.ipcEvents.on).not.toHaveBeenCalled();
    expect(electron.appEvents.on).not.toHaveBeenCalled();
  });

  it('does not fork the core nor open a window before ready', async () => {
    const electron = await loadMain();
    expect(electron.module.utilityProcess.fork).not.toHaveBeenCalled();
    expect(electron.windows).toHaveLength(0);
    expect(electron.module.app.quit).not.toHaveBeenCalled();
  });

  it('hardens every web contents as it is created', async () => {
    const electron = await loadMain();
    const contents = new FakeWebContents();
    expect(electron.appEvents.emit('web-contents-created', {}, contents)).toBe(1);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-redirect')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
    expect(contents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
  });

  it('on ready: hardens the default session, removes the menu on Linux, forks the core with --data-dir, opens one window', async () => {
    const electron = await startMain();
    const { module } = electron;

    expect(electron.defaultSession.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(electron.defaultSession.setPermissionCheckHandler).toHaveBeenCalledTimes(1);
    expect(electron.defaultSession.setDevicePermissionHandler).toHaveBeenCalledTimes(1);

    expect(module.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    expect(module.Menu.setApplicationMenu).toHaveBeenCalledWith(null);

    expect(module.utilityProcess.fork).toHaveBeenCalledTimes(1);
    expect(module.utilityProcess.fork).toHaveBeenCalledWith(
      join(MAIN_DIR, 'core.js'),
      ['--data-dir', DATA_DIR],
      expect.objectContaining({ serviceName: 'Benchline core', execArgv: ['--max-semi-space-size=64'] }),
    );

    const window = onlyWindow(electron);
    const prefs = (window.options as { webPreferences: WebPreferences }).webPreferences;
    expect(prefs.preload).toBe(join(MAIN_DIR, '../preload/index.js'));
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(window.loadFile).toHaveBeenCalledWith(RENDERER_FILE);
    expect(window.loadURL).not.toHaveBeenCalled();
    // The session is locked down before the window loads anything.
    expect(electron.defaultSession.setPermissionRequestHandler.mock.invocationCallOrder[0]).toBeLessThan(
      window.loadFile.mock.invocationCallOrder[0] ?? -1,
    );

    // Scans never trigger a menu accelerator: the window's contents are guarded.
    expect(window.webContents.listenerCount('before-input-event')).toBe(1);

    // Shown when painted, not before.
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  it('keeps only an app menu on macOS, and stays open there when the windows close', async () => {
    setPlatform('darwin');
    const electron = await startMain();
    const { Menu, app } = electron.module;
    expect(Menu.buildFromTemplate).toHaveBeenCalledWith([{ role: 'appMenu' }]);
    expect(Menu.setApplicationMenu).toHaveBeenCalledWith({ template: [{ role: 'appMenu' }] });
    electron.appEvents.emit('window-all-closed');
    expect(app.quit).not.toHaveBeenCalled();
  });

  it("uses Electron's userData folder when BENCHLINE_DATA_DIR is not set", async () => {
    vi.stubEnv('BENCHLINE_DATA_DIR', undefined);
    const electron = await startMain();
    expect(electron.module.app.getPath).toHaveBeenCalledWith('userData');
    expect(electron.module.utilityProcess.fork).toHaveBeenCalledWith(
      expect.any(String),
      ['--data-dir', '/fake-electron/userData'],
      expect.anything(),
    );
  });

  it('loads the dev server when ELECTRON_RENDERER_URL is set', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173/');
    const electron = await startMain();
    const window = onlyWindow(electron);
    expect(window.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(window.loadFile).not.toHaveBeenCalled();
  });
});

describe('main: bench:hello', () => {
  it("attaches the window when the app's main frame says hello: the core gets port1, the window port2", async () => {
    const electron = await startMain();
    const window = onlyWindow(electron);
    const core = onlyCore(electron);
    expect(window.webContents.mainFrame.url).toBe(RENDERER_URL);

    electron.hello(window.webContents, window.webContents.mainFrame);

    expect(electron.channels).toHaveLength(1);
    const channel = electron.channels[0];
    expect(core.postMessage).toHaveBeenCalledTimes(1);
    expect(core.postMessage).toHaveBeenCalledWith({ type: 'connect', windowId: window.id }, [channel?.port1]);
    expect(window.webContents.postMessage).toHaveBeenCalledTimes(1);
    expect(window.webContents.postMessage).toHaveBeenCalledWith('bench:port', null, [channel?.port2]);
    expect(h.state.log).not.toHaveBeenCalledWith(REFUSED, expect.anything());
  });

  it('accepts the dev server page in development', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173/');
    const electron = await startMain();
    const window = onlyWindow(electron);
    electron.hello(window.webContents, window.webContents.mainFrame);
    expect(window.webContents.postMessage).toHaveBeenCalledWith('bench:port', null, [electron.channels[0]?.port2]);
  });

  type Refusal = [label: string, send: (electron: MainElectron) => void];
  const refusals: Refusal[] = [
    [
      'an iframe of the window, even showing the app page',
      (electron) => {
        const window = onlyWindow(electron);
        electron.hello(window.webContents, { url: RENDERER_URL });
      },
    ],
    [
      'the main frame after it navigated to another site',
      (electron) => {
        const window = onlyWindow(electron);
        window.webContents.mainFrame.url = `https://evil.example/?next=${RENDERER_URL}`;
        electron.hello(window.webContents, window.webContents.mainFrame);
      },
    ],
    [
      'the main frame showing another local file',
      (electron) => {
        const window = onlyWindow(electron);
        window.webContents.mainFrame.url = 'file:///tmp/evil.html';
        electron.hello(window.webContents, window.webContents.mainFrame);
      },
    ],
    [
      'a frame that is already gone (senderFrame null)',
      (electron) => {
        const window = onlyWindow(electron);
        electron.hello(window.webContents, null);
      },
    ],
    [
      'web contents that belong to no window',
      (electron) => {
        const stray = new FakeWebContents();
        stray.mainFrame.url = RENDERER_URL;
        electron.hello(stray, stray.mainFrame);
      },
    ],
  ];

  it.each(refusals)('refuses a hello from %s: no port, nothing sent to the core', async (_label, send) => {
    const electron = await startMain();
    const window = onlyWindow(electron);
    const core = onlyCore(electron);
    send(electron);
    expect(electron.channels).toHaveLength(0);
    expect(core.postMessage).not.toHaveBeenCalled();
    expect(window.webContents.postMessage).not.toHaveBeenCalled();
    expect(h.state.log).toHaveBeenCalledWith(REFUSED, expect.anything());
  });

  it('refuses the packaged file URL when running against the dev server', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173/');
    const electron = await startMain();
    const window = onlyWindow(electron);
    window.webContents.mainFrame.url = RENDERER_URL;
    electron.hello(window.webContents, window.webContents.mainFrame);
    expect(window.webContents.postMessage).not.toHaveBeenCalled();
  });
});

describe('main: the core process', () => {
  it('when the core dies: tells the window, forks a new core, and sends the window a new port', async () => {
    vi.useFakeTimers();
    const electron = await startMain();
    const window = onlyWindow(electron);
    electron.hello(window.webContents, window.webContents.mainFrame);

    onlyCore(electron).exit(1);
    expect(window.webContents.send).toHaveBeenCalledWith('bench:core-down');
    vi.runAllTimers();

    expect(electron.module.utilityProcess.fork).toHaveBeenCalledTimes(2);
    expect(electron.module.utilityProcess.fork).toHaveBeenLastCalledWith(
      join(MAIN_DIR, 'core.js'),
      ['--data-dir', DATA_DIR],
      expect.anything(),
    );
    const second = onlyCore(electron);
    const channel = electron.channels[1];
    expect(second.postMessage).toHaveBeenCalledWith({ type: 'connect', windowId: window.id }, [channel?.port1]);
    expect(window.webContents.postMessage).toHaveBeenLastCalledWith('bench:port', null, [channel?.port2]);
  });

  it('a closed window is detached: no core-down, no new port', async () => {
    vi.useFakeTimers();
    const electron = await startMain();
    const window = onlyWindow(electron);
    electron.hello(window.webContents, window.webContents.mainFrame);
    window.close();

    onlyCore(electron).exit(1);
    vi.runAllTimers();
    expect(window.webContents.send).not.toHaveBeenCalled();
    expect(window.webContents.postMessage).toHaveBeenCalledTimes(1);
    expect(electron.channels).toHaveLength(1);
  });

  it('before-quit kills the core, and its exit does not restart it', async () => {
    vi.useFakeTimers();
    const electron = await startMain();
    const core = onlyCore(electron);
    electron.appEvents.emit('before-quit');
    expect(core.kill).toHaveBeenCalledTimes(1);
    core.exit(0);
    vi.runAllTimers();
    expect(electron.module.utilityProcess.fork).toHaveBeenCalledTimes(1);
  });
});

describe('main: app events', () => {
  it('quits when the last window closes on Linux', async () => {
    const electron = await startMain();
    electron.appEvents.emit('window-all-closed');
    expect(electron.module.app.quit).toHaveBeenCalledTimes(1);
  });

  it('a second launch brings the running window forward', async () => {
    const electron = await startMain();
    const window = onlyWindow(electron);
    window.minimized = true;
    electron.appEvents.emit('second-instance', {}, [], '/');
    expect(window.restore).toHaveBeenCalledTimes(1);
    expect(window.focus).toHaveBeenCalledTimes(1);
    expect(electron.windows).toHaveLength(1);
  });

  it('activate opens a window only when none is open', async () => {
    const electron = await startMain();
    electron.appEvents.emit('activate');
    expect(electron.windows).toHaveLength(1);
    onlyWindow(electron).close();
    electron.appEvents.emit('activate');
    expect(electron.windows).toHaveLength(2);
  });
});

describe('main: system printers for the core (the relay)', () => {
  const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');
  const PRINTER = { name: 'ZDesigner ZD421', displayName: 'Zebra', description: 'ZD421', options: {} };

  /** Main started, with one system printer; the core's requests, and main's replies to it. */
  async function relay() {
    const electron = await startMain();
    electron.printSystem.printers = [PRINTER];
    const core = onlyCore(electron);
    const replies = async (count: number): Promise<unknown[]> => {
      await vi.waitFor(() => expect(core.postMessage.mock.calls.length).toBe(count));
      return core.postMessage.mock.calls.map(([message]) => message);
    };
    return { electron, core, replies };
  }

  it('answers a list request with the system printers, on the same core, with its id', async () => {
    const { core, replies } = await relay();
    expect(core.emit('message', { type: 'system-printer.request', id: 7, op: 'list' })).toBe(1);
    expect(await replies(1)).toEqual([
      {
        type: 'system-printer.reply',
        id: 7,
        result: {
          ok: true,
          printers: [{ name: 'ZDesigner ZD421', displayName: 'Zebra', description: 'ZD421', isDefault: false }],
        },
      },
    ]);
  });

  it('prints a job from a hidden print window (not the app window), which it then destroys', async () => {
    const { electron, core, replies } = await relay();
    const appWindow = onlyWindow(electron);
    core.emit('message', {
      type: 'system-printer.request',
      id: 8,
      op: 'print',
      deviceName: 'ZDesigner ZD421',
      pdf: PDF.toString('base64'),
      widthMicrons: 50_800,
      heightMicrons: 25_400,
      copies: 1,
    });
    expect(await replies(1)).toEqual([{ type: 'system-printer.reply', id: 8, result: { ok: true } }]);
    const [print] = electron.printSystem.prints;
    expect(print!.pdf).toEqual(PDF);
    expect(print!.options).toMatchObject({
      silent: true,
      deviceName: 'ZDesigner ZD421',
      pageSize: { width: 50_800, height: 25_400 },
      margins: { marginType: 'none' },
    });
    expect(electron.windows).toHaveLength(2);
    const printWindow = electron.windows[1]!;
    const prefs = (printWindow.options as { webPreferences: WebPreferences; show: boolean }).webPreferences;
    expect(prefs.sandbox).toBe(true);
    expect(prefs.preload).toBeUndefined();
    expect(printWindow.destroy).toHaveBeenCalledTimes(1);
    expect(appWindow.webContents.print).not.toHaveBeenCalled();
    // A second launch still brings the app's window forward.
    appWindow.minimized = true;
    electron.appEvents.emit('second-instance', {}, [], '/');
    expect(appWindow.restore).toHaveBeenCalledTimes(1);
  });

  it('passes a failure on in the transports’ shape', async () => {
    const { electron, core, replies } = await relay();
    electron.printSystem.answer = (callback) => callback(false, 'Print job canceled');
    core.emit('message', {
      type: 'system-printer.request',
      id: 9,
      op: 'print',
      deviceName: 'ZDesigner ZD421',
      pdf: PDF.toString('base64'),
      widthMicrons: 101_600,
      heightMicrons: 152_400,
      copies: 1,
    });
    const [reply] = (await replies(1)) as { result: { ok: false; error: Record<string, unknown> } }[];
    expect(reply!.result).toMatchObject({
      ok: false,
      error: { code: 'SYSTEM_PRINT_FAILED', retryable: true, sent: false },
    });
  });

  it('refuses a malformed request (with an answer), and ignores messages that are not for it', async () => {
    const { core, replies } = await relay();
    core.emit('message', { type: 'ready', pid: 4 });
    core.emit('message', null);
    core.emit('message', { type: 'system-printer.request', id: 3, op: 'print', deviceName: 'x', pdf: 'not base64!' });
    const [reply] = (await replies(1)) as { id: number; result: { ok: boolean; error: { code: string } } }[];
    expect(reply).toMatchObject({ id: 3, result: { ok: false, error: { code: 'SYSTEM_PRINT_FAILED' } } });
    const refused = h.state.log.mock.calls.find(
      ([message]) => message === 'refused a malformed system-printer request',
    );
    expect(refused).toBeDefined();
  });

  it('a restarted core is served too', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { electron } = await relay();
    onlyCore(electron).exit(1);
    vi.runAllTimers();
    vi.useRealTimers();
    const second = onlyCore(electron);
    expect(electron.cores).toHaveLength(2);
    second.emit('message', { type: 'system-printer.request', id: 1, op: 'list' });
    await vi.waitFor(() =>
      expect(second.postMessage).toHaveBeenCalledWith(expect.objectContaining({ type: 'system-printer.reply', id: 1 })),
    );
  });
});

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';

/**
 * Stand-ins for the parts of the `electron` module that main and the preload use. The real
 * module must never load in a test: its index.js downloads the Electron binary when it is
 * missing, and this machine cannot. Each test file mocks `electron` with getters that read the
 * stand-in of the current test (a `vi.mock` factory runs once per file, even across
 * `vi.resetModules()`).
 */

type Listener = (...args: unknown[]) => unknown;

/** A minimal event emitter whose `on`/`once` are spies, like Electron's EventEmitters. */
export class FakeEmitter {
  readonly #listeners = new Map<string, { listener: Listener; once: boolean }[]>();

  readonly on = vi.fn((event: string, listener: Listener) => {
    this.#add(event, listener, false);
    return this;
  });

  readonly once = vi.fn((event: string, listener: Listener) => {
    this.#add(event, listener, true);
    return this;
  });

  /** Calls every listener of `event`, in registration order; returns how many ran. */
  emit(event: string, ...args: unknown[]): number {
    const entries = this.#listeners.get(event) ?? [];
    this.#listeners.set(
      event,
      entries.filter((entry) => !entry.once),
    );
    for (const entry of entries) entry.listener(...args);
    return entries.length;
  }

  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  #add(event: string, listener: Listener, once: boolean): void {
    const entries = this.#listeners.get(event) ?? [];
    entries.push({ listener, once });
    this.#listeners.set(event, entries);
  }
}

/** A MessagePortMain stand-in: identity is all main does with it. */
export type FakePortMain = { readonly name: string };

export type FakeFrame = { url: string };

/** A printer as `getPrintersAsync` returns it. */
export type FakePrinter = {
  name: string;
  displayName: string;
  description: string;
  options: Record<string, string>;
  isDefault?: boolean;
};

/** What a `webContents.print` was asked, and what the window held then. */
export type FakePrintCall = { options: Record<string, unknown>; url: string; pdf: Buffer | null };

/**
 * The operating system's printers and spooler, shared by every web contents of a stand-in: the
 * printers it lists, how a print ends (`answer`; success at once by default, or never, or a
 * failure reason), how a page load ends, and every print it was asked for.
 */
export class FakePrintSystem {
  printers: FakePrinter[] = [];
  answer: (callback: (success: boolean, failureReason: string) => void, call: FakePrintCall) => void = (callback) =>
    callback(true, '');
  /** How a `loadFile` ends (resolves by default). */
  load: (path: string) => Promise<void> = () => Promise.resolve();
  /** How `getPrintersAsync` ends (the printers by default). */
  list: () => Promise<FakePrinter[]> = () => Promise.resolve(this.printers.map((printer) => ({ ...printer })));
  readonly prints: FakePrintCall[] = [];
}

export class FakeWebContents extends FakeEmitter {
  constructor(readonly system: FakePrintSystem = new FakePrintSystem()) {
    super();
  }

  readonly mainFrame: FakeFrame = { url: 'about:blank' };
  /** The bytes of a PDF the window loaded (read at load: the file is temporary). */
  loadedPdf: Buffer | null = null;
  readonly getPrintersAsync = vi.fn(() => this.system.list());
  readonly print = vi.fn(
    (options: Record<string, unknown>, callback: (success: boolean, failureReason: string) => void) => {
      const call = { options, url: this.mainFrame.url, pdf: this.loadedPdf };
      this.system.prints.push(call);
      this.system.answer(callback, call);
    },
  );
  readonly postMessage = vi.fn((_channel: string, _message: unknown, _transfer?: unknown[]) => undefined);
  readonly send = vi.fn((_channel: string, ..._args: unknown[]) => undefined);
  readonly setWindowOpenHandler = vi.fn((_handler: (details: { url: string }) => { action: string }) => undefined);
  readonly setIgnoreMenuShortcuts = vi.fn((_ignore: boolean) => undefined);
}

/** A utilityProcess child: records what it was sent, dies on demand. */
export class FakeCore extends FakeEmitter {
  readonly postMessage = vi.fn((_message: unknown, _transfer?: unknown[]) => undefined);
  readonly kill = vi.fn(() => true);
  /** Simulates the process exiting with `code`. */
  exit(code: number): void {
    this.emit('exit', code);
  }
}

/** The Session methods hardenSession calls, capturing the handlers it installs. */
export class FakeSession {
  requestHandler: Listener | null = null;
  checkHandler: Listener | null = null;
  deviceHandler: Listener | null = null;
  readonly setPermissionRequestHandler = vi.fn((handler: Listener | null) => {
    this.requestHandler = handler;
  });
  readonly setPermissionCheckHandler = vi.fn((handler: Listener | null) => {
    this.checkHandler = handler;
  });
  readonly setDevicePermissionHandler = vi.fn((handler: Listener | null) => {
    this.deviceHandler = handler;
  });
}

/**
 * Everything `src/main/index.ts` imports from electron, plus handles to drive it: resolve
 * `ready`, deliver IPC, kill a core, close a window.
 */
export function createMainElectron(options: { hasLock?: boolean } = {}) {
  const appEvents = new FakeEmitter();
  const ipcEvents = new FakeEmitter();
  const cores: FakeCore[] = [];
  const channels: { port1: FakePortMain; port2: FakePortMain }[] = [];
  const windows: FakeBrowserWindow[] = [];
  const defaultSession = new FakeSession();
  const printSystem = new FakePrintSystem();

  let resolveReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  const app = {
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => options.hasLock ?? true),
    getPath: vi.fn((name: string) => `/fake-electron/${name}`),
    on: vi.fn((event: string, listener: Listener) => {
      appEvents.on(event, listener);
      return app;
    }),
    whenReady: vi.fn(() => readyPromise),
    quit: vi.fn(),
  };

  class FakeBrowserWindow extends FakeEmitter {
    static readonly fromWebContents = vi.fn(
      (contents: unknown) => windows.find((window) => window.webContents === contents) ?? null,
    );
    static readonly getAllWindows = vi.fn(() => windows.filter((window) => !window.destroyed));

    readonly id = windows.length + 1;
    readonly webContents = new FakeWebContents(printSystem);
    destroyed = false;
    minimized = false;
    readonly show = vi.fn();
    readonly focus = vi.fn();
    readonly restore = vi.fn(() => {
      this.minimized = false;
    });
    readonly isDestroyed = vi.fn(() => this.destroyed);
    readonly isMinimized = vi.fn(() => this.minimized);
    /** Loading a page sets the main frame's URL, as Chromium would. */
    readonly loadFile = vi.fn((path: string) => {
      this.webContents.mainFrame.url = pathToFileURL(path).href;
      if (path.endsWith('.pdf')) {
        this.webContents.loadedPdf = readFileSync(path);
        return printSystem.load(path);
      }
      return Promise.resolve();
    });
    readonly loadURL = vi.fn((url: string) => {
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    });

    constructor(readonly options: unknown) {
      super();
      windows.push(this);
    }

    /** The user closes the window: destroyed, then `closed`. */
    close(): void {
      this.destroyed = true;
      this.emit('closed');
    }

    /** Destroyed by the app: `closed` follows, as in Electron. */
    readonly destroy = vi.fn(() => {
      if (this.destroyed) return;
      this.destroyed = true;
      this.emit('closed');
    });
  }

  class FakeMessageChannelMain {
    readonly port1: FakePortMain;
    readonly port2: FakePortMain;
    constructor() {
      const n = channels.length + 1;
      this.port1 = { name: `channel${n}.port1` };
      this.port2 = { name: `channel${n}.port2` };
      channels.push(this);
    }
  }

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: ipcEvents,
    Menu: {
      setApplicationMenu: vi.fn((_menu: unknown) => undefined),
      buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
    },
    MessageChannelMain: FakeMessageChannelMain,
    session: { defaultSession },
    utilityProcess: {
      fork: vi.fn((_modulePath: string, _args: string[], _options: unknown) => {
        const core = new FakeCore();
        cores.push(core);
        return core;
      }),
    },
  };

  return {
    module,
    appEvents,
    ipcEvents,
    cores,
    channels,
    windows,
    defaultSession,
    printSystem,
    /** Resolves `app.whenReady()` and lets main's `then` run. */
    async ready(): Promise<void> {
      resolveReady();
      await readyPromise;
    },
    /** Delivers a `bench:hello` as Electron would: the sending frame and its web contents. */
    hello(sender: FakeWebContents, senderFrame: FakeFrame | null): void {
      ipcEvents.emit('bench:hello', { sender, senderFrame });
    },
  };
}

export type MainElectron = ReturnType<typeof createMainElectron>;

/** What the preload imports from electron, with the bridge and the IPC it sets up captured. */
export function createPreloadElectron() {
  const ipcEvents = new FakeEmitter();
  const exposed = new Map<string, unknown>();
  const ipcRenderer = {
    on: vi.fn((channel: string, listener: Listener) => {
      ipcEvents.on(channel, listener);
      return ipcRenderer;
    }),
    send: vi.fn((_channel: string, ..._args: unknown[]) => undefined),
    postMessage: vi.fn(),
    invoke: vi.fn(),
  };
  const contextBridge = {
    exposeInMainWorld: vi.fn((key: string, api: unknown) => {
      exposed.set(key, api);
    }),
  };
  return {
    module: { contextBridge, ipcRenderer },
    exposed,
    /** Main sends the preload a message on `channel`, transferring `ports`. */
    fromMain(channel: string, ports: MessagePort[] = []): number {
      return ipcEvents.emit(channel, { ports, sender: ipcRenderer });
    },
  };
}

export type PreloadElectron = ReturnType<typeof createPreloadElectron>;

/**
 * Keeps the core running: forks it as a utilityProcess, restarts it when it dies (with a short
 * backoff so a core that crashes at start does not spin), and gives every window a fresh
 * MessagePort to each new core. The renderer reconnects on the new port; no acknowledged record
 * is lost because the core commits before it answers.
 *
 * Electron is injected so the supervisor is tested with a stand-in.
 */

export type CoreProcess = {
  postMessage(message: unknown, transfer?: unknown[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
};

export type PortPair = { port1: unknown; port2: unknown };

export type Window = {
  readonly id: number;
  isDestroyed(): boolean;
  /** Sends the window its end of the channel. */
  sendPort(port: unknown): void;
  /** Tells the window its core died, so pending calls fail now rather than time out. */
  coreDown(): void;
};

export type SupervisorDeps = {
  fork: () => CoreProcess;
  createChannel: () => PortPair;
  setTimeout: (callback: () => void, ms: number) => unknown;
  log: (message: string, details?: Record<string, unknown>) => void;
};

const BACKOFF_MS = [0, 250, 1000, 2000, 5000];

export class CoreSupervisor {
  readonly #deps: SupervisorDeps;
  readonly #windows = new Map<number, Window>();
  #core: CoreProcess | null = null;
  #restarts = 0;
  #stopping = false;
  #restartPending = false;
  #startedAt = 0;

  constructor(deps: SupervisorDeps) {
    this.#deps = deps;
  }

  get restarts(): number {
    return this.#restarts;
  }

  start(): void {
    this.#stopping = false;
    // One core per data folder: a second start (or a start after stop() while a restart is
    // still scheduled) must not fork another core — the pending restart forks it, and a core
    // forked twice would leave one running unsupervised, writing the same event chain.
    if (this.#core || this.#restartPending) return;
    this.#spawn();
  }

  /** Registers a window and connects it to the running core. */
  attach(window: Window): void {
    this.#windows.set(window.id, window);
    this.#connect(window);
  }

  detach(windowId: number): void {
    this.#windows.delete(windowId);
  }

  stop(): void {
    this.#stopping = true;
    this.#core?.kill();
    this.#core = null;
  }

  #spawn(): void {
    const core = this.#deps.fork();
    this.#core = core;
    this.#startedAt = Date.now();
    core.on('exit', (code) => this.#exited(core, code));
    for (const window of this.#windows.values()) this.#connect(window);
  }

  #exited(core: CoreProcess, code: number): void {
    if (core !== this.#core || this.#stopping) return;
    this.#core = null;
    for (const window of this.#windows.values()) if (!window.isDestroyed()) window.coreDown();
    // A core that ran a while before dying gets restarted at once; one that keeps dying at
    // start backs off.
    if (Date.now() - this.#startedAt > 30_000) this.#restarts = 0;
    const delay = BACKOFF_MS[Math.min(this.#restarts, BACKOFF_MS.length - 1)]!;
    this.#restarts++;
    this.#deps.log('core exited; restarting', { code, delay, restarts: this.#restarts });
    this.#restartPending = true;
    this.#deps.setTimeout(() => {
      this.#restartPending = false;
      if (!this.#stopping && !this.#core) this.#spawn();
    }, delay);
  }

  #connect(window: Window): void {
    if (!this.#core) return;
    if (window.isDestroyed()) {
      this.#windows.delete(window.id);
      return;
    }
    const { port1, port2 } = this.#deps.createChannel();
    this.#core.postMessage({ type: 'connect', windowId: window.id }, [port1]);
    window.sendPort(port2);
  }
}

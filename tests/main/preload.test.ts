import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BenchApi } from '#shared/rpc/client';
import { createPreloadElectron, type PreloadElectron } from './electron-stub';

const h = vi.hoisted(() => {
  const state = { electron: null as PreloadElectron | null };
  const module = (): PreloadElectron['module'] => {
    if (!state.electron) throw new Error('the test did not create an electron stand-in');
    return state.electron.module;
  };
  return { state, module };
});

vi.mock('electron', () => ({
  get contextBridge() {
    return h.module().contextBridge;
  },
  get ipcRenderer() {
    return h.module().ipcRenderer;
  },
}));

/** The core's end of a real MessageChannel (Node's global one, as in a browser). */
type CoreEnd = {
  port: MessagePort;
  frames: unknown[];
  /** Resolves with the next frame the preload sends. */
  next: () => Promise<unknown>;
  reply: (frame: unknown) => void;
  closed: Promise<void>;
};

const openPorts: MessagePort[] = [];

/** A channel whose port2 goes to the preload as main would send it; port1 plays the core. */
function channel(): { core: CoreEnd; windowPort: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  openPorts.push(port1, port2);
  const frames: unknown[] = [];
  const waiters: ((frame: unknown) => void)[] = [];
  port1.addEventListener('message', (event: MessageEvent) => {
    frames.push(event.data);
    waiters.shift()?.(event.data);
  });
  port1.start();
  const closed = new Promise<void>((resolve) => port1.addEventListener('close', () => resolve()));
  return {
    windowPort: port2,
    core: {
      port: port1,
      frames,
      next: () => new Promise((resolve) => waiters.push(resolve)),
      reply: (frame) => port1.postMessage(frame),
      closed,
    },
  };
}

async function loadPreload(): Promise<{ electron: PreloadElectron; bench: BenchApi }> {
  const electron = createPreloadElectron();
  h.state.electron = electron;
  vi.resetModules();
  await import('../../src/preload/index');
  const bench = electron.exposed.get('bench') as BenchApi | undefined;
  if (!bench) throw new Error('the preload exposed no bench');
  return { electron, bench };
}

/** Loads the preload and gives it a port, as main does after its hello. */
async function connectedPreload() {
  const loaded = await loadPreload();
  const { core, windowPort } = channel();
  expect(loaded.electron.fromMain('bench:port', [windowPort])).toBe(1);
  return { ...loaded, core };
}

const STATUS = { app: { name: 'Benchline', version: '0.1.0' } };

beforeEach(() => {
  h.state.electron = null;
});

afterEach(() => {
  vi.useRealTimers();
  for (const port of openPorts.splice(0)) port.close();
});

describe('preload: the bridge', () => {
  it('exposes exactly one object, bench, with exactly call and on', async () => {
    const { electron, bench } = await loadPreload();
    const { contextBridge } = electron.module;

    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledWith('bench', bench);
    expect([...electron.exposed.keys()]).toEqual(['bench']);

    // Own properties, enumerable or not, and what each is.
    expect(Object.getOwnPropertyNames(bench).sort()).toEqual(['call', 'on']);
    const shape = Object.entries(bench as unknown as Record<string, unknown>).map(([key, value]) => [
      key,
      typeof value,
    ]);
    expect(shape.sort()).toEqual([
      ['call', 'function'],
      ['on', 'function'],
    ]);
    // A plain object: nothing inherited (an RpcClient instance would carry receive/linkDown).
    expect(Object.getPrototypeOf(bench)).toBe(Object.prototype);
  });

  it('never exposes ipcRenderer, nor any of its functions', async () => {
    const { electron, bench } = await loadPreload();
    const { ipcRenderer } = electron.module;
    const forbidden = new Set<unknown>([ipcRenderer, ...Object.values(ipcRenderer)]);
    for (const exposed of electron.exposed.values()) {
      expect(forbidden.has(exposed)).toBe(false);
      for (const value of Object.values(exposed as Record<string, unknown>)) expect(forbidden.has(value)).toBe(false);
    }
    expect(Object.values(bench as unknown as Record<string, unknown>)).toHaveLength(2);
  });

  it('says bench:hello once, after the bridge exists and its listeners are in place', async () => {
    const { electron } = await loadPreload();
    const { ipcRenderer, contextBridge } = electron.module;
    expect(ipcRenderer.send).toHaveBeenCalledTimes(1);
    expect(ipcRenderer.send).toHaveBeenCalledWith('bench:hello');
    const helloAt = ipcRenderer.send.mock.invocationCallOrder[0] ?? -1;
    expect(contextBridge.exposeInMainWorld.mock.invocationCallOrder[0]).toBeLessThan(helloAt);
    // A port answering the hello must find its listener already registered.
    const portListenerAt = ipcRenderer.on.mock.calls.findIndex(([channel]) => channel === 'bench:port');
    expect(portListenerAt).toBeGreaterThanOrEqual(0);
    expect(ipcRenderer.on.mock.invocationCallOrder[portListenerAt]).toBeLessThan(helloAt);
    expect(ipcRenderer.on.mock.calls.map(([channel]) => channel).sort()).toEqual(['bench:core-down', 'bench:port']);
  });
});

describe('preload: calls over the port', () => {
  it('a call before any port fails at once with CORE_UNAVAILABLE', async () => {
    const { bench } = await loadPreload();
    const result = await bench.call('app.status', {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'CORE_UNAVAILABLE' }) as unknown });
  });

  it('after bench:port, a call goes through the port and the result frame resolves it', async () => {
    const { bench, core } = await connectedPreload();
    const frame = core.next();
    const pending = bench.call('app.status', {});
    expect(await frame).toEqual({ t: 'call', id: expect.any(Number) as unknown, method: 'app.status', input: {} });
    const { id } = (await frame) as { id: number };
    core.reply({ t: 'result', id, result: { ok: true, value: STATUS } });
    await expect(pending).resolves.toEqual({ ok: true, value: STATUS });
  });

  it('matches results to calls by id, in any order', async () => {
    const { bench, core } = await connectedPreload();
    const first = bench.call('app.status', {});
    const second = bench.call('auth.logout', {});
    await vi.waitFor(() => expect(core.frames).toHaveLength(2));
    const [a, b] = core.frames as { id: number; method: string }[];
    expect(a?.method).toBe('app.status');
    expect(b?.method).toBe('auth.logout');
    core.reply({ t: 'result', id: b?.id, result: { ok: true, value: 'second' } });
    core.reply({ t: 'result', id: a?.id, result: { ok: false, error: { code: 'FORBIDDEN', message: 'no' } } });
    await expect(second).resolves.toEqual({ ok: true, value: 'second' });
    await expect(first).resolves.toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'no' } });
  });

  it('drops a malformed frame from the core and keeps the call pending', async () => {
    const { bench, core } = await connectedPreload();
    const frame = core.next();
    const pending = bench.call('app.status', {});
    const { id } = (await frame) as { id: number };
    // Had the malformed frame settled the call, it would resolve to something else than 'real'.
    core.reply({ t: 'result', id, result: 'not a result' });
    core.reply({ t: 'result', id: 'one', result: { ok: true, value: 'wrong id type' } });
    core.reply({ t: 'result', id, result: { ok: true, value: 'real' } });
    await expect(pending).resolves.toEqual({ ok: true, value: 'real' });
  });

  it('delivers core events and the core hello to on() subscribers', async () => {
    const { bench, core } = await connectedPreload();
    const links: unknown[] = [];
    const settings: unknown[] = [];
    bench.on('link.changed', (payload) => links.push(payload));
    const off = bench.on('settings.changed', (payload) => settings.push(payload));
    core.reply({ t: 'hello', coreVersion: '0.1.0', pid: 4242, startedAt: 1_700_000_000_000 });
    core.reply({ t: 'event', name: 'settings.changed', payload: { bench: 'returns' } });
    await vi.waitFor(() => expect(settings).toHaveLength(1));
    expect(links).toEqual([{ state: 'open', coreStartedAt: 1_700_000_000_000 }]);
    expect(settings).toEqual([{ bench: 'returns' }]);
    off();
    core.reply({ t: 'event', name: 'settings.changed', payload: { bench: 'pack' } });
    core.reply({ t: 'hello', coreVersion: '0.1.0', pid: 4242, startedAt: 1 });
    await vi.waitFor(() => expect(links).toHaveLength(2));
    expect(settings).toHaveLength(1);
  });

  it('a call the core never answers fails with CORE_TIMEOUT', async () => {
    const { bench, core } = await connectedPreload();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const frame = core.next();
    const pending = bench.call('app.status', {});
    await frame;
    vi.advanceTimersByTime(30_000);
    await expect(pending).resolves.toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'CORE_TIMEOUT' }) as unknown,
    });
  });
});

describe('preload: the core restarts', () => {
  it('a second bench:port fails the pending call with CORE_UNAVAILABLE and uses the new port', async () => {
    const { electron, bench, core: oldCore } = await connectedPreload();
    const links: unknown[] = [];
    bench.on('link.changed', (payload) => links.push(payload));
    const sent = oldCore.next();
    const inFlight = bench.call('app.status', {});
    await sent;

    const { core: newCore, windowPort } = channel();
    electron.fromMain('bench:port', [windowPort]);
    await expect(inFlight).resolves.toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'CORE_UNAVAILABLE' }) as unknown,
    });
    expect(links).toEqual([{ state: 'connecting', coreStartedAt: null }]);
    // The old port is closed: the old core sees its end close.
    await oldCore.closed;

    const frame = newCore.next();
    const next = bench.call('app.status', {});
    const { id } = (await frame) as { id: number };
    newCore.reply({ t: 'result', id, result: { ok: true, value: 'from the new core' } });
    await expect(next).resolves.toEqual({ ok: true, value: 'from the new core' });
    expect(oldCore.frames).toHaveLength(1);
  });

  it('bench:core-down fails pending calls, and calls fail at once until a new port arrives', async () => {
    const { electron, bench, core } = await connectedPreload();
    const links: unknown[] = [];
    bench.on('link.changed', (payload) => links.push(payload));
    const sent = core.next();
    const first = bench.call('app.status', {});
    const second = bench.call('auth.logout', {});
    await sent;

    electron.fromMain('bench:core-down');
    const unavailable = { ok: false, error: expect.objectContaining({ code: 'CORE_UNAVAILABLE' }) as unknown };
    await expect(first).resolves.toEqual(unavailable);
    await expect(second).resolves.toEqual(unavailable);
    expect(links).toEqual([{ state: 'connecting', coreStartedAt: null }]);
    await expect(bench.call('app.status', {})).resolves.toEqual(unavailable);
    await core.closed;

    const { core: newCore, windowPort } = channel();
    electron.fromMain('bench:port', [windowPort]);
    const frame = newCore.next();
    const again = bench.call('app.status', {});
    const { id } = (await frame) as { id: number };
    newCore.reply({ t: 'result', id, result: { ok: true, value: 'back' } });
    await expect(again).resolves.toEqual({ ok: true, value: 'back' });
  });

  it('ignores a bench:port that carries no port', async () => {
    const { electron, bench, core } = await connectedPreload();
    electron.fromMain('bench:port', []);
    const frame = core.next();
    const pending = bench.call('app.status', {});
    const { id } = (await frame) as { id: number };
    core.reply({ t: 'result', id, result: { ok: true, value: 'still here' } });
    await expect(pending).resolves.toEqual({ ok: true, value: 'still here' });
  });
});

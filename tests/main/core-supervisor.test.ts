import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CoreSupervisor, type PortPair, type Window } from '../../src/main/core-supervisor';
import { FakeCore } from './electron-stub';

type FakeWindow = Window & {
  destroyed: boolean;
  ports: unknown[];
  downs: number;
};

function fakeWindow(id: number): FakeWindow {
  const window: FakeWindow = {
    id,
    destroyed: false,
    ports: [],
    downs: 0,
    isDestroyed: () => window.destroyed,
    sendPort: (port) => window.ports.push(port),
    coreDown: () => window.downs++,
  };
  return window;
}

/** A supervisor with every dependency faked; timers are queued and fired by the test. */
function setup() {
  const cores: FakeCore[] = [];
  const channels: PortPair[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  const deps = {
    fork: vi.fn(() => {
      const core = new FakeCore();
      cores.push(core);
      return core;
    }),
    createChannel: vi.fn(() => {
      const n = channels.length + 1;
      const pair = { port1: `port1#${n}`, port2: `port2#${n}` };
      channels.push(pair);
      return pair;
    }),
    setTimeout: vi.fn((callback: () => void, ms: number) => {
      timers.push({ callback, ms });
      return timers.length;
    }),
    log: vi.fn(),
  };
  const supervisor = new CoreSupervisor(deps);
  return {
    supervisor,
    deps,
    cores,
    channels,
    timers,
    /** The core running now (the last forked). */
    core: (): FakeCore => {
      const core = cores.at(-1);
      if (!core) throw new Error('no core was forked');
      return core;
    },
    /** Fires the oldest pending timer. */
    fireTimer: (): number => {
      const timer = timers.shift();
      if (!timer) throw new Error('no timer pending');
      timer.callback();
      return timer.ms;
    },
  };
}

describe('CoreSupervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-01T08:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forks the core on start, once', () => {
    const t = setup();
    expect(t.deps.fork).not.toHaveBeenCalled();
    t.supervisor.start();
    expect(t.deps.fork).toHaveBeenCalledTimes(1);
    expect(t.core().listenerCount('exit')).toBe(1);
  });

  it('hands each attached window its own channel: port1 to the core, port2 to the window', () => {
    const t = setup();
    t.supervisor.start();
    const a = fakeWindow(1);
    const b = fakeWindow(2);
    t.supervisor.attach(a);
    t.supervisor.attach(b);

    expect(t.channels).toHaveLength(2);
    expect(t.core().postMessage.mock.calls).toEqual([
      [{ type: 'connect', windowId: 1 }, ['port1#1']],
      [{ type: 'connect', windowId: 2 }, ['port1#2']],
    ]);
    expect(a.ports).toEqual(['port2#1']);
    expect(b.ports).toEqual(['port2#2']);
  });

  it('connects windows attached before the core started once it starts', () => {
    const t = setup();
    const a = fakeWindow(1);
    t.supervisor.attach(a);
    expect(a.ports).toEqual([]);
    expect(t.deps.createChannel).not.toHaveBeenCalled();
    t.supervisor.start();
    expect(a.ports).toEqual(['port2#1']);
    expect(t.core().postMessage).toHaveBeenCalledWith({ type: 'connect', windowId: 1 }, ['port1#1']);
  });

  it('re-attaching a window (a reload) gives it a new port to the same core', () => {
    const t = setup();
    t.supervisor.start();
    const a = fakeWindow(1);
    t.supervisor.attach(a);
    t.supervisor.attach(a);
    expect(t.deps.fork).toHaveBeenCalledTimes(1);
    expect(a.ports).toEqual(['port2#1', 'port2#2']);
  });

  it('when the core exits: tells the windows, restarts after the backoff, and hands every window a new port', () => {
    const t = setup();
    t.supervisor.start();
    const a = fakeWindow(1);
    const b = fakeWindow(2);
    t.supervisor.attach(a);
    t.supervisor.attach(b);
    const first = t.core();

    first.exit(1);
    expect(a.downs).toBe(1);
    expect(b.downs).toBe(1);
    // Not yet restarted: the restart waits for the timer.
    expect(t.deps.fork).toHaveBeenCalledTimes(1);
    expect(t.timers).toHaveLength(1);
    expect(t.deps.log).toHaveBeenCalledWith('core exited; restarting', expect.objectContaining({ code: 1 }));

    expect(t.fireTimer()).toBe(0);
    expect(t.deps.fork).toHaveBeenCalledTimes(2);
    const second = t.core();
    expect(second).not.toBe(first);
    expect(second.postMessage.mock.calls).toEqual([
      [{ type: 'connect', windowId: 1 }, ['port1#3']],
      [{ type: 'connect', windowId: 2 }, ['port1#4']],
    ]);
    expect(a.ports).toEqual(['port2#1', 'port2#3']);
    expect(b.ports).toEqual(['port2#2', 'port2#4']);
    expect(t.supervisor.restarts).toBe(1);
  });

  it('backs off longer and longer for a core that keeps dying at start, capped', () => {
    const t = setup();
    t.supervisor.start();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      vi.advanceTimersByTime(100); // dies 100 ms after each start
      t.core().exit(1);
      delays.push(t.fireTimer());
    }
    expect(delays).toEqual([0, 250, 1000, 2000, 5000, 5000, 5000]);
    expect(t.deps.fork).toHaveBeenCalledTimes(8);
    // Each delay is strictly no shorter than the one before.
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
  });

  it('restarts at once again after a core that ran a while', () => {
    const t = setup();
    t.supervisor.start();
    for (let i = 0; i < 3; i++) {
      t.core().exit(1);
      t.fireTimer();
    }
    vi.advanceTimersByTime(60_000);
    t.core().exit(1);
    expect(t.fireTimer()).toBe(0);
  });

  it('ignores the exit of a core it no longer runs', () => {
    const t = setup();
    t.supervisor.start();
    const old = t.core();
    old.exit(1);
    t.fireTimer();
    old.exit(1); // a late duplicate exit of the old process
    expect(t.timers).toHaveLength(0);
    expect(t.deps.fork).toHaveBeenCalledTimes(2);
  });

  it('stop() kills the core and does not restart it', () => {
    const t = setup();
    t.supervisor.start();
    const a = fakeWindow(1);
    t.supervisor.attach(a);
    const core = t.core();
    t.supervisor.stop();
    expect(core.kill).toHaveBeenCalledTimes(1);
    core.exit(0); // the killed process exits
    expect(t.timers).toHaveLength(0);
    expect(a.downs).toBe(0);
    expect(t.deps.fork).toHaveBeenCalledTimes(1);
  });

  it('stop() during a pending restart cancels the restart', () => {
    const t = setup();
    t.supervisor.start();
    t.core().exit(1);
    t.supervisor.stop();
    t.fireTimer();
    expect(t.deps.fork).toHaveBeenCalledTimes(1);
  });

  it('start() after stop() with a restart still pending forks one core, not two', () => {
    const t = setup();
    t.supervisor.start();
    t.core().exit(1);
    t.supervisor.stop();
    t.supervisor.start();
    t.fireTimer();
    expect(t.deps.fork).toHaveBeenCalledTimes(2);
  });

  it('start() while a core runs does not fork a second one', () => {
    const t = setup();
    t.supervisor.start();
    t.supervisor.start();
    expect(t.deps.fork).toHaveBeenCalledTimes(1);
  });

  it('drops destroyed windows: no coreDown, no new port, no channel', () => {
    const t = setup();
    t.supervisor.start();
    const alive = fakeWindow(1);
    const gone = fakeWindow(2);
    t.supervisor.attach(alive);
    t.supervisor.attach(gone);
    gone.destroyed = true;

    t.core().exit(1);
    expect(gone.downs).toBe(0);
    expect(alive.downs).toBe(1);
    t.fireTimer();
    expect(gone.ports).toEqual(['port2#2']);
    expect(alive.ports).toEqual(['port2#1', 'port2#3']);
    expect(t.channels).toHaveLength(3);

    // Dropped for good: a second restart does not even look at it.
    t.core().exit(1);
    t.fireTimer();
    expect(t.channels).toHaveLength(4);
    expect(t.core().postMessage.mock.calls).toEqual([[{ type: 'connect', windowId: 1 }, ['port1#4']]]);
  });

  it('detach() stops handing a window ports', () => {
    const t = setup();
    t.supervisor.start();
    const a = fakeWindow(1);
    t.supervisor.attach(a);
    t.supervisor.detach(1);
    t.core().exit(1);
    expect(a.downs).toBe(0);
    t.fireTimer();
    expect(a.ports).toEqual(['port2#1']);
    expect(t.core().postMessage).not.toHaveBeenCalled();
  });

  it('does not connect a window that is already destroyed when attached', () => {
    const t = setup();
    t.supervisor.start();
    const a = fakeWindow(1);
    a.destroyed = true;
    t.supervisor.attach(a);
    expect(a.ports).toEqual([]);
    expect(t.deps.createChannel).not.toHaveBeenCalled();
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallFrame, CoreFrame } from '#shared/rpc/protocol';
import { RpcClient } from '#shared/rpc/client';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { inspectStation } from '../../support/db';

/**
 * A bench screen mounts and reads its view (`pack.current`) while a scan typed at the same moment
 * goes out too. Both calls reach the core in one read of the socket; the scan commits and pushes
 * the new view before the read's older answer ("nothing open") is sent. These tests drive the real
 * stores of the window against the real core over a transport that delivers like a WebSocket: the
 * frames a side sends in one tick arrive together, each frame its own task.
 */
let fixture: CoreFixture;
let core: { frames: string[] };

function socketPair(f: CoreFixture): RpcClient {
  const toCore: CallFrame[] = [];
  let flushing = false;
  let client: RpcClient | null = null;
  const link = f.core.attach((frame: CoreFrame) => {
    if (frame.t === 'event') core.frames.push(`event ${frame.name}`);
    if (frame.t === 'result') core.frames.push(`result ${frame.id}`);
    // Each frame to the window is a task of its own, as WebSocket messages are.
    setTimeout(() => client?.receive(JSON.parse(JSON.stringify(frame))), 0);
  });
  client = new RpcClient({
    timers: { set: (callback, ms) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as number) },
    send: (frame) => {
      // What the window sends in one tick reaches the core in one read.
      toCore.push(frame);
      if (!flushing) {
        flushing = true;
        setTimeout(() => {
          flushing = false;
          for (const call of toCore.splice(0)) link.receive(call);
        }, 0);
      }
      return true;
    },
  });
  return client;
}

async function settled(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

function firstOrder(where: string): string {
  const db = inspectStation(fixture.dataDir);
  const row = db
    .prepare<[], { number: string }>(`SELECT number FROM orders o WHERE ${where} ORDER BY number LIMIT 1`)
    .get();
  db.close();
  if (!row) throw new Error(`no order where ${where}`);
  return row.number;
}

function firstRma(): string {
  const db = inspectStation(fixture.dataDir);
  const row = db
    .prepare<[], { number: string }>("SELECT number FROM rmas WHERE status = 'authorized' ORDER BY number LIMIT 1")
    .get()!;
  db.close();
  return row.number;
}

describe('a view read overtaken by a pushed view', () => {
  beforeEach(async () => {
    fixture = openCore();
    core = { frames: [] };
    const client = socketPair(fixture);
    (globalThis as unknown as { window: { bench: RpcClient } }).window = { bench: client };
    // As the window's wiring does: pushed views go to the stores.
    const { usePackStore } = await import('../../../src/renderer/src/stores/packing');
    const { useReturnsStore } = await import('../../../src/renderer/src/stores/returns');
    client.on('pack.changed', (view) => usePackStore.getState().changed(view));
    client.on('returns.changed', (view) => useReturnsStore.getState().changed(view));
  });

  afterEach(() => {
    fixture.close();
    delete (globalThis as { window?: unknown }).window;
  });

  it('the core does push the scan’s view before answering the read made before it', async () => {
    const { usePackStore } = await import('../../../src/renderer/src/stores/packing');
    const { callCore } = await import('../../../src/renderer/src/services/core');
    await callCore('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await callCore('session.bench', { bench: 'pack' });
    await settled();
    core.frames.length = 0;
    usePackStore.setState({ view: null });
    const number = firstOrder("o.status = 'ready_to_pack'");
    void usePackStore.getState().load();
    void callCore('scan.submit', { code: number, source: 'wedge' });
    await settled();
    // The condition the stores must survive: the push comes first, the older answer after it.
    const pushed = core.frames.indexOf('event pack.changed');
    expect(pushed).toBeGreaterThanOrEqual(0);
    expect(core.frames.slice(pushed)).toContain('result 3');
  });

  it('leaves the packing bench showing the order the scan opened', async () => {
    const { usePackStore } = await import('../../../src/renderer/src/stores/packing');
    const { callCore } = await import('../../../src/renderer/src/services/core');
    await callCore('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await callCore('session.bench', { bench: 'pack' });
    await settled();
    usePackStore.setState({ view: null });
    const number = firstOrder("o.status = 'ready_to_pack'");
    void usePackStore.getState().load();
    void callCore('scan.submit', { code: number, source: 'wedge' });
    await settled();
    expect(usePackStore.getState().view?.orderNumber).toBe(number);
    expect(usePackStore.getState().view?.status).toBe('packing');
  });

  it('leaves the returns bench showing the case the scan opened', async () => {
    const { useReturnsStore } = await import('../../../src/renderer/src/stores/returns');
    const { callCore } = await import('../../../src/renderer/src/services/core');
    await callCore('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
    await callCore('session.bench', { bench: 'returns' });
    await settled();
    useReturnsStore.setState({ view: null });
    const number = firstRma();
    void useReturnsStore.getState().load();
    void callCore('scan.submit', { code: number, source: 'wedge' });
    await settled();
    expect(useReturnsStore.getState().view?.rmaNumber).toBe(number);
    expect(useReturnsStore.getState().view?.prompt).toBe('items');
  });
});

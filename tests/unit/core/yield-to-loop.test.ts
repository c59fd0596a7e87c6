import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { yieldToLoop } from '../../../src/core/util/yield-to-loop';

/** A loopback socket pair: what the server end receives is pushed to `received`. */
async function socketPair(): Promise<{ server: Server; client: Socket; received: string[]; first: Promise<void> }> {
  const received: string[] = [];
  let gotFirst!: () => void;
  const first = new Promise<void>((resolve) => (gotFirst = resolve));
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received.push(chunk);
      if (received.length === 1) gotFirst();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const client = connect(address.port, '127.0.0.1');
  client.setNoDelay(true);
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return { server, client, received, first };
}

describe('yieldToLoop', () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  it('lets I/O that became ready meanwhile in, even when the work resumed from I/O', async () => {
    const pair = await socketPair();
    cleanup = async () => {
      pair.client.destroy();
      await new Promise<void>((resolve) => pair.server.close(() => resolve()));
    };
    pair.client.write('A');
    // Resumed from the poll phase (the first data event), like a page whose body just arrived.
    await pair.first;
    // A call arrives while the work runs: on loopback it is readable at once.
    pair.client.write('B');
    let pieces = 0;
    while (pieces < 10 && pair.received.join('') === 'A') {
      // One piece of work (a chunk's transaction): the data cannot be read while it runs.
      const until = performance.now() + 5;
      while (performance.now() < until);
      pieces++;
      await yieldToLoop();
    }
    // The second message was read at the first yield, not after a second piece of work (with
    // a single setImmediate it waited for two).
    expect(pair.received.join('')).toBe('AB');
    expect(pieces).toBe(1);
  });

  it('resolves in a later turn of the loop, never synchronously', async () => {
    let done = false;
    const pending = yieldToLoop().then(() => (done = true));
    expect(done).toBe(false);
    await pending;
    expect(done).toBe(true);
  });
});

import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Raw9100Client } from '../../../src/core/printing/raw9100';
import { FakeZebra, ZEBRA_PORT } from '../../support/printing';

const LABEL = Buffer.from('^XA\n^FO50,50^A0N,40,40^FDBench 1^FS\n^XZ\n');

const zebras: FakeZebra[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(zebras.splice(0).map((zebra) => zebra.stop()));
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

async function start(port?: number): Promise<FakeZebra> {
  const zebra = await FakeZebra.start(port);
  zebras.push(zebra);
  return zebra;
}

/** Whether something else already listens on 127.0.0.1:port. */
async function busy(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise<boolean>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(true) : reject(error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/** A server holding a port the system picked. */
async function holdAPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Sends a label as the station does (status, label, status) and checks the bytes arrived. */
async function printsTo(zebra: FakeZebra): Promise<void> {
  const result = await new Raw9100Client({ connectTimeoutMs: 500, statusTimeoutMs: 500 }).print(
    '127.0.0.1',
    zebra.port,
    LABEL,
  );
  expect(result).toEqual({ externalId: null, printed: true });
  expect(zebra.labels()).toEqual([LABEL.toString('utf8').trim()]);
}

describe('FakeZebra: the 9100 listener of the printing tests', () => {
  it('listens on 127.0.0.1:9100, or — only when 9100 is taken — on a port of its own', async () => {
    const zebra = await start();
    if (zebra.onRequestedPort) {
      expect(zebra.port).toBe(ZEBRA_PORT);
    } else {
      // Another test file (or another run on this machine) holds 9100 right now.
      expect(zebra.port).not.toBe(ZEBRA_PORT);
      expect(await busy(ZEBRA_PORT)).toBe(true);
    }
    await printsTo(zebra);
  });

  it('falls back to a random port when its port is busy, and still takes labels', async () => {
    const taken = await holdAPort();
    const zebra = await start(taken);
    expect(zebra.onRequestedPort).toBe(false);
    expect(zebra.port).not.toBe(taken);
    await printsTo(zebra);
  });

  it('two at once: the second one never shares the first one’s port', async () => {
    const first = await start();
    const second = await start();
    expect(second.port).not.toBe(first.port);
    expect(second.onRequestedPort).toBe(false);
    await printsTo(second);
    expect(first.labels()).toEqual([]);
  });
});

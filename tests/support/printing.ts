import { createServer, type Server, type Socket } from 'node:net';
import type { MethodOutput } from '#shared/contract/index';
import type { SystemPrinterInfo } from '#shared/contract/printing';
import { TransportError, type SystemPrinter } from '../../src/core/printing/transport';
import { DEMO, type CoreFixture } from './core-fixture';
import { inspectStation } from './db';

/** How a fake Zebra answers `~HS`. */
export type ZebraMode = 'ok' | 'paper_out' | 'head_open' | 'silent' | 'silent_after_label';

const STX = '\u0002';
const ETX = '\u0003';

/** A `~HS` answer: three STX…ETX strings, flags per the ZPL II guide. */
export function hostStatus(
  flags: { paperOut?: boolean; paused?: boolean; headOpen?: boolean; ribbonOut?: boolean } = {},
): string {
  const b = (v: boolean | undefined): string => (v ? '1' : '0');
  const one = `030,${b(flags.paperOut)},${b(flags.paused)},1218,000,0,0,0,000,0,0,0`;
  const two = `001,0,${b(flags.headOpen)},${b(flags.ribbonOut)},0,2,6,0,00000000,1,000`;
  const three = '1234,0';
  return `${STX}${one}${ETX}\r\n${STX}${two}${ETX}\r\n${STX}${three}${ETX}\r\n`;
}

/** The raw (JetDirect) port of a Zebra. */
export const ZEBRA_PORT = 9100;

/**
 * Listens on 127.0.0.1:port; false when the port is in use (or may not be used), so the caller
 * falls back. Any other error is thrown.
 */
async function listen(server: Server, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      server.off('listening', listening);
      if (port !== 0 && (error.code === 'EADDRINUSE' || error.code === 'EACCES')) resolve(false);
      else reject(error);
    };
    const listening = (): void => {
      server.off('error', failed);
      resolve(true);
    };
    server.once('error', failed);
    server.once('listening', listening);
    server.listen(port, '127.0.0.1');
  });
}

/**
 * A loopback stand-in for a Zebra on port 9100: it records every byte it receives and answers
 * `~HS` as its mode says (silent like a printer out of paper, or reporting a fault).
 */
export class FakeZebra {
  readonly received: Buffer[] = [];
  mode: ZebraMode = 'ok';
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  #requested: number | null = null;

  private constructor(server: Server) {
    this.#server = server;
  }

  /**
   * Listens on 127.0.0.1:`port` — 9100, a Zebra's raw port, as issue 6 asks — or, when that port
   * is taken (another test file running at the same time, another engineer's run on this
   * machine), on a port the system picks. Tests read `port` and never assume 9100.
   */
  static async start(port = ZEBRA_PORT): Promise<FakeZebra> {
    const server = createServer();
    const zebra = new FakeZebra(server);
    zebra.#requested = port;
    server.on('connection', (socket) => zebra.#accept(socket));
    if (!(await listen(server, port))) await listen(server, 0);
    return zebra;
  }

  /** Whether the fake got the port it asked for (false: it fell back to a random one). */
  get onRequestedPort(): boolean {
    return this.#requested === this.port;
  }

  get port(): number {
    const address = this.#server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  /** Everything received, as text. */
  text(): string {
    return Buffer.concat(this.received).toString('utf8');
  }

  /** The labels received: `^XA…^XZ` formats. */
  labels(): string[] {
    return [...this.text().matchAll(/(?:~SD\d\d\n)?\^XA[\s\S]*?\^XZ/g)].map((m) => m[0]);
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.connections++;
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    let sawLabel = false;
    socket.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      const text = chunk.toString('utf8');
      if (text.includes('^XA')) sawLabel = true;
      if (!text.includes('~HS')) return;
      if (this.mode === 'silent') return;
      if (this.mode === 'silent_after_label' && sawLabel) return;
      socket.write(hostStatus({ paperOut: this.mode === 'paper_out', headOpen: this.mode === 'head_open' }));
    });
    socket.on('error', () => undefined);
  }
}

type Item = { code: string; quantity: number; serialised: number };

/** A demo order to pack, and the printed barcode of each of its lines. */
export function demoOrder(dataDir: string, where: string): { id: string; number: string; items: Item[] } {
  const db = inspectStation(dataDir);
  const order = db
    .prepare<[], { id: string; number: string }>(
      `SELECT o.id, o.number FROM orders o WHERE ${where} ORDER BY o.number LIMIT 1`,
    )
    .get();
  if (!order) throw new Error(`no demo order where ${where}`);
  const items = db
    .prepare<[string], Item>(
      `SELECT (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM product_barcodes b WHERE b.product_id = l.product_id ORDER BY b.code LIMIT 1) AS code,
              l.quantity, p.serialised
         FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ? ORDER BY l.line_no`,
    )
    .all(order.id);
  db.close();
  return { ...order, items };
}

/**
 * Orders waiting to be packed with apparel only: sampled for QC at 10 %, so never with the
 * fixture's draw of 0.99 — DONE completes them at once.
 */
export const PLAIN_ORDER = `o.status = 'ready_to_pack' AND NOT EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id AND p.category <> 'apparel')`;

export async function scan(f: CoreFixture, code: string): Promise<MethodOutput<'scan.submit'>> {
  return f.ok('scan.submit', { code, source: 'wedge' });
}

/** Logs the packer in at the pack bench, packs an order by scans and scans DONE. Returns the package id. */
export async function packOrder(
  f: CoreFixture,
  where: string,
  login = true,
): Promise<{ packageId: string; number: string }> {
  const order = demoOrder(f.dataDir, where);
  if (login) {
    await f.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await f.ok('session.bench', { bench: 'pack' });
  }
  await scan(f, order.number);
  let serial = 1;
  for (const item of order.items) {
    for (let i = 0; i < item.quantity; i++) {
      await scan(f, item.code);
      if (item.serialised) await scan(f, `SN-PRINT-${serial++}`);
    }
  }
  const done = await scan(f, 'CMD:DONE');
  if (done.message !== 'verdict.pack.done') throw new Error(`DONE answered ${done.message}`);
  const view = (await f.ok('pack.current', {}))!;
  return { packageId: view.packageId, number: order.number };
}

/** The jobs of the station, oldest first. */
export async function jobs(f: CoreFixture): Promise<MethodOutput<'print.jobs'>['jobs']> {
  return (await f.ok('print.jobs', { limit: 200 })).jobs.reverse();
}

/** What the fake system printer was asked to print. */
export type SystemPrint = Parameters<SystemPrinter['print']>[1] & { pdf: Buffer };

/**
 * A stand-in for the Electron host's system printers (the relay to main): the printers it lists,
 * every PDF it was given, and the failure the next prints end with (`failWith`), if any.
 */
export class FakeSystemPrinter implements SystemPrinter {
  printers: SystemPrinterInfo[] = [
    { name: 'ZDesigner ZD421-203dpi ZPL', displayName: 'Zebra ZD421', description: 'ZD421', isDefault: false },
    { name: '\\\\print01\\Office laser', displayName: 'Office laser', description: 'HP M404', isDefault: true },
  ];
  readonly prints: SystemPrint[] = [];
  failWith: TransportError | null = null;
  listFails: TransportError | null = null;

  list(): Promise<SystemPrinterInfo[]> {
    if (this.listFails) return Promise.reject(this.listFails);
    return Promise.resolve(this.printers.map((printer) => ({ ...printer })));
  }

  print(pdf: Buffer, options: Parameters<SystemPrinter['print']>[1]): Promise<void> {
    this.prints.push({ pdf, ...options });
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve();
  }
}

/** A failure as main reports it for a cancelled job: nothing printed, worth trying again. */
export function systemCancelled(deviceName: string): TransportError {
  return new TransportError(
    'SYSTEM_PRINT_FAILED',
    `The print job on ${deviceName} was cancelled: check the printer (paper, ribbon, head), then retry.`,
    { retryable: true, sent: false },
  );
}

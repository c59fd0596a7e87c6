import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { Core } from '../app';
import { syncTimingsFromEnv } from '../sync/engine';
import { createLogger, type Logger } from '../util/log';
import { serveStatic } from './static';

/**
 * Web mode: the core as a plain Node process, serving the renderer over HTTP and the contract
 * over a WebSocket, both on 127.0.0.1. Any page in the user's browser can try to reach a
 * loopback port, so the WebSocket demands a random token (given in the URL fragment, which the
 * browser never sends to a server) and checks the Origin.
 */

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_FRAME_BYTES = 1 << 20;

type Options = {
  dataDir: string;
  host: string;
  port: number;
  token: string;
  rendererDir: string;
  demo: boolean;
  allowRemote: boolean;
};

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      'renderer-dir': { type: 'string' },
      'no-demo': { type: 'boolean' },
      'allow-remote': { type: 'boolean' },
    },
    strict: true,
  });
  const port = Number(values.port ?? process.env.BENCHLINE_PORT ?? 4780);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0..65535, not ${values.port}`);
  return {
    dataDir: resolve(values['data-dir'] ?? process.env.BENCHLINE_DATA_DIR ?? '.benchline-data'),
    host: values.host ?? '127.0.0.1',
    port,
    token: values.token ?? process.env.BENCHLINE_TOKEN ?? randomBytes(24).toString('base64url'),
    rendererDir: resolve(values['renderer-dir'] ?? join(__dirname, '..', 'renderer')),
    demo: !(values['no-demo'] ?? process.env.BENCHLINE_DEMO === '0'),
    allowRemote: values['allow-remote'] ?? false,
  };
}

function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Starts web mode; resolves when the server listens. */
export async function startStandalone(
  argv: string[],
  log: Logger,
): Promise<{ url: string; close: () => Promise<void> }> {
  const options = readOptions(argv);
  if (!LOOPBACK.has(options.host) && !options.allowRemote) {
    throw new Error(
      `Refusing to listen on ${options.host}: web mode binds to 127.0.0.1 unless --allow-remote is given, ` +
        'because anyone who can reach the port and learns the token can operate the station.',
    );
  }
  if (options.host !== 'localhost' && isIP(options.host) === 0)
    throw new Error(`--host must be an IP address, not ${options.host}`);

  const core = new Core({
    dataDir: options.dataDir,
    demo: options.demo,
    version: __APP_VERSION__,
    log,
    sync: { timings: syncTimingsFromEnv(process.env) },
  });
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let loopbackHosts = new Set<string>();

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/core') return reject(socket, 404, 'Not Found');
    if (!sameToken(url.searchParams.get('token'), options.token)) return reject(socket, 401, 'Unauthorized');
    // A page on another site may reach a loopback port (DNS rebinding included): the Host must
    // be this server's loopback name unless remote access was configured, and a browser's
    // Origin must be this server. Tools and tests send no Origin and hold the token.
    const hostHeader = request.headers.host ?? '';
    if (!options.allowRemote && !loopbackHosts.has(hostHeader)) return reject(socket, 403, 'Forbidden');
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader}`) return reject(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  wss.on('connection', (ws: WebSocket) => {
    const link = core.attach((frame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    });
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, 15_000);
    heartbeat.unref();
    ws.on('message', (data, isBinary) => {
      let frame: unknown = null;
      if (!isBinary && Buffer.isBuffer(data)) {
        try {
          frame = JSON.parse(data.toString('utf8'));
        } catch {
          frame = null;
        }
      }
      link.receive(frame);
    });
    ws.on('close', () => {
      clearInterval(heartbeat);
      link.detach();
    });
    ws.on('error', (error) => log.warn({ err: error }, 'websocket error'));
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const origin = `http://${hostForUrl}:${port}`;
  loopbackHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  server.on('request', serveStatic(options.rendererDir));

  const url = `${origin}/#token=${options.token}`;
  return {
    url,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((done) => server.close(() => done()));
      core.close();
    },
  };
}

async function main(): Promise<void> {
  const log = createLogger();
  let running: Awaited<ReturnType<typeof startStandalone>>;
  try {
    running = await startStandalone(process.argv.slice(2), log);
  } catch (error) {
    process.stderr.write(`benchline: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const { url, close } = running;
  process.stdout.write(`Benchline web mode is ready. Open this address in Chromium or Chrome:\n\n  ${url}\n\n`);
  process.stdout.write(`BENCHLINE_READY ${JSON.stringify({ url, pid: process.pid })}\n`);
  const stop = (): void => {
    void close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();

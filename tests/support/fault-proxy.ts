import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * What the proxy does to the next connections:
 * - `pass`: forwards both ways (optionally delaying every chunk by `delayMs`);
 * - `refuse`: closes each connection at once (the cloud is down);
 * - `blackhole`: accepts and never answers nor forwards — a half-open link, a partition both ways;
 * - `drop_request`: the request never reaches the cloud (partition station → cloud);
 * - `drop_response`: the request reaches the cloud, which commits; its answer never comes back;
 * - `cut`: forwards the request, then only the first `cutAfterBytes` bytes of the answer, then
 *   closes: a body cut in the middle, a gzip stream that ends early;
 * - `captive`: answers 200 with an HTML page, as a captive portal does;
 * - `http503`: answers 503 with a plain-text body, as a load balancer with no backend does.
 */
export type FaultMode =
  'pass' | 'refuse' | 'blackhole' | 'drop_request' | 'drop_response' | 'cut' | 'captive' | 'http503';

export type FaultProxy = {
  port: number;
  url: string;
  mode: FaultMode;
  /** Connections accepted so far, per mode. */
  counts: Map<FaultMode, number>;
  /** Sets the mode for new connections and drops the open ones (so pooled sockets do not escape it). */
  set(mode: FaultMode, options?: { delayMs?: number; cutAfterBytes?: number; after?: string }): void;
  /** The upstream moved (a restarted cloud on another port). */
  retarget(port: number): void;
  close(): Promise<void>;
};

/** A TCP proxy on 127.0.0.1 in front of the cloud, that misbehaves on demand. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  let target = targetPort;
  let mode: FaultMode = 'pass';
  let delayMs = 0;
  let cutAfterBytes = 200;
  // `drop_response` and `cut` act only once a request starting with this was seen on the connection.
  let after: string | null = null;
  const open = new Set<Socket>();
  const counts = new Map<FaultMode, number>();

  const track = (socket: Socket): Socket => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  };

  const server: Server = createServer((client) => {
    track(client);
    const current = mode;
    counts.set(current, (counts.get(current) ?? 0) + 1);
    switch (current) {
      case 'refuse':
        client.destroy();
        return;
      case 'blackhole':
      case 'drop_request':
        client.on('data', () => undefined);
        return;
      case 'captive': {
        client.once('data', () => {
          const body = '<!doctype html><html><body><h1>Welcome to the warehouse Wi-Fi</h1><p>Log in.</p></body></html>';
          client.end(
            `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
          );
        });
        return;
      }
      case 'http503': {
        client.once('data', () => {
          const body = 'no healthy upstream';
          client.end(
            `HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
          );
        });
        return;
      }
      default:
        break;
    }
    const upstream = track(connect(target, '127.0.0.1'));
    const pending: Buffer[] = [];
    let connected = false;
    const trigger = after;
    let armed = trigger === null;
    upstream.on('connect', () => {
      connected = true;
      for (const chunk of pending.splice(0)) upstream.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      if (!armed && trigger !== null && chunk.toString('latin1').startsWith(trigger)) armed = true;
      const forward = (): void => {
        if (connected) upstream.write(chunk);
        else pending.push(chunk);
      };
      if (delayMs > 0) setTimeout(forward, delayMs);
      else forward();
    });
    client.on('end', () => upstream.end());
    let sent = 0;
    upstream.on('data', (chunk: Buffer) => {
      if (current === 'drop_response' && armed) return;
      if (current === 'cut' && armed) {
        const room = cutAfterBytes - sent;
        if (room > 0) client.write(chunk.subarray(0, room));
        sent += chunk.length;
        if (sent >= cutAfterBytes) {
          client.destroy();
          upstream.destroy();
        }
        return;
      }
      if (delayMs > 0) setTimeout(() => client.write(chunk), delayMs);
      else client.write(chunk);
    });
    upstream.on('end', () => {
      if (current === 'pass' || !armed) {
        if (delayMs > 0) setTimeout(() => client.end(), delayMs);
        else client.end();
      }
    });
    upstream.on('close', () => {
      if (current === 'pass' || current === 'cut' || !armed) client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const proxy: FaultProxy = {
    port,
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    counts,
    set(next, options = {}) {
      mode = next;
      delayMs = options.delayMs ?? 0;
      cutAfterBytes = options.cutAfterBytes ?? 200;
      after = options.after ?? null;
      for (const socket of open) socket.destroy();
    },
    retarget(next) {
      target = next;
      for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

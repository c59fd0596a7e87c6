import { RpcClient, type BenchApi } from '#shared/rpc/client';

const TOKEN_KEY = 'benchline.token';

/**
 * Web mode: the same renderer, talking to the standalone core over a WebSocket on the origin it
 * was served from. The token arrives in the URL fragment (never sent to a server), is kept for
 * this tab only, and removed from the address bar.
 */
export function createWebBench(location: Location, storage: Storage): BenchApi {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = storage.getItem(TOKEN_KEY) ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/core?token=${encodeURIComponent(token)}`;

  let socket: WebSocket | null = null;
  let attempt = 0;
  const client = new RpcClient({
    timers: { set: (callback, ms) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as number) },
    send: (frame) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
  });

  const connect = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
    };
    ws.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      try {
        client.receive(JSON.parse(message.data));
      } catch {
        // not JSON: ignore
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      client.linkDown('connecting');
      // Back off from 100 ms to 2 s: a restarting core is back in well under a second.
      const delay = Math.min(2000, 100 * 2 ** attempt++);
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    call: (method, input) => client.call(method, input),
    on: (event, handler) => client.on(event, handler),
  };
}

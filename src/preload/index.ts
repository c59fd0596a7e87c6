import { contextBridge, ipcRenderer } from 'electron';
import { RpcClient, type BenchApi } from '#shared/rpc/client';
import type { CallFrame } from '#shared/rpc/protocol';

/**
 * The preload: the window's only bridge to the core. Main hands it a MessagePort to the core
 * (a new one whenever the core restarts); the page gets exactly two functions, `call` and `on`,
 * never `ipcRenderer` or the port itself.
 */

let port: MessagePort | null = null;

const client = new RpcClient({
  timers: { set: (callback, ms) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as number) },
  send: (frame: CallFrame) => {
    if (!port) return false;
    port.postMessage(frame);
    return true;
  },
});

ipcRenderer.on('bench:port', (event) => {
  const next = event.ports[0];
  if (!next) return;
  if (port) {
    port.close();
    client.linkDown('connecting');
  }
  port = next;
  port.onmessage = (message: MessageEvent) => client.receive(message.data);
  port.start();
});

ipcRenderer.on('bench:core-down', () => {
  port?.close();
  port = null;
  client.linkDown('connecting');
});

const bench: BenchApi = {
  call: (method, input) => client.call(method, input),
  on: (event, handler) => client.on(event, handler),
};

contextBridge.exposeInMainWorld('bench', bench);

// Ask main for a port once this page exists: a port sent before the preload ran would be lost.
ipcRenderer.send('bench:hello');

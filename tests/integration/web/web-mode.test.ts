import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCore, type RunningCore } from '../../support/core-process';
import { STANDALONE, tempDir } from '../../support/paths';
import { connectCore } from '../../support/ws-client';

let core: RunningCore;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir();
  core = await startCore({ dataDir: temp.dir });
});

afterAll(async () => {
  await core?.stop();
  temp?.remove();
});

/** Tries a WebSocket upgrade and reports the HTTP status of a refusal (or 101). */
function upgrade(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${core.port}${path}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

/** Sends a GET with the path exactly as given and returns the status code. */
function rawGet(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(core.port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${core.port}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve(Number(data.split(' ')[1])));
    socket.on('error', reject);
  });
}

describe('web mode', () => {
  it('listens on 127.0.0.1 and prints the URL with the token in the fragment', () => {
    const url = new URL(core.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.hash).toBe(`#token=${core.token}`);
  });

  it('refuses a WebSocket without the token, with a wrong token, or on another path', async () => {
    expect(await upgrade('/core')).toBe(401);
    expect(await upgrade('/core?token=wrong')).toBe(401);
    expect(await upgrade(`/core?token=${core.token}x`)).toBe(401);
    expect(await upgrade(`/other?token=${core.token}`)).toBe(404);
    expect(await upgrade(`/core?token=${core.token}`)).toBe(101);
  });

  it('refuses a page from another origin, and a Host that is not this loopback server', async () => {
    const ok = `/core?token=${core.token}`;
    expect(await upgrade(ok, { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgrade(ok, { Origin: `http://127.0.0.1:${core.port}` })).toBe(101);
    // DNS rebinding: a hostile name resolved to 127.0.0.1.
    expect(
      await upgrade(ok, {
        Host: `rebind.evil.example:${core.port}`,
        Origin: `http://rebind.evil.example:${core.port}`,
      }),
    ).toBe(403);
  });

  it('refuses to listen on a non-loopback address unless told to', () => {
    const result = spawnSync(
      process.execPath,
      [STANDALONE, '--data-dir', temp.dir, '--host', '0.0.0.0', '--port', '0'],
      {
        encoding: 'utf8',
        timeout: 15_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Refusing to listen on 0\.0\.0\.0/);
  });

  it('serves the renderer with a content security policy, and nothing outside it', async () => {
    const index = await fetch(`http://127.0.0.1:${core.port}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<div id="root"></div>');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${core.port}`);
    expect(csp).toContain("object-src 'none'");
    // Raw requests: fetch would normalise the dots away before sending.
    expect(await rawGet('/../../package.json')).toBe(404);
    expect(await rawGet('/%2e%2e%2f%2e%2e%2fpackage.json')).toBe(403);
    expect(await rawGet('/assets/%2e%2e%2f%2e%2e%2fmain%2fstandalone.js')).toBe(403);
    expect((await fetch(`http://127.0.0.1:${core.port}/`, { method: 'POST' })).status).toBe(405);
  });

  it('answers calls and pushes events over the WebSocket', async () => {
    const client = await connectCore(core.port, core.token);
    const status = await client.call('app.status', {});
    expect(status).toMatchObject({ ok: true, value: { state: 'ready', station: { demo: true } } });
    const changed = new Promise((resolve) => client.on('session.changed', resolve));
    await client.call('scan.submit', { code: 'BADGE-P-1001', source: 'wedge' });
    expect(await changed).toMatchObject({ pending: { operatorName: 'Mara Quinn', purpose: 'login' } });
    await client.call('auth.cancel', {});
    await client.close();
  });

  it('answers a frame that is not JSON, or not a call, with BAD_FRAME and keeps serving', async () => {
    const client = await connectCore(core.port, core.token);
    expect(await client.rawFrame('this is not json')).toMatchObject({
      t: 'result',
      result: { ok: false, error: { code: 'BAD_FRAME' } },
    });
    expect(await client.rawFrame(JSON.stringify({ t: 'call', id: 7 }))).toMatchObject({
      id: 7,
      result: { ok: false, error: { code: 'BAD_FRAME' } },
    });
    expect(
      await client.rawFrame(JSON.stringify({ t: 'call', id: 'x', method: 'app.status', input: {} })),
    ).toMatchObject({
      result: { ok: false, error: { code: 'BAD_FRAME' } },
    });
    expect((await client.call('app.status', {})).ok).toBe(true);
    await client.close();
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncClient, type PulledPage } from '../../../src/core/sync/client';

/**
 * The station reads a page in whichever form a cloud sends it: a gzip file (what it asks for
 * first), JSON with gzip as the content-encoding (a cloud that ignores `Accept`), plain JSON —
 * the same rows each time; and a gzip file that does not inflate is a retryable failure.
 */
const rows = Array.from({ length: 300 }, (_, i) => ['put', 'product', `p${i}`, i, { name: `Tee ${i} — größe M 🧦` }]);
const text = `{"stream":"catalog","cursor":"c1","more":false,"upToDate":true,"checksum":{"rows":300,"sum":7},"total":300,"rows":[${rows.map((row) => `\n${JSON.stringify(row)}`).join(',')}\n]}`;

let server: Server;
let client: SyncClient;
const accepts: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    accepts.push(`${request.headers['accept']} | ${request.headers['accept-encoding']}`);
    const form = new URL(request.url!, 'http://x').searchParams.get('form');
    if (form === 'file') {
      response.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipSync(text));
    } else if (form === 'encoded') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(text));
    } else if (form === 'plain') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(text);
    } else if (form === 'one-line') {
      response.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipSync(JSON.stringify(JSON.parse(text))));
    } else {
      const zipped = gzipSync(text);
      response.writeHead(200, { 'content-type': 'application/gzip' }).end(zipped.subarray(0, zipped.length - 9));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new SyncClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: 't',
    timeoutMs: 5000,
    userAgent: 'test',
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const read = (form: string): Promise<PulledPage> =>
  client.page('/v1/sync/streams/catalog', { query: { form }, signal: new AbortController().signal });
const rowsOf = (page: PulledPage): unknown[] => Array.from({ length: page.length }, (_, i) => page.row(i));

describe('a page in each form a cloud may send', () => {
  it('asks for a gzip file first, and reads the same page from a file, gzip content-encoding or plain JSON', async () => {
    for (const form of ['file', 'encoded', 'plain', 'one-line']) {
      const page = await read(form);
      expect({ form, cursor: page.cursor, total: page.total, upToDate: page.upToDate }).toEqual({
        form,
        cursor: 'c1',
        total: 300,
        upToDate: true,
      });
      expect(rowsOf(page)).toEqual(rows);
    }
    expect(accepts[0]).toBe('application/gzip, application/json;q=0.9 | gzip');
  });

  it('takes a gzip file that does not inflate as a retryable network failure', async () => {
    await expect(read('cut')).rejects.toMatchObject({ code: 'network', retryable: true });
  });
});

import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type UploadEvent } from '#shared/sync/protocol';
import { eventHash } from '../../../src/core/events/chain';
import type { PageHead } from '../../../src/cloud/services/page';
import { splitPage } from '../../../src/core/sync/client';
import { startCloudOn, type CloudFixture, type Tenant } from '../../support/cloud';
import { DEMO, openCore } from '../../support/core-fixture';
import { GRADED_V1 } from '../../support/event-payloads';
import { pageValue, stringPage, type PageRow } from '../../support/page-reference';
import type { Postgres } from '../../support/postgres';
import { referenceData, syntheticProduct } from '../../support/reference-data';
import { FAST_SYNC, importAll, waitFor } from '../../support/sync';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const STORES = ['pglite', 'postgresql'] as const;

type Answer = { status: number; json: Record<string, unknown> & { error?: string; message?: string }; text: string };

describe.each(STORES)('the cloud API on %s', (storeKind) => {
  let postgres: Postgres | null = null;
  let cloud: CloudFixture;
  let hooks: WebhookReceiver | null = null;
  let hookUrl = '';
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let failFirst = 0;

  beforeAll(async () => {
    ({ cloud, postgres } = await startCloudOn(storeKind));
    // The demo operators, so a test station's supervisor stays logged in after the operators download.
    await importAll(cloud, { operators: referenceData().operators! });
    // The OMS's webhook receiver: fails the first `failFirst` deliveries, then accepts.
    hooks = await startWebhookReceiver((request, body, response) => {
      if (failFirst > 0) {
        failFirst--;
        response.writeHead(500).end('not now');
        return;
      }
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
    hookUrl = hooks.url;
  }, 120_000);

  afterAll(async () => {
    await hooks?.close();
    await cloud?.close();
    await postgres?.stop();
  });

  async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: Buffer | string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: BodyInit | undefined;
    if (options.raw !== undefined) body = typeof options.raw === 'string' ? options.raw : Uint8Array.from(options.raw);
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(cloud.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let json: Answer['json'];
    try {
      json = text ? (JSON.parse(text) as Answer['json']) : {};
    } catch {
      json = { text };
    }
    return { status: response.status, json, text };
  }

  async function enrol(tenant: Tenant = cloud.tenant, localId = `L-${randomBytes(4).toString('hex')}`) {
    const answer = await call('POST', '/v1/enrol', {
      body: {
        code: await cloud.code(tenant),
        station: { localId, name: 'API', incarnation: `inc-${localId}`, appVersion: 't' },
      },
    });
    expect(answer.status).toBe(201);
    return { token: answer.json['token'] as string, id: (answer.json['station'] as { id: string }).id, localId };
  }

  function events(
    localId: string,
    from: number,
    count: number,
    prev: string,
    type = 'scan.recorded',
    payload: object = {},
  ) {
    const out: UploadEvent[] = [];
    for (let i = 0; i < count; i++) {
      const fields = {
        id: `01API${randomBytes(10).toString('hex')}`.slice(0, 26).toUpperCase(),
        seq: from + i,
        stationId: localId,
        operatorId: 'op-x',
        type,
        subject: `subject-${from + i}`,
        payload: JSON.stringify(payload),
        schemaVersion: 1,
        createdAt: Date.now(),
        prevHash: prev,
      };
      const event = { ...fields, hash: eventHash(fields) };
      out.push(event);
      prev = event.hash;
    }
    return out;
  }

  async function eventCount(companyId: string): Promise<number> {
    const { rows } = await cloud.store.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE company_id = $1',
      [companyId],
    );
    return rows[0]!.n;
  }

  describe('enrolment and tokens', () => {
    it('spends a code once; refuses unknown, used and expired codes and malformed requests', async () => {
      const code = await cloud.code();
      const body = (c: string) => ({
        code: c,
        station: { localId: 'L1', name: 'S', incarnation: 'i1', appVersion: 't' },
      });
      const first = await call('POST', '/v1/enrol', { body: body(code.toLowerCase().replace('-', ' ')) });
      expect(first.status).toBe(201);
      expect(first.json['token']).toMatch(/^bls_/);
      expect((await call('POST', '/v1/enrol', { body: body(code) })).json.error).toBe('code_used');
      expect((await call('POST', '/v1/enrol', { body: body('ZZZZZ-ZZZZZ') })).json.error).toBe('code_unknown');
      const old = await cloud.code();
      await cloud.store.query(
        "UPDATE enrolment_codes SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL",
      );
      const expired = await call('POST', '/v1/enrol', { body: body(old) });
      expect(expired.status).toBe(401);
      expect(expired.json.error).toBe('code_expired');
      expect((await call('POST', '/v1/enrol', { body: { code: 42 } })).status).toBe(400);
      expect(
        (await call('POST', '/v1/enrol', { raw: '{not json', headers: { 'content-type': 'application/json' } })).status,
      ).toBe(400);
    });

    it('refuses missing, unknown, revoked and expired credentials with a 401 and writes nothing', async () => {
      const station = await enrol();
      const batch = { incarnation: `inc-${station.localId}`, events: events(station.localId, 1, 3, GENESIS_HASH) };
      expect((await call('POST', '/v1/sync/events', { body: batch })).status).toBe(401);
      expect((await call('POST', '/v1/sync/events', { body: batch, token: 'bls_nope_nope_nope' })).status).toBe(401);
      const before = await eventCount(cloud.tenant.companyId);
      expect((await call('POST', `/v1/oms/stations/${station.id}/revoke`, { token: cloud.tenant.apiKey })).status).toBe(
        204,
      );
      const revoked = await call('POST', '/v1/sync/events', { body: batch, token: station.token });
      expect(revoked.status).toBe(401);
      expect(revoked.json.error).toBe('station_revoked');
      expect(await eventCount(cloud.tenant.companyId)).toBe(before);
      expect((await call('GET', '/v1/sync/streams/catalog', { token: station.token })).status).toBe(401);
      // An API key that expired, or was revoked.
      const expiring = await cloud.cloud.tenants.createApiKey(
        cloud.tenant.companyId,
        'short',
        new Date(Date.now() - 1000),
      );
      const expired = await call('GET', '/v1/oms/stations', { token: expiring.key });
      expect(expired).toMatchObject({ status: 401, json: { error: 'key_expired' } });
      const revocable = await cloud.cloud.tenants.createApiKey(cloud.tenant.companyId, 'gone');
      await cloud.cloud.tenants.revokeApiKey(cloud.tenant.companyId, revocable.id);
      expect((await call('GET', '/v1/oms/stations', { token: revocable.key })).json.error).toBe('key_revoked');
      // A station token is not an API key, nor the reverse.
      expect((await call('GET', '/v1/oms/stations', { token: station.token })).status).toBe(401);
      expect((await call('GET', '/v1/sync/streams/catalog', { token: cloud.tenant.apiKey })).status).toBe(401);
    });

    it('stops a revoked station at the station too: it says so and keeps its records', async () => {
      const fixture = openCore({ sync: { timings: FAST_SYNC } });
      try {
        await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
        await fixture.ok('sync.enrol', { url: cloud.url, code: await cloud.code() });
        await fixture.core.sync!.runOnce();
        const stationId = (await fixture.ok('sync.status', {})).stationName;
        expect(stationId).toBeTruthy();
        const { rows } = await cloud.store.query<{ id: string }>('SELECT id FROM stations WHERE local_id = $1', [
          (await fixture.ok('app.status', {})).station!.id,
        ]);
        await call('POST', `/v1/oms/stations/${rows[0]!.id}/revoke`, { token: cloud.tenant.apiKey });
        await fixture.ok('scan.submit', { code: 'AFTER-REVOKE', source: 'wedge' });
        await fixture.core.sync!.runOnce();
        const view = await fixture.ok('sync.status', {});
        expect(view.state).toBe('error');
        expect(view.lastError?.code).toBe('station_revoked');
        expect(view.queue.depth).toBeGreaterThan(0);
      } finally {
        fixture.close();
      }
    });
  });

  describe('isolation between companies', () => {
    it("never lets one company see or touch another's stations, warehouses, documents or files", async () => {
      const other = await cloud.newTenant('Other company');
      const mine = await enrol(cloud.tenant);
      expect((await cloud.upsert('products', [syntheticProduct(1)], other)).status).toBe(200);
      expect((await cloud.upsert('products', [syntheticProduct(1, { name: 'Mine' })])).status).toBe(200);
      // The same id is two documents, one per company.
      const theirs = await call('GET', '/v1/oms/products/prod-syn-0000001', { token: other.apiKey });
      expect(theirs.json['name']).toBe('Synthetic product 1');
      expect((await call('POST', `/v1/oms/stations/${mine.id}/revoke`, { token: other.apiKey })).status).toBe(404);
      const code = await call('POST', '/v1/oms/enrolment-codes', {
        token: other.apiKey,
        body: { warehouseId: cloud.tenant.warehouseId },
      });
      expect(code.status).toBe(404);
      const list = await call('GET', '/v1/oms/stations', { token: other.apiKey });
      expect(JSON.stringify(list.json)).not.toContain(mine.id);
      // The other company's station downloads the other company's catalog only.
      const theirStation = await enrol(other);
      const page = await call('GET', '/v1/sync/streams/catalog?limit=5000', { token: theirStation.token });
      const rows = (page.json['rows'] as [string, string, string, number, { name?: string }][]).filter(
        (r) => r[2] === 'prod-syn-0000001',
      );
      expect(rows.map((r) => r[4].name)).toEqual(['Synthetic product 1']);
      // The page's rows come last, one to a line: the station reads them a chunk at a time.
      const split = splitPage(page.text)!;
      expect(split.length).toBe((page.json['rows'] as unknown[]).length);
      const byLine = Array.from({ length: split.length }, (_, i) => JSON.parse(split.line(i)) as unknown);
      expect({ ...split.envelope, rows: byLine }).toEqual(page.json);
      expect((await call('GET', `/v1/oms/webhooks/${'hook_x'}/deliveries`, { token: other.apiKey })).json).toEqual([]);
      // Warehouse ids are per company: the same id twice in one company is a conflict, not an error.
      const made = await call('POST', '/v1/oms/warehouses', { token: other.apiKey, body: { name: 'B', id: 'wh-b' } });
      expect(made.status).toBe(201);
      const again = await call('POST', '/v1/oms/warehouses', { token: other.apiKey, body: { name: 'B2', id: 'wh-b' } });
      expect([again.status, again.json['error']]).toEqual([409, 'warehouse_exists']);
      const elsewhere = await call('POST', '/v1/oms/warehouses', {
        token: cloud.tenant.apiKey,
        body: { name: 'B', id: 'wh-b' },
      });
      expect(elsewhere.status).toBe(201);
      // The station says its own version; the HTTP client's name is no version.
      const stations = await call('GET', '/v1/oms/stations', { token: other.apiKey });
      const listed = (stations.json as unknown as { id: string; appVersion: string | null }[]).find(
        (s) => s.id === theirStation.id,
      );
      expect(listed?.appVersion).toBe('t');
    });
  });

  describe('download pages', () => {
    it('reads a downloading station’s next page ahead, in a snapshot of its own, served once', async () => {
      const tenant = await cloud.newTenant(`Ahead ${storeKind}`);
      const station = await enrol(tenant);
      const products = Array.from({ length: 2500 }, (_, i) => syntheticProduct(i));
      expect((await cloud.upsert('products', products, tenant)).status).toBe(200);
      const first = await call('GET', '/v1/sync/streams/catalog?limit=1000', { token: station.token });
      expect(first.json['more']).toBe(true);
      // The cloud reads page 2 as soon as page 1 is out; a product of page 2 changes after that.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const moved = products[1500]!;
      expect((await cloud.upsert('products', [{ ...moved, name: 'Changed after page 1' }], tenant)).status).toBe(200);
      const cursor = encodeURIComponent(first.json['cursor'] as string);
      const second = await call('GET', `/v1/sync/streams/catalog?limit=1000&cursor=${cursor}`, {
        token: station.token,
      });
      const names = (page: Answer): Map<string, string> =>
        new Map(
          (page.json['rows'] as [string, string, string, number, { name: string }][]).map((r) => [r[2], r[4].name]),
        );
      // Read before the change: the old version, at its old place (read now, the row would have
      // moved to the end of the stream with its new version).
      expect(names(second).get(moved['id'] as string)).toBe(moved['name']);
      // The station still ends with the new version: it follows in the stream.
      let page = second;
      const last = new Map<string, string>();
      while (page.json['more'] === true) {
        const next = encodeURIComponent(page.json['cursor'] as string);
        page = await call('GET', `/v1/sync/streams/catalog?limit=1000&cursor=${next}`, { token: station.token });
        for (const [id, name] of names(page)) last.set(id, name);
      }
      expect(last.get(moved['id'] as string)).toBe('Changed after page 1');
      // Asked again for a page already served (an answer lost on the way): read afresh, now
      // without the row that moved (the next row in the stream fills the page).
      const again = await call('GET', `/v1/sync/streams/catalog?limit=1000&cursor=${cursor}`, { token: station.token });
      const kept = [...names(second).keys()].filter((id) => id !== moved['id']);
      expect([...names(again).keys()].slice(0, kept.length)).toEqual(kept);
      expect(names(again).has(moved['id'] as string)).toBe(false);
    });

    it('hands out changes in commit order when transaction ids gain a digit (no row skipped)', async () => {
      const tenant = await cloud.newTenant(`Digits ${storeKind}`);
      const station = await enrol(tenant);
      const current = async (): Promise<bigint> => {
        const { rows } = await cloud.store.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x');
        return BigInt(rows[0]!.x);
      };
      // Old changes under a transaction id of some digits, new ones under one with a digit more:
      // as text, "1000" sorts before "999".
      expect(
        (
          await cloud.upsert(
            'products',
            [0, 1, 2].map((i) => syntheticProduct(i)),
            tenant,
          )
        ).status,
      ).toBe(200);
      const before = await current();
      const next = 10n ** BigInt(before.toString().length);
      while ((await current()) < next);
      expect(
        (
          await cloud.upsert(
            'products',
            [3, 4, 5].map((i) => syntheticProduct(i)),
            tenant,
          )
        ).status,
      ).toBe(200);
      expect((await current()).toString().length).toBeGreaterThan(before.toString().length);
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 20; page++) {
        const answer = await call('GET', `/v1/sync/streams/catalog?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
          token: station.token,
        });
        expect(answer.status).toBe(200);
        seen.push(...(answer.json['rows'] as [string, string, string][]).map((r) => r[2]));
        cursor = answer.json['cursor'] as string;
        if (!answer.json['more']) break;
      }
      expect(seen.filter((id) => id.startsWith('prod-syn-'))).toEqual(
        [0, 1, 2, 3, 4, 5].map((i) => `prod-syn-${String(i).padStart(7, '0')}`),
      );
    }, 120_000);

    it('writes each page byte for byte as the string-built page did: tombstones, non-ASCII, quotes; gzip or not', async () => {
      const tenant = await cloud.newTenant(`Bytes ${storeKind}`);
      const station = await enrol(tenant);
      const odd = 'Dé "quoted" \\ back — 😀 \u2028 ñ';
      expect((await cloud.upsert('brands', [{ id: 'brand-"q"\\é😀', name: odd }], tenant)).status).toBe(200);
      const products = [0, 1, 2, 3, 4].map((i) =>
        syntheticProduct(i, {
          name: `${odd} ${i} ${'é'.repeat(300)}`,
          // An id PostgreSQL must escape as JSON.stringify does.
          ...(i === 3 ? { id: 'prod-"odd"\\\u2028é😀' } : {}),
        }),
      );
      expect((await cloud.upsert('products', products, tenant)).status).toBe(200);
      expect((await cloud.remove('products', [products[1]!['id'] as string], tenant)).status).toBe(200);
      // The rows as stored, in the order pages serve them.
      const { rows: stored } = await cloud.store.query<PageRow>(
        `SELECT kind, id, body, hash, deleted FROM records WHERE company_id = $1 AND stream = 'catalog' ORDER BY xid, n`,
        [tenant.companyId],
      );
      expect(stored).toHaveLength(6);
      expect(stored.filter((row) => row.deleted)).toHaveLength(1);
      // As JSON (gzip as the content-encoding or not), and as a gzip file — what stations ask for.
      for (const encoding of ['gzip', 'identity', 'file']) {
        let cursor: string | null = null;
        let served = 0;
        for (let page = 0; page < 10; page++) {
          const response = await fetch(
            `${cloud.url}/v1/sync/streams/catalog?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
            {
              headers: {
                authorization: `Bearer ${station.token}`,
                ...(encoding === 'file'
                  ? { accept: 'application/gzip, application/json;q=0.9' }
                  : { 'accept-encoding': encoding }),
              },
            },
          );
          expect(response.status).toBe(200);
          expect(response.headers.get('vary')).toBe('accept, accept-encoding');
          const body = Buffer.from(await response.arrayBuffer());
          const zipped = response.headers.get('content-type') === 'application/gzip';
          const text = zipped ? gunzipSync(body).toString('utf8') : body.toString('utf8');
          const big = Buffer.byteLength(text) > 1024;
          expect(zipped).toBe(encoding === 'file' && big);
          if (!zipped) expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
          expect(response.headers.get('content-encoding')).toBe(encoding === 'gzip' && big ? 'gzip' : null);
          const { rows, ...head } = JSON.parse(text) as PageHead & { rows: unknown[] };
          const expected = stored.slice(served, served + rows.length);
          expect(text).toBe(stringPage(head, expected));
          expect(JSON.parse(text)).toEqual(pageValue(head, expected));
          // The station reads it row by row, one line each.
          const split = splitPage(Buffer.from(text));
          expect(split?.length).toBe(rows.length);
          expect(rows.map((_, i) => JSON.parse(split!.line(i)) as unknown)).toEqual(rows);
          served += rows.length;
          cursor = head.cursor;
          if (!head.more) break;
        }
        expect(served).toBe(stored.length);
      }
    }, 120_000);
  });

  describe('the OMS import', () => {
    it('refuses malformed NDJSON, wrong types and unknown fields with the lines named, and writes nothing', async () => {
      const tenant = await cloud.newTenant();
      const good = JSON.stringify({ op: 'upsert', data: syntheticProduct(10) });
      const lines = [
        good,
        '{"op":"upsert","data":{"id":"p2"',
        JSON.stringify({ op: 'upsert', data: { ...syntheticProduct(11), weightG: '12' } }),
        JSON.stringify({ op: 'upsert', data: { ...syntheticProduct(12), colour: 'red' } }),
        JSON.stringify({ op: 'rename', id: 'x' }),
      ].join('\n');
      const answer = await cloud.oms('POST', '/v1/oms/products', lines, tenant);
      expect(answer.status).toBe(400);
      const details = (answer.json as { details: { errors: { line: number; message: string }[] } }).details;
      expect(details.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
      expect(details.errors[1]!.message).toMatch(/weightG/);
      expect((await cloud.oms('GET', '/v1/oms/products/prod-syn-0000010', undefined, tenant)).status).toBe(404);
      expect((await cloud.oms('POST', '/v1/oms/products', { not: 'ndjson' }, tenant)).status).toBe(415);
      expect((await cloud.oms('POST', '/v1/oms/spaceships', good, tenant)).status).toBe(404);
    });

    it('refuses oversize imports (413) and keys taken by another document (409), atomically', async () => {
      const tenant = await cloud.newTenant();
      const many = Array.from({ length: 10_001 }, (_, i) => JSON.stringify({ op: 'delete', id: `x${i}` })).join('\n');
      expect((await cloud.oms('POST', '/v1/oms/products', many, tenant)).status).toBe(413);
      const huge = 'x'.repeat(17 * 1024 * 1024);
      expect((await cloud.oms('POST', '/v1/oms/products', huge, tenant)).status).toBe(413);
      expect((await cloud.upsert('products', [syntheticProduct(20)], tenant)).status).toBe(200);
      // Another product with the same SKU, in a batch with a valid one: nothing is written.
      const clash = await cloud.upsert(
        'products',
        [syntheticProduct(21), syntheticProduct(22, { sku: 'SYN-0000020' })],
        tenant,
      );
      expect(clash.status).toBe(409);
      expect((clash.json as { error: string }).error).toBe('unique_conflict');
      expect((await cloud.oms('GET', '/v1/oms/products/prod-syn-0000021', undefined, tenant)).status).toBe(404);
      // Within one request, two documents claiming one barcode are refused as bad lines.
      const inside = await cloud.upsert(
        'products',
        [syntheticProduct(23), syntheticProduct(24, { barcodes: [{ code: 'SYNCODE-0000023', kind: 'code128' }] })],
        tenant,
      );
      expect(inside.status).toBe(400);
      // Moving a barcode from one product to another in one request is fine.
      const moved = await cloud.upsert(
        'products',
        [
          syntheticProduct(20, { barcodes: [] }),
          syntheticProduct(25, { barcodes: [{ code: 'SYNCODE-0000020', kind: 'code128' }] }),
        ],
        tenant,
      );
      expect(moved.status).toBe(200);
    });

    it('hashes operator PINs it is given, and refuses policies whose document does not parse', async () => {
      const tenant = await cloud.newTenant();
      const op = await cloud.upsert(
        'operators',
        [{ id: 'op-new', name: 'New Person', role: 'packer', badge: 'BADGE-NEW-1', pin: '9876' }],
        tenant,
      );
      expect(op.status).toBe(200);
      const stored = (await cloud.oms('GET', '/v1/oms/operators/op-new', undefined, tenant)).json as {
        pinHash: string;
      };
      expect(stored.pinHash).toMatch(/^scrypt\$/);
      expect(JSON.stringify(stored)).not.toContain('9876');
      const badPolicy = await cloud.upsert(
        'policies',
        [{ kind: 'weight', id: 'w', version: 1, document: { id: 'w', version: 1 } }],
        tenant,
      );
      expect(badPolicy.status).toBe(400);
    });

    it('takes a gzip body, and refuses a gzip bomb and an unknown encoding', async () => {
      const station = await enrol();
      const batch = JSON.stringify({
        incarnation: `inc-${station.localId}`,
        events: events(station.localId, 1, 50, GENESIS_HASH),
      });
      const gz = await call('POST', '/v1/sync/events', {
        token: station.token,
        raw: gzipSync(batch),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect(gz.json).toMatchObject({ lastSeq: 50, applied: 50 });
      const bomb = gzipSync(Buffer.from(`{"incarnation":"x","events":[${' '.repeat(12 * 1024 * 1024)}]}`));
      expect(bomb.length).toBeLessThan(100_000);
      const exploded = await call('POST', '/v1/sync/events', {
        token: station.token,
        raw: bomb,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect(exploded.status).toBe(413);
      const brotli = await call('POST', '/v1/sync/events', {
        token: station.token,
        raw: batch,
        headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
      });
      expect(brotli.status).toBe(415);
    });
  });

  describe('files', () => {
    it('uploads a file in chunks, resumes at the offset the cloud holds, checks its hash, and is idempotent', async () => {
      const station = await enrol();
      const bytes = randomBytes(2_500_000);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const patch = (offset: number, chunk: Buffer) =>
        call('PATCH', `/v1/files/${sha}`, {
          token: station.token,
          raw: chunk,
          headers: {
            'content-type': 'application/offset+octet-stream',
            'upload-offset': String(offset),
            'upload-length': String(bytes.length),
            'upload-content-type': 'image/jpeg',
          },
        });
      expect((await call('HEAD', `/v1/files/${sha}`, { token: station.token })).status).toBe(404);
      expect((await patch(0, bytes.subarray(0, 1_000_000))).status).toBe(204);
      // The station lost track: it sends from 0 again and is told where to go on from.
      const wrong = await patch(0, bytes.subarray(0, 1_000_000));
      expect(wrong).toMatchObject({ status: 409, json: { error: 'offset_mismatch', details: { offset: 1_000_000 } } });
      expect((await patch(1_000_000, bytes.subarray(1_000_000, 2_000_000))).status).toBe(204);
      expect((await patch(2_000_000, bytes.subarray(2_000_000))).status).toBe(200);
      expect((await patch(0, bytes.subarray(0, 1_000_000))).status).toBe(200);
      const back = await fetch(`${cloud.url}/v1/oms/files/${sha}`, {
        headers: { authorization: `Bearer ${cloud.tenant.apiKey}` },
      });
      expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
      // Bytes that are not the file they claim to be.
      const liar = createHash('sha256').update('something else').digest('hex');
      const lie = await call('PATCH', `/v1/files/${liar}`, {
        token: station.token,
        raw: bytes.subarray(0, 100),
        headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0', 'upload-length': '100' },
      });
      expect(lie).toMatchObject({ status: 422, json: { error: 'hash_mismatch' } });
      expect(
        (
          await call('PATCH', '/v1/files/not-a-hash', {
            token: station.token,
            raw: 'x',
            headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0', 'upload-length': '1' },
          })
        ).status,
      ).toBe(400);
    });

    it('uploads the photos of a return from the station', async () => {
      const fixture = openCore({ sync: { timings: FAST_SYNC } });
      try {
        await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
        await fixture.ok('sync.enrol', { url: cloud.url, code: await cloud.code() });
        const png = Buffer.from(
          'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==',
          'base64',
        );
        const sha = createHash('sha256').update(png).digest('hex');
        // A photo in the station's store, as a return's grading writes it.
        const { PhotoStore } = await import('../../../src/core/photos');
        const { openDatabase } = await import('../../../src/core/db/connection');
        const db = openDatabase(`${fixture.dataDir}/station.db`);
        new PhotoStore(db, fixture.dataDir).put(png, Date.now());
        db.close();
        await fixture.core.sync!.runOnce();
        expect((await fixture.ok('sync.status', {})).files.pending).toBe(0);
        const back = await fetch(`${cloud.url}/v1/oms/files/${sha}`, {
          headers: { authorization: `Bearer ${cloud.tenant.apiKey}` },
        });
        expect(back.status).toBe(200);
        expect(Buffer.from(await back.arrayBuffer()).equals(png)).toBe(true);
      } finally {
        fixture.close();
      }
    });
  });

  describe('the outcome feed and webhooks', () => {
    it('feeds outcomes in commit order with a cursor, by category, each exactly once', async () => {
      const tenant = await cloud.newTenant();
      const station = await enrol(tenant);
      const packed = events(station.localId, 1, 5, GENESIS_HASH, 'pack.completed', { orderId: 'o1' });
      const scans = events(station.localId, 6, 5, packed[4]!.hash);
      const graded = events(station.localId, 11, 3, scans[4]!.hash, 'returns.item_graded', {
        ...GRADED_V1,
        grade: 'B',
      });
      for (const batch of [packed, scans, graded])
        expect(
          (
            await call('POST', '/v1/sync/events', {
              token: station.token,
              body: { incarnation: `inc-${station.localId}`, events: batch },
            })
          ).status,
        ).toBe(200);
      const seen: string[] = [];
      let cursor: string | undefined;
      // Read as an OMS does: page after page; a page held back by a transaction still running in
      // the cloud comes a moment later.
      await waitFor('every outcome in the feed', async () => {
        const answer = await call(
          'GET',
          `/v1/oms/outcomes?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          {
            token: tenant.apiKey,
          },
        );
        expect(answer.status).toBe(200);
        for (const item of answer.json['items'] as { eventId: string; category: string }[]) seen.push(item.eventId);
        cursor = answer.json['cursor'] as string;
        return seen.length >= 8;
      });
      expect(seen).toEqual([...packed, ...graded].map((e) => e.id));
      const again = await call('GET', `/v1/oms/outcomes?cursor=${encodeURIComponent(cursor!)}`, {
        token: tenant.apiKey,
      });
      expect(again.json['items']).toEqual([]);
      const grades = await call('GET', '/v1/oms/outcomes?categories=grades', { token: tenant.apiKey });
      expect((grades.json['items'] as unknown[]).length).toBe(3);
      expect((await call('GET', '/v1/oms/outcomes?categories=spaceships', { token: tenant.apiKey })).status).toBe(400);
      expect((await call('GET', '/v1/oms/outcomes?cursor=garbage', { token: tenant.apiKey })).status).toBe(400);
    });

    it('posts signed webhooks for the outcomes that need the OMS, and retries until delivered', async () => {
      const tenant = await cloud.newTenant();
      const hook = await call('POST', '/v1/oms/webhooks', {
        token: tenant.apiKey,
        body: { url: hookUrl, topics: ['return.graded', 'fraud.confirmed', 'qc.hold', 'package.packed'] },
      });
      expect(hook.status).toBe(201);
      const secret = hook.json['secret'] as string;
      expect(
        (await call('POST', '/v1/oms/webhooks', { token: tenant.apiKey, body: { url: 'ftp://x', topics: ['nope'] } }))
          .status,
      ).toBe(400);
      const station = await enrol(tenant);
      failFirst = 2;
      received.length = 0;
      const graded = events(station.localId, 1, 1, GENESIS_HASH, 'returns.item_graded', { ...GRADED_V1, grade: 'C' });
      const cleared = events(station.localId, 2, 1, graded[0]!.hash, 'fraud.flag_decided', { decision: 'clear' });
      const confirmed = events(station.localId, 3, 1, cleared[0]!.hash, 'fraud.flag_decided', { decision: 'confirm' });
      const scan = events(station.localId, 4, 1, confirmed[0]!.hash);
      await call('POST', '/v1/sync/events', {
        token: station.token,
        body: { incarnation: `inc-${station.localId}`, events: [...graded, ...cleared, ...confirmed, ...scan] },
      });
      await waitFor('two webhooks delivered', () => received.length >= 2, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const topics = received.map((r) => r.headers['benchline-topic']).sort();
      expect(topics).toEqual(['fraud.confirmed', 'return.graded']);
      for (const delivery of received) {
        const [t, v1] = String(delivery.headers['benchline-signature']).split(',');
        const stamp = t!.slice(2);
        const expected = createHmac('sha256', secret).update(`${stamp}.${delivery.body}`).digest('hex');
        expect(v1).toBe(`v1=${expected}`);
      }
      const log = await call('GET', `/v1/oms/webhooks/${hook.json['id'] as string}/deliveries`, {
        token: tenant.apiKey,
      });
      const attempts = (log.json as unknown as { attempts: number; status: string }[]).map((d) => [
        d.status,
        d.attempts,
      ]);
      expect(attempts.every(([status]) => status === 'delivered')).toBe(true);
      expect(Math.max(...attempts.map(([, n]) => n as number))).toBeGreaterThan(1);
    });
  });
});

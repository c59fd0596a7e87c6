import { createGunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LIMITS, streamNameSchema } from '#shared/sync/protocol';
import { bearer, sameSecret } from './auth';
import type { Store } from './db/store';
import { isRetryable, sqlState } from './db/store';
import { badRequest, describeIssues, HttpError } from './errors';
import { ChainCheck } from './services/chain';
import { Feed } from './services/feed';
import { Files } from './services/files';
import { nextCursor, PagesAhead, type PageKey, type ReadyPage } from './services/pages-ahead';
import { receiptOf } from './services/receipts';
import { Records } from './services/records';
import { Tenants, type CompanyAuth, type StationAuth } from './services/tenants';
import { Uploads } from './services/upload';
import { Webhooks, type WebhookOptions } from './services/webhooks';

const gzipAsync = promisify(gzip);

/**
 * The output buffer of a gzip call: at least what the body compresses to (JSON pages: a tenth to a
 * quarter), so that a page is compressed in one go on the thread pool. With zlib's 16 KiB default
 * a 2 MB page (150 kB compressed) went back and forth between the pool and the event loop ten
 * times, each a wait for the loop on a busy machine. The compressed bytes are the same.
 */
function gzipChunk(bytes: number): number {
  return Math.min(Math.max(Math.ceil(bytes / 4), 16 * 1024), 1024 * 1024);
}

/**
 * Whether an `Accept` header lists `type` (not with q=0). Only exact types count: a station asks for
 * `application/gzip` by name; `*\/*` means "anything", which JSON already is.
 */
export function acceptsType(header: string | undefined, type: string): boolean {
  if (!header) return false;
  return header.split(',').some((entry) => {
    const [name, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (name !== type) return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export type CloudOptions = {
  store: Store;
  log: Logger;
  version: string;
  /** Enables /v1/admin (company creation, tombstone purge, new epoch) for whoever holds it. */
  adminToken?: string | null;
  clock?: () => number;
  webhooks?: Partial<WebhookOptions>;
  /** The newest event payload version accepted (default and ceiling: the one this build knows). */
  maxEventSchemaVersion?: number;
};

export type Cloud = {
  app: FastifyInstance;
  tenants: Tenants;
  records: Records;
  uploads: Uploads;
  webhooks: Webhooks;
  feed: Feed;
  files: Files;
  epoch(): Promise<string>;
  /** A new server epoch: every station cursor becomes a 410 (after a restore from a backup). */
  newEpoch(): Promise<string>;
};

/** Pages of at least this many rows get the next one read ahead (`PagesAhead`). */
const PAGE_AHEAD_MIN_ROWS = 1000;

const pageQuery = z.strictObject({
  cursor: z.string().max(120).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageRows).default(1000),
});

/**
 * The reference cloud service: the station sync API (`/v1/enrol`, `/v1/sync/*`, `/v1/files/*`)
 * and the OMS API (`/v1/oms/*`), documented in docs/sync-protocol.md, docs/oms-api.md and
 * docs/openapi.yaml. Stateless: every instance may serve any request; PostgreSQL holds the state.
 */
export function buildCloud(options: CloudOptions): Cloud {
  const { store, log } = options;
  const clock = options.clock ?? Date.now;
  const epoch = async (): Promise<string> => {
    const { rows } = await store.query<{ value: string }>("SELECT value FROM server_meta WHERE key = 'epoch'");
    return rows[0]!.value;
  };
  const tenants = new Tenants(store, epoch);
  const records = new Records(store);
  const webhooks = new Webhooks(store, log, options.webhooks);
  const uploads = new Uploads(store, webhooks, clock, options.maxEventSchemaVersion);
  const feed = new Feed(store);
  const chain = new ChainCheck(store);
  const files = new Files(store);
  const pagesAhead = new PagesAhead();

  const app = Fastify<Server, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LIMITS.requestBytes,
    // Behind a reverse proxy that terminates TLS (docs/deployment.md).
    trustProxy: true,
    // A client that starts a request and stops sending (a station whose network dropped mid-body)
    // gets a 408 after two minutes instead of holding the request — and a shutdown — open forever.
    requestTimeout: 120_000,
  });

  // Request bodies may be gzip: decompressed here, and the body limit counts decompressed bytes
  // (a small gzip bomb is refused like a large body).
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined || encoding === 'identity') return payload;
    if (encoding !== 'gzip') throw new HttpError(415, 'unsupported_encoding', 'Bodies may be gzip or plain.');
    // Fastify compares Content-Length with `receivedEncodedLength` (the bytes on the wire).
    const gunzip = Object.assign(createGunzip(), { receivedEncodedLength: 0 });
    (payload as Readable).on('data', (chunk: Buffer) => {
      gunzip.receivedEncodedLength += chunk.length;
    });
    (payload as Readable).on('error', (error) => gunzip.destroy(error));
    (payload as Readable).pipe(gunzip);
    return gunzip;
  });
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/ndjson'],
    { parseAs: 'string', bodyLimit: 16 * 1024 * 1024 },
    (_request, body, done) => done(null, body),
  );
  app.addContentTypeParser(
    'application/offset+octet-stream',
    { parseAs: 'buffer', bodyLimit: LIMITS.fileChunkBytes },
    (_request, body, done) => done(null, body),
  );

  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof HttpError) {
      void reply.status(error.status).send({
        error: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      });
      return;
    }
    const fastifyError = error as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
      const status = fastifyError.statusCode;
      const code =
        status === 413
          ? 'too_large'
          : status === 415
            ? 'unsupported_media_type'
            : status === 400
              ? 'bad_request'
              : 'client_error';
      void reply.status(status).send({ error: code, message: fastifyError.message ?? 'Bad request.' });
      return;
    }
    if (isRetryable(error) || sqlState(error)?.startsWith('08') || sqlState(error) === '57P01') {
      void reply
        .status(503)
        .header('retry-after', '1')
        .send({ error: 'busy', message: 'The service is busy; try again.' });
      return;
    }
    request.log.error({ err: error, url: request.url }, 'request failed');
    void reply.status(500).send({ error: 'internal', message: 'Internal error.' });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` });
  });

  const station = (request: FastifyRequest): Promise<StationAuth> => {
    const token = bearer(request.headers.authorization);
    if (!token) throw new HttpError(401, 'unauthorized', 'A station token is required (Authorization: Bearer …).');
    return tenants.authenticateStation(token);
  };
  const company = (request: FastifyRequest): Promise<CompanyAuth> => {
    const token = bearer(request.headers.authorization);
    if (!token) throw new HttpError(401, 'unauthorized', 'An API key is required (Authorization: Bearer …).');
    return tenants.authenticateApiKey(token);
  };
  const admin = (request: FastifyRequest): void => {
    const token = bearer(request.headers.authorization);
    if (!options.adminToken || !token || !sameSecret(token, options.adminToken))
      throw new HttpError(401, 'unauthorized', 'The admin token is required.');
  };
  const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
    const parsed = schema.safeParse(value ?? {});
    if (!parsed.success) throw badRequest(`Invalid ${what} — ${describeIssues(parsed.error.issues)}`);
    return parsed.data;
  };
  const acceptsGzip = (request: FastifyRequest): boolean => /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  const wantsGzipPage = (request: FastifyRequest): boolean =>
    acceptsType(request.headers['accept'], 'application/gzip');
  const encode = async (json: Buffer, gzip: boolean): Promise<{ body: Buffer; gzip: boolean }> =>
    // Level 1: the pages are large and the CPU is shared; most of gzip's gain comes at once.
    gzip && json.length > 1024
      ? { body: await gzipAsync(json, { level: 1, chunkSize: gzipChunk(json.length) }), gzip: true }
      : { body: json, gzip: false };
  /**
   * A page as the request asked for it: a gzip file (`Accept: application/gzip`, a gzipped page),
   * else JSON — gzip as its content-encoding when it was made so.
   */
  const sendPage = (reply: FastifyReply, page: { body: Buffer; gzip: boolean }, asFile: boolean): FastifyReply => {
    reply.header('cache-control', 'no-store').header('vary', 'accept, accept-encoding');
    if (page.gzip && asFile) return reply.header('content-type', 'application/gzip').send(page.body);
    reply.header('content-type', 'application/json; charset=utf-8');
    if (page.gzip) reply.header('content-encoding', 'gzip');
    return reply.send(page.body);
  };

  // A load balancer's check: 503 (not a 500 with a stack in the log) while the database does not answer.
  app.get('/health', async (_request, reply) => {
    try {
      return { ok: true, version: options.version, store: store.kind, epoch: await epoch() };
    } catch (error) {
      log.warn({ err: error }, 'health check: the database does not answer');
      return reply.status(503).send({ ok: false, error: 'unavailable', message: 'The database does not answer.' });
    }
  });

  // ---- Stations -------------------------------------------------------------------------
  app.post('/v1/enrol', async (request, reply) => {
    const result = await tenants.enrol(request.body, request.headers['user-agent']?.slice(0, 32));
    return reply.status(201).send(result);
  });
  app.get('/v1/sync/state', async (request) => {
    const auth = await station(request);
    const { incarnation } = parse(z.strictObject({ incarnation: z.string().min(1).max(64) }), request.query, 'query');
    return uploads.state(auth, incarnation, await epoch());
  });
  app.post('/v1/sync/incarnations', async (request, reply) => {
    const auth = await station(request);
    return reply.status(201).send(await uploads.newIncarnation(auth, request.body));
  });
  app.get('/v1/sync/events/hash', async (request) => {
    const auth = await station(request);
    const query = parse(
      z.strictObject({ incarnation: z.string().min(1).max(64), seq: z.coerce.number().int().min(0) }),
      request.query,
      'query',
    );
    return { seq: query.seq, hash: await uploads.hashAt(auth, query.incarnation, query.seq) };
  });
  app.post('/v1/sync/events', async (request) => {
    const auth = await station(request);
    return uploads.push(auth, request.body);
  });
  app.get('/v1/sync/streams/:stream', async (request, reply) => {
    const auth = await station(request);
    const { stream } = parse(z.strictObject({ stream: streamNameSchema }), request.params, 'stream');
    const query = parse(pageQuery, request.query, 'query');
    // A station asks for the page as a gzip file (it inflates it in one go, docs/sync-protocol.md);
    // any other client gets JSON, gzip as the content-encoding if it accepts that. The bytes sent
    // are the same either way: one page made ahead serves both.
    const asFile = wantsGzipPage(request);
    const key: PageKey = {
      stream,
      cursor: query.cursor ?? null,
      limit: query.limit,
      gzip: asFile || acceptsGzip(request),
    };
    const make = (k: PageKey) => async (): Promise<ReadyPage> => {
      const json = await records.pull(auth, k.stream, k.cursor, k.limit);
      return { ...(await encode(json, k.gzip)), next: nextCursor(json) };
    };
    const ahead = pagesAhead.take(auth.stationId, key);
    let page: ReadyPage;
    try {
      page = await (ahead ?? make(key)());
    } catch (error) {
      if (!ahead) throw error;
      page = await make(key)();
    }
    // A station that gets a full page asks for the next one at once: read it meanwhile. Only for
    // pages of a download's size; small pages are live updates, sized afresh each time.
    if (page.next !== null && key.limit >= PAGE_AHEAD_MIN_ROWS) {
      const next = { ...key, cursor: page.next };
      pagesAhead.start(auth.stationId, next, make(next));
    }
    return sendPage(reply, page, asFile);
  });
  app.head('/v1/files/:sha256', async (request, reply) => {
    const auth = await station(request);
    const { sha256 } = request.params as { sha256: string };
    const state = await files.state(auth, sha256);
    if (!state) return reply.status(404).header('upload-offset', '0').send();
    return reply
      .status(200)
      .header('upload-offset', String(state.offset))
      .header('upload-length', String(state.size))
      .header('upload-complete', state.complete ? '1' : '0')
      .send();
  });
  app.patch('/v1/files/:sha256', async (request, reply) => {
    const auth = await station(request);
    const { sha256 } = request.params as { sha256: string };
    if (!Buffer.isBuffer(request.body))
      throw new HttpError(415, 'unsupported_media_type', 'Send the chunk as application/offset+octet-stream.');
    const offset = Number(request.headers['upload-offset']);
    const size = Number(request.headers['upload-length']);
    const contentType = request.headers['upload-content-type'];
    const state = await files.append(
      auth,
      sha256,
      offset,
      size,
      typeof contentType === 'string' ? contentType.slice(0, 64) : null,
      request.body,
    );
    return reply
      .status(state.complete ? 200 : 204)
      .header('upload-offset', String(state.offset))
      .header('upload-complete', state.complete ? '1' : '0')
      .send();
  });

  // ---- The OMS ---------------------------------------------------------------------------
  app.get('/v1/oms/warehouses', async (request) => tenants.warehouses((await company(request)).companyId));
  app.post('/v1/oms/warehouses', async (request, reply) => {
    const auth = await company(request);
    const body = parse(
      z.strictObject({ name: z.string().min(1).max(200), id: z.string().min(1).max(64).optional() }),
      request.body,
      'warehouse',
    );
    return reply.status(201).send(await tenants.createWarehouse(auth.companyId, body.name, body.id));
  });
  app.post('/v1/oms/enrolment-codes', async (request, reply) => {
    const auth = await company(request);
    const body = parse(
      z.strictObject({
        warehouseId: z.string().min(1).max(64),
        stationName: z.string().min(1).max(64).optional(),
        ttlMinutes: z
          .number()
          .int()
          .min(1)
          .max(60 * 24 * 30)
          .optional(),
      }),
      request.body,
      'enrolment code request',
    );
    return reply.status(201).send(
      await tenants.createEnrolmentCode(auth.companyId, body.warehouseId, {
        stationName: body.stationName ?? null,
        ...(body.ttlMinutes !== undefined ? { ttlMinutes: body.ttlMinutes } : {}),
      }),
    );
  });
  app.get('/v1/oms/stations', async (request) => tenants.stations((await company(request)).companyId));
  app.post('/v1/oms/stations/:id/revoke', async (request, reply) => {
    const auth = await company(request);
    await tenants.revokeStation(auth.companyId, (request.params as { id: string }).id);
    return reply.status(204).send();
  });
  // The station's hash chain as stored here, recomputed on demand (tamper evidence).
  app.get('/v1/oms/stations/:id/chain', async (request) => {
    const auth = await company(request);
    return chain.verify(auth.companyId, (request.params as { id: string }).id);
  });
  app.get('/v1/oms/outcomes', async (request) => feed.outcomes((await company(request)).companyId, request.query));
  app.get('/v1/oms/refused', async (request) => feed.refused((await company(request)).companyId));
  app.get('/v1/oms/files/:sha256', async (request, reply) => {
    const auth = await company(request);
    const file = await files.read(auth.companyId, (request.params as { sha256: string }).sha256);
    return reply.header('content-type', file.contentType).send(file.data);
  });
  app.get('/v1/oms/streams/:stream/checksum', async (request) => {
    const auth = await company(request);
    const { stream } = parse(z.strictObject({ stream: streamNameSchema }), request.params, 'stream');
    return records.checksum(auth.companyId, stream);
  });
  app.get('/v1/oms/webhooks', async (request) => webhooks.list((await company(request)).companyId));
  app.post('/v1/oms/webhooks', async (request, reply) => {
    const auth = await company(request);
    return reply.status(201).send(await webhooks.create(auth.companyId, request.body));
  });
  app.delete('/v1/oms/webhooks/:id', async (request, reply) => {
    const auth = await company(request);
    await webhooks.remove(auth.companyId, (request.params as { id: string }).id);
    return reply.status(204).send();
  });
  app.get('/v1/oms/webhooks/:id/deliveries', async (request) => {
    const auth = await company(request);
    return webhooks.deliveries(auth.companyId, (request.params as { id: string }).id);
  });
  // Reference data: NDJSON upserts and deletes, one transaction per request.
  app.post('/v1/oms/:collection', async (request) => {
    const auth = await company(request);
    if (typeof request.body !== 'string')
      throw new HttpError(415, 'unsupported_media_type', 'Send NDJSON (Content-Type: application/x-ndjson).');
    return records.import(auth.companyId, (request.params as { collection: string }).collection, request.body);
  });
  // The first receipt of an RMA at a bench (written by the cloud from the stations' uploads).
  app.get('/v1/oms/rmas/:id/receipt', async (request) => {
    const auth = await company(request);
    return receiptOf(store, auth.companyId, (request.params as { id: string }).id);
  });
  app.get('/v1/oms/:collection/:id', async (request) => {
    const auth = await company(request);
    const params = request.params as { collection: string; id: string };
    return records.get(auth.companyId, params.collection, params.id);
  });

  // ---- The service's operator ------------------------------------------------------------
  app.post('/v1/admin/companies', async (request, reply) => {
    admin(request);
    const body = parse(
      z.strictObject({ name: z.string().min(1).max(200), warehouse: z.string().min(1).max(200).optional() }),
      request.body,
      'company',
    );
    const created = await tenants.createCompany(body.name);
    const warehouse = await tenants.createWarehouse(created.id, body.warehouse ?? 'Main warehouse');
    const key = await tenants.createApiKey(created.id, 'first key');
    return reply.status(201).send({ company: created, warehouse, apiKey: key.key });
  });
  app.post('/v1/admin/purge-tombstones', async (request) => {
    admin(request);
    const body = parse(z.strictObject({ olderThanMs: z.number().int().min(0) }), request.body, 'purge');
    return { streams: await records.purgeTombstones(body.olderThanMs) };
  });
  app.post('/v1/admin/new-epoch', async (request) => {
    admin(request);
    return { epoch: await newEpoch() };
  });

  const newEpoch = async (): Promise<string> => {
    const { rows } = await store.query<{ value: string }>(
      "UPDATE server_meta SET value = gen_random_uuid()::text WHERE key = 'epoch' RETURNING value",
    );
    return rows[0]!.value;
  };

  return { app, tenants, records, uploads, webhooks, feed, files, epoch, newEpoch };
}

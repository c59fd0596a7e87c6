import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { buildCloud, type Cloud } from '../../src/cloud/server';
import { migrateCloud } from '../../src/cloud/db/migrations/index';
import { pgStore } from '../../src/cloud/db/pg';
import { pgliteStore } from '../../src/cloud/db/pglite';
import { HEAP_FLAGS } from '#shared/util/node-flags';
import type { Store } from '../../src/cloud/db/store';
import type { WebhookOptions } from '../../src/cloud/services/webhooks';
import { ROOT } from './paths';
import { startPostgres, type Postgres } from './postgres';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export type Tenant = { companyId: string; warehouseId: string; apiKey: string };

export type CloudFixture = {
  url: string;
  cloud: Cloud;
  store: Store;
  /** A company made for the test, with a warehouse and an API key. */
  tenant: Tenant;
  newTenant(name?: string): Promise<Tenant>;
  /** A one-time enrolment code into the tenant's warehouse. */
  code(tenant?: Tenant): Promise<string>;
  /** A call to the OMS API with the tenant's key. */
  oms(method: string, path: string, body?: unknown, tenant?: Tenant): Promise<{ status: number; json: unknown }>;
  /** NDJSON import of documents (`op: upsert`) or raw lines. */
  upsert(collection: string, docs: readonly unknown[], tenant?: Tenant): Promise<{ status: number; json: unknown }>;
  remove(collection: string, ids: readonly string[], tenant?: Tenant): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
};

/** The cloud service in this process, on PGlite (in memory) or on a PostgreSQL database. */
/**
 * An in-process cloud on the store a test is parameterised by: PGlite in memory, or PostgreSQL in a
 * throwaway cluster (the caller stops `postgres` after the cloud).
 */
export async function startCloudOn(
  storeKind: 'pglite' | 'postgresql',
): Promise<{ cloud: CloudFixture; postgres: Postgres | null }> {
  if (storeKind === 'pglite') return { cloud: await startCloud(), postgres: null };
  const postgres = await startPostgres();
  return { cloud: await startCloud({ databaseUrl: await postgres.database() }), postgres };
}

export async function startCloud(
  options: {
    databaseUrl?: string;
    pgliteDir?: string | null;
    webhooks?: Partial<WebhookOptions>;
    port?: number;
    /** Pretend to be an older cloud: the newest event payload version it accepts. */
    maxEventSchemaVersion?: number;
  } = {},
): Promise<CloudFixture> {
  const store = options.databaseUrl ? pgStore(options.databaseUrl) : await pgliteStore(options.pgliteDir ?? null);
  await migrateCloud(store);
  const cloud = buildCloud({
    store,
    log: pino({ level: process.env.BENCHLINE_CLOUD_LOG ?? 'silent' }),
    version: 'test',
    adminToken: ADMIN_TOKEN,
    webhooks: { pollMs: 50, retryBaseMs: 100, retryCapMs: 1000, timeoutMs: 2000, ...options.webhooks },
    ...(options.maxEventSchemaVersion === undefined ? {} : { maxEventSchemaVersion: options.maxEventSchemaVersion }),
  });
  await cloud.app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  cloud.webhooks.start();
  const address = cloud.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const newTenant = async (name = 'Test company'): Promise<Tenant> => {
    const company = await cloud.tenants.createCompany(name);
    const warehouse = await cloud.tenants.createWarehouse(company.id, 'Main');
    const key = await cloud.tenants.createApiKey(company.id, 'test');
    return { companyId: company.id, warehouseId: warehouse.id, apiKey: key.key };
  };
  const tenant = await newTenant();
  const oms = async (method: string, path: string, body?: unknown, who: Tenant = tenant) => {
    const isText = typeof body === 'string';
    const response = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${who.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': isText ? 'application/x-ndjson' : 'application/json' }),
      },
      ...(body === undefined ? {} : { body: isText ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  };
  return {
    url,
    cloud,
    store,
    tenant,
    newTenant,
    code: async (who = tenant) => (await cloud.tenants.createEnrolmentCode(who.companyId, who.warehouseId)).code,
    oms,
    upsert: (collection, docs, who) =>
      oms('POST', `/v1/oms/${collection}`, docs.map((data) => JSON.stringify({ op: 'upsert', data })).join('\n'), who),
    remove: (collection, ids, who) =>
      oms('POST', `/v1/oms/${collection}`, ids.map((id) => JSON.stringify({ op: 'delete', id })).join('\n'), who),
    close: async () => {
      // Each step is bounded and named when late: a fault test's proxy may leave a half-open
      // connection to this cloud (a request whose body never ends), which Fastify's close waits
      // for until the server's request timeout (two minutes). The cluster is stopped right after.
      await bounded('webhooks.stop', cloud.webhooks.stop());
      await bounded('app.close', cloud.app.close());
      await bounded('store.close', store.close());
    },
  };
}

export type CloudProcess = {
  url: string;
  port: number;
  process: ChildProcess;
  ready: { apiKey: string | null; enrolmentCode: string | null; companyId: string | null };
  stderr: () => string;
  kill(): Promise<void>;
  stop(): Promise<void>;
};

/** The built cloud service (`out/main/cloud.js`) as a child process, for SIGKILL tests. */
export async function startCloudProcess(options: {
  dataDir?: string;
  databaseUrl?: string;
  port?: number;
  demo?: boolean;
  env?: Record<string, string>;
}): Promise<CloudProcess> {
  const script = join(ROOT, 'out', 'main', 'cloud.js');
  if (!existsSync(script))
    throw new Error(`${script} is missing: run "npx electron-vite build" first (npm test does).`);
  const args = [
    ...HEAP_FLAGS,
    // Node flags for the cloud alone (profiling a benchmark: BENCH_CLOUD_NODE_ARGS="--cpu-prof").
    ...(process.env.BENCH_CLOUD_NODE_ARGS ?? '').split(' ').filter(Boolean),
    script,
    '--port',
    String(options.port ?? 0),
    '--admin-token',
    ADMIN_TOKEN,
  ];
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  if (options.demo === false) args.push('--no-demo');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      BENCHLINE_LOG_LEVEL: 'warn',
      DATABASE_URL: options.databaseUrl ?? '',
      ...options.env,
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{
    url: string;
    apiKey: string | null;
    enrolmentCode: string | null;
    companyId: string | null;
  }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`cloud did not start in time:\n${stderr}`)), 90_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('BENCHLINE_CLOUD_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('BENCHLINE_CLOUD_READY '.length)) as never);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cloud exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  return {
    url: ready.url,
    port: Number(new URL(ready.url).port),
    process: child,
    ready,
    stderr: () => stderr,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits for a teardown step at most 15 s; past that, says so on stderr and goes on. */
async function bounded(step: string, done: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), 15_000);
  });
  const outcome = await Promise.race([done.then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') process.stderr.write(`cloud fixture: ${step} did not finish in 15 s; going on\n`);
}

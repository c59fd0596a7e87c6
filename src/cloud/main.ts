import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ENROL_PREFIX } from '#shared/sync/protocol';
import { migrateCloud } from './db/migrations/index';
import { pgStore } from './db/pg';
import { pgliteStore } from './db/pglite';
import type { Store } from './db/store';
import { DEMO_COMPANY_ID, DEMO_WAREHOUSE_ID, seedDemoCompany } from './demo';
import { buildCloud } from './server';

/**
 * `npm run cloud`: the reference cloud service. With no configuration it keeps its data in PGlite
 * in `./.benchline-cloud`, creates the demo company on first start, and prints its address, an
 * enrolment code for a station, and an API key for the OMS API. With DATABASE_URL it uses
 * PostgreSQL (docs/deployment.md).
 */

type Options = {
  dataDir: string;
  databaseUrl: string | null;
  host: string;
  port: number;
  demo: boolean;
  adminToken: string | null;
  newEpoch: boolean;
  retentionDays: number;
};

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'no-demo': { type: 'boolean' },
      'admin-token': { type: 'string' },
      'new-epoch': { type: 'boolean' },
      'retention-days': { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port ?? process.env.BENCHLINE_CLOUD_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0..65535, not ${values.port}`);
  const retentionDays = Number(values['retention-days'] ?? process.env.BENCHLINE_CLOUD_RETENTION_DAYS ?? 30);
  if (!Number.isFinite(retentionDays) || retentionDays <= 0)
    throw new Error('--retention-days must be a positive number');
  return {
    dataDir: resolve(values['data-dir'] ?? process.env.BENCHLINE_CLOUD_DATA_DIR ?? '.benchline-cloud'),
    databaseUrl: process.env.DATABASE_URL || null,
    host: values.host ?? process.env.BENCHLINE_CLOUD_HOST ?? '127.0.0.1',
    port,
    demo: !(values['no-demo'] ?? process.env.BENCHLINE_CLOUD_DEMO === '0'),
    adminToken: values['admin-token'] ?? process.env.BENCHLINE_CLOUD_ADMIN_TOKEN ?? null,
    newEpoch: values['new-epoch'] ?? false,
    retentionDays,
  };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const log = pino({ level: process.env.BENCHLINE_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const store: Store = options.databaseUrl ? pgStore(options.databaseUrl) : await pgliteStore(options.dataDir);
  const migrated = await migrateCloud(store);
  if (migrated.from !== migrated.to) log.info(migrated, 'cloud database migrated');
  const cloud = buildCloud({ store, log, version: __APP_VERSION__, adminToken: options.adminToken });
  if (options.newEpoch) log.warn({ epoch: await cloud.newEpoch() }, 'new server epoch: stations will download again');

  let apiKey: string | null = null;
  let enrolmentCode: string | null = null;
  if (options.demo) {
    const companies = await store.query<{ id: string }>('SELECT id FROM companies WHERE id = $1', [DEMO_COMPANY_ID]);
    if (companies.rows.length === 0) {
      const none = await store.query('SELECT 1 FROM companies LIMIT 1');
      if (none.rows.length === 0) {
        log.info('creating the demo company');
        await seedDemoCompany(cloud.tenants, cloud.records, Date.now());
      }
    }
    const demo = await store.query('SELECT 1 FROM companies WHERE id = $1', [DEMO_COMPANY_ID]);
    if (demo.rows.length > 0) {
      apiKey = (await cloud.tenants.createApiKey(DEMO_COMPANY_ID, `demo key ${new Date().toISOString()}`)).key;
      enrolmentCode = (await cloud.tenants.createEnrolmentCode(DEMO_COMPANY_ID, DEMO_WAREHOUSE_ID)).code;
    }
  }

  cloud.webhooks.start();
  const purge = setInterval(() => {
    void cloud.records
      .purgeTombstones(options.retentionDays * 86_400_000)
      .catch((error: unknown) => log.warn({ err: error }, 'tombstone purge failed'));
  }, 60 * 60_000);
  purge.unref();

  await cloud.app.listen({ port: options.port, host: options.host });
  const address = cloud.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const where = options.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${options.dataDir}`;
  const out = process.stdout;
  out.write(`Benchline cloud is ready at ${url} (store: ${where}).\n`);
  if (enrolmentCode && apiKey) {
    out.write(`\nDemo company — enrol a station with this one-time code (valid 24 h):\n\n`);
    out.write(
      `  cloud URL  ${url}\n  code       ${enrolmentCode}\n  or scan    ${ENROL_PREFIX}${enrolmentCode}@${url}\n\n`,
    );
    out.write(`OMS API key (Authorization: Bearer …):\n\n  ${apiKey}\n\n`);
  }
  out.write(
    `BENCHLINE_CLOUD_READY ${JSON.stringify({ url, pid: process.pid, store: store.kind, enrolmentCode, apiKey, companyId: enrolmentCode ? DEMO_COMPANY_ID : null })}\n`,
  );

  const stop = (): void => {
    clearInterval(purge);
    // Requests in flight get ten seconds to finish; then the process ends regardless.
    setTimeout(() => process.exit(0), 10_000).unref();
    void (async () => {
      await cloud.app.close();
      await cloud.webhooks.stop();
      await store.close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`benchline cloud: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(2);
});

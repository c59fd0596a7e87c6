import { hash32, mod32 } from '#shared/sync/hash';
import { productDocSchema, type ProductDoc } from '#shared/sync/records';
import { canonicalJson } from '#shared/util/canonical-json';
import { pgStore } from '../../src/cloud/db/pg';
import type { Store } from '../../src/cloud/db/store';
import { ADMIN_TOKEN, startCloudProcess, type CloudProcess } from '../../tests/support/cloud';
import { startPostgres, type Postgres } from '../../tests/support/postgres';
import { log } from './figures';

export type PgCloud = {
  postgres: Postgres;
  databaseUrl: string;
  cloud: CloudProcess;
  store: Store;
  companyId: string;
  warehouseId: string;
  apiKey: string;
  /** A one-time enrolment code for the company's warehouse. */
  code(): Promise<string>;
  stop(): Promise<void>;
};

/**
 * The cloud service as it runs in production: its built process (`out/main/cloud.js`) on a
 * PostgreSQL cluster of the Debian package, with fsync on (the default), and one company.
 */
export async function startPgCloud(options: { maxConnections?: number } = {}): Promise<PgCloud> {
  const postgres = await startPostgres({ fsync: true, maxConnections: options.maxConnections ?? 200 });
  const databaseUrl = await postgres.database();
  const cloud = await startCloudProcess({ databaseUrl, demo: false });
  const store = pgStore(databaseUrl, { max: 4 });
  const created = await fetch(`${cloud.url}/v1/admin/companies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench company' }),
  });
  const body = (await created.json()) as { company: { id: string }; warehouse: { id: string }; apiKey: string };
  return {
    postgres,
    databaseUrl,
    cloud,
    store,
    companyId: body.company.id,
    warehouseId: body.warehouse.id,
    apiKey: body.apiKey,
    code: async () => {
      const answer = await fetch(`${cloud.url}/v1/oms/enrolment-codes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${body.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ warehouseId: body.warehouse.id }),
      });
      return ((await answer.json()) as { code: string }).code;
    },
    stop: async () => {
      await cloud.stop();
      await store.close();
      await postgres.stop();
    },
  };
}

/** The i-th product of a benchmark catalog, normalised as the cloud stores it. */
export function benchProduct(i: number): ProductDoc {
  const n = String(i).padStart(8, '0');
  return productDocSchema.parse({
    id: `prod-${n}`,
    sku: `SKU-${n}`,
    brandId: 'brand-bench',
    name: `Bench product ${i} — organic cotton tee, size M, colour ${i % 17}`,
    category: 'apparel',
    weightG: 100 + (i % 900),
    priceCents: 999 + (i % 20_000),
    currency: 'EUR',
    serialised: i % 7 === 0,
    returnWindowDays: 30,
    imageUrl: null,
    barcodes: [{ code: `BENCH${n}`, kind: 'code128' }],
  });
}

/**
 * Writes `count` products into the company's catalog straight into PostgreSQL (the setup of a
 * benchmark, not what it measures): the same rows and checksum the OMS import would write, in
 * batches of 10 000.
 */
export async function loadCatalog(store: Store, companyId: string, count: number, from = 0): Promise<void> {
  const started = Date.now();
  let sum = 0;
  for (let start = from; start < from + count; start += 10_000) {
    const ids: string[] = [];
    const bodies: string[] = [];
    const hashes: number[] = [];
    for (let i = start; i < Math.min(from + count, start + 10_000); i++) {
      const doc = benchProduct(i);
      const body = canonicalJson(doc);
      const hash = hash32(body);
      ids.push(doc.id);
      bodies.push(body);
      hashes.push(hash);
      sum += hash;
    }
    await store.query(
      `INSERT INTO records (company_id, kind, id, stream, body, hash)
       SELECT $1, 'product', u.id, 'catalog', u.body, u.hash FROM unnest($2::text[], $3::text[], $4::bigint[]) AS u(id, body, hash)`,
      [companyId, ids, bodies, hashes],
    );
    if ((start - from) % 200_000 === 0) log(`  catalog: ${start - from + ids.length} of ${count} rows loaded`);
  }
  await store.query(
    `INSERT INTO stream_stats (company_id, stream, rows, checksum) VALUES ($1, 'catalog', $2, $3)
     ON CONFLICT (company_id, stream) DO UPDATE SET rows = stream_stats.rows + excluded.rows,
       checksum = mod(stream_stats.checksum + excluded.checksum, 4294967296)`,
    [companyId, count, mod32(sum)],
  );
  await store.query('ANALYZE records');
  log(`  catalog: ${count} rows loaded in ${Math.round((Date.now() - started) / 1000)} s`);
}

import { buildDemoWarehouse, DEMO_OPERATORS } from '#shared/demo/data';
import { DEMO_POLICIES } from '#shared/demo/policies';
import { hashPin } from './auth';
import type { Records } from './services/records';
import type { Tenants } from './services/tenants';

export const DEMO_COMPANY_ID = 'cmp_demo';
export const DEMO_WAREHOUSE_ID = 'wh_demo';

/**
 * The demo company: the same warehouse a new demo station seeds for itself (two brands, 220
 * products, orders, RMAs, one operator per role, the demo policies), written through the OMS
 * import path like any company's data. Enrolling the demo station replaces its seeded reference
 * data with the cloud's, and the demo sheet keeps working.
 */
export async function seedDemoCompany(tenants: Tenants, records: Records, now: number): Promise<void> {
  await tenants.createCompany('Demo company', DEMO_COMPANY_ID);
  await tenants.createWarehouse(DEMO_COMPANY_ID, 'Demo warehouse', DEMO_WAREHOUSE_ID);
  const warehouse = buildDemoWarehouse(now);
  const ndjson = (docs: readonly unknown[]): string =>
    docs.map((data) => JSON.stringify({ op: 'upsert', data })).join('\n');
  await records.import(DEMO_COMPANY_ID, 'brands', ndjson(warehouse.brands));
  await records.import(DEMO_COMPANY_ID, 'products', ndjson(warehouse.products.map((p) => ({ ...p, imageUrl: null }))));
  await records.import(DEMO_COMPANY_ID, 'customers', ndjson(warehouse.customers));
  const orders = warehouse.orders.map((o) => ({ ...o, carrierLabel: null }));
  await records.import(DEMO_COMPANY_ID, 'orders', ndjson(orders));
  // The customers' order counts, as the station's seed keeps them.
  const counts = new Map<string, number>();
  for (const o of warehouse.orders) counts.set(o.customerId, (counts.get(o.customerId) ?? 0) + 1);
  await records.import(
    DEMO_COMPANY_ID,
    'customers',
    ndjson(warehouse.customers.map((c) => ({ ...c, ordersCount: counts.get(c.id) ?? 0 }))),
  );
  await records.import(DEMO_COMPANY_ID, 'rmas', ndjson(warehouse.rmas));
  await records.import(
    DEMO_COMPANY_ID,
    'operators',
    ndjson(
      DEMO_OPERATORS.map((o) => ({
        id: o.id,
        name: o.name,
        role: o.role,
        badge: o.badge,
        pinHash: hashPin(o.pin),
        active: true,
      })),
    ),
  );
  await records.import(
    DEMO_COMPANY_ID,
    'policies',
    ndjson(
      DEMO_POLICIES.map(({ kind, document }) => ({
        kind,
        id: document.id,
        version: document.version,
        active: true,
        document,
      })),
    ),
  );
}

import { buildDemoWarehouse, DEMO_OPERATORS } from '#shared/demo/data';
import { DEMO_POLICIES } from '#shared/demo/policies';
import { hashPinSync } from '../../src/core/auth/pin';

/** PIN hashes are slow on purpose: computed once per test process. */
const PIN_HASHES = new Map<string, string>();
function pinHash(pin: string): string {
  let hash = PIN_HASHES.get(pin);
  if (!hash) {
    hash = hashPinSync(pin);
    PIN_HASHES.set(pin, hash);
  }
  return hash;
}

export type ReferenceSet = Record<string, Record<string, unknown>[]>;

/**
 * A company's reference data as OMS documents, by collection: the demo warehouse (so the demo
 * operators, badges and PINs keep working at a test station) and, optionally, extra products.
 */
export function referenceData(options: { now?: number; extraProducts?: number } = {}): ReferenceSet {
  const warehouse = buildDemoWarehouse(options.now ?? Date.UTC(2026, 10, 1));
  const products: Record<string, unknown>[] = warehouse.products.map((p) => ({ ...p }));
  for (let i = 0; i < (options.extraProducts ?? 0); i++) products.push(syntheticProduct(i));
  return {
    brands: warehouse.brands.map((b) => ({ ...b })),
    products,
    customers: warehouse.customers.map((c) => ({ ...c })),
    orders: warehouse.orders.map((o) => ({ ...o })),
    rmas: warehouse.rmas.map((r) => ({ ...r })),
    operators: DEMO_OPERATORS.map((o) => ({
      id: o.id,
      name: o.name,
      role: o.role,
      badge: o.badge,
      pinHash: pinHash(o.pin),
      active: true,
    })),
    policies: DEMO_POLICIES.map(({ kind, document }) => ({
      kind,
      id: document.id,
      version: document.version,
      active: true,
      document,
    })),
  };
}

/** A product that exists only in tests: ids, SKUs and barcodes derived from its number. */
export function syntheticProduct(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const n = String(i).padStart(7, '0');
  return {
    id: `prod-syn-${n}`,
    sku: `SYN-${n}`,
    brandId: 'brand-northwind',
    name: `Synthetic product ${i}`,
    category: 'home',
    weightG: 100 + (i % 900),
    priceCents: 999 + i,
    currency: 'EUR',
    serialised: i % 5 === 0,
    returnWindowDays: 30,
    imageUrl: null,
    barcodes: [{ code: `SYNCODE-${n}`, kind: 'code128' }],
    ...overrides,
  };
}

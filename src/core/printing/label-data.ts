import { z } from 'zod';
import type { PrintingConfig } from '#shared/contract/printing';
import {
  addressSchema,
  carrierLabelSchema,
  insertCopySchema,
  returnPortalLink,
  vectorImageSchema,
  type Address,
  type InsertCopy,
} from '#shared/labels/data';
import { makeSscc } from '#shared/labels/gs1';
import type { LabelRequest } from '#shared/labels/templates/index';
import type { Db } from '../db/connection';
import type { PrintingQueries } from '../db/queries/printing';

/** Copy for brands that bring none: a plain, friendly insert. */
const DEFAULT_COPY: InsertCopy = {
  greeting: 'Thank you, {name}!',
  thanks: 'Thank you for your order.',
  signoff: '',
  parcelHeading: 'In your parcel',
  careHeading: 'Caring for your {category}',
  recommendHeading: 'You might also like',
  returnsHeading: 'Returns made easy',
  returnsText: 'Scan the code to start a return: your order is already filled in.',
};

const themeSchema = z.object({
  primary: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .catch('#000000'),
  accent: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .catch('#555555'),
  font: z.enum(['sans', 'serif']).catch('sans'),
});
const careTipsSchema = z.record(z.string(), z.object({ title: z.string(), tips: z.array(z.string()) }));
const recommendationsSchema = z.record(z.string(), z.array(z.string()));

type BrandRow = {
  id: string;
  name: string;
  theme: string;
  insert_copy: string;
  return_portal_url: string | null;
  logo: string | null;
  care_tips: string;
  recommendations: string;
};

type OrderRow = {
  id: string;
  number: string;
  brand_id: string;
  ship_to: string;
  carrier_label: string | null;
  instructions: string | null;
  first_name: string | null;
};

/** A label ready to queue: what it prints, what it is about, and at which bench. */
export type PreparedLabel = { request: LabelRequest; subject: string | null; bench: string | null };

function json<T>(text: string | null, schema: z.ZodType<T>, fallback: T): T {
  if (text === null) return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

/** An order's ship-to as stored (the demo keeps fewer fields than a real order brings). */
function address(text: string): Address {
  const raw = json(text, z.record(z.string(), z.unknown()), {});
  const field = (key: string): string => {
    const value = raw[key];
    return typeof value === 'string' ? value : '';
  };
  const optional = (key: string): string | null => (field(key) === '' ? null : field(key));
  return addressSchema.parse({
    name: field('name'),
    line1: field('line1'),
    line2: optional('line2'),
    postalCode: field('postalCode'),
    city: field('city'),
    region: optional('region'),
    country: field('country'),
  });
}

/** `db.prepare` that keeps what it prepared, by its SQL text. */
function keptStatements(db: Db): Pick<Db, 'prepare'> {
  const kept = new Map<string, ReturnType<Db['prepare']>>();
  const prepare = (source: string): ReturnType<Db['prepare']> => {
    let statement = kept.get(source);
    if (!statement) {
      statement = db.prepare(source);
      kept.set(source, statement);
    }
    return statement;
  };
  return { prepare: prepare as Db['prepare'] };
}

/**
 * Gathers what each label prints from the station database: the order, its brand and customer,
 * the parcel and its SSCC, the return case and its items, the QC defects. Pure reads, except the
 * numbers a label carries for good (an SSCC, a licence plate), taken from counters in the
 * caller's transaction.
 */
export class LabelData {
  /** Only `prepare`, and each statement prepared once: a label's reads are not compiled per label. */
  readonly #db: Pick<Db, 'prepare'>;
  readonly #q: PrintingQueries;
  readonly #config: () => PrintingConfig;

  constructor(db: Db, queries: PrintingQueries, config: () => PrintingConfig) {
    this.#db = keptStatements(db);
    this.#q = queries;
    this.#config = config;
  }

  #brand(id: string): BrandRow | undefined {
    return this.#db.prepare<[string], BrandRow>('SELECT * FROM brands WHERE id = ?').get(id);
  }

  #order(id: string): OrderRow | undefined {
    return this.#db
      .prepare<[string], OrderRow>(
        `SELECT o.id, o.number, o.brand_id, o.ship_to, o.carrier_label, o.instructions, c.first_name
           FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.id = ?`,
      )
      .get(id);
  }

  #package(id: string) {
    return this.#db
      .prepare<
        [string],
        {
          id: string;
          order_id: string;
          weight_g: number | null;
          expected_weight_g: number;
          completed_at: number | null;
          sscc: string | null;
        }
      >('SELECT id, order_id, weight_g, expected_weight_g, completed_at, sscc FROM packages WHERE id = ?')
      .get(id);
  }

  /**
   * The 4×6 shipping label of a completed parcel. Without carrier label data on the order, the
   * parcel gets an SSCC (once: it is stored on the package and reused by a reprint).
   * Must run inside a transaction (the SSCC counter).
   */
  shipping(packageId: string, now: number): PreparedLabel | null {
    const pkg = this.#package(packageId);
    const order = pkg ? this.#order(pkg.order_id) : undefined;
    if (!pkg || !order) return null;
    const brand = this.#brand(order.brand_id);
    const carrier = json(order.carrier_label, carrierLabelSchema.nullable(), null);
    let sscc: string | null = null;
    if (!carrier) {
      sscc = pkg.sscc;
      if (!sscc) {
        const config = this.#config();
        const serial = this.#q.nextNumber(`sscc:${config.gs1CompanyPrefix}`, 1);
        sscc = makeSscc(config.ssccExtension, config.gs1CompanyPrefix, serial);
        this.#db.prepare('UPDATE packages SET sscc = ? WHERE id = ?').run(sscc, packageId);
      }
    }
    const parcels = this.#db
      .prepare<[string], { n: number }>("SELECT count(*) AS n FROM packages WHERE order_id = ? AND status = 'done'")
      .get(order.id)!.n;
    return {
      subject: packageId,
      bench: 'pack',
      request: {
        type: 'shipping',
        data: {
          orderNumber: order.number,
          brand: {
            name: brand?.name ?? '',
            logo: json(brand?.logo ?? null, vectorImageSchema.nullable(), null),
          },
          from: {
            ...this.#config().shipFrom,
            name: brand ? `${brand.name} c/o ${this.#config().shipFrom.name}` : this.#config().shipFrom.name,
          },
          to: address(order.ship_to),
          weightG: pkg.weight_g ?? pkg.expected_weight_g,
          parcel: { index: Math.max(1, parcels), count: Math.max(1, parcels) },
          carrier,
          sscc,
          shippedAt: pkg.completed_at ?? now,
        },
      },
    };
  }

  /** The branded packing insert of a completed parcel. */
  insert(packageId: string): PreparedLabel | null {
    const pkg = this.#package(packageId);
    const order = pkg ? this.#order(pkg.order_id) : undefined;
    if (!pkg || !order) return null;
    const brand = this.#brand(order.brand_id);
    const lines = this.#db
      .prepare<[string], { sku: string; name: string; category: string; quantity: number }>(
        `SELECT p.sku, p.name, p.category, l.quantity FROM order_lines l JOIN products p ON p.id = l.product_id
          WHERE l.order_id = ? ORDER BY l.line_no`,
      )
      .all(order.id);
    const theme = themeSchema.parse(json(brand?.theme ?? null, z.record(z.string(), z.unknown()), {}));
    const copy = insertCopySchema.parse({
      ...DEFAULT_COPY,
      ...json(brand?.insert_copy ?? null, insertCopySchema.partial(), {}),
    });
    const care = json(brand?.care_tips ?? null, careTipsSchema, {});
    const recommended = json(brand?.recommendations ?? null, recommendationsSchema, {});
    const categories = [...new Set(lines.map((l) => l.category))];
    const inOrder = new Set(lines.map((l) => l.sku));
    const skus = [...new Set(categories.flatMap((c) => recommended[c] ?? []))].filter((sku) => !inOrder.has(sku));
    const productBySku = this.#db.prepare<[string], { sku: string; name: string }>(
      'SELECT sku, name FROM products WHERE sku = ?',
    );
    const recommendations = skus
      .map((sku) => productBySku.get(sku))
      .filter((p): p is { sku: string; name: string } => p !== undefined)
      .slice(0, 3);
    const portal = brand?.return_portal_url ?? 'https://returns.example/start';
    return {
      subject: packageId,
      bench: 'pack',
      request: {
        type: 'insert',
        data: {
          orderNumber: order.number,
          firstName: order.first_name,
          brand: {
            name: brand?.name ?? '',
            logo: json(brand?.logo ?? null, vectorImageSchema.nullable(), null),
            primary: theme.primary,
            accent: theme.accent,
            font: theme.font,
          },
          copy,
          returnUrl: returnPortalLink(portal, order.number),
          items: lines.map((l) => ({ name: l.name, quantity: l.quantity })),
          careTips: categories.flatMap((c) => (care[c] ? [{ category: care[c].title, tips: care[c].tips }] : [])),
          recommendations,
          gift: /\bgift\b/i.test(order.instructions ?? ''),
        },
      },
    };
  }

  /** The hold label of a parcel that failed QC: its defects, the inspector who held it. */
  qcHold(packageId: string, now: number): PreparedLabel | null {
    const pkg = this.#db
      .prepare<[string], { id: string; order_number: string }>('SELECT id, order_number FROM packages WHERE id = ?')
      .get(packageId);
    if (!pkg) return null;
    const held = this.#db
      .prepare<[string], { created_at: number; name: string | null }>(
        `SELECT e.created_at, o.name FROM events e LEFT JOIN operators o ON o.id = e.operator_id
          WHERE e.subject = ? AND e.type = 'qc.held' ORDER BY e.seq DESC LIMIT 1`,
      )
      .get(packageId);
    const defects = this.#db
      .prepare<[string], { code: string; severity: 'minor' | 'major' | 'critical'; note: string | null }>(
        `SELECT d.code, d.severity, d.note FROM qc_defects d JOIN qc_inspections i ON i.id = d.inspection_id
          WHERE i.package_id = ? ORDER BY d.created_at`,
      )
      .all(packageId);
    return {
      subject: packageId,
      bench: 'qc',
      request: {
        type: 'qc_hold',
        data: {
          orderNumber: pkg.order_number,
          packageRef: pkg.id,
          heldAt: held?.created_at ?? now,
          inspector: held?.name ?? '',
          defects,
        },
      },
    };
  }

  /**
   * The 2×1 bin label of a routed return item. The item keeps its licence plate: a second
   * routing (an override) prints the same plate with the new destination.
   * Must run inside a transaction (the licence plate counter).
   */
  bin(caseId: string, itemNo: number): PreparedLabel | null {
    const item = this.#db
      .prepare<
        [string, number],
        { sku: string; name: string; grade: string | null; disposition: string | null; bin: string | null }
      >(
        `SELECT p.sku, p.name, i.grade, i.disposition, i.bin FROM return_items i JOIN products p ON p.id = i.product_id
          WHERE i.case_id = ? AND i.item_no = ?`,
      )
      .get(caseId, itemNo);
    if (!item || !item.disposition) return null;
    const subject = `${caseId}:${itemNo}`;
    return {
      subject,
      bench: 'returns',
      request: {
        type: 'bin',
        data: {
          licencePlate: this.#plate(subject, 'bin'),
          caseRef: caseRef(caseId),
          itemNo,
          sku: item.sku,
          name: item.name,
          grade: (item.grade as 'A' | 'B' | 'C' | 'D' | 'F' | null) ?? null,
          disposition: item.disposition as never,
          bin: item.bin ?? '',
        },
      },
    };
  }

  /** The 4×6 return label (licence plate) of a case. Must run inside a transaction. */
  licencePlate(caseId: string): PreparedLabel | null {
    const found = this.#db
      .prepare<
        [string],
        {
          id: string;
          opened_at: number;
          quarantined: number;
          rma: string | null;
          order_number: string | null;
          clerk: string | null;
        }
      >(
        `SELECT c.id, c.opened_at, c.quarantined, r.number AS rma, o.number AS order_number, op.name AS clerk
           FROM return_cases c LEFT JOIN rmas r ON r.id = c.rma_id LEFT JOIN orders o ON o.id = c.order_id
           LEFT JOIN operators op ON op.id = c.clerk_id WHERE c.id = ?`,
      )
      .get(caseId);
    if (!found) return null;
    const items = this.#db
      .prepare<
        [string],
        {
          item_no: number;
          sku: string;
          name: string;
          grade: string | null;
          disposition: string | null;
          bin: string | null;
          product_id: string;
        }
      >(
        `SELECT i.item_no, p.sku, p.name, i.grade, i.disposition, i.bin, i.product_id FROM return_items i
           JOIN products p ON p.id = i.product_id WHERE i.case_id = ? ORDER BY i.item_no`,
      )
      .all(caseId);
    const ean = items[0]
      ? this.#db
          .prepare<[string], { code: string }>(
            "SELECT code FROM product_barcodes WHERE product_id = ? AND kind = 'ean13' ORDER BY code LIMIT 1",
          )
          .get(items[0].product_id)
      : undefined;
    return {
      subject: caseId,
      bench: 'returns',
      request: {
        type: 'licence_plate',
        data: {
          licencePlate: this.#plate(caseId, 'licence_plate'),
          caseRef: caseRef(caseId),
          rmaNumber: found.rma,
          orderNumber: found.order_number,
          quarantined: found.quarantined === 1,
          receivedAt: found.opened_at,
          clerk: found.clerk ?? '',
          ean13: ean ? ean.code.slice(-13) : null,
          items: items.map((i) => ({
            itemNo: i.item_no,
            sku: i.sku,
            name: i.name,
            grade: (i.grade as 'A' | 'B' | 'C' | 'D' | 'F' | null) ?? null,
            disposition: (i.disposition as never) ?? null,
            bin: i.bin,
          })),
        },
      },
    };
  }

  /** An operator's badge: name, role and badge code. */
  badge(operatorId: string, station: string): PreparedLabel | null {
    const operator = this.#db
      .prepare<[string], { id: string; name: string; role: string; badge_code: string }>(
        'SELECT id, name, role, badge_code FROM operators WHERE id = ?',
      )
      .get(operatorId);
    if (!operator) return null;
    return {
      subject: operator.id,
      bench: 'settings',
      request: {
        type: 'badge',
        data: { name: operator.name, role: operator.role as never, badge: operator.badge_code, station },
      },
    };
  }

  commandSheet(station: string, now: number): PreparedLabel {
    return {
      subject: null,
      bench: 'settings',
      request: { type: 'command_sheet', data: { station, generatedAt: now } },
    };
  }

  /** A licence plate number: the one this subject already printed, or the next one. */
  #plate(subject: string, type: 'bin' | 'licence_plate'): string {
    for (const job of this.#q.ofSubject(subject, type)) {
      const plate = (JSON.parse(job.data) as { licencePlate?: unknown }).licencePlate;
      if (typeof plate === 'string') return plate;
    }
    return `LP${String(this.#q.nextNumber('licence_plate', 1)).padStart(8, '0')}`;
  }
}

/** A case as people read it on a label: the last eight characters of its id. */
export function caseRef(caseId: string): string {
  return caseId.slice(-8);
}

import { withCheckDigit } from '../barcode/gtin';
import type { Role } from '../domain/roles';
import type { Address, CarrierLabel, InsertCopy } from '../labels/data';
import type { VectorImage } from '../labels/model';

/**
 * The demo warehouse: two brands, 220 products with valid EAN-13 / UPC-A barcodes, customers,
 * orders and RMAs, and one operator per role. Generated from a fixed seed, so every fresh demo
 * station — and its printed demo sheet — is the same.
 */

export type DemoOperator = { id: string; name: string; role: Role; badge: string; pin: string };

/** Demo operators and their PINs. The PINs are printed on the demo sheet; this is a demo. */
export const DEMO_OPERATORS: readonly DemoOperator[] = [
  { id: 'op-packer', name: 'Mara Quinn', role: 'packer', badge: 'BADGE-P-1001', pin: '1111' },
  { id: 'op-qc', name: 'Tomás Ibarra', role: 'qc_inspector', badge: 'BADGE-Q-1002', pin: '2222' },
  { id: 'op-returns', name: 'Lena Vogel', role: 'returns_clerk', badge: 'BADGE-R-1003', pin: '3333' },
  { id: 'op-supervisor', name: 'Sam Okafor', role: 'supervisor', badge: 'BADGE-S-1004', pin: '4444' },
];

export type DemoBrand = {
  id: string;
  name: string;
  theme: { primary: string; accent: string; font: string };
  insertCopy: InsertCopy;
  returnPortalUrl: string;
  /** The brand's mark, as vector paths: it prints crisp in a PDF and as a ZPL graphic field. */
  logo: VectorImage;
  /** Care tips by product category, for the packing insert. */
  careTips: Record<string, { title: string; tips: string[] }>;
  /** Products the insert recommends, by the category of what was bought (SKUs). */
  recommendations: Record<string, string[]>;
};

/** Where the demo warehouse ships from (the shipping label's sender). */
export const DEMO_SHIP_FROM: Address = {
  name: 'Benchline demo warehouse',
  line1: 'Calle de la Logística 7',
  line2: null,
  postalCode: '28906',
  city: 'Getafe',
  region: 'Madrid',
  country: 'ES',
};

export type DemoBarcode = { code: string; kind: 'ean13' | 'upca' };

export type DemoProduct = {
  id: string;
  sku: string;
  brandId: string;
  name: string;
  category: 'apparel' | 'footwear' | 'electronics' | 'home';
  weightG: number;
  priceCents: number;
  currency: string;
  serialised: boolean;
  returnWindowDays: number;
  barcodes: DemoBarcode[];
};

export type DemoCustomer = { id: string; firstName: string; addressKey: string };

export type DemoOrderLine = { lineNo: number; productId: string; quantity: number; serials: string[] | null };

export type DemoOrder = {
  id: string;
  number: string;
  brandId: string;
  customerId: string;
  status: 'ready_to_pack' | 'shipped' | 'cancelled' | 'on_hold';
  placedAt: number;
  shipTo: Address;
  /** The carrier label the order system bought for the order, when it did. */
  carrierLabel: CarrierLabel | null;
  instructions: string | null;
  tote: string | null;
  packedWeightG: number | null;
  lines: DemoOrderLine[];
};

export type DemoRma = {
  id: string;
  number: string;
  orderId: string;
  status: 'authorized' | 'received' | 'closed';
  returnTracking: string;
  requestedResolution: 'refund' | 'exchange' | 'store_credit';
  createdAt: number;
  lines: { lineNo: number; productId: string; quantity: number; reason: string }[];
};

export type DemoWarehouse = {
  brands: DemoBrand[];
  products: DemoProduct[];
  customers: DemoCustomer[];
  orders: DemoOrder[];
  rmas: DemoRma[];
};

const DAY = 86_400_000;

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const BRANDS: DemoBrand[] = [
  {
    id: 'brand-northwind',
    name: 'Northwind Outfitters',
    theme: { primary: '#1f4e3d', accent: '#e0a526', font: 'serif' },
    insertCopy: {
      greeting: 'Thank you, {name}!',
      thanks: 'Thank you for choosing gear that lasts.',
      signoff: 'See you on the trail — the Northwind crew',
      parcelHeading: 'Packed for you',
      careHeading: 'Caring for your {category}',
      recommendHeading: 'Made to go with it',
      returnsHeading: 'Not quite right?',
      returnsText: 'Scan the code to start a return within 30 days: your order is already filled in.',
    },
    returnPortalUrl: 'https://returns.northwind.example/start',
    logo: {
      width: 120,
      height: 100,
      paths: [
        {
          d: 'M76 24 C76 17.4 81.4 12 88 12 C94.6 12 100 17.4 100 24 C100 30.6 94.6 36 88 36 C81.4 36 76 30.6 76 24 Z',
          fill: '#e0a526',
        },
        { d: 'M4 86 L40 30 L57 56 L72 38 L116 86 Z', fill: '#1f4e3d' },
        { d: 'M40 30 L49 44 L44 41 L40 46 L36 41 L31 44 Z', fill: '#ffffff' },
        { d: 'M0 90 H120 V97 H0 Z', fill: '#1f4e3d' },
      ],
    },
    careTips: {
      apparel: {
        title: 'clothes',
        tips: ['Wash at 30 °C, inside out.', 'Dry flat: never tumble-dry wool.', 'Store folded, away from sunlight.'],
      },
      footwear: {
        title: 'boots and shoes',
        tips: [
          'Brush off mud once it is dry.',
          'Wax the leather twice a season.',
          'Dry them with paper inside, away from radiators.',
        ],
      },
      home: {
        title: 'home goods',
        tips: ['Season cast iron after each wash.', 'Trim candle wicks to 5 mm before lighting.'],
      },
    },
    recommendations: {
      apparel: ['NW-APP-0008', 'NW-APP-0016'],
      footwear: ['NW-FTW-0004'],
      home: ['NW-HOM-0005'],
    },
  },
  {
    id: 'brand-lumen',
    name: 'Lumen Labs',
    theme: { primary: '#1b2a6b', accent: '#3fc1c9', font: 'sans' },
    insertCopy: {
      greeting: 'Hello {name}, welcome to Lumen!',
      thanks: 'Thanks for bringing Lumen home.',
      signoff: 'Stay curious — Lumen Labs',
      parcelHeading: 'In your parcel',
      careHeading: 'Getting the best from your {category}',
      recommendHeading: 'Pairs well with',
      returnsHeading: 'Returns made easy',
      returnsText: 'Scan the code to start a return within 15 days for electronics, 30 for the rest.',
    },
    returnPortalUrl: 'https://lumenlabs.example/returns',
    logo: {
      width: 100,
      height: 100,
      paths: [
        {
          d: 'M50 8 C66 8 79 21 79 37 C79 48 73 56 66 61 L66 71 L34 71 L34 61 C27 56 21 48 21 37 C21 21 34 8 50 8 Z',
          fill: '#1b2a6b',
        },
        { d: 'M44 46 L50 24 L56 46 L53 46 L53 62 L47 62 L47 46 Z', fill: '#ffffff' },
        { d: 'M36 75 H64 V81 H36 Z M40 85 H60 V91 H40 Z', fill: '#3fc1c9' },
      ],
    },
    careTips: {
      electronics: {
        title: 'device',
        tips: [
          'Charge it fully before first use.',
          'Keep its firmware up to date in the Lumen app.',
          'Recycle batteries at a collection point.',
        ],
      },
      home: { title: 'home goods', tips: ['Dust with a dry cloth.', 'Keep diffusers away from polished wood.'] },
    },
    recommendations: {
      electronics: ['LL-ELE-0003', 'LL-ELE-0012'],
      home: ['LL-HOM-0002'],
    },
  },
];

type Family = {
  brandId: string;
  category: DemoProduct['category'];
  prefix: string;
  count: number;
  items: string[];
  variants: string[];
  weight: [number, number];
  price: [number, number];
  serialised: boolean;
  windowDays: number;
};

const FAMILIES: Family[] = [
  {
    brandId: 'brand-northwind',
    category: 'apparel',
    prefix: 'NW-APP',
    count: 60,
    items: [
      'Merino Crew Sweater',
      'Ridge Fleece Jacket',
      'Trail Shorts',
      'Canvas Work Shirt',
      'Down Vest',
      'Rain Shell',
      'Base Layer Top',
      'Wool Beanie',
      'Cargo Trousers',
      'Linen Overshirt',
    ],
    variants: ['Navy / S', 'Navy / M', 'Navy / L', 'Moss / M', 'Moss / L', 'Rust / S'],
    weight: [120, 900],
    price: [2500, 18900],
    serialised: false,
    windowDays: 30,
  },
  {
    brandId: 'brand-northwind',
    category: 'footwear',
    prefix: 'NW-FTW',
    count: 30,
    items: ['Summit Hiking Boot', 'Harbor Deck Shoe', 'Trail Runner', 'Camp Slipper', 'Winter Pac Boot'],
    variants: ['EU 39', 'EU 40', 'EU 41', 'EU 42', 'EU 43', 'EU 44'],
    weight: [450, 1600],
    price: [5900, 22900],
    serialised: false,
    windowDays: 30,
  },
  {
    brandId: 'brand-northwind',
    category: 'home',
    prefix: 'NW-HOM',
    count: 30,
    items: ['Enamel Camp Mug', 'Wool Throw Blanket', 'Cedar Candle', 'Cast Iron Skillet', 'Canvas Tote'],
    variants: ['Stone', 'Forest', 'Charcoal', 'Sand', 'Clay', 'Sky'],
    weight: [200, 3200],
    price: [1500, 12900],
    serialised: false,
    windowDays: 30,
  },
  {
    brandId: 'brand-lumen',
    category: 'electronics',
    prefix: 'LL-ELE',
    count: 70,
    items: [
      'Halo Desk Lamp',
      'Pulse Wireless Earbuds',
      'Orbit Smart Speaker',
      'Volt Power Bank',
      'Beam Projector',
      'Drift Bluetooth Mouse',
      'Prism USB-C Hub',
    ],
    variants: ['White', 'Black', 'Graphite', 'Sand', 'Teal', 'Coral', 'Silver', 'Midnight', 'Sage', 'Rose'],
    weight: [60, 2400],
    price: [1900, 34900],
    serialised: true,
    windowDays: 15,
  },
  {
    brandId: 'brand-lumen',
    category: 'home',
    prefix: 'LL-HOM',
    count: 30,
    items: ['Glow Night Light', 'Aroma Diffuser', 'Ceramic Planter', 'Linen Lamp Shade', 'Cork Coaster Set'],
    variants: ['Small', 'Medium', 'Large', 'Set of 2', 'Set of 4', 'Bundle'],
    weight: [90, 1800],
    price: [1200, 8900],
    serialised: false,
    windowDays: 30,
  },
];

const FIRST_NAMES = [
  'Lucía',
  'Noah',
  'Zoë',
  'Mateo',
  'Amara',
  'Jonas',
  'Chloé',
  'Ravi',
  'Ingrid',
  'Kwame',
  'Sofía',
  'Ørjan',
  'Hana',
  'Diego',
  'Elif',
  'Finn',
  'Yara',
  'Luca',
  'Maya',
  'Tariq',
  'Greta',
  'Andrés',
  'Nia',
  'Oskar',
  'Dária',
  'Νίκος',
  'Дарья',
  'Emil',
  'Leila',
  'Marco',
  'Priya',
  'Sven',
  'Aiko',
  'Bruno',
  'Carmen',
  'Dmitri',
  'Esme',
  'Farah',
  'Gael',
  'Iris',
];
const LAST_NAMES = [
  'García',
  'Martin',
  'de Vries',
  'Smith',
  'Silva',
  'Müller',
  'Johnson',
  'Brown',
  'Tremblay',
  'Rossi',
  'Παπαδόπουλος',
  'Иванова',
];
const STREETS = [
  'Calle de Alcalá',
  'Rue de la République',
  'Coolsingel',
  'Briggate',
  'Rua de Santa Catarina',
  'Mönckebergstraße',
  'Congress Avenue',
  'Larimer Street',
  'Queen Street West',
  'Via Dante',
];
/** Postal codes in the same order as CITIES. */
const POSTAL = [
  '28014',
  '69002',
  '3012 AA',
  'LS1 6HB',
  '4000-447',
  '20095',
  'TX 78701',
  'CO 80202',
  'M5V 2A1',
  '20121',
];
/** Carriers whose label data some demo orders bring from the order system. */
const CARRIERS: ((i: number) => CarrierLabel)[] = [
  (i) => {
    const tracking = `JJD01460000${String(62_000_000 + i * 97).padStart(8, '0')}`;
    return {
      carrier: 'DHL Parcel',
      service: 'Europaket',
      trackingNumber: tracking,
      barcode: { symbology: 'code128', data: tracking },
      routingCode: `R${String(10 + (i % 80))}`,
    };
  },
  (i) => {
    const tracking = `3SBNCH${String(1_000_000 + i * 131).padStart(9, '0')}`;
    return {
      carrier: 'PostNL',
      service: 'Parcel EU',
      trackingNumber: tracking,
      barcode: { symbology: 'datamatrix', data: tracking },
      routingCode: null,
    };
  },
];
const CITIES: [string, string][] = [
  ['Madrid', 'ES'],
  ['Lyon', 'FR'],
  ['Rotterdam', 'NL'],
  ['Leeds', 'GB'],
  ['Porto', 'PT'],
  ['Hamburg', 'DE'],
  ['Austin', 'US'],
  ['Denver', 'US'],
  ['Toronto', 'CA'],
  ['Milan', 'IT'],
];
const RETURN_REASONS = [
  'too_small',
  'too_large',
  'defective',
  'not_as_described',
  'changed_mind',
  'damaged_in_transit',
  'wrong_item',
];

/** Builds the demo warehouse. `now` anchors order and RMA dates so return windows make sense. */
export function buildDemoWarehouse(now: number): DemoWarehouse {
  const random = prng(20_261_122);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (low: number, high: number): number => Math.round(low + random() * (high - low));

  const products: DemoProduct[] = [];
  let eanItem = 10_000;
  let upcItem = 20_000;
  for (const family of FAMILIES) {
    for (let i = 0; i < family.count; i++) {
      const item = family.items[i % family.items.length]!;
      const variant = family.variants[Math.floor(i / family.items.length) % family.variants.length]!;
      const northwind = family.brandId === 'brand-northwind';
      // Northwind prints EAN-13 (GS1 Spain prefix 84); Lumen prints UPC-A (US company prefix).
      const primary: DemoBarcode = northwind
        ? { code: withCheckDigit(`8412345${String(eanItem++).padStart(5, '0')}`), kind: 'ean13' }
        : { code: withCheckDigit(`850012${String(upcItem++).padStart(5, '0')}`), kind: 'upca' };
      const barcodes = [primary];
      if (i % 3 === 0) {
        // A second barcode: the same product in another pack or from another printing run.
        barcodes.push({ code: withCheckDigit(`8412399${String(eanItem++).padStart(5, '0')}`), kind: 'ean13' });
      }
      products.push({
        id: `prod-${family.prefix.toLowerCase()}-${String(i + 1).padStart(4, '0')}`,
        sku: `${family.prefix}-${String(i + 1).padStart(4, '0')}`,
        brandId: family.brandId,
        name: `${item} — ${variant}`,
        category: family.category,
        weightG: between(family.weight[0], family.weight[1]),
        priceCents: Math.round(between(family.price[0], family.price[1]) / 100) * 100 - 1,
        currency: 'EUR',
        serialised: family.serialised,
        returnWindowDays: family.windowDays,
        barcodes,
      });
    }
  }

  const customers: DemoCustomer[] = FIRST_NAMES.flatMap((firstName, i) => [
    { id: `cust-${String(i * 2 + 1).padStart(4, '0')}`, firstName, addressKey: `addr-${String(i).padStart(4, '0')}` },
    // Two customers share each address key now and then: the fraud rules look for that.
    {
      id: `cust-${String(i * 2 + 2).padStart(4, '0')}`,
      firstName: pick(FIRST_NAMES),
      addressKey: `addr-${String(i % 7 === 0 ? i : i + 100).padStart(4, '0')}`,
    },
  ]);

  const orders: DemoOrder[] = [];
  let serial = 500_000;
  for (let i = 0; i < 120; i++) {
    const brand = i % 2 === 0 ? BRANDS[0]! : BRANDS[1]!;
    const brandProducts = products.filter((p) => p.brandId === brand.id);
    const customer = customers[i % customers.length]!;
    // The first 70 wait to be packed; then shipped ones (the returns come from these), and a
    // few that the bench must stop: cancelled and on hold.
    const status: DemoOrder['status'] =
      i < 70 ? 'ready_to_pack' : i < 112 ? 'shipped' : i < 116 ? 'cancelled' : 'on_hold';
    const lineCount = 1 + Math.floor(random() * 3) + (i % 10 === 0 ? 1 : 0);
    const used = new Set<string>();
    const lines: DemoOrderLine[] = [];
    for (let lineNo = 1; lineNo <= lineCount; lineNo++) {
      let product = pick(brandProducts);
      while (used.has(product.id)) product = pick(brandProducts);
      used.add(product.id);
      const quantity = product.serialised ? 1 : random() < 0.2 ? 2 : 1;
      const serials =
        status === 'shipped' && product.serialised
          ? [`SN${brand.id === 'brand-lumen' ? 'LL' : 'NW'}${serial++}`]
          : null;
      lines.push({ lineNo, productId: product.id, quantity, serials });
    }
    const [city, country] = pick(CITIES);
    const cityIndex = CITIES.findIndex(([c]) => c === city);
    const packedWeightG =
      status === 'shipped'
        ? lines.reduce(
            (sum, line) => sum + line.quantity * (products.find((p) => p.id === line.productId)?.weightG ?? 0),
            180,
          )
        : null;
    orders.push({
      id: `ord-${String(i + 1).padStart(4, '0')}`,
      number: `${brand.id === 'brand-lumen' ? 'LL' : 'NW'}${String(10_001 + i)}`,
      brandId: brand.id,
      customerId: customer.id,
      status,
      // Shipped orders are recent enough to return, but for every seventh: a return that comes
      // back past its window, for the bench and the fraud rules to catch.
      placedAt: now - (status === 'shipped' ? (i % 7 === 6 ? between(38, 45) : between(4, 22)) : between(0, 2)) * DAY,
      shipTo: {
        name: `${customer.firstName} ${LAST_NAMES[i % LAST_NAMES.length]!}`,
        line1: `${STREETS[cityIndex]!} ${1 + ((i * 37) % 180)}`,
        line2: i % 5 === 0 ? `Apt ${1 + (i % 9)}${'ABCD'[i % 4]!}` : null,
        postalCode: POSTAL[cityIndex]!,
        city,
        region: null,
        country,
      },
      // One order in three waiting to be packed brings a carrier label; the others get an SSCC.
      carrierLabel: status === 'ready_to_pack' && i % 3 === 1 ? CARRIERS[i % CARRIERS.length]!(i) : null,
      instructions: i % 9 === 0 ? 'Gift: leave the price off the packing slip.' : null,
      tote: status === 'ready_to_pack' && i % 4 === 0 ? `TOTE-${String(100 + i)}` : null,
      packedWeightG,
      lines,
    });
  }

  const shipped = orders.filter((o) => o.status === 'shipped');
  const rmas: DemoRma[] = shipped.slice(0, 36).map((order, i) => {
    const lines = order.lines
      .filter((_, index) => index === 0 || random() < 0.6)
      .map((line, index) => ({
        lineNo: index + 1,
        productId: line.productId,
        quantity: line.quantity,
        reason: pick(RETURN_REASONS),
      }));
    return {
      id: `rma-${String(i + 1).padStart(4, '0')}`,
      number: `RMA-${String(30_001 + i)}`,
      orderId: order.id,
      status: i < 32 ? 'authorized' : i < 34 ? 'received' : 'closed',
      returnTracking: `RT${String(7_000_000_000 + i * 7919).padStart(12, '0')}`,
      requestedResolution: pick(['refund', 'refund', 'exchange', 'store_credit'] as const),
      createdAt: Math.min(now - DAY, order.placedAt + between(3, 12) * DAY),
      lines,
    };
  });

  return { brands: BRANDS, products, customers, orders, rmas };
}

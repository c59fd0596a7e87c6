import { classifyScan, describeReading, type Classification } from '#shared/barcode/classify';
import type { Command } from '#shared/barcode/commands';
import { DEFAULT_BARCODE_PATTERNS, type PatternKind } from '#shared/barcode/patterns';
import type { ScanInput, Verdict } from '#shared/contract/scan';
import { roleMayOpen, type Bench } from '#shared/domain/roles';
import type { Db } from '../db/connection';
import { catalogQueries, type CatalogQueries } from '../db/queries/catalog';
import { operatorQueries, type OperatorQueries, type OperatorRecord } from '../db/queries/operators';
import type { PolicyStore } from '../db/queries/policies';
import type { EventLog } from '../events/log';
import { inOneUnit } from '../db/unit';
import { BenchError } from '../util/errors';
import type { ActiveSession, SessionService } from './session';

export type ScanDeps = {
  db: Db;
  events: EventLog;
  session: SessionService;
  /** The company's barcode patterns live among the policies; the defaults apply without one. */
  policies?: PolicyStore;
  /** For the century of two-digit GS1 dates. */
  clock?: () => number;
};

type LookupTable = 'product' | 'order' | 'rma';

/**
 * Where a code is looked up, in order, by the label pattern it matches (`other`: none, or a badge
 * or bin pattern). A product barcode wins over an order or RMA number unless the code looks like
 * the company's own order, tote or RMA label.
 */
const LOOKUP_ORDER: Record<PatternKind | 'other', readonly LookupTable[]> = {
  rma: ['rma', 'product', 'order'],
  order: ['order', 'product', 'rma'],
  tote: ['order', 'product', 'rma'],
  badge: ['product', 'order', 'rma'],
  bin: ['product', 'order', 'rma'],
  other: ['product', 'order', 'rma'],
};

/** A command answered the same at every bench (PRINT, REPRINT). */
export type StationCommandHandler = (active: ActiveSession, code: string) => Verdict | Promise<Verdict>;

/** A scan as a bench sees it: who, what was read, and what the code is. */
export type ScanContext = { active: ActiveSession; input: ScanInput; code: string; classified: Classified };

/**
 * A bench's own reading of scans (packing, QC, returns). It records what it does as its own
 * events; returning null leaves the scan to the general classification (and its record).
 */
export type BenchScanHandler = {
  /** Runs inside the scan's unit of work (one transaction): it must not wait for anything. */
  scan(context: ScanContext): Verdict | null;
  /** A badge scanned at the bench: the bench may claim it (a supervisor approving), else it is a login. */
  badge?(active: ActiveSession, operator: OperatorRecord): Verdict | null | Promise<Verdict | null>;
  /** A PIN-shaped scan while the bench waits for one (an approval); never recorded. */
  pin?(active: ActiveSession, pin: string): Verdict | null | Promise<Verdict | null>;
  /**
   * A scan the bench answers outside any transaction because it must wait for something (an
   * enrolment code sent to the cloud); null lets the scan go on as usual.
   */
  claim?(active: ActiveSession, code: string): Promise<Verdict | null>;
};

/** Commands that belong to the session, whatever the bench. */
function isSessionCommand(command: Command): boolean {
  return command.name === 'logout' || command.name === 'lock' || command.name === 'home' || command.name === 'bench';
}

const PIN_PATTERN = /^\d{4,8}$/;

/**
 * Removes what a scanner or a keyboard adds around a code: surrounding spaces and every control
 * character except GS (0x1D), the GS1 separator that must survive.
 */
export function normalizeScan(code: string): string {
  // eslint-disable-next-line no-control-regex
  return code.replace(/[\x00-\x1c\x1e\x1f\x7f]/g, '').trim();
}

/** GS1 data read with a product (GS1-128, GS1 DataMatrix or QR, Digital Link). */
export type Gs1Attributes = {
  gtin: string;
  lot: string | null;
  expiry: string | null;
  serial: string | null;
  /** Doubts about the string (`missing_separator:10`): it was read, but may mean something else. */
  warnings: string[];
};

/**
 * What a scanned code is, before any bench interprets it: the shape of the code (`reading`,
 * from `classifyScan`) resolved against this station's data.
 */
export type Classified =
  | { kind: 'command'; command: Command }
  | {
      kind: 'product';
      subject: string;
      params: Record<string, string>;
      /** Lot, expiry and serial when the barcode carried them. */
      gs1?: Gs1Attributes;
    }
  | { kind: 'order'; subject: string; params: Record<string, string | number> }
  | { kind: 'rma'; subject: string; params: Record<string, string | number> }
  | { kind: 'unknown'; reading?: Classification };

/**
 * Every scan, from every input, ends here. Logged out, the scan path reads only badges and PINs;
 * logged in, it classifies the code, and records a `scan.recorded` event with the verdict so the
 * audit trail and the bench figures (scans per item) see every scan. A PIN is never recorded.
 *
 * Scans are handled one at a time in arrival order: a PIN must not overtake its badge.
 */
export class ScanService {
  readonly #deps: ScanDeps;
  readonly #catalog: CatalogQueries;
  readonly #operators: OperatorQueries;
  readonly #benches = new Map<Bench, BenchScanHandler>();
  readonly #stationCommands = new Map<string, StationCommandHandler>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: ScanDeps) {
    this.#deps = deps;
    this.#catalog = catalogQueries(deps.db);
    this.#operators = operatorQueries(deps.db);
  }

  /** Lets a bench read the scans made while the operator is at it. */
  route(bench: Bench, handler: BenchScanHandler): void {
    this.#benches.set(bench, handler);
  }

  /** Lets a service answer a command barcode at any bench (printing: PRINT and REPRINT). */
  command(name: Command['name'], handler: StationCommandHandler): void {
    this.#stationCommands.set(name, handler);
  }

  submit(input: ScanInput): Promise<Verdict> {
    const run = this.#queue.then(() => this.#submit(input));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #submit(input: ScanInput): Promise<Verdict> {
    const code = normalizeScan(input.code);
    const { session } = this.#deps;
    if (code.length === 0) return verdict('unknown', 'bad', 'verdict.empty', {}, '');

    // A badge first: numeric employee badges exist, and a badge scanned while another waits
    // for its PIN means the operator changed their mind.
    const badgeOperator = this.#operators.byBadge(code);
    const current = session.active();
    const bench = current && !current.locked && current.bench ? this.#benches.get(current.bench) : undefined;
    if (current && badgeOperator && bench?.badge) {
      const claimed = await bench.badge(current, badgeOperator);
      if (claimed) return claimed;
    }
    if (badgeOperator) return this.#badge(badgeOperator);
    if (current && bench?.pin && PIN_PATTERN.test(code)) {
      const claimed = await bench.pin(current, code);
      if (claimed) return claimed;
    }
    if (session.pending() && PIN_PATTERN.test(code)) return this.#pin(code);

    const active = session.active();
    if (!active) return verdict('needs_login', 'bad', 'verdict.needsLogin', {}, code);
    if (active.locked) return verdict('locked', 'bad', 'verdict.locked', {}, code);
    const claimer = active.bench ? this.#benches.get(active.bench) : undefined;
    if (claimer?.claim) {
      const claimed = await claimer.claim(active, code);
      if (claimed) return claimed;
    }

    const classified = this.#classify(code, input.symbology);
    if (classified.kind === 'command' && isSessionCommand(classified.command)) {
      return this.#command(classified.command, code, input, active);
    }
    const stationCommand =
      classified.kind === 'command' ? this.#stationCommands.get(classified.command.name) : undefined;
    if (stationCommand) return stationCommand(active, code);
    const handler = active.bench ? this.#benches.get(active.bench) : undefined;
    if (handler) {
      // One scan, one unit of work: every row and event it writes commits together, with one
      // fsync — the bench's steps (receive, grade, route…) are savepoints inside it.
      const answered = inOneUnit(this.#deps.db, () => handler.scan({ active, input, code, classified }));
      if (answered) return this.#warnGs1(answered, classified);
    }
    if (classified.kind === 'command') return this.#unusedCommand(active, input, code);
    return this.#record(active, input, code, classified);
  }

  async #pin(pin: string): Promise<Verdict> {
    const { session } = this.#deps;
    try {
      const { purpose } = await session.completePending(pin, 'scan');
      const name = session.active()?.operator.name ?? '';
      return verdict(purpose === 'login' ? 'login' : 'unlock', 'good', `verdict.${purpose}`, { name }, '••••', 'home');
    } catch (error) {
      if (error instanceof BenchError && error.code === 'WRONG_PIN') {
        const attemptsLeft = Number(error.details?.attemptsLeft ?? 0);
        return verdict('pin_wrong', 'bad', 'verdict.pinWrong', { attemptsLeft }, '••••');
      }
      if (error instanceof BenchError && error.code === 'BADGE_LOCKED') {
        return verdict('badge_locked', 'bad', 'verdict.badgeLocked', lockParams(error), '••••');
      }
      throw error;
    }
  }

  #badge(operator: OperatorRecord): Verdict {
    const { session } = this.#deps;
    if (!operator.active) return verdict('unknown', 'bad', 'verdict.badgeInactive', {}, '');
    const active = session.active();
    if (active && !active.locked && active.operator.id === operator.id) {
      return verdict('badge', 'info', 'verdict.alreadyLoggedIn', { name: operator.name }, operator.badge);
    }
    try {
      const pending = session.expectPin(operator);
      const key =
        pending.purpose === 'unlock' ? 'verdict.badgeUnlock' : active ? 'verdict.badgeSwitch' : 'verdict.badge';
      return verdict('badge', 'info', key, { name: operator.name }, operator.badge);
    } catch (error) {
      if (error instanceof BenchError && error.code === 'BADGE_LOCKED') {
        return verdict('badge_locked', 'bad', 'verdict.badgeLocked', lockParams(error), operator.badge);
      }
      throw error;
    }
  }

  #command(command: Command, code: string, input: ScanInput, active: ActiveSession): Verdict {
    const { session } = this.#deps;
    if (command.name === 'logout') {
      session.logout('command');
      return verdict('command', 'good', 'verdict.loggedOut', {}, code);
    }
    if (command.name === 'lock') {
      session.lock('command');
      return verdict('command', 'good', 'verdict.lockedNow', {}, code);
    }
    if (command.name === 'bench' && !roleMayOpen(active.operator.role, command.bench)) {
      const recorded = this.#deps.events.record({
        type: 'scan.recorded',
        operatorId: active.operator.id,
        payload: { code, source: input.source, symbology: input.symbology ?? null, kind: 'refused' },
      });
      return {
        ...verdict('refused', 'bad', 'verdict.benchRefused', { bench: command.bench }, code),
        eventId: recorded.id,
        seq: recorded.seq,
      };
    }
    const target = command.name === 'bench' ? command.bench : 'home';
    session.setBench(command.name === 'bench' ? command.bench : null);
    const recorded = this.#deps.events.record({
      type: 'scan.recorded',
      operatorId: active.operator.id,
      payload: { code, source: input.source, symbology: input.symbology ?? null, kind: 'command' },
    });
    return {
      ...verdict('command', 'good', 'verdict.navigate', { bench: target }, code, target),
      eventId: recorded.id,
      seq: recorded.seq,
    };
  }

  /** A bench command scanned where it means nothing (DONE on the bench chooser). */
  #unusedCommand(active: ActiveSession, input: ScanInput, code: string): Verdict {
    const recorded = this.#deps.events.record({
      type: 'scan.recorded',
      operatorId: active.operator.id,
      payload: { code, source: input.source, symbology: input.symbology ?? null, kind: 'command_unused' },
    });
    return {
      ...verdict('command', 'bad', 'verdict.commandNotHere', {}, code),
      eventId: recorded.id,
      seq: recorded.seq,
    };
  }

  /**
   * Reads the code's shape, then looks it up: a GTIN (from any barcode form, GS1 data or a
   * Digital Link) in the catalogue; anything else as a barcode stored as is, an order or tote,
   * an RMA or return tracking number. What is found nowhere is unknown, with what was read.
   */
  classify(code: string, symbology?: string | null): Classified {
    return this.#classify(code, symbology);
  }

  #classify(code: string, symbology?: string | null): Classified {
    const reading = classifyScan(code, {
      symbology,
      patterns: this.#deps.policies?.one('barcodes') ?? DEFAULT_BARCODE_PATTERNS,
      referenceYear: new Date(this.#deps.clock?.() ?? Date.now()).getUTCFullYear(),
    });
    const shape = reading.reading;
    if (shape.kind === 'command') return { kind: 'command', command: shape.command };
    const data = reading.code;
    let gs1: Gs1Attributes | undefined;
    let keys: string[];
    switch (shape.kind) {
      case 'gtin':
        // The catalogue keys barcodes by GTIN-14 already; an order or RMA number is looked up as read.
        keys = [data];
        break;
      case 'gs1': {
        const { gtin, lot, expiry, serial, orderNumber } = shape.data;
        if (gtin) gs1 = { gtin, lot, expiry, serial, warnings: shape.warnings };
        keys = [gtin, orderNumber, shape.data.sscc].filter((k): k is string => k !== null);
        break;
      }
      case 'tracking':
        keys = [shape.tracking.number, data];
        break;
      default:
        keys = [data];
    }
    // A code shaped like one of the company's own labels is looked up as that label first: an RMA
    // number opening a return is not first searched for among a million product barcodes and the
    // orders (each probe of a big index that misses costs as much as one that finds).
    const tables = LOOKUP_ORDER[shape.kind === 'pattern' ? shape.pattern : 'other'];
    for (const key of new Set(keys)) {
      for (const table of tables) {
        const found = this.#lookUp(table, key, gs1);
        if (found) return found;
      }
    }
    return { kind: 'unknown', reading };
  }

  #lookUp(table: LookupTable, key: string, gs1: Gs1Attributes | undefined): Classified | null {
    switch (table) {
      case 'product': {
        const product = this.#catalog.productByBarcode(key);
        if (!product) return null;
        return {
          kind: 'product',
          subject: product.id,
          params: { sku: product.sku, name: product.name, brand: product.brand },
          ...(gs1 ? { gs1 } : {}),
        };
      }
      case 'order': {
        const order = this.#catalog.order(key);
        if (!order) return null;
        return {
          kind: 'order',
          subject: order.id,
          params: { number: order.number, status: order.status, lines: order.lines },
        };
      }
      case 'rma': {
        const rma = this.#catalog.rma(key);
        if (!rma) return null;
        return { kind: 'rma', subject: rma.id, params: { number: rma.number, status: rma.status, lines: rma.lines } };
      }
    }
  }

  #record(
    active: ActiveSession,
    input: ScanInput,
    code: string,
    classified: Exclude<Classified, { kind: 'command' }>,
  ): Verdict {
    const known = classified.kind !== 'unknown';
    const reading = classified.kind === 'unknown' ? classified.reading : undefined;
    const recorded = this.#deps.events.record({
      type: 'scan.recorded',
      operatorId: active.operator.id,
      subject: known ? classified.subject : null,
      payload: {
        code,
        source: input.source,
        symbology: input.symbology ?? null,
        kind: classified.kind,
        ...(reading ? { reading: reading.reading.kind, read: describeReading(reading) } : {}),
        ...(classified.kind === 'product' && classified.gs1 ? { gs1: classified.gs1 } : {}),
      },
    });
    const answer = reading
      ? unknownVerdict(reading, code)
      : verdict(classified.kind, 'good', `verdict.${classified.kind}`, known ? classified.params : {}, code);
    return this.#warnGs1({ ...answer, eventId: recorded.id, seq: recorded.seq }, classified);
  }

  /**
   * A good scan of a product whose GS1 data says "look": the lot is past its expiry date, or the
   * string may have lost a separator. The bench did its work; the tone turns to a warning and the
   * reason is added to the verdict.
   */
  #warnGs1(answer: Verdict, classified: Classified): Verdict {
    if (answer.tone !== 'good' || classified.kind !== 'product' || !classified.gs1) return answer;
    const { expiry, warnings } = classified.gs1;
    const today = new Date(this.#deps.clock?.() ?? Date.now()).toISOString().slice(0, 10);
    if (expiry !== null && expiry < today) {
      return { ...answer, tone: 'warn', params: { ...answer.params, warning: 'expired', expiry } };
    }
    if (warnings.length > 0) return { ...answer, tone: 'warn', params: { ...answer.params, warning: warnings[0]! } };
    return answer;
  }
}

/** Builds a verdict; `message` is an i18n key. */
export function verdict(
  kind: Verdict['kind'],
  tone: Verdict['tone'],
  message: string,
  params: Verdict['params'],
  display: string,
  navigate: Verdict['navigate'] = null,
): Verdict {
  return { kind, tone, message, params, display, navigate, eventId: null, seq: null };
}

/**
 * "Not recognised", saying what was read: a GTIN not in the catalogue, a tracking number no
 * return has, a code that looks like an RMA but is not known here, a wrong check digit, or plain
 * text — never a silent drop. `message` is `verdict.notRecognised.<reading>`.
 */
export function unknownVerdict(classification: Classification, code: string): Verdict {
  const { reading } = classification;
  const params: Verdict['params'] = { read: describeReading(classification) };
  switch (reading.kind) {
    case 'gtin':
      params.gtin = reading.gtin;
      params.form = reading.form;
      if (reading.range)
        return verdict('unknown', 'bad', 'verdict.notRecognised.gtinRange', { ...params, range: reading.range }, code);
      break;
    case 'gs1':
      params.gtin = reading.data.gtin ?? reading.data.sscc ?? '';
      break;
    case 'sscc':
      params.sscc = reading.sscc;
      break;
    case 'tracking':
      params.carrier = reading.tracking.carrier.toUpperCase();
      params.number = reading.tracking.number;
      break;
    case 'pattern':
      params.pattern = reading.pattern;
      break;
    case 'invalid':
      params.expected = reading.expected;
      params.reason = reading.reason;
      break;
    default:
      break;
  }
  const tone = 'bad';
  return verdict('unknown', tone, `verdict.notRecognised.${reading.kind}`, params, code);
}

function lockParams(error: BenchError): Record<string, number> {
  return { lockedUntil: Number(error.details?.lockedUntil ?? 0) };
}

import type { Classification } from '#shared/barcode/classify';
import type { PackRecall, PackView } from '#shared/contract/pack';
import type { Verdict } from '#shared/contract/scan';
import type { Settings } from '#shared/domain/settings';
import { checkWeight, DEFAULT_WEIGHT_TOLERANCE } from '#shared/policy/weight';
import type { Db } from '../db/connection';
import {
  packingQueries,
  type PackageRow,
  type PackingQueries,
  type PackOrder,
  type ShippedLabel,
} from '../db/queries/packing';
import type { PolicyStore } from '../db/queries/policies';
import type { EventLog } from '../events/log';
import { BenchError } from '../util/errors';
import { ulid } from '../util/ulid';
import type { QcService } from './qc';
import { verdict, type Gs1Attributes, type ScanContext } from './scan';
import type { ActiveSession } from './session';

/** Order statuses from the order system that stop the bench. */
const STOPPING_STATUSES = new Set(['cancelled', 'refunded', 'on_hold']);
/** How far back a stopped order recalls the parcels packed for it. */
const RECALL_DAYS = 30;
const DAY = 86_400_000;
/** A second parcel of the same order within this time asks the packer to confirm. */
const SECOND_SHIPMENT_MS = 30 * 86_400_000;
/** How many of the station's latest parcels a scanned-back label is looked for among. */
const LABEL_LOOKBACK = 500;

export type PackDeps = {
  db: Db;
  events: EventLog;
  policies: PolicyStore;
  qc: QcService;
  stationId: string;
  settings: () => Settings;
  clock: () => number;
  /** The parcel changed: tell the windows. */
  changed: (view: PackView | null) => void;
  /** A completed parcel is ready for its shipping label and insert. */
  completed?: (packageId: string) => void;
};

/**
 * The packing bench: scan the order (or its tote), scan every item against it — a wrong item or
 * one too many is refused loudly, serialised products ask for their serial — weigh, let QC
 * inspect the sampled units, and DONE. Every step is an event written in the same transaction
 * as the package rows it changes; the package and its units are the outbound fingerprint the
 * returns bench compares a return against.
 */
export class PackService {
  readonly #deps: PackDeps;
  readonly #q: PackingQueries;
  /** A serialised unit waiting for its serial: only in memory, a restart asks again. */
  #awaitingSerial: { packageId: string; unitNo: number; lineNo: number } | null = null;

  constructor(deps: PackDeps) {
    this.#deps = deps;
    this.#q = packingQueries(deps.db);
  }

  /** The parcel of this station: the open one, else the last one (so DONE shows its result). */
  current(): PackView | null {
    const row = this.#q.openAt(this.#deps.stationId) ?? this.#q.latestAt(this.#deps.stationId);
    return row ? this.#view(row) : null;
  }

  /** Reads a scan made at the packing bench. */
  scan({ active, code, classified }: ScanContext): Verdict | null {
    const open = this.#q.openAt(this.#deps.stationId);
    if (classified.kind === 'order') {
      const recall = this.recalls().find((r) => r.orderId === classified.subject);
      if (recall) return this.#pullBack(active, recall, code);
      if (open?.order_id === classified.subject)
        return info('verdict.pack.alreadyOpen', { number: open.order_number }, code);
      if (open) return bad('verdict.pack.finishFirst', { number: open.order_number }, code);
      return this.#open(active, classified.subject, code);
    }
    if (!open) {
      if (classified.kind === 'unknown' && classified.reading) {
        const checked = this.#labelBack(active, classified.reading, code);
        if (checked) return checked;
      }
      if (classified.kind === 'product' || classified.kind === 'command')
        return bad('verdict.pack.scanOrderFirst', {}, code);
      return null;
    }
    const order = this.#q.order(open.order_id)!;
    if (classified.kind === 'command') {
      switch (classified.command.name) {
        case 'done':
          return this.#tryDone(active, code);
        case 'undo':
          return this.#undo(active, open, code);
        case 'cancel':
          this.cancel(active, 'cancelled at the bench');
          return good('verdict.pack.cancelled', { number: open.order_number }, code);
        case 'confirm':
          return this.#confirm(active, open, code);
        default:
          return bad('verdict.commandNotHere', {}, code);
      }
    }
    if (STOPPING_STATUSES.has(order.status))
      return bad('verdict.pack.stopped', { number: order.number, status: order.status }, code);
    if (!open.second_shipment_confirmed && this.#previousShipment(open) !== null) {
      return bad('verdict.pack.confirmFirst', { number: open.order_number }, code);
    }
    const waiting = this.#awaitingSerial;
    if (waiting && waiting.packageId === open.id) {
      if (classified.kind !== 'unknown') {
        const line = order.lines.find((l) => l.lineNo === waiting.lineNo)!;
        return bad('verdict.pack.serialExpected', { name: line.name }, code);
      }
      return this.#serial(active, open, order, code);
    }
    if (classified.kind === 'product') return this.#item(active, open, order, classified.subject, code, classified.gs1);
    this.#deps.events.record({
      type: 'pack.item_refused',
      operatorId: active.operator.id,
      subject: open.id,
      payload: { code, reason: classified.kind === 'rma' ? 'rma' : 'unknown' },
    });
    return bad('verdict.unknown', {}, code);
  }

  /**
   * Parcels this bench packed in the last 30 days whose order the order system stopped afterwards
   * (it arrives by sync, maybe after the label was printed): each must be pulled back before it
   * leaves. Scanning the order confirms it was.
   */
  recalls(): PackRecall[] {
    return this.#q.recalls(this.#deps.clock() - RECALL_DAYS * DAY);
  }

  /** Orders changed in the order system (a sync page): the windows re-read what stops. */
  ordersChanged(): void {
    this.#deps.changed(this.current());
  }

  #pullBack(active: ActiveSession, recall: PackRecall, code: string): Verdict {
    this.#write(() =>
      this.#deps.events.append({
        type: 'pack.pulled_back',
        operatorId: active.operator.id,
        subject: recall.packageId,
        payload: { orderId: recall.orderId, orderNumber: recall.orderNumber, orderStatus: recall.orderStatus },
      }),
    );
    this.#deps.changed(this.current());
    return info('verdict.pack.pulledBack', { number: recall.orderNumber, status: recall.orderStatus }, code);
  }

  /**
   * The packer scanned a shipping label back after DONE (optional): its SSCC or the carrier's
   * tracking barcode is compared with the label of the parcel completed last here. The same
   * parcel is a good verdict; another parcel's label — or any SSCC or tracking number that is
   * not this parcel's — a loud bad one, before the wrong label leaves on the parcel. Anything
   * that is not a label is left to the general "not recognised" (null).
   */
  #labelBack(active: ActiveSession, reading: Classification, code: string): Verdict | null {
    const recent = this.#q.recentDone(this.#deps.stationId, LABEL_LOOKBACK);
    if (recent.length === 0) return null;
    const scanned = labelKeysOfScan(reading);
    const matches = (parcel: ShippedLabel): boolean => labelKeysOf(parcel).some((key) => scanned.has(key));
    const last = recent.reduce((a, b) => (b.completedAt > a.completedAt ? b : a));
    if (matches(last)) {
      this.#write(() =>
        this.#deps.events.append({
          type: 'pack.label_verified',
          operatorId: active.operator.id,
          subject: last.id,
          payload: { orderNumber: last.orderNumber, code: reading.code, by: last.sscc ? 'sscc' : 'carrier' },
        }),
      );
      return good('verdict.pack.labelVerified', { number: last.orderNumber }, code);
    }
    const other = recent.find((parcel) => parcel.id !== last.id && matches(parcel)) ?? null;
    if (!other && !isLabelShaped(reading)) return null;
    this.#write(() =>
      this.#deps.events.append({
        type: 'pack.label_mismatch',
        operatorId: active.operator.id,
        subject: last.id,
        payload: {
          orderNumber: last.orderNumber,
          code: reading.code,
          otherPackageId: other?.id ?? null,
          otherOrderNumber: other?.orderNumber ?? null,
        },
      }),
    );
    return other
      ? bad('verdict.pack.labelOfOther', { number: last.orderNumber, other: other.orderNumber }, code)
      : bad('verdict.pack.labelMismatch', { number: last.orderNumber }, code);
  }

  /** Records the parcel weight and checks it against what it should weigh. */
  weigh(active: ActiveSession, grams: number, source: 'scale' | 'manual'): PackView {
    const open = this.#requireOpen();
    const policy = this.#deps.policies.one('weight');
    const check = checkWeight(open.expected_weight_g, grams, policy?.tolerance ?? DEFAULT_WEIGHT_TOLERANCE);
    this.#write(() => {
      this.#q.setWeight(open.id, grams, source, check.outcome);
      this.#deps.events.append({
        type: 'pack.weighed',
        operatorId: active.operator.id,
        subject: open.id,
        payload: {
          grams,
          source,
          expectedGrams: open.expected_weight_g,
          outcome: check.outcome,
          policy: policy ? `${policy.id}@${policy.version}` : 'default',
        },
      });
    });
    return this.#changed(open.id);
  }

  /** DONE from the screen or the keyboard. */
  done(active: ActiveSession): PackView {
    const result = this.#tryDone(active, 'CMD:DONE');
    if (result.tone === 'bad') throw new BenchError('NOT_AVAILABLE', result.message, result.params);
    return this.current()!;
  }

  /** UNDO from the screen or the keyboard. */
  undo(active: ActiveSession): PackView {
    const open = this.#requireOpen();
    const result = this.#undo(active, open, 'CMD:UNDO');
    if (result.tone === 'bad') throw new BenchError('NOT_AVAILABLE', result.message, result.params);
    return this.current()!;
  }

  /** Voids the open parcel; its units go back, the record stays. */
  cancel(active: ActiveSession, reason: string): PackView {
    const open = this.#requireOpen();
    this.#write(() => {
      this.#q.setStatus(open.id, 'voided', this.#deps.clock());
      this.#deps.events.append({
        type: 'pack.voided',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { reason },
      });
    });
    this.#awaitingSerial = null;
    return this.#changed(open.id);
  }

  #open(active: ActiveSession, orderId: string, code: string): Verdict {
    const order = this.#q.order(orderId);
    if (!order) return bad('verdict.unknown', {}, code);
    if (STOPPING_STATUSES.has(order.status)) {
      this.#deps.events.record({
        type: 'pack.order_stopped',
        operatorId: active.operator.id,
        subject: order.id,
        payload: { number: order.number, status: order.status, at: 'open' },
      });
      return bad('verdict.pack.stopped', { number: order.number, status: order.status }, code);
    }
    const existing = this.#q.ofOrder(order.id);
    if (existing.some((p) => p.status === 'qc_hold')) return bad('verdict.pack.onHold', { number: order.number }, code);
    if (existing.some((p) => p.status === 'qc_pending'))
      return bad('verdict.pack.atQc', { number: order.number }, code);
    const ready = existing.find((p) => p.status === 'ready');
    if (ready) {
      // Released by QC: the same parcel comes back to the bench to be completed.
      this.#write(() => {
        this.#q.setStatus(ready.id, 'packing', null);
        this.#deps.events.append({
          type: 'pack.resumed',
          operatorId: active.operator.id,
          subject: ready.id,
          payload: { number: order.number },
        });
      });
      this.#changed(ready.id);
      return good('verdict.pack.resumed', { number: order.number }, code);
    }
    const policy = this.#deps.policies.one('weight');
    const expected = order.lines.reduce((sum, l) => sum + l.weightG * l.quantity, 0) + (policy?.packagingGrams ?? 150);
    const id = ulid(this.#deps.clock());
    const previous = this.#lastShipment(order.id);
    this.#write(() => {
      this.#q.insertPackage({
        id,
        order_id: order.id,
        order_number: order.number,
        brand_id: order.brandId,
        station_id: this.#deps.stationId,
        packer_id: active.operator.id,
        opened_at: this.#deps.clock(),
        expected_weight_g: expected,
        second_shipment_confirmed: 0,
      });
      this.#deps.events.append({
        type: 'pack.opened',
        operatorId: active.operator.id,
        subject: id,
        payload: {
          orderId: order.id,
          number: order.number,
          lines: order.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
          expectedWeightG: expected,
          previousShipmentAt: previous,
        },
      });
    });
    this.#awaitingSerial = null;
    this.#changed(id);
    if (previous !== null) return info('verdict.pack.secondShipment', { number: order.number }, code);
    const units = order.lines.reduce((sum, l) => sum + l.quantity, 0);
    return good('verdict.pack.opened', { number: order.number, units }, code);
  }

  #item(
    active: ActiveSession,
    open: PackageRow,
    order: PackOrder,
    productId: string,
    code: string,
    gs1?: Gs1Attributes,
  ): Verdict {
    const units = this.#q.units(open.id);
    const lines = order.lines.filter((l) => l.productId === productId);
    const line = lines.find((l) => units.filter((u) => u.line_no === l.lineNo).length < l.quantity);
    if (!line) {
      const reason = lines.length === 0 ? 'wrong_item' : 'too_many';
      this.#deps.events.record({
        type: 'pack.item_refused',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { code, productId, reason },
      });
      const name = lines[0]?.name ?? '';
      return reason === 'wrong_item'
        ? bad('verdict.pack.wrongItem', { number: order.number }, code)
        : bad('verdict.pack.tooMany', { name }, code);
    }
    const unitNo = this.#q.nextUnitNo(open.id);
    // A GS1 barcode (GS1-128, DataMatrix, Digital Link) carries the unit's lot, expiry and
    // serial: they are recorded with the unit, and a serialised unit needs no second scan.
    const serial = line.serialised && gs1?.serial ? gs1.serial : null;
    if (serial !== null && this.#q.serialTaken(open.id, serial))
      return bad('verdict.pack.serialTwice', { serial }, code);
    this.#write(() => {
      this.#q.insertUnit({
        package_id: open.id,
        unit_no: unitNo,
        line_no: line.lineNo,
        product_id: productId,
        code,
        serial: null,
        lot: gs1?.lot ?? null,
        expiry: gs1?.expiry ?? null,
        scanned_at: this.#deps.clock(),
      });
      this.#deps.events.append({
        type: 'pack.item_scanned',
        operatorId: active.operator.id,
        subject: open.id,
        payload: {
          unitNo,
          lineNo: line.lineNo,
          productId,
          sku: line.sku,
          code,
          ...(gs1 ? { lot: gs1.lot, expiry: gs1.expiry, serial: gs1.serial } : {}),
        },
      });
      if (serial !== null) {
        this.#q.setSerial(open.id, unitNo, serial);
        this.#deps.events.append({
          type: 'pack.serial_recorded',
          operatorId: active.operator.id,
          subject: open.id,
          payload: { unitNo, lineNo: line.lineNo, serial, from: 'gs1' },
        });
      }
    });
    if (line.serialised && serial === null) {
      this.#awaitingSerial = { packageId: open.id, unitNo, lineNo: line.lineNo };
      this.#changed(open.id);
      return info('verdict.pack.scanSerial', { name: line.name }, code);
    }
    const view = this.#changed(open.id);
    return this.#progress(view, serial === null ? line.name : `${line.name} · ${serial}`, code);
  }

  #serial(active: ActiveSession, open: PackageRow, order: PackOrder, serial: string): Verdict {
    const waiting = this.#awaitingSerial!;
    if (this.#q.serialTaken(open.id, serial)) return bad('verdict.pack.serialTwice', { serial }, serial);
    this.#write(() => {
      this.#q.setSerial(open.id, waiting.unitNo, serial);
      this.#deps.events.append({
        type: 'pack.serial_recorded',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { unitNo: waiting.unitNo, lineNo: waiting.lineNo, serial },
      });
    });
    this.#awaitingSerial = null;
    const view = this.#changed(open.id);
    const line = order.lines.find((l) => l.lineNo === waiting.lineNo)!;
    return this.#progress(view, `${line.name} · ${serial}`, serial);
  }

  #undo(active: ActiveSession, open: PackageRow, code: string): Verdict {
    const last = this.#q.units(open.id).at(-1);
    if (!last) return bad('verdict.pack.nothingToUndo', {}, code);
    this.#write(() => {
      this.#q.removeUnit(open.id, last.unit_no);
      this.#deps.events.append({
        type: 'pack.unit_removed',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { unitNo: last.unit_no, productId: last.product_id },
      });
    });
    if (this.#awaitingSerial?.unitNo === last.unit_no) this.#awaitingSerial = null;
    this.#changed(open.id);
    return info('verdict.pack.undone', {}, code);
  }

  #confirm(active: ActiveSession, open: PackageRow, code: string): Verdict {
    if (open.second_shipment_confirmed || this.#previousShipment(open) === null)
      return bad('verdict.commandNotHere', {}, code);
    this.#write(() => {
      this.#q.confirmSecondShipment(open.id);
      this.#deps.events.append({
        type: 'pack.second_shipment_confirmed',
        operatorId: active.operator.id,
        subject: open.id,
        payload: { previousShipmentAt: this.#previousShipment(open) },
      });
    });
    this.#changed(open.id);
    return good('verdict.pack.confirmed', { number: open.order_number }, code);
  }

  #tryDone(active: ActiveSession, code: string): Verdict {
    const open = this.#q.openAt(this.#deps.stationId);
    if (!open) return bad('verdict.pack.scanOrderFirst', {}, code);
    const view = this.#view(open);
    const order = this.#q.order(open.order_id)!;
    if (STOPPING_STATUSES.has(order.status))
      return bad('verdict.pack.stopped', { number: order.number, status: order.status }, code);
    if (view.prompt === 'confirm_second_shipment')
      return bad('verdict.pack.confirmFirst', { number: open.order_number }, code);
    if (view.unitsScanned < view.unitsExpected) {
      return bad('verdict.pack.itemsLeft', { count: view.unitsExpected - view.unitsScanned }, code);
    }
    if (view.prompt === 'serial') return bad('verdict.pack.serialExpected', { name: '' }, code);
    if (this.#deps.settings().weighing === 'required' && view.weight === null)
      return bad('verdict.pack.weighFirst', {}, code);
    if (view.weight?.outcome === 'fail')
      return bad('verdict.pack.weightFail', { grams: view.weight.grams, expected: view.expectedWeightG }, code);
    // QC: the first DONE draws the samples; the parcel waits until every sampled unit is inspected.
    if (!this.#deps.qc.planned(open.id)) {
      const units = this.#q.units(open.id);
      const sampled = this.#deps.qc.plan(active, open, order, units);
      if (sampled > 0) {
        // The parcel leaves the bench for QC; the packer goes on with the next order.
        this.#awaitingSerial = null;
        this.#changed(open.id);
        return info('verdict.pack.qcRequired', { count: sampled, number: open.order_number }, code);
      }
    }
    const qc = this.#deps.qc.summary(open.id);
    if (qc.pending > 0) return info('verdict.pack.qcRequired', { count: qc.pending }, code);
    const completedAt = this.#deps.clock();
    const units = this.#q.units(open.id);
    this.#write(() => {
      this.#q.setStatus(open.id, 'done', completedAt);
      this.#deps.events.append({
        type: 'pack.completed',
        operatorId: active.operator.id,
        subject: open.id,
        // The outbound fingerprint: what left, checked how, by whom. Returns compare against it.
        payload: {
          orderId: open.order_id,
          number: open.order_number,
          units: units.map((u) => ({
            unitNo: u.unit_no,
            productId: u.product_id,
            code: u.code,
            serial: u.serial,
            lot: u.lot,
            expiry: u.expiry,
          })),
          weightG: open.weight_g,
          weightSource: open.weight_source,
          weightOutcome: open.weight_outcome,
          expectedWeightG: open.expected_weight_g,
          qc,
          // The QC inspection's photos (photo steps, defects), by sha256: evidence of what left.
          qcPhotos: this.#deps.qc.photos(open.id),
          packerId: open.packer_id,
          stationId: open.station_id,
        },
      });
    });
    this.#changed(open.id);
    this.#deps.completed?.(open.id);
    return good('verdict.pack.done', { number: open.order_number }, code);
  }

  #progress(view: PackView, name: string, code: string): Verdict {
    const left = view.unitsExpected - view.unitsScanned;
    return left > 0
      ? good('verdict.pack.itemOk', { name, left }, code)
      : good('verdict.pack.allScanned', { name }, code);
  }

  #lastShipment(orderId: string): number | null {
    const since = this.#deps.clock() - SECOND_SHIPMENT_MS;
    const done = this.#q.ofOrder(orderId).find((p) => p.status === 'done' && (p.completed_at ?? 0) >= since);
    return done?.completed_at ?? null;
  }

  #previousShipment(open: PackageRow): number | null {
    const since = this.#deps.clock() - SECOND_SHIPMENT_MS;
    const done = this.#q
      .ofOrder(open.order_id)
      .find((p) => p.id !== open.id && p.status === 'done' && (p.completed_at ?? 0) >= since);
    return done?.completed_at ?? null;
  }

  #requireOpen(): PackageRow {
    const open = this.#q.openAt(this.#deps.stationId);
    if (!open) throw new BenchError('NOT_FOUND', 'No parcel is open on this bench: scan an order.');
    return open;
  }

  #write(fn: () => void): void {
    this.#deps.db.transaction(fn).immediate();
  }

  #changed(packageId: string): PackView {
    const view = this.#view(this.#q.byId(packageId)!);
    this.#deps.changed(view);
    return view;
  }

  #view(row: PackageRow): PackView {
    const order = this.#q.order(row.order_id);
    const units = this.#q.units(row.id);
    const lines = (order?.lines ?? []).map((l) => {
      const mine = units.filter((u) => u.line_no === l.lineNo);
      return {
        lineNo: l.lineNo,
        productId: l.productId,
        sku: l.sku,
        name: l.name,
        category: l.category,
        imageUrl: l.imageUrl,
        quantity: l.quantity,
        scanned: mine.length,
        serialised: l.serialised,
        serials: mine.map((u) => u.serial).filter((s): s is string => s !== null),
      };
    });
    const unitsExpected = lines.reduce((sum, l) => sum + l.quantity, 0);
    const unitsScanned = units.length;
    const stopped = order && STOPPING_STATUSES.has(order.status) ? order.status : null;
    const previous = row.second_shipment_confirmed ? null : this.#previousShipment(row);
    const qc = this.#deps.qc.summary(row.id);
    const awaiting = this.#awaitingSerial?.packageId === row.id ? this.#awaitingSerial : null;
    const policy = this.#deps.policies.one('weight');
    const weight =
      row.weight_g !== null && row.weight_source !== null
        ? {
            grams: row.weight_g,
            source: row.weight_source,
            outcome: row.weight_outcome ?? 'pass',
            explanation: checkWeight(row.expected_weight_g, row.weight_g, policy?.tolerance ?? DEFAULT_WEIGHT_TOLERANCE)
              .explanation,
          }
        : null;
    let prompt: PackView['prompt'];
    if (row.status === 'qc_pending' || row.status === 'qc_hold') prompt = 'qc';
    else if (row.status !== 'packing') prompt = 'done';
    else if (stopped) prompt = 'stopped';
    else if (previous !== null) prompt = 'confirm_second_shipment';
    else if (awaiting) prompt = 'serial';
    else if (unitsScanned < unitsExpected) prompt = 'items';
    else if (qc.pending > 0) prompt = 'qc';
    else if (weight === null || weight.outcome === 'fail') prompt = 'weight';
    else prompt = 'done';
    return {
      packageId: row.id,
      orderId: row.order_id,
      orderNumber: row.order_number,
      orderStatus: order?.status ?? 'unknown',
      brand: order?.brand ?? '',
      customerFirstName: order?.customerFirstName ?? null,
      instructions: order?.instructions ?? null,
      status: row.status,
      lines,
      unitsExpected,
      unitsScanned,
      prompt,
      serialFor: awaiting?.lineNo ?? null,
      previousShipmentAt: previous,
      expectedWeightG: row.expected_weight_g,
      weight,
      qc,
      stoppedBecause: stopped,
      openedAt: row.opened_at,
      completedAt: row.completed_at,
    };
  }
}

/** What a parcel's shipping label carries that a scan of it can give back. */
function labelKeysOf(parcel: ShippedLabel): string[] {
  const keys: string[] = [];
  if (parcel.sscc) keys.push(parcel.sscc);
  if (parcel.carrierLabel) {
    try {
      const carrier = JSON.parse(parcel.carrierLabel) as { trackingNumber?: string; barcode?: { data?: string } };
      if (carrier.trackingNumber) keys.push(carrier.trackingNumber);
      if (carrier.barcode?.data) keys.push(carrier.barcode.data);
    } catch {
      // A carrier label that is not JSON prints nothing to compare with.
    }
  }
  return keys;
}

/** What a scanned label may be: the code as read, its SSCC, its tracking number. */
function labelKeysOfScan(reading: Classification): Set<string> {
  const keys = new Set([reading.code]);
  const shape = reading.reading;
  if (shape.kind === 'sscc') keys.add(shape.sscc);
  if (shape.kind === 'gs1' && shape.data.sscc) keys.add(shape.data.sscc);
  if (shape.kind === 'tracking') keys.add(shape.tracking.number);
  return keys;
}

/** An SSCC or a carrier tracking number: a shipping label, whoever's it is. */
function isLabelShaped(reading: Classification): boolean {
  const shape = reading.reading;
  return shape.kind === 'sscc' || shape.kind === 'tracking' || (shape.kind === 'gs1' && shape.data.sscc !== null);
}

function good(message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('pack', 'good', message, params, code);
}

function bad(message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('pack', 'bad', message, params, code);
}

function info(message: string, params: Verdict['params'], code: string): Verdict {
  return verdict('pack', 'info', message, params, code);
}

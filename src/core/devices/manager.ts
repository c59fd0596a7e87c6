import type { DeviceStatus } from '#shared/contract/app';
import type { Logger } from '../util/log';
import {
  openFailureHint,
  type HidBackend,
  type HidDeviceInfo,
  type HidHandle,
  type HidLoadResult,
} from './hid-backend';
import { HID_POS_SCANNER_USAGES, HID_POS_USAGE_PAGE, ScannerReportJoiner, type JoinedScan } from './hid-pos';
import { SCALE_USAGE_PAGE, ScaleReader, type ScaleReading } from './scale';

/** Vendors whose scanners must be told, once opened, to send HID POS reports (feature report 0xFE). */
const HID_MODE_VENDORS = new Set([0x0c2e, 0x23d0]);

export type DeviceKind = 'scanner' | 'scale';

export type DeviceManagerOptions = {
  /** node-hid, loaded on first use; tests pass a fake. */
  load: () => Promise<HidLoadResult>;
  log: Logger;
  clock: () => number;
  /** Re-enumeration period: how soon a plugged-in device is found. */
  pollMs?: number;
  /** Which kinds to open (HID scanners are off when the station reads wedge scanners only). */
  wanted: () => { scanners: boolean; scales: boolean };
  scan: (scan: JoinedScan & { device: string }) => void;
  scale: (reading: ScaleReading & { device: string }) => void;
  /** The device list changed (connected, disconnected, failed): for the status bar. */
  changed: (devices: DeviceStatus[]) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
};

type Open = {
  info: HidDeviceInfo;
  kind: DeviceKind;
  name: string;
  handle: HidHandle;
  joiner?: ScannerReportJoiner;
  reader?: ScaleReader;
};

/** What a HID interface is to the bench, by its usage page. */
export function kindOf(info: HidDeviceInfo): DeviceKind | null {
  if (info.usagePage === HID_POS_USAGE_PAGE && HID_POS_SCANNER_USAGES.includes(info.usage ?? 0x02)) return 'scanner';
  if (info.usagePage === SCALE_USAGE_PAGE) return 'scale';
  return null;
}

function nameOf(info: HidDeviceInfo): string {
  const name = [info.manufacturer, info.product]
    .filter((p) => p && p.trim())
    .join(' ')
    .trim();
  const ids = `${info.vendorId.toString(16).padStart(4, '0')}:${info.productId.toString(16).padStart(4, '0')}`;
  return name ? `${name} (${ids})` : `HID ${ids}`;
}

/**
 * The HID scanners and scales of the station, in the core. node-hid has no plug or unplug
 * events: unplugging shows up as an `error` on the open device, which is closed and marked
 * disconnected; enumeration every `pollMs` (not a tight loop: enumeration costs USB traffic)
 * finds devices plugged in again, under their new path. Errors never escape: a device that
 * fails is reported in the status bar with what to do, and the bench goes on.
 */
export class DeviceManager {
  readonly #options: DeviceManagerOptions;
  readonly #open = new Map<string, Open>();
  readonly #failed = new Map<string, { info: HidDeviceInfo; kind: DeviceKind; error: string; hint: string }>();
  /** Devices seen before and gone: shown as disconnected until they come back. */
  readonly #gone = new Map<string, { kind: DeviceKind; name: string }>();
  #backend: HidBackend | null = null;
  #unavailable: string | null = null;
  #timer: unknown = null;
  #polling = false;
  #stopped = false;
  /** The last list published; an empty list at start needs no announcement. */
  #last = '[]';

  constructor(options: DeviceManagerOptions) {
    this.#options = options;
  }

  /** Loads node-hid and starts watching for devices. */
  async start(): Promise<void> {
    const loaded = await this.#options.load();
    if (!loaded.ok) {
      this.#unavailable = loaded.error;
      this.#publish();
      return;
    }
    this.#backend = loaded.backend;
    await this.poll();
  }

  /** Why HID devices cannot be read at all on this station, or null. */
  get unavailable(): string | null {
    return this.#unavailable;
  }

  /** Enumerates once: opens what is new, forgets what left. Also runs on a timer. */
  async poll(): Promise<void> {
    if (!this.#backend || this.#polling || this.#stopped) return;
    this.#polling = true;
    try {
      const wanted = this.#options.wanted();
      let infos: HidDeviceInfo[] = [];
      try {
        infos = await this.#backend.devices();
      } catch (error) {
        this.#options.log.warn({ err: error }, 'HID enumeration failed');
      }
      const present = new Set<string>();
      for (const info of infos) {
        const kind = kindOf(info);
        if (!kind || !info.path) continue;
        if ((kind === 'scanner' && !wanted.scanners) || (kind === 'scale' && !wanted.scales)) continue;
        present.add(info.path);
        if (!this.#open.has(info.path)) await this.#openDevice(info, kind);
      }
      // Opened devices that no longer enumerate (some systems raise no error on unplug).
      for (const [path, device] of this.#open) {
        const kind = device.kind;
        const stillWanted = kind === 'scanner' ? wanted.scanners : wanted.scales;
        if (!present.has(path) || !stillWanted) this.#close(path, stillWanted ? 'unplugged' : 'not wanted');
      }
      for (const path of this.#failed.keys()) if (!present.has(path)) this.#failed.delete(path);
      this.#publish();
    } finally {
      this.#polling = false;
      this.#schedule();
    }
  }

  /** The devices for the status bar and Settings. */
  statuses(): DeviceStatus[] {
    const out: DeviceStatus[] = [];
    for (const device of this.#open.values()) {
      out.push({ kind: device.kind, name: device.name, state: 'connected' });
    }
    for (const failed of this.#failed.values()) {
      out.push({
        kind: failed.kind,
        name: nameOf(failed.info),
        state: 'error',
        detail: `${failed.error} — ${failed.hint}`,
      });
    }
    for (const [path, gone] of this.#gone) {
      if (!this.#open.has(path) && ![...this.#open.values()].some((d) => d.name === gone.name))
        out.push({ kind: gone.kind, name: gone.name, state: 'disconnected' });
    }
    return out;
  }

  /** The scale readers (for zero, tare and the current reading). */
  scales(): { device: string; reader: ScaleReader }[] {
    return [...this.#open.values()].filter((d) => d.reader).map((d) => ({ device: d.name, reader: d.reader! }));
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) (this.#options.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout)))(this.#timer);
    this.#timer = null;
    for (const path of [...this.#open.keys()]) this.#close(path, 'stopped', false);
  }

  async #openDevice(info: HidDeviceInfo, kind: DeviceKind): Promise<void> {
    const path = info.path!;
    const name = nameOf(info);
    let handle: HidHandle;
    try {
      handle = await this.#backend!.open(path);
    } catch (error) {
      const message = (error as Error).message;
      if (!this.#failed.has(path))
        this.#options.log.warn({ err: error, device: name }, 'HID device could not be opened');
      this.#failed.set(path, { info, kind, error: message, hint: openFailureHint(message) });
      return;
    }
    this.#failed.delete(path);
    this.#gone.delete(path);
    for (const [goneKey, gone] of this.#gone) if (gone.name === name) this.#gone.delete(goneKey);
    const device: Open = { info, kind, name, handle };
    if (kind === 'scanner') device.joiner = new ScannerReportJoiner();
    else device.reader = new ScaleReader();
    handle.on('data', (report: Buffer) => this.#data(device, report));
    handle.on('error', (error: Error) => {
      this.#options.log.warn({ err: error, device: name }, 'HID device error (unplugged?)');
      this.#close(path, 'error');
      this.#publish();
      // Look for it again soon, under whatever path it gets back.
      this.#schedule(1000);
    });
    this.#open.set(path, device);
    this.#options.log.info({ device: name, kind }, 'HID device opened');
    if (kind === 'scanner' && HID_MODE_VENDORS.has(info.vendorId) && handle.sendFeatureReport) {
      try {
        await handle.sendFeatureReport([0xfe, 0x01]);
      } catch (error) {
        this.#options.log.debug({ err: error, device: name }, 'HID POS mode feature report refused');
      }
    }
  }

  #data(device: Open, report: Buffer): void {
    const now = this.#options.clock();
    try {
      if (device.joiner) {
        const scan = device.joiner.push(report, now);
        if (scan) this.#options.scan({ ...scan, device: device.name });
      } else if (device.reader) {
        const reading = device.reader.push(report, now);
        if (reading) this.#options.scale({ ...reading, device: device.name });
      }
    } catch (error) {
      this.#options.log.error({ err: error, device: device.name }, 'HID report handling failed');
    }
  }

  #close(path: string, why: string, remember = true): void {
    const device = this.#open.get(path);
    if (!device) return;
    this.#open.delete(path);
    device.handle.removeAllListeners('data');
    device.handle.removeAllListeners('error');
    // An error listener stays: a late error from a dying handle must not crash the core.
    device.handle.on('error', () => undefined);
    try {
      void Promise.resolve(device.handle.close()).catch(() => undefined);
    } catch {
      // already closed
    }
    if (remember) this.#gone.set(path, { kind: device.kind, name: device.name });
    this.#options.log.info({ device: device.name, why }, 'HID device closed');
  }

  #schedule(ms = this.#options.pollMs ?? 3000): void {
    if (this.#stopped || !this.#backend) return;
    const clear = this.#options.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
    const set =
      this.#options.setTimer ??
      ((fn, wait) => {
        const timer = setTimeout(fn, wait);
        timer.unref();
        return timer;
      });
    if (this.#timer !== null) clear(this.#timer);
    this.#timer = set(() => {
      this.#timer = null;
      void this.poll();
    }, ms);
  }

  #publish(): void {
    const statuses = this.statuses();
    const key = JSON.stringify(statuses);
    if (key === this.#last) return;
    this.#last = key;
    this.#options.changed(statuses);
  }
}

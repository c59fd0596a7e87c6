import { EventEmitter } from 'node:events';
import type { HidBackend, HidDeviceInfo, HidHandle, HidLoadResult } from '../../src/core/devices/hid-backend';

/** An open fake device: the test sends it reports or unplugs it. */
export class FakeHidHandle extends EventEmitter implements HidHandle {
  closed = false;
  readonly features: number[][] = [];

  constructor(readonly info: HidDeviceInfo) {
    super();
  }

  close(): void {
    this.closed = true;
  }

  sendFeatureReport(data: number[] | Buffer): number {
    this.features.push([...data]);
    return data.length;
  }

  /** An input report, as node-hid emits it. */
  report(bytes: Buffer): void {
    this.emit('data', bytes);
  }
}

/**
 * A node-hid stand-in: devices are plugged and unplugged by the test; opening may be made to
 * fail (a missing udev rule); every handle opened is kept for the test to drive.
 */
export class FakeHid {
  readonly plugged = new Map<string, HidDeviceInfo>();
  readonly handles: FakeHidHandle[] = [];
  readonly openFailures = new Map<string, string>();
  enumerations = 0;

  readonly backend: HidBackend = {
    devices: () => {
      this.enumerations++;
      return Promise.resolve([...this.plugged.values()]);
    },
    open: (path) => {
      const failure = this.openFailures.get(path);
      if (failure) return Promise.reject(new Error(failure));
      const info = this.plugged.get(path);
      if (!info) return Promise.reject(new Error(`cannot open device with path ${path}`));
      const handle = new FakeHidHandle(info);
      this.handles.push(handle);
      return Promise.resolve(handle);
    },
  };

  load = (): Promise<HidLoadResult> => Promise.resolve({ ok: true, backend: this.backend });

  plug(info: HidDeviceInfo): void {
    this.plugged.set(info.path!, info);
  }

  /** Pulls the cable: the device leaves enumeration and its open handle errors, as node-hid's does. */
  unplug(path: string): void {
    this.plugged.delete(path);
    for (const handle of this.handles.filter((h) => h.info.path === path && !h.closed)) {
      handle.emit('error', new Error('could not read from HID device'));
    }
  }

  /** The newest open handle of a device. */
  handle(path: string): FakeHidHandle {
    const handle = [...this.handles].reverse().find((h) => h.info.path === path && !h.closed);
    if (!handle) throw new Error(`${path} is not open`);
    return handle;
  }
}

export const HONEYWELL_SCANNER: HidDeviceInfo = {
  path: '/dev/hidraw3',
  vendorId: 0x0c2e,
  productId: 0x0b8f,
  manufacturer: 'Honeywell',
  product: 'Voyager 1400g',
  usagePage: 0x8c,
  usage: 0x02,
  interface: 0,
};

export const DYMO_SCALE: HidDeviceInfo = {
  path: '/dev/hidraw5',
  vendorId: 0x0922,
  productId: 0x8004,
  manufacturer: 'DYMO',
  product: 'M25 Digital Postal Scale',
  usagePage: 0x8d,
  usage: 0x20,
  interface: 0,
};

export const KEYBOARD: HidDeviceInfo = {
  path: '/dev/hidraw0',
  vendorId: 0x046d,
  productId: 0xc31c,
  product: 'USB Keyboard',
  usagePage: 0x01,
  usage: 0x06,
  interface: 0,
};

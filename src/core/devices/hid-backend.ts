import type { Logger } from '../util/log';

/** A HID interface as enumeration reports it (node-hid's `Device`). */
export type HidDeviceInfo = {
  path?: string | undefined;
  vendorId: number;
  productId: number;
  manufacturer?: string | undefined;
  product?: string | undefined;
  serialNumber?: string | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
  interface?: number;
};

/** An open HID device: input reports as `data`, unplugging as `error`. */
export type HidHandle = {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  close(): Promise<void> | void;
  sendFeatureReport?(data: number[] | Buffer): Promise<number> | number;
};

/** What the device layer needs of node-hid; tests give a fake one. */
export type HidBackend = {
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
};

export type HidLoadResult = { ok: true; backend: HidBackend } | { ok: false; error: string };

/**
 * node-hid, loaded only when devices are first needed: its native part needs libusb-1.0 (Linux)
 * and may be missing or built for another runtime. If it fails to load, the station runs on —
 * wedge and camera scanning and typed weights still work — and Settings says why.
 * The async API is used: the sync one ties up a libuv worker per open device.
 */
export async function loadNodeHid(log: Logger): Promise<HidLoadResult> {
  try {
    const imported = (await import('node-hid')) as unknown as Partial<NodeHidModule> & { default?: NodeHidModule };
    // node-hid is CommonJS: its exports arrive as the namespace or as its default, by bundler.
    const hid = (typeof imported.devicesAsync === 'function' ? imported : imported.default) as NodeHidModule;
    return {
      ok: true,
      backend: {
        devices: () => hid.devicesAsync(),
        open: (path) => hid.HIDAsync.open(path, { nonExclusive: true }),
      },
    };
  } catch (error) {
    const message = (error as Error).message;
    log.warn({ err: error }, 'node-hid could not be loaded: HID scanners and scales are off');
    return { ok: false, error: message };
  }
}

type NodeHidModule = {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<HidHandle> };
};

/**
 * What an open failure means for the operator, by the messages hidapi gives on each system:
 * a Linux device node without permission (the udev rule), a scanner in keyboard mode (Windows
 * owns keyboards), macOS without Input Monitoring, or another program holding the device.
 */
export function openFailureHint(message: string, platform: NodeJS.Platform = process.platform): string {
  const text = message.toLowerCase();
  if (text.includes('not permitted') || text.includes('kioreturnnotpermitted'))
    return 'macOS: allow Benchline in System Settings → Privacy & Security → Input Monitoring, then restart it.';
  if (platform === 'linux' && (text.includes('permission') || text.includes('eacces') || text.includes('cannot open')))
    return 'Linux: install the udev rule from docs/hardware.md, then unplug and plug the device in again.';
  if (platform === 'win32')
    return 'Windows: scan the "USB HID POS" configuration barcode in the scanner manual (keyboard-mode devices cannot be read), and close the vendor software.';
  return 'Close any other program using the device (vendor utilities), then plug it in again.';
}

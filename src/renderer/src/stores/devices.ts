import { create } from 'zustand';
import type { ScaleReadingView } from '#shared/contract/devices';
import type { MethodOutput } from '#shared/contract/index';
import type { BenchErrorShape } from '#shared/contract/errors';
import { devicesService } from '../services/devices';

type DeviceList = MethodOutput<'devices.list'>;

type DevicesState = {
  list: DeviceList | null;
  /** The scale's latest reading, pushed by the core. */
  scale: ScaleReadingView | null;
  lastError: BenchErrorShape | null;
  load: () => Promise<void>;
  scaleChanged: (reading: ScaleReadingView) => void;
  /** Records the stable scale weight on the bench the operator is at. */
  weigh: () => Promise<MethodOutput<'scale.weigh'> | null>;
  zero: () => Promise<void>;
  tare: (clear?: boolean) => Promise<void>;
};

/** HID scanners, scales and whether HID works here; the live scale reading. */
export const useDevicesStore = create<DevicesState>()((set) => ({
  list: null,
  scale: null,
  lastError: null,
  load: async () => {
    const result = await devicesService.list();
    if (result.ok) set({ list: result.value, scale: result.value.scale ?? null, lastError: null });
    else set({ lastError: result.error });
  },
  scaleChanged: (reading) => set({ scale: reading }),
  weigh: async () => {
    const result = await devicesService.weigh();
    if (result.ok) {
      set({ lastError: null });
      return result.value;
    }
    set({ lastError: result.error });
    return null;
  },
  zero: async () => {
    const result = await devicesService.zero();
    set(result.ok ? { scale: result.value, lastError: null } : { lastError: result.error });
  },
  tare: async (clear = false) => {
    const result = await devicesService.tare(clear);
    set(result.ok ? { scale: result.value, lastError: null } : { lastError: result.error });
  },
}));

import { callCore } from './core';

/** HID devices and the scale, read by the core. */
export const devicesService = {
  list: () => callCore('devices.list', {}),
  zero: () => callCore('scale.zero', {}),
  tare: (clear = false) => callCore('scale.tare', clear ? { clear } : {}),
  weigh: () => callCore('scale.weigh', {}),
  calibrationCode: () => callCore('scanner.calibrationCode', {}),
};

import { toSVG } from 'bwip-js/node';
import { CALIBRATION_CODE } from '#shared/barcode/calibration';
import type { devicesMethods } from '#shared/contract/devices';
import type { ScaleReadingView } from '#shared/contract/devices';
import type { DeviceManager } from '../devices/manager';
import type { ScaleReader } from '../devices/scale';
import { BenchError } from '../util/errors';
import type { PackService } from '../workflows/pack';
import type { ReturnsService } from '../workflows/returns';
import type { SessionService } from '../workflows/session';
import type { Handlers } from './dispatcher';

export type DevicesDeps = {
  devices: DeviceManager;
  session: SessionService;
  pack: PackService;
  returns: ReturnsService;
  /** A scale reading changed in software (zero, tare): tell the windows. */
  scaleChanged: (reading: ScaleReadingView) => void;
};

/** The HID scanners and scales, the scale's software zero and tare, and weighing at a bench. */
export function devicesHandlers(deps: DevicesDeps): Pick<Handlers, keyof typeof devicesMethods> {
  const { devices, session } = deps;
  const active = () => session.active()!;

  const scale = (): { device: string; reader: ScaleReader } => {
    const found = devices.scales()[0];
    if (!found) throw new BenchError('NOT_FOUND', 'No scale is connected.');
    return found;
  };
  const view = (found: { device: string; reader: ScaleReader }): ScaleReadingView => {
    const reading = found.reader.reading;
    if (!reading) throw new BenchError('NOT_AVAILABLE', 'The scale has not sent a reading yet.');
    return { ...reading, device: found.device };
  };

  return {
    'devices.list': () => {
      const found = devices.scales()[0];
      const reading = found?.reader.reading;
      return {
        devices: devices.statuses(),
        hid: { available: devices.unavailable === null, error: devices.unavailable },
        scale: found && reading ? { ...reading, device: found.device } : null,
      };
    },
    'scale.read': () => view(scale()),
    'scale.zero': () => {
      const found = scale();
      if (!found.reader.zero()) throw new BenchError('NOT_AVAILABLE', 'Wait for a stable reading to zero the scale.');
      const reading = view(found);
      deps.scaleChanged(reading);
      return reading;
    },
    'scale.tare': ({ clear }) => {
      const found = scale();
      if (clear) found.reader.clearTare();
      else if (!found.reader.tare()) throw new BenchError('NOT_AVAILABLE', 'Wait for a stable reading to tare.');
      const reading = view(found);
      deps.scaleChanged(reading);
      return reading;
    },
    'scale.weigh': () => {
      const reading = view(scale());
      if (!reading.stable || reading.grams === null)
        throw new BenchError('NOT_AVAILABLE', 'The scale is not stable: wait until the weight settles.', {
          status: reading.status,
        });
      if (reading.grams <= 0) throw new BenchError('NOT_AVAILABLE', 'Nothing is on the scale.');
      const bench = active().bench;
      if (bench === 'pack') {
        deps.pack.weigh(active(), reading.grams, 'scale');
        return { bench, grams: reading.grams };
      }
      if (bench === 'returns') {
        deps.returns.weigh(active(), reading.grams, 'scale');
        return { bench, grams: reading.grams };
      }
      throw new BenchError('NOT_AVAILABLE', 'Weighing is done at the packing or the returns bench.');
    },
    'scanner.calibrationCode': () => ({
      code: CALIBRATION_CODE,
      svg: toSVG({
        bcid: 'code128',
        text: CALIBRATION_CODE,
        scale: 3,
        height: 14,
        includetext: true,
        textxalign: 'center',
      }),
    }),
  };
}

import { z } from 'zod';
import { empty } from './common';
import { deviceStatusSchema } from './app';
import { method } from './define';

/** A scale's reading as the bench sees it: only a stable reading may be recorded. */
export const scaleReadingSchema = z.object({
  device: z.string(),
  status: z.enum(['fault', 'zero', 'motion', 'stable', 'under_zero', 'over_weight', 'calibrate', 'rezero']),
  /** The scale said stable, and the same value came twice in a row. */
  stable: z.boolean(),
  /** Net weight (gross minus software zero and tare), whole grams rounded half away from zero. */
  grams: z.number().int().nullable(),
  grossGrams: z.number().int().nullable(),
  tareGrams: z.number().int(),
  /** The scale's own reading and unit, e.g. `113.5 oz`. */
  display: z.string(),
  at: z.number(),
});
export type ScaleReadingView = z.infer<typeof scaleReadingSchema>;

const WEIGHING_ROLES = ['packer', 'qc_inspector', 'returns_clerk', 'supervisor'] as const;

export const devicesMethods = {
  'devices.list': method({
    summary: 'HID scanners and scales of this station, whether HID works here at all, and the scale reading.',
    input: empty,
    output: z.object({
      devices: z.array(deviceStatusSchema),
      hid: z.object({ available: z.boolean(), error: z.string().nullable() }),
      scale: scaleReadingSchema.nullable(),
    }),
    access: 'operator',
    activity: false,
  }),
  'scale.read': method({
    summary: 'The current reading of the scale (stable or not); NOT_FOUND without a scale.',
    input: empty,
    output: scaleReadingSchema,
    access: 'operator',
    activity: false,
  }),
  'scale.zero': method({
    summary: 'Software zero: the empty platform reads 0 g from now on (needs a stable reading).',
    input: empty,
    output: scaleReadingSchema,
    access: WEIGHING_ROLES,
  }),
  'scale.tare': method({
    summary: 'Software tare: the container on the platform is subtracted (needs a stable reading); clear: no tare.',
    input: z.strictObject({ clear: z.boolean().optional() }),
    output: scaleReadingSchema,
    access: WEIGHING_ROLES,
  }),
  'scale.weigh': method({
    summary:
      'Records the stable scale weight on the bench the operator is at (the parcel on the packing bench, the return case on the returns bench), with source scale.',
    input: empty,
    output: z.object({ bench: z.enum(['pack', 'returns']), grams: z.number().int() }),
    access: WEIGHING_ROLES,
  }),
  'scanner.calibrationCode': method({
    summary: 'The calibration barcode (Code 128) as SVG, to scan when calibrating a keyboard-wedge scanner.',
    input: empty,
    output: z.object({ code: z.string(), svg: z.string() }),
    access: 'operator',
    activity: false,
  }),
} as const;

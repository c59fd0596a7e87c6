import { z } from 'zod';
import { settingsSchema } from '../domain/settings';
import { benchErrorSchema } from './errors';
import { empty } from './common';
import { method } from './define';

export const stationSchema = z.object({
  id: z.string(),
  name: z.string(),
  warehouse: z.string(),
  incarnation: z.string(),
  demo: z.boolean(),
});

export const syncStatusSchema = z.object({
  state: z.enum(['not_enrolled', 'offline', 'online', 'syncing', 'error']),
  queueDepth: z.number().int().nonnegative(),
});

export const deviceStatusSchema = z.object({
  kind: z.enum(['scanner', 'scale', 'camera', 'printer']),
  name: z.string(),
  state: z.enum(['connected', 'disconnected', 'error']),
  /** Why it is in error, and what to do. */
  detail: z.string().optional(),
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

export const statusSchema = z.object({
  app: z.object({ name: z.string(), version: z.string() }),
  /** `error` when the core cannot serve (e.g. a database from a newer version). */
  state: z.enum(['ready', 'error']),
  error: benchErrorSchema.nullable(),
  station: stationSchema.nullable(),
  settings: settingsSchema.nullable(),
  sync: syncStatusSchema,
  devices: z.array(deviceStatusSchema),
});
export type Status = z.infer<typeof statusSchema>;

export const appMethods = {
  'app.status': method({
    summary: 'Station, settings, sync and device state; the first call of every window.',
    input: empty,
    output: statusSchema,
    access: 'public',
    whileLocked: true,
    activity: false,
  }),
  'app.demoSheet': method({
    summary: 'The printable demo sheet (badges, PINs, order, RMA and item barcodes) as a PDF.',
    input: empty,
    output: z.object({ filename: z.string(), contentType: z.literal('application/pdf'), base64: z.string() }),
    access: 'public',
    whileLocked: true,
    activity: false,
  }),
} as const;

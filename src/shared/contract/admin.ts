import { z } from 'zod';
import { settingsPatchSchema, settingsSchema } from '../domain/settings';
import { empty, roleSchema } from './common';
import { method } from './define';

export const eventRecordSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  stationId: z.string(),
  operatorId: z.string().nullable(),
  type: z.string(),
  subject: z.string().nullable(),
  payload: z.unknown(),
  createdAt: z.number().int(),
  hash: z.string(),
});
export type EventRecordView = z.infer<typeof eventRecordSchema>;

export const chainVerdictSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  brokenAtSeq: z.number().int().nullable(),
  reason: z.string().nullable(),
});

export const settingsMethods = {
  'settings.get': method({
    summary: 'The station settings.',
    input: empty,
    output: settingsSchema,
    access: 'operator',
    activity: false,
  }),
  'settings.update': method({
    summary: 'Change station settings (idle lock, language, sounds, scanner timing).',
    input: settingsPatchSchema,
    output: settingsSchema,
    access: ['supervisor'],
  }),
} as const;

export const operatorMethods = {
  'operators.list': method({
    summary: 'Operators known to this station (never their PIN hashes).',
    input: empty,
    output: z.array(
      z.object({ id: z.string(), name: z.string(), role: roleSchema, badge: z.string(), active: z.boolean() }),
    ),
    access: ['supervisor'],
  }),
} as const;

export const eventMethods = {
  'events.list': method({
    summary: 'The audit trail of this station, newest first.',
    input: z.strictObject({
      limit: z.number().int().min(1).max(500),
      beforeSeq: z.number().int().min(1).optional(),
      type: z.string().min(1).max(64).optional(),
    }),
    output: z.object({ events: z.array(eventRecordSchema), total: z.number().int() }),
    access: ['supervisor'],
  }),
  'events.verify': method({
    summary: 'Recompute the hash chain of every event and say where it breaks, if it does.',
    input: empty,
    output: chainVerdictSchema,
    access: ['supervisor'],
  }),
} as const;

import { z } from 'zod';
import { badgeSchema, benchSchema, empty, pinSchema, roleSchema, sessionSchema } from './common';
import { method } from './define';

export const authMethods = {
  'auth.identify': method({
    summary: 'A badge typed at the login or lock screen; the core then waits for its PIN (auth.pin).',
    input: z.strictObject({ badge: badgeSchema }),
    output: z.object({ operatorName: z.string(), role: roleSchema }),
    access: 'public',
    whileLocked: true,
  }),
  'auth.pin': method({
    summary: 'The PIN for the badge that was scanned or identified; logs in, or unlocks.',
    input: z.strictObject({ pin: pinSchema }),
    output: sessionSchema,
    access: 'public',
    whileLocked: true,
  }),
  'auth.login': method({
    summary: 'Log in with a badge and its PIN. Five wrong PINs lock the badge for five minutes.',
    input: z.strictObject({ badge: badgeSchema, pin: pinSchema }),
    output: sessionSchema,
    access: 'public',
    whileLocked: true,
  }),
  'auth.cancel': method({
    summary: 'Forget a scanned badge that waits for its PIN.',
    input: empty,
    output: sessionSchema,
    access: 'public',
    whileLocked: true,
  }),
  'auth.logout': method({
    summary: 'End the session. Allowed on the lock screen, so another operator can take the bench.',
    input: empty,
    output: sessionSchema,
    access: 'operator',
    whileLocked: true,
  }),
} as const;

export const sessionMethods = {
  'session.current': method({
    summary: 'The station session: operator, lock state, benches.',
    input: empty,
    output: sessionSchema,
    access: 'public',
    whileLocked: true,
    activity: false,
  }),
  'session.lock': method({
    summary: 'Lock the station now.',
    input: empty,
    output: sessionSchema,
    access: 'operator',
  }),
  'session.unlock': method({
    summary: 'Unlock the station with the PIN of the operator who locked it.',
    input: z.strictObject({ pin: pinSchema }),
    output: sessionSchema,
    access: 'operator',
    whileLocked: true,
  }),
  'session.bench': method({
    summary: 'Go to a bench (null: back to the bench chooser). Refused, and recorded, if the role may not open it.',
    input: z.strictObject({ bench: benchSchema.nullable() }),
    output: sessionSchema,
    access: 'operator',
  }),
  'session.touch': method({
    summary: 'The operator is active (mouse, touch or keys that made no call).',
    input: empty,
    output: z.object({ lockAt: z.number().nullable() }),
    access: 'operator',
  }),
} as const;

import { z } from 'zod';
import { benchErrorSchema } from '../contract/errors';

/**
 * Frames exchanged between a window and the core, identical over an Electron MessagePort and
 * over the web-mode WebSocket (JSON text there, structured clone here).
 */
export const callFrameSchema = z.strictObject({
  t: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(128),
  // A missing input is the method's business (BAD_INPUT), not a malformed frame.
  input: z.unknown().optional(),
});
export type CallFrame = z.infer<typeof callFrameSchema>;

export const resultFrameSchema = z.object({
  t: z.literal('result'),
  id: z.number().int(),
  result: z.union([
    z.object({ ok: z.literal(true), value: z.unknown() }),
    z.object({ ok: z.literal(false), error: benchErrorSchema }),
  ]),
});
export type ResultFrame = z.infer<typeof resultFrameSchema>;

export const eventFrameSchema = z.object({
  t: z.literal('event'),
  name: z.string(),
  payload: z.unknown(),
});
export type EventFrame = z.infer<typeof eventFrameSchema>;

/** Sent by the core when a connection opens; `pid` changes when the core restarts. */
export const helloFrameSchema = z.object({
  t: z.literal('hello'),
  coreVersion: z.string(),
  pid: z.number().int(),
  startedAt: z.number(),
});
export type HelloFrame = z.infer<typeof helloFrameSchema>;

export const coreFrameSchema = z.discriminatedUnion('t', [resultFrameSchema, eventFrameSchema, helloFrameSchema]);
export type CoreFrame = z.infer<typeof coreFrameSchema>;

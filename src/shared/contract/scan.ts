import { z } from 'zod';
import { benchSchema } from './common';
import { method } from './define';

export const SCAN_SOURCES = ['wedge', 'camera', 'hid', 'manual'] as const;

/**
 * A scanned code as it arrives from any input: keyboard wedge, camera, HID scanner or typed by
 * hand. GS (0x1D) is allowed inside the code (GS1 separators); other control characters are
 * stripped by the core.
 */
export const scanInputSchema = z.strictObject({
  code: z.string().min(1).max(4096),
  source: z.enum(SCAN_SOURCES),
  /** AIM symbology identifier without the `]`, e.g. `C1`, `E0`, `Q3`, when the scanner sent one. */
  symbology: z
    .string()
    .regex(/^[A-Za-z][0-9A-Za-z]$/)
    .optional(),
});
export type ScanInput = z.infer<typeof scanInputSchema>;

export const VERDICT_KINDS = [
  'badge',
  'login',
  'unlock',
  'pin_wrong',
  'badge_locked',
  'command',
  'product',
  'order',
  'rma',
  'unknown',
  'needs_login',
  'locked',
  'refused',
  'pack',
  'qc',
  'returns',
  'review',
] as const;

/**
 * What the core made of a scan. `message` is an i18n key; `params` fill it. `tone`: good (done),
 * warn (done, but look: an expired lot, a doubtful GS1 string), bad (refused), info (the bench
 * waits for the next step).
 */
export const verdictSchema = z.object({
  kind: z.enum(VERDICT_KINDS),
  tone: z.enum(['good', 'warn', 'bad', 'info']),
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  /** The code as it may be shown: a PIN is never echoed. */
  display: z.string(),
  /** Where the renderer should go, for bench command barcodes and logins. */
  navigate: z.union([benchSchema, z.literal('home')]).nullable(),
  /** The event recording this scan, when one was recorded. */
  eventId: z.string().nullable(),
  seq: z.number().int().nullable(),
});
export type Verdict = z.infer<typeof verdictSchema>;

export const scanMethods = {
  'scan.submit': method({
    summary:
      'Every scan from every input ends here. Logged out, only badges and PINs are read; logged in, the scan is classified and recorded.',
    input: scanInputSchema,
    output: verdictSchema,
    access: 'public',
    whileLocked: true,
  }),
} as const;

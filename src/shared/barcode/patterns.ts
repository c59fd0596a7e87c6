import { z } from 'zod';
import { COMMAND_PREFIX } from './commands';

/** The company's own barcodes, told apart by pattern: what each kind of label looks like. */
export const PATTERN_KINDS = ['rma', 'order', 'tote', 'badge', 'bin'] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];

/** A regular expression over the whole code (anchored for you), short enough to review. */
const patternSchema = z
  .string()
  .min(1)
  .max(120)
  .refine((source) => compiles(source), 'not a valid regular expression');

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/**
 * The barcode patterns of a company, a policy document like the others (versioned, pulled from
 * the cloud): one list of patterns per kind of label, and the prefix of command barcodes. A
 * pattern only says what a code *looks like*; the bench still looks the code up (an RMA number
 * that matches the RMA pattern but is not known here is "not recognised: looks like an RMA").
 */
export const barcodePatternsSchema = z.strictObject({
  id: z.string().min(1),
  version: z.number().int().min(1),
  commandPrefix: z.string().min(1).max(8),
  rma: z.array(patternSchema).max(8),
  order: z.array(patternSchema).max(8),
  tote: z.array(patternSchema).max(8),
  badge: z.array(patternSchema).max(8),
  bin: z.array(patternSchema).max(8),
});
export type BarcodePatterns = z.infer<typeof barcodePatternsSchema>;

/**
 * The demo warehouse's patterns, and the defaults of a station whose company sent none: RMA
 * numbers and return-label tracking numbers, order numbers of both demo brands, totes, operator
 * badges, and the disposition bins of the demo's policies (or any `BIN:` label).
 */
export const DEFAULT_BARCODE_PATTERNS: BarcodePatterns = {
  id: 'barcodes-default',
  version: 1,
  commandPrefix: COMMAND_PREFIX,
  rma: ['RMA-\\d{5,8}', 'RT\\d{12}'],
  order: ['(NW|LL)\\d{5,8}'],
  tote: ['TOTE-\\d{1,6}'],
  badge: ['BADGE-[A-Z]-\\d{4}'],
  bin: ['BIN:[A-Z0-9-]{1,32}', '(RS|RF|RP|RTV|DN|DSP|LQ)-[A-Z0-9]{1,12}', 'WEEE'],
};

export type CompiledPatterns = { source: BarcodePatterns; byKind: [PatternKind, RegExp[]][] };

const compiled = new WeakMap<BarcodePatterns, CompiledPatterns>();

/** The patterns as anchored regular expressions, compiled once per document. */
export function compilePatterns(patterns: BarcodePatterns): CompiledPatterns {
  const cached = compiled.get(patterns);
  if (cached) return cached;
  const result: CompiledPatterns = {
    source: patterns,
    byKind: PATTERN_KINDS.map((kind) => [kind, patterns[kind].map((p) => new RegExp(`^(?:${p})$`))]),
  };
  compiled.set(patterns, result);
  return result;
}

/** The first kind whose pattern matches the whole code, in the order of PATTERN_KINDS. */
export function matchPattern(patterns: BarcodePatterns, code: string): PatternKind | null {
  for (const [kind, expressions] of compilePatterns(patterns).byKind) {
    if (expressions.some((expression) => expression.test(code))) return kind;
  }
  return null;
}

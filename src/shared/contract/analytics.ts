import { z } from 'zod';
import { method } from './define';

const range = z.strictObject({ from: z.number().int().nonnegative(), to: z.number().int().positive() });
const count = z.object({ key: z.string(), label: z.string(), value: z.number() });

export const ANALYTICS_TABLES = [
  'unitsPerHourByOperator',
  'unitsPerHourByStation',
  'defectPareto',
  'gradeDistribution',
  'dispositionMix',
  'returnReasonsBySku',
  'flagsByType',
] as const;
export type AnalyticsTable = (typeof ANALYTICS_TABLES)[number];

export const analyticsSchema = z.object({
  from: z.number(),
  to: z.number(),
  unitsPerHourByOperator: z.array(count.extend({ units: z.number().int(), hours: z.number().int() })),
  unitsPerHourByStation: z.array(count.extend({ units: z.number().int(), hours: z.number().int() })),
  scansPerItem: z.number(),
  qc: z.object({ inspected: z.number().int(), failed: z.number().int(), failureRate: z.number() }),
  defectPareto: z.array(count.extend({ cumulativeShare: z.number() })),
  gradeDistribution: z.array(count),
  dispositionMix: z.array(count.extend({ valueCents: z.number().int(), recoveredCents: z.number().int() })),
  recoveredCents: z.number().int(),
  returnReasonsBySku: z.array(count.extend({ sku: z.string(), reason: z.string() })),
  flagsByType: z.array(count.extend({ open: z.number().int() })),
});
export type Analytics = z.infer<typeof analyticsSchema>;

export const analyticsMethods = {
  'analytics.summary': method({
    summary: "The bench's figures for a date range, computed offline from this station's records.",
    input: range,
    output: analyticsSchema,
    access: ['supervisor'],
    activity: false,
  }),
  'analytics.csv': method({
    summary: 'One table of the figures as CSV.',
    input: range.extend({ table: z.enum(ANALYTICS_TABLES) }),
    output: z.object({ filename: z.string(), csv: z.string() }),
    access: ['supervisor'],
  }),
} as const;

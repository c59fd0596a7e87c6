import { z } from 'zod';
import { DEFECT_SEVERITIES } from './checklist';

/** The defect codes an inspector chooses from, each with its default severity. Policy data. */
export const defectListSchema = z.strictObject({
  id: z.string().min(1),
  version: z.number().int().min(1),
  defects: z
    .array(
      z.strictObject({
        code: z.string().regex(/^[A-Z0-9-]{2,24}$/),
        label: z.strictObject({ en: z.string().min(1), es: z.string().min(1) }),
        severity: z.enum(DEFECT_SEVERITIES),
      }),
    )
    .min(1),
});
export type DefectList = z.infer<typeof defectListSchema>;

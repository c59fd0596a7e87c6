import { z } from 'zod';
import { barcodePatternsSchema } from '../barcode/patterns';
import { checklistSchema } from './checklist';
import { defectListSchema } from './defects';
import { fraudPolicySchema } from './fraud';
import { dispositionPolicySchema } from './disposition';
import { refundPolicySchema } from './refund';
import { rubricSchema } from './rubric';
import { weightToleranceSchema } from './weight';

/**
 * Every kind of policy document the cloud sends (and the demo seeds), with its schema. A
 * decision records the id and version of the document that made it.
 */
export const POLICY_SCHEMAS = {
  checklist: checklistSchema,
  defects: defectListSchema,
  rubric: rubricSchema,
  disposition: dispositionPolicySchema,
  refund: refundPolicySchema,
  fraud: fraudPolicySchema,
  weight: z.strictObject({
    id: z.string().min(1),
    version: z.number().int().min(1),
    tolerance: weightToleranceSchema,
    /** What the box, filler and insert add to the products' own weight. */
    packagingGrams: z.number().nonnegative(),
  }),
  /** The company's barcode patterns (RMA, order, tote, badge, bin labels; command prefix). */
  barcodes: barcodePatternsSchema,
} as const;

export type PolicyKind = keyof typeof POLICY_SCHEMAS;
export type PolicyDocument<K extends PolicyKind> = z.infer<(typeof POLICY_SCHEMAS)[K]>;

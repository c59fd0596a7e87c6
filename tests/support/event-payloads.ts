/**
 * One graded item (`returns.item_graded`) as each app version wrote it: version 1 (no item
 * identity, `rubric`/`version`), version 2 (adds productId, sku, rmaId, rmaLineNo, orderId) and
 * version 3 (renames to `rubricId`/`rubricVersion`). See src/shared/sync/event-payloads.ts.
 */
export const GRADED_V1 = {
  itemNo: 2,
  grade: 'B',
  rubric: 'grade-apparel',
  version: 4,
  answers: { tags: 'NO', worn: 'YES' },
  photos: { damage: 'ab'.repeat(32) },
};

export const GRADED_V2 = {
  ...GRADED_V1,
  productId: 'p-1001',
  sku: 'NW-TEE-M',
  rmaId: 'rma-7',
  rmaLineNo: 1,
  orderId: 'o-5001',
};

export const GRADED_V3 = {
  itemNo: 2,
  grade: 'B',
  rubricId: 'grade-apparel',
  rubricVersion: 4,
  answers: { tags: 'NO', worn: 'YES' },
  photos: { damage: 'ab'.repeat(32) },
  productId: 'p-1001',
  sku: 'NW-TEE-M',
  rmaId: 'rma-7',
  rmaLineNo: 1,
  orderId: 'o-5001',
};

/** What a version 1 event did not say: null in its upcast. */
export const UNKNOWN_IDENTITY = { productId: null, sku: null, rmaId: null, rmaLineNo: null, orderId: null };

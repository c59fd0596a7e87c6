import type { TemplateContext } from '../compose';
import { LABEL_DATA_SCHEMAS, type LabelDataMap } from '../data';
import { LABEL_MEDIA, type Label, type LabelType, type Media } from '../model';
import { insertSlip } from './insert';
import { binLabel, licencePlateLabel } from './returns';
import { shippingLabel } from './shipping';
import { badgeLabel, commandSheet, qcHoldLabel } from './station';

/** A label type with its data, as a print job stores it. */
export type LabelRequest = { [T in LabelType]: { type: T; data: LabelDataMap[T] } }[LabelType];

/**
 * Lays out a label of any type. The media must be one the type can take (the first one is its
 * default); the data is validated again, since a job's data may come from an older version.
 */
export function buildLabel(request: LabelRequest, media: Media | null, ctx: TemplateContext): Label {
  const allowed = LABEL_MEDIA[request.type];
  const chosen = media ?? allowed[0]!;
  if (!allowed.includes(chosen)) throw new Error(`A ${request.type} label cannot be printed on ${chosen}`);
  switch (request.type) {
    case 'shipping':
      return shippingLabel(LABEL_DATA_SCHEMAS.shipping.parse(request.data), ctx);
    case 'insert':
      return insertSlip(LABEL_DATA_SCHEMAS.insert.parse(request.data), chosen, ctx);
    case 'licence_plate':
      return licencePlateLabel(LABEL_DATA_SCHEMAS.licence_plate.parse(request.data), ctx);
    case 'bin':
      return binLabel(LABEL_DATA_SCHEMAS.bin.parse(request.data), ctx);
    case 'qc_hold':
      return qcHoldLabel(LABEL_DATA_SCHEMAS.qc_hold.parse(request.data), ctx);
    case 'badge':
      return badgeLabel(LABEL_DATA_SCHEMAS.badge.parse(request.data), ctx);
    case 'command_sheet':
      return commandSheet(LABEL_DATA_SCHEMAS.command_sheet.parse(request.data), chosen, ctx);
  }
}

export { shippingLabel, insertSlip, binLabel, licencePlateLabel, qcHoldLabel, badgeLabel, commandSheet };

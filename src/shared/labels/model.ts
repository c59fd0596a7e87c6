/**
 * One label model for every label, slip and sheet the station prints. A label is a declarative
 * layout in millimetres, measured from the top-left corner of the media: text boxes, barcodes,
 * vector images, lines and boxes. The same model is rendered to PDF (office and thermal printers
 * through CUPS), to ZPL II (Zebra printers at 203 or 300 dpi) and to a PNG preview, so what the
 * operator previews is what prints.
 *
 * Two rules hold in every renderer:
 * - text never silently truncates: a text box has a maximum number of lines, and text that does
 *   not fit is wrapped, then shrunk (down to `minSize`), then ended with an ellipsis;
 * - barcode modules are whole printer dots at the target resolution, and a barcode that cannot
 *   fit its box with its quiet zones is an error, not a squeezed symbol.
 */

/** What a label is for. Each type has its own template and its own printer assignment. */
export const LABEL_TYPES = ['shipping', 'insert', 'licence_plate', 'bin', 'qc_hold', 'badge', 'command_sheet'] as const;
export type LabelType = (typeof LABEL_TYPES)[number];

/** Media sizes in millimetres (portrait: width × height). */
export const MEDIA = {
  '4x6': { width: 101.6, height: 152.4 },
  '2x1': { width: 50.8, height: 25.4 },
  /** An ID-1 (CR80) card, landscape: badges. */
  cr80: { width: 85.6, height: 54 },
  a5: { width: 148, height: 210 },
  a4: { width: 210, height: 297 },
  letter: { width: 215.9, height: 279.4 },
} as const;
export type Media = keyof typeof MEDIA;
export const MEDIA_NAMES = Object.keys(MEDIA) as Media[];

/** Which media each label type can be printed on; the first is its default. */
export const LABEL_MEDIA: Readonly<Record<LabelType, readonly Media[]>> = {
  shipping: ['4x6'],
  insert: ['a5', 'letter', '4x6'],
  licence_plate: ['4x6'],
  bin: ['2x1'],
  qc_hold: ['4x6'],
  badge: ['cr80'],
  command_sheet: ['letter', 'a4'],
};

/** Label types whose media a thermal (ZPL) printer can take. A5, Letter and A4 are PDF only. */
export function zplAllowed(media: Media): boolean {
  return media === '4x6' || media === '2x1' || media === 'cr80';
}

export const FONT_FAMILIES = ['sans', 'condensed', 'mono', 'serif'] as const;
export type FontFamily = (typeof FONT_FAMILIES)[number];

/** A font file: a family in a weight. Mono has no bold cut: it falls back to regular. */
export type FontKey = 'sans' | 'sans-bold' | 'condensed' | 'condensed-bold' | 'mono' | 'serif' | 'serif-bold';

export function fontKey(family: FontFamily, bold: boolean): FontKey {
  if (family === 'mono') return 'mono';
  return bold ? (`${family}-bold` as FontKey) : family;
}

/** `#rrggbb`. Thermal printers print every colour but white as black. */
export type Color = string;

export type Align = 'left' | 'center' | 'right';

export type TextElement = {
  kind: 'text';
  /** Top-left of the text box, and its width, in mm. The first line's top is `y`. */
  x: number;
  y: number;
  w: number;
  text: string;
  /** Font size in points. */
  size: number;
  /** Shrink down to this size before cutting with an ellipsis. Default: no shrinking. */
  minSize?: number;
  font?: FontFamily;
  bold?: boolean;
  align?: Align;
  /** At most this many lines; what does not fit ends with "…". Default 1. */
  maxLines?: number;
  /** Line pitch as a multiple of the size. Default 1.15. */
  lineHeight?: number;
  color?: Color;
};

export const SYMBOLOGIES = ['code128', 'gs1-128', 'ean13', 'qr', 'datamatrix'] as const;
export type Symbology = (typeof SYMBOLOGIES)[number];

export type BarcodeElement = {
  kind: 'barcode';
  symbology: Symbology;
  /**
   * What the symbol encodes. GS1-128 takes bracketed element strings, `(00)106141410000000012`;
   * EAN-13 takes 12 digits or 13 with a valid check digit.
   */
  data: string;
  /** The box the symbol goes in (mm); the symbol is aligned in it, quiet zones included. */
  x: number;
  y: number;
  w: number;
  /** Bar height of a linear symbol, or the box height a 2D symbol must fit, in mm. */
  h: number;
  /** The X dimension wanted, in mm; rounded to whole dots at the printer's resolution (at least one). */
  module: number;
  align?: Align;
};

/** A vector image (a brand logo): SVG path data in a view box. */
export type VectorImage = {
  width: number;
  height: number;
  paths: { d: string; fill: Color }[];
};

export type ImageElement = {
  kind: 'image';
  x: number;
  y: number;
  w: number;
  h: number;
  image: VectorImage;
  /** Draw in black only (thermal labels). */
  monochrome?: boolean;
};

/** A straight line; horizontal and vertical lines become ZPL graphic boxes. */
export type LineElement = {
  kind: 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  thickness: number;
  color?: Color;
};

export type BoxElement = {
  kind: 'box';
  x: number;
  y: number;
  w: number;
  h: number;
  /** Border thickness in mm; 0 for none. */
  thickness: number;
  stroke?: Color;
  fill?: Color;
};

export type LabelElement = TextElement | BarcodeElement | ImageElement | LineElement | BoxElement;

/** A laid-out label: one or more pages of the same media. */
export type Label = {
  type: LabelType;
  media: Media;
  /** Millimetres, from the media. */
  width: number;
  height: number;
  /** For the print queue's history and the PDF's title. */
  title: string;
  pages: LabelElement[][];
};

export const MM_PER_INCH = 25.4;
export const PT_PER_INCH = 72;

export function mmToPt(mm: number): number {
  return (mm / MM_PER_INCH) * PT_PER_INCH;
}

export function ptToMm(pt: number): number {
  return (pt / PT_PER_INCH) * MM_PER_INCH;
}

/** Millimetres to printer dots, rounded to the nearest dot. */
export function mmToDots(mm: number, dpi: number): number {
  return Math.round((mm / MM_PER_INCH) * dpi);
}

/** Printer dots to millimetres. */
export function dotsToMm(dots: number, dpi: number): number {
  return (dots / dpi) * MM_PER_INCH;
}

/** The module width in whole dots for a wanted X dimension: the nearest, at least one. */
export function moduleDots(moduleMm: number, dpi: number): number {
  return Math.max(1, Math.round((moduleMm / MM_PER_INCH) * dpi));
}

/** The label's size in dots (ZPL `^PW` and `^LL`). */
export function labelDots(label: Pick<Label, 'width' | 'height'>, dpi: number): { width: number; height: number } {
  return { width: mmToDots(label.width, dpi), height: mmToDots(label.height, dpi) };
}

/** A layout that cannot be honoured (a barcode too wide for its box): fail visibly. */
export class LabelLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelLayoutError';
  }
}

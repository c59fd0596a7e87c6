import {
  mmToPt,
  ptToMm,
  type BarcodeElement,
  type BoxElement,
  type ImageElement,
  type LabelElement,
  type LineElement,
  type TextElement,
} from '#shared/labels/model';
import { alignOffset, layoutText, type TextLayout, type TextMetrics } from '#shared/labels/text';
import { placeSymbol, type PlacedSymbol } from './barcodes';

/** A text line where it goes: left edge and baseline in mm from the media's top-left. */
export type PlacedLine = { text: string; x: number; baseline: number; width: number };

export type Resolved =
  | { kind: 'text'; element: TextElement; layout: TextLayout; lines: PlacedLine[] }
  | { kind: 'barcode'; element: BarcodeElement; placed: PlacedSymbol }
  | { kind: 'image'; element: ImageElement }
  | { kind: 'line'; element: LineElement }
  | { kind: 'box'; element: BoxElement };

/**
 * Resolves a page for a printer resolution: text laid out into lines (wrapped, shrunk, cut with
 * an ellipsis — the same for every renderer), barcodes placed on whole dots. Throws a
 * LabelLayoutError for a barcode that cannot fit.
 */
export function resolvePage(elements: LabelElement[], dpi: number, metrics: TextMetrics): Resolved[] {
  return elements.map((element): Resolved => {
    switch (element.kind) {
      case 'text': {
        const layout = layoutText(element, metrics);
        const boxPt = mmToPt(element.w);
        const lines = layout.lines.map((text, i) => ({
          text,
          x: element.x + ptToMm(alignOffset(element.align, boxPt, layout.widths[i]!)),
          baseline: element.y + ptToMm(layout.ascent + i * layout.linePitch),
          width: ptToMm(layout.widths[i]!),
        }));
        return { kind: 'text', element, layout, lines };
      }
      case 'barcode':
        return { kind: 'barcode', element, placed: placeSymbol(element, dpi) };
      case 'image':
        return { kind: 'image', element };
      case 'line':
        return { kind: 'line', element };
      case 'box':
        return { kind: 'box', element };
    }
  });
}

/** Where a vector image goes in its box: scaled to fit, centred. */
export function imageFit(element: ImageElement): { x: number; y: number; scale: number } {
  const scale = Math.min(element.w / element.image.width, element.h / element.image.height);
  return {
    x: element.x + (element.w - element.image.width * scale) / 2,
    y: element.y + (element.h - element.image.height * scale) / 2,
    scale,
  };
}

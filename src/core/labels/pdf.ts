import PDFDocument from 'pdfkit';
import { mmToPt, type FontKey, type Label } from '#shared/labels/model';
import { symbolRects } from './barcodes';
import type { FontSet } from './fonts';
import { imageFit, resolvePage } from './layout';

export type PdfOptions = {
  /** The printer's resolution: barcode modules are whole dots of it. */
  dpi: number;
  /** Label stock on a thermal printer: every colour but white prints black. */
  monochrome: boolean;
  /** Shift of the whole label on the media, in mm (right and down), for a printer that is off. */
  offsetXMm?: number;
  offsetYMm?: number;
};

/**
 * Renders a label to PDF with pdfkit: the DejaVu fonts embedded (subset), barcodes drawn as
 * rectangles on the printer's dot grid, brand logos as vector paths. One page per label page,
 * the page the size of the media, no margins.
 */
const parsedFonts = new WeakMap<FontSet, Map<FontKey, object>>();

/**
 * The font as pdfkit's font engine (fontkit) parsed it, kept for the next documents: pdfkit
 * takes a parsed font in `registerFont` (any object with a `layout` method), and parsing DejaVu
 * again for every label would cost several milliseconds a font. We get the parsed font from a
 * scratch document, because fontkit is pdfkit's dependency, not ours.
 */
function parsedFont(fonts: FontSet, key: FontKey): object {
  let perSet = parsedFonts.get(fonts);
  if (!perSet) {
    perSet = new Map();
    parsedFonts.set(fonts, perSet);
  }
  let font = perSet.get(key);
  if (font) {
    // fontkit caches glyph objects with the characters they were first met for; the subsetting
    // of a previous document meets some (components of accented or Greek capitals) without
    // any, and a later document would lose their text (pdftotext would read "RM" for "RMA").
    // A fresh glyph cache per document keeps every document's text right.
    if ('_glyphs' in font) (font as { _glyphs: object })._glyphs = {};
  } else {
    const scratch = new PDFDocument({ autoFirstPage: false, font: null as unknown as string });
    scratch.registerFont(key, fonts.bytes(key));
    scratch.font(key);
    font = (scratch as unknown as { _font: { font: { layout: unknown } } })._font.font;
    if (typeof (font as { layout?: unknown }).layout !== 'function')
      throw new Error('pdfkit did not expose its parsed font: check the pdfkit version');
    perSet.set(key, font);
  }
  return font;
}

export function renderPdf(label: Label, fonts: FontSet, options: PdfOptions): Promise<Buffer> {
  const size: [number, number] = [mmToPt(label.width), mmToPt(label.height)];
  const doc = new PDFDocument({
    size,
    margin: 0,
    // No default Helvetica: loading its metrics for every document is wasted work.
    font: null as unknown as string,
    autoFirstPage: false,
    compress: true,
    info: { Title: label.title, Author: 'Benchline', Creator: 'Benchline', Producer: 'Benchline (pdfkit)' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const registered = new Set<FontKey>();
  const useFont = (key: FontKey): void => {
    if (!registered.has(key)) {
      doc.registerFont(key, parsedFont(fonts, key) as unknown as Buffer);
      registered.add(key);
    }
    doc.font(key);
  };
  const color = (value: string | undefined): string => {
    const c = value ?? '#000000';
    if (!options.monochrome) return c;
    return c.toLowerCase() === '#ffffff' ? '#ffffff' : '#000000';
  };
  const dot = 72 / options.dpi;

  for (const elements of label.pages) {
    doc.addPage({ size, margin: 0 });
    if (options.offsetXMm || options.offsetYMm)
      doc.translate(mmToPt(options.offsetXMm ?? 0), mmToPt(options.offsetYMm ?? 0));
    for (const item of resolvePage(elements, options.dpi, fonts)) {
      switch (item.kind) {
        case 'box': {
          const { x, y, w, h, thickness, fill, stroke } = item.element;
          if (fill) doc.rect(mmToPt(x), mmToPt(y), mmToPt(w), mmToPt(h)).fill(color(fill));
          if (thickness > 0) {
            const t = mmToPt(thickness);
            doc
              .rect(mmToPt(x) + t / 2, mmToPt(y) + t / 2, mmToPt(w) - t, mmToPt(h) - t)
              .lineWidth(t)
              .stroke(color(stroke));
          }
          break;
        }
        case 'line': {
          const { x1, y1, x2, y2, thickness } = item.element;
          doc
            .moveTo(mmToPt(x1), mmToPt(y1))
            .lineTo(mmToPt(x2), mmToPt(y2))
            .lineWidth(mmToPt(thickness))
            .stroke(color(item.element.color));
          break;
        }
        case 'image': {
          const fit = imageFit(item.element);
          doc.save();
          doc.translate(mmToPt(fit.x), mmToPt(fit.y)).scale(mmToPt(fit.scale));
          for (const path of item.element.image.paths) {
            doc
              .path(path.d)
              .fill(
                item.element.monochrome ? color(path.fill === '#ffffff' ? '#ffffff' : '#000000') : color(path.fill),
              );
          }
          doc.restore();
          break;
        }
        case 'barcode': {
          // One path of whole-dot rectangles: bars and modules land on the printer's dots.
          for (const r of symbolRects(item.placed)) doc.rect(r.x * dot, r.y * dot, r.w * dot, r.h * dot);
          doc.fill('#000000');
          break;
        }
        case 'text': {
          useFont(item.layout.font);
          doc.fontSize(item.layout.size).fillColor(color(item.element.color));
          for (const line of item.lines) {
            if (line.text === '') continue;
            doc.text(line.text, mmToPt(line.x), mmToPt(line.baseline), { lineBreak: false, baseline: 'alphabetic' });
          }
          break;
        }
      }
    }
  }
  doc.end();
  return done;
}

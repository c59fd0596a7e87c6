import { MM_PER_INCH, type Label, type VectorImage } from '#shared/labels/model';
import { flatten, parseSvgPath, type PathCommand } from '#shared/labels/path';
import { symbolRects } from './barcodes';
import type { FontSet } from './fonts';
import { imageFit, resolvePage } from './layout';
import { parseColor, Raster } from './raster';

export type RasterOptions = {
  /** The printer's resolution: barcodes are placed on its dots, as printed. */
  dpi: number;
  /** The image's resolution; the printer's for a pixel-exact rendering. */
  renderDpi: number;
  monochrome: boolean;
};

const parsed = new Map<string, PathCommand[]>();

/** SVG path data parsed once. */
export function pathCommands(d: string): PathCommand[] {
  let commands = parsed.get(d);
  if (!commands) {
    commands = parseSvgPath(d);
    if (parsed.size > 256) parsed.clear();
    parsed.set(d, commands);
  }
  return commands;
}

/**
 * Draws one page of a label into a raster: the same layout, glyph outlines from the same fonts,
 * and the same dot-aligned barcodes as the PDF and ZPL. For previews (PNG) and for rasterising.
 */
export function renderRaster(label: Label, page: number, fonts: FontSet, options: RasterOptions): Raster {
  const px = options.renderDpi / MM_PER_INCH; // pixels per mm
  const dotPx = options.renderDpi / options.dpi;
  const raster = new Raster(label.width * px, label.height * px);
  const elements = label.pages[page] ?? [];
  const color = (c: string | undefined) => parseColor(c, options.monochrome);
  for (const item of resolvePage(elements, options.dpi, fonts)) {
    switch (item.kind) {
      case 'box': {
        const { x, y, w, h, thickness, fill, stroke } = item.element;
        if (fill) raster.fillRect(x * px, y * px, w * px, h * px, color(fill));
        if (thickness > 0) {
          const t = thickness * px;
          const c = color(stroke);
          raster.fillRect(x * px, y * px, w * px, t, c);
          raster.fillRect(x * px, (y + h) * px - t, w * px, t, c);
          raster.fillRect(x * px, y * px, t, h * px, c);
          raster.fillRect((x + w) * px - t, y * px, t, h * px, c);
        }
        break;
      }
      case 'line': {
        const { x1, y1, x2, y2, thickness } = item.element;
        const t = thickness * px;
        const c = color(item.element.color);
        if (y1 === y2) raster.fillRect(Math.min(x1, x2) * px, y1 * px - t / 2, Math.abs(x2 - x1) * px, t, c);
        else if (x1 === x2) raster.fillRect(x1 * px - t / 2, Math.min(y1, y2) * px, t, Math.abs(y2 - y1) * px, c);
        else {
          const len = Math.hypot(x2 - x1, y2 - y1);
          const nx = ((-(y2 - y1) / len) * t) / 2 / px;
          const ny = (((x2 - x1) / len) * t) / 2 / px;
          raster.fill([[x1 + nx, y1 + ny, x2 + nx, y2 + ny, x2 - nx, y2 - ny, x1 - nx, y1 - ny].map((v) => v * px)], c);
        }
        break;
      }
      case 'image':
        drawImage(raster, item.element.image, imageFit(item.element), px, (fill) =>
          item.element.monochrome || options.monochrome ? parseColor(fill, true) : parseColor(fill, false),
        );
        break;
      case 'barcode':
        for (const r of symbolRects(item.placed))
          raster.fillRect(r.x * dotPx, r.y * dotPx, r.w * dotPx, r.h * dotPx, [0, 0, 0]);
        break;
      case 'text': {
        const font = fonts.font(item.layout.font);
        const scale = ((item.layout.size / 72) * options.renderDpi) / font.unitsPerEm;
        const c = color(item.element.color);
        for (const line of item.lines) {
          let pen = line.x * px;
          const baseline = line.baseline * px;
          for (const char of line.text) {
            const glyph = font.glyph(char.codePointAt(0)!);
            const outline = font.outline(glyph);
            if (outline.length > 0) {
              const origin = pen;
              raster.fill(
                flatten(outline, (x, y) => [origin + x * scale, baseline - y * scale], 0.5),
                c,
              );
            }
            pen += font.advance(glyph) * scale;
          }
        }
        break;
      }
    }
  }
  return raster;
}

/** Draws a vector image at a position and scale (mm), each path in its colour, in order. */
export function drawImage(
  raster: Raster,
  image: VectorImage,
  at: { x: number; y: number; scale: number },
  px: number,
  color: (fill: string) => [number, number, number],
): void {
  for (const path of image.paths) {
    const contours = flatten(
      pathCommands(path.d),
      (x, y) => [(at.x + x * at.scale) * px, (at.y + y * at.scale) * px],
      0.5,
    );
    raster.fill(contours, color(path.fill));
  }
}

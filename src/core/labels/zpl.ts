import { gs1Tokens, parseBracketed, plainTokens, zplCode128, ean13Digits } from '#shared/labels/gs1';
import { labelDots, LabelLayoutError, mmToDots, type Label } from '#shared/labels/model';
import { placeSymbol } from './barcodes';
import type { FontSet } from './fonts';
import { imageFit, resolvePage } from './layout';
import { drawImage } from './preview';
import { parseColor, Raster } from './raster';

export type ZplOptions = {
  dpi: 203 | 300;
  /** Shift of the whole label on the media, in mm (right and down). */
  offsetXMm: number;
  offsetYMm: number;
  /** Print darkness 0–30 (`~SD`); null leaves the printer's setting. */
  darkness: number | null;
  copies: number;
  /**
   * The printer font: `0` (the built-in scalable font), or a TrueType font stored on the printer
   * (`E:DEJAVU.TTF`) for names in scripts the built-in font lacks.
   */
  font: string;
};

/**
 * Renders a label to ZPL II, one `^XA…^XZ` format per page.
 * - Text: `^CI28` (UTF-8), one `^FB` block per text box with the lines computed by the layout,
 *   separated by `\&`, the ellipsis already in the last line — the printer never decides where
 *   to cut. Lines are measured with DejaVu, wider than the printer's condensed font, so the
 *   printer has no reason to wrap them again.
 * - Barcodes: `^BC` in mode N with explicit subsets and `>8` for FNC1 (GS1-128), `^BE`, `^BQ`,
 *   `^BX`, module widths from `^BY` in whole dots — the same dots as the PDF.
 * - Logos: rasterised to `^GFA` graphic fields at the printer's resolution.
 */
export function renderZpl(label: Label, fonts: FontSet, options: ZplOptions): string {
  const { dpi } = options;
  const size = labelDots(label, dpi);
  const ox = mmToDots(options.offsetXMm, dpi);
  const oy = mmToDots(options.offsetYMm, dpi);
  const at = (x: number, y: number): string => `^FO${Math.max(0, x + ox)},${Math.max(0, y + oy)}`;
  const formats: string[] = [];
  for (const elements of label.pages) {
    const out: string[] = [];
    if (options.darkness !== null) out.push(`~SD${String(options.darkness).padStart(2, '0')}`);
    out.push('^XA', '^CI28', `^PW${size.width}`, `^LL${size.height}`, '^LH0,0', '^FWN');
    for (const item of resolvePage(elements, dpi, fonts)) {
      switch (item.kind) {
        case 'box': {
          const { x, y, w, h, thickness, fill, stroke } = item.element;
          const [bx, by, bw, bh] = [mmToDots(x, dpi), mmToDots(y, dpi), mmToDots(w, dpi), mmToDots(h, dpi)];
          if (fill) {
            const white = parseColor(fill, true)[0] === 255;
            out.push(`${at(bx, by)}^GB${bw},${bh},${Math.max(1, Math.min(bw, bh))},${white ? 'W' : 'B'},0^FS`);
          }
          if (thickness > 0) {
            const white = parseColor(stroke, true)[0] === 255;
            const t = Math.max(1, mmToDots(thickness, dpi));
            out.push(`${at(bx, by)}^GB${bw},${bh},${t},${white ? 'W' : 'B'},0^FS`);
          }
          break;
        }
        case 'line': {
          const { x1, y1, x2, y2, thickness } = item.element;
          const t = Math.max(1, mmToDots(thickness, dpi));
          const [ax, ay, bx, by] = [mmToDots(x1, dpi), mmToDots(y1, dpi), mmToDots(x2, dpi), mmToDots(y2, dpi)];
          if (ay === by)
            out.push(`${at(Math.min(ax, bx), ay - Math.floor(t / 2))}^GB${Math.abs(bx - ax)},${t},${t}^FS`);
          else if (ax === bx)
            out.push(`${at(ax - Math.floor(t / 2), Math.min(ay, by))}^GB${t},${Math.abs(by - ay)},${t}^FS`);
          else {
            const lean = (bx - ax) * (by - ay) > 0 ? 'L' : 'R';
            out.push(
              `${at(Math.min(ax, bx), Math.min(ay, by))}^GD${Math.abs(bx - ax)},${Math.abs(by - ay)},${t},B,${lean}^FS`,
            );
          }
          break;
        }
        case 'image': {
          const fit = imageFit(item.element);
          const px = dpi / 25.4;
          const w = Math.ceil(item.element.image.width * fit.scale * px);
          const h = Math.ceil(item.element.image.height * fit.scale * px);
          const raster = new Raster(w, h);
          drawImage(raster, item.element.image, { x: 0, y: 0, scale: fit.scale }, px, (fill) => parseColor(fill, true));
          const { bytesPerRow, bits } = raster.toMonoBits();
          const hex = Buffer.from(bits).toString('hex').toUpperCase();
          out.push(
            `${at(mmToDots(fit.x, dpi), mmToDots(fit.y, dpi))}^GFA,${bits.length},${bits.length},${bytesPerRow},${hex}^FS`,
          );
          break;
        }
        case 'barcode': {
          const { element } = item;
          if (element.symbology === 'code128' || element.symbology === 'gs1-128') {
            const tokens =
              element.symbology === 'gs1-128' ? gs1Tokens(parseBracketed(element.data)) : plainTokens(element.data);
            const field = zplCode128(tokens);
            const placed = placeSymbol(element, dpi, code128Modules(field));
            out.push(
              `${at(placed.x, placed.y)}^BY${placed.module},3,${placed.height}^BCN,${placed.height},N,N,N,N^FH^FD${escapeField(field)}^FS`,
            );
          } else if (element.symbology === 'ean13') {
            const placed = item.placed;
            out.push(
              `${at(placed.x, placed.y)}^BY${placed.module},3,${placed.height}^BEN,${placed.height},N,N^FD${ean13Digits(element.data).slice(0, 12)}^FS`,
            );
          } else if (element.symbology === 'qr') {
            const placed = item.placed;
            if (placed.module > 10) throw new LabelLayoutError('A ZPL QR code module is at most 10 dots');
            out.push(`${at(placed.x, placed.y)}^BQN,2,${placed.module}^FH^FDMA,${escapeField(element.data)}^FS`);
          } else {
            const placed = item.placed;
            out.push(`${at(placed.x, placed.y)}^BXN,${placed.module},200^FH^FD${escapeField(element.data)}^FS`);
          }
          break;
        }
        case 'text': {
          const { element, layout } = item;
          const lines = layout.lines;
          if (lines.every((l) => l === '')) break;
          const height = Math.max(10, Math.round((layout.size / 72) * dpi));
          const spacing = Math.round((layout.linePitch / 72) * dpi) - height;
          const justify = element.align === 'center' ? 'C' : element.align === 'right' ? 'R' : 'L';
          const font = options.font === '0' ? `^A0N,${height},${height}` : `^A@N,${height},${height},${options.font}`;
          // White text prints reversed over what is under it (a black band).
          const reverse = parseColor(element.color, true)[0] === 255 ? '^FR' : '';
          const body = lines.map((l) => escapeField(l.replace(/\\/g, '\\\\'))).join('\\&');
          out.push(
            `${at(mmToDots(element.x, dpi), mmToDots(element.y, dpi))}${font}${reverse}^FB${mmToDots(element.w, dpi)},${lines.length},${spacing},${justify},0^FH^FD${body}^FS`,
          );
          break;
        }
      }
    }
    out.push(`^PQ${Math.max(1, options.copies)}`, '^XZ');
    formats.push(out.join('\n'));
  }
  return `${formats.join('\n')}\n`;
}

/** `^FH` hex escapes for the characters ZPL would read as commands, and the escape itself. */
export function escapeField(text: string): string {
  return text.replace(/[_^~]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Modules of a `^BC` mode N field: each symbol character (a start code, a subset switch, FNC1,
 * a pair of digits in subset C, any other character) is 11 modules; the check character adds
 * 11 and the stop pattern 13.
 */
export function code128Modules(field: string): number {
  let symbols = 0;
  let subset: 'A' | 'B' | 'C' = 'B';
  for (let i = 0; i < field.length;) {
    if (field[i] === '>') {
      const code = field[i + 1];
      if (code === ';' || code === '5') subset = 'C';
      else if (code === ':' || (code === '6' && subset !== 'B')) subset = 'B';
      else if (code === '9' || code === '7') subset = 'A';
      symbols++;
      i += 2;
    } else if (subset === 'C') {
      symbols++;
      i += 2;
    } else {
      symbols++;
      i++;
    }
  }
  return (symbols + 1) * 11 + 13;
}

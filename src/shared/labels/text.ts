import { fontKey, mmToPt, type FontKey, type TextElement } from './model';

/** Font measurements, supplied by the core from the embedded TTF files. */
export type TextMetrics = {
  /** Advance width of `text` in points at `size` points. */
  width(text: string, font: FontKey, size: number): number;
  /** Ascender and descender as fractions of the size (both positive). */
  ascent(font: FontKey): number;
  descent(font: FontKey): number;
};

/** A text box laid out: the lines to draw, at what size, and whether anything was cut. */
export type TextLayout = {
  font: FontKey;
  lines: string[];
  /** The size used (smaller than asked when the text was shrunk to fit). */
  size: number;
  /** True when text was cut and the last line ends with the ellipsis. */
  truncated: boolean;
  /** Distance between baselines, in points. */
  linePitch: number;
  /** From the box top to the first baseline, in points. */
  ascent: number;
  /** Width of each line in points, for alignment. */
  widths: number[];
};

export const ELLIPSIS = '…';
const SHRINK_STEP = 0.5;

/**
 * Lays a text box out: wraps at spaces (a word wider than the box is broken between
 * characters), shrinks down to `minSize` if the lines still exceed `maxLines`, and only then cuts
 * the last line with an ellipsis. The same layout feeds the PDF, ZPL and preview renderers, so a
 * text never gets cut silently by one of them.
 */
export function layoutText(element: TextElement, metrics: TextMetrics): TextLayout {
  const font = fontKey(element.font ?? 'sans', element.bold ?? false);
  const maxLines = Math.max(1, element.maxLines ?? 1);
  const boxWidth = mmToPt(element.w);
  const paragraphs = normalize(element.text);
  const smallest = Math.min(element.minSize ?? element.size, element.size);
  let size = element.size;
  for (;;) {
    const lines = wrap(paragraphs, boxWidth, (s) => metrics.width(s, font, size));
    if (lines.length <= maxLines) return finish(font, lines, size, false, element, metrics);
    const next = Math.max(smallest, size - SHRINK_STEP);
    if (next >= size) {
      // Still too long at the smallest size: keep the lines that fit, end the last with "…".
      const kept = lines.slice(0, maxLines - 1);
      const rest = lines.slice(maxLines - 1).join(' ');
      kept.push(ellipsize(rest, boxWidth, (s) => metrics.width(s, font, size)));
      return finish(font, kept, size, true, element, metrics);
    }
    size = next;
  }
}

function finish(
  font: FontKey,
  lines: string[],
  size: number,
  truncated: boolean,
  element: TextElement,
  metrics: TextMetrics,
): TextLayout {
  return {
    font,
    lines,
    size,
    truncated,
    linePitch: size * (element.lineHeight ?? 1.15),
    ascent: size * metrics.ascent(font),
    widths: lines.map((line) => metrics.width(line, font, size)),
  };
}

/** Tabs and runs of spaces become one space; explicit newlines separate paragraphs. */
function normalize(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((p) => p.replace(/[\t ]+/g, ' ').trim());
}

/** Greedy wrapping: as many words on a line as fit. */
export function wrap(paragraphs: string[], width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of paragraphs) {
    if (paragraph === '') {
      lines.push('');
      continue;
    }
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (measure(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      // A word wider than the box: break it between characters.
      let rest = word;
      while (measure(rest) > width) {
        const chars = Array.from(rest);
        let n = chars.length - 1;
        while (n > 1 && measure(chars.slice(0, n).join('')) > width) n--;
        lines.push(chars.slice(0, n).join(''));
        rest = chars.slice(n).join('');
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

/** The longest start of `text` that fits with an ellipsis after it. */
export function ellipsize(text: string, width: number, measure: (s: string) => number): string {
  const chars = Array.from(text);
  let n = chars.length;
  // The whole text plus "…" may fit (the text was cut at a line boundary): still mark the cut.
  while (n > 0 && measure(chars.slice(0, n).join('').trimEnd() + ELLIPSIS) > width) n--;
  return chars.slice(0, n).join('').trimEnd() + ELLIPSIS;
}

/** The x offset of a line inside its box, in points, for an alignment. */
export function alignOffset(align: TextElement['align'], boxWidth: number, lineWidth: number): number {
  if (align === 'center') return Math.max(0, (boxWidth - lineWidth) / 2);
  if (align === 'right') return Math.max(0, boxWidth - lineWidth);
  return 0;
}

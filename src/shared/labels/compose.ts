import type { Language } from '../domain/settings';
import { ptToMm, type BarcodeElement, type LabelElement, type TextElement } from './model';
import { layoutText, type TextMetrics } from './text';

/** What a template needs besides its data: font measurements and the station's language. */
export type TemplateContext = { metrics: TextMetrics; language: Language };

/**
 * A page being composed. Templates place elements at fixed positions, or flow text downwards:
 * `flow` lays the text out with the same function the renderers use and returns the height it
 * takes, so a block below never overlaps a text that wrapped.
 */
export class PageBuilder {
  readonly elements: LabelElement[] = [];
  readonly #metrics: TextMetrics;

  constructor(metrics: TextMetrics) {
    this.#metrics = metrics;
  }

  add(element: LabelElement): void {
    this.elements.push(element);
  }

  text(element: Omit<TextElement, 'kind'>): void {
    this.elements.push({ kind: 'text', ...element });
  }

  /** Adds a text box and returns its height in mm (lines × pitch). */
  flow(element: Omit<TextElement, 'kind'>): number {
    const text: TextElement = { kind: 'text', ...element };
    this.elements.push(text);
    return this.height(text);
  }

  /** The height a text box would take, in mm, without adding it. */
  height(element: Omit<TextElement, 'kind'>): number {
    const layout = layoutText({ kind: 'text', ...element }, this.#metrics);
    return ptToMm(layout.linePitch * layout.lines.length);
  }

  barcode(element: Omit<BarcodeElement, 'kind'>): void {
    this.elements.push({ kind: 'barcode', ...element });
  }

  line(x1: number, y1: number, x2: number, y2: number, thickness = 0.4, color?: string): void {
    this.elements.push({ kind: 'line', x1, y1, x2, y2, thickness, ...(color ? { color } : {}) });
  }

  box(
    x: number,
    y: number,
    w: number,
    h: number,
    options: { thickness?: number; fill?: string; stroke?: string },
  ): void {
    this.elements.push({
      kind: 'box',
      x,
      y,
      w,
      h,
      thickness: options.thickness ?? 0,
      ...(options.fill ? { fill: options.fill } : {}),
      ...(options.stroke ? { stroke: options.stroke } : {}),
    });
  }
}

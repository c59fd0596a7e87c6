import type { PathCommand } from '#shared/labels/path';

/**
 * A small TrueType reader: the character map, advance widths and glyph outlines (simple and
 * composite glyphs). Enough to measure text for layout and to draw it in the preview and in ZPL
 * graphics, from the same font file the PDF embeds — so all three agree.
 */
export class TrueTypeFont {
  readonly unitsPerEm: number;
  readonly ascender: number;
  readonly descender: number;
  readonly #data: DataView;
  readonly #tables = new Map<string, { offset: number; length: number }>();
  readonly #numGlyphs: number;
  readonly #numHMetrics: number;
  readonly #longLoca: boolean;
  readonly #cmap = new Map<number, number>();
  readonly #advances: Uint16Array;
  readonly #outlines = new Map<number, PathCommand[]>();

  constructor(buffer: Uint8Array) {
    this.#data = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const d = this.#data;
    const count = d.getUint16(4);
    for (let i = 0; i < count; i++) {
      const base = 12 + i * 16;
      const tag = String.fromCharCode(
        d.getUint8(base),
        d.getUint8(base + 1),
        d.getUint8(base + 2),
        d.getUint8(base + 3),
      );
      this.#tables.set(tag, { offset: d.getUint32(base + 8), length: d.getUint32(base + 12) });
    }
    const head = this.#table('head');
    this.unitsPerEm = d.getUint16(head + 18);
    this.#longLoca = d.getInt16(head + 50) === 1;
    const hhea = this.#table('hhea');
    this.ascender = d.getInt16(hhea + 4);
    this.descender = -d.getInt16(hhea + 6);
    this.#numHMetrics = d.getUint16(hhea + 34);
    this.#numGlyphs = d.getUint16(this.#table('maxp') + 4);
    this.#advances = new Uint16Array(this.#numGlyphs);
    const hmtx = this.#table('hmtx');
    let last = 0;
    for (let g = 0; g < this.#numGlyphs; g++) {
      if (g < this.#numHMetrics) last = d.getUint16(hmtx + g * 4);
      this.#advances[g] = last;
    }
    this.#readCmap();
  }

  /** The glyph for a code point; 0 (the missing-glyph box) when the font has none. */
  glyph(codePoint: number): number {
    return this.#cmap.get(codePoint) ?? 0;
  }

  has(codePoint: number): boolean {
    return this.#cmap.has(codePoint);
  }

  /** Advance width in font units. */
  advance(glyph: number): number {
    return this.#advances[glyph] ?? 0;
  }

  /** Width of a string in font units (no kerning: kerning only ever narrows a line). */
  widthUnits(text: string): number {
    let width = 0;
    for (const char of text) width += this.advance(this.glyph(char.codePointAt(0)!));
    return width;
  }

  /** The outline of a glyph in font units, y up. */
  outline(glyph: number): PathCommand[] {
    let cached = this.#outlines.get(glyph);
    if (!cached) {
      cached = this.#readGlyph(glyph, 0);
      this.#outlines.set(glyph, cached);
    }
    return cached;
  }

  #table(tag: string): number {
    const table = this.#tables.get(tag);
    if (!table) throw new Error(`The font has no ${tag} table`);
    return table.offset;
  }

  #readCmap(): void {
    const d = this.#data;
    const cmap = this.#table('cmap');
    const count = d.getUint16(cmap + 2);
    let best: { offset: number; format: number } | null = null;
    for (let i = 0; i < count; i++) {
      const platform = d.getUint16(cmap + 4 + i * 8);
      const encoding = d.getUint16(cmap + 6 + i * 8);
      const offset = cmap + d.getUint32(cmap + 8 + i * 8);
      const format = d.getUint16(offset);
      const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
      if (!unicode || (format !== 4 && format !== 12)) continue;
      if (!best || format === 12) best = { offset, format };
    }
    if (!best) throw new Error('The font has no Unicode character map');
    const o = best.offset;
    if (best.format === 12) {
      const groups = d.getUint32(o + 12);
      for (let i = 0; i < groups; i++) {
        const start = d.getUint32(o + 16 + i * 12);
        const end = d.getUint32(o + 20 + i * 12);
        const glyph = d.getUint32(o + 24 + i * 12);
        for (let c = start; c <= end; c++) this.#cmap.set(c, glyph + (c - start));
      }
      return;
    }
    const segments = d.getUint16(o + 6) / 2;
    const ends = o + 14;
    const starts = ends + segments * 2 + 2;
    const deltas = starts + segments * 2;
    const ranges = deltas + segments * 2;
    for (let s = 0; s < segments; s++) {
      const end = d.getUint16(ends + s * 2);
      const start = d.getUint16(starts + s * 2);
      const delta = d.getInt16(deltas + s * 2);
      const rangeOffset = d.getUint16(ranges + s * 2);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let glyph: number;
        if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
        else {
          const at = ranges + s * 2 + rangeOffset + (c - start) * 2;
          glyph = d.getUint16(at);
          if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
        }
        if (glyph !== 0) this.#cmap.set(c, glyph);
      }
    }
  }

  #glyphOffset(glyph: number): { offset: number; length: number } {
    const d = this.#data;
    const loca = this.#table('loca');
    const glyf = this.#table('glyf');
    const start = this.#longLoca ? d.getUint32(loca + glyph * 4) : d.getUint16(loca + glyph * 2) * 2;
    const end = this.#longLoca ? d.getUint32(loca + glyph * 4 + 4) : d.getUint16(loca + glyph * 2 + 2) * 2;
    return { offset: glyf + start, length: end - start };
  }

  #readGlyph(glyph: number, depth: number): PathCommand[] {
    if (glyph >= this.#numGlyphs || depth > 8) return [];
    const { offset, length } = this.#glyphOffset(glyph);
    if (length === 0) return [];
    const d = this.#data;
    const contours = d.getInt16(offset);
    return contours >= 0 ? this.#simple(offset, contours) : this.#composite(offset, depth);
  }

  #simple(offset: number, contourCount: number): PathCommand[] {
    const d = this.#data;
    let p = offset + 10;
    const ends: number[] = [];
    for (let i = 0; i < contourCount; i++, p += 2) ends.push(d.getUint16(p));
    const points = (ends[ends.length - 1] ?? -1) + 1;
    p += 2 + d.getUint16(p); // instructions
    const flags: number[] = [];
    while (flags.length < points) {
      const flag = d.getUint8(p++);
      flags.push(flag);
      if (flag & 8) {
        let repeat = d.getUint8(p++);
        while (repeat-- > 0) flags.push(flag);
      }
    }
    const xs: number[] = [];
    let value = 0;
    for (const flag of flags) {
      if (flag & 2) {
        const delta = d.getUint8(p++);
        value += flag & 16 ? delta : -delta;
      } else if (!(flag & 16)) {
        value += d.getInt16(p);
        p += 2;
      }
      xs.push(value);
    }
    const ys: number[] = [];
    value = 0;
    for (const flag of flags) {
      if (flag & 4) {
        const delta = d.getUint8(p++);
        value += flag & 32 ? delta : -delta;
      } else if (!(flag & 32)) {
        value += d.getInt16(p);
        p += 2;
      }
      ys.push(value);
    }
    const commands: PathCommand[] = [];
    let first = 0;
    for (const end of ends) {
      commands.push(...contourCommands(xs, ys, flags, first, end));
      first = end + 1;
    }
    return commands;
  }

  #composite(offset: number, depth: number): PathCommand[] {
    const d = this.#data;
    let p = offset + 10;
    const out: PathCommand[] = [];
    for (;;) {
      const flags = d.getUint16(p);
      const component = d.getUint16(p + 2);
      p += 4;
      let dx: number;
      let dy: number;
      if (flags & 1) {
        dx = d.getInt16(p);
        dy = d.getInt16(p + 2);
        p += 4;
      } else {
        dx = d.getInt8(p);
        dy = d.getInt8(p + 1);
        p += 2;
      }
      let a = 1;
      let b = 0;
      let c = 0;
      let e = 1;
      const f2dot14 = (at: number): number => d.getInt16(at) / 16384;
      if (flags & 8) {
        a = e = f2dot14(p);
        p += 2;
      } else if (flags & 0x40) {
        a = f2dot14(p);
        e = f2dot14(p + 2);
        p += 4;
      } else if (flags & 0x80) {
        a = f2dot14(p);
        b = f2dot14(p + 2);
        c = f2dot14(p + 4);
        e = f2dot14(p + 6);
        p += 8;
      }
      // Point-matching offsets (ARGS_ARE_XY_VALUES unset) are rare in DejaVu: treated as zero.
      if (!(flags & 2)) dx = dy = 0;
      const tx = (x: number, y: number): [number, number] => [a * x + c * y + dx, b * x + e * y + dy];
      for (const cmd of this.#readGlyph(component, depth + 1)) out.push(transform(cmd, tx));
      if (!(flags & 0x20)) break;
    }
    return out;
  }
}

function transform(cmd: PathCommand, tx: (x: number, y: number) => [number, number]): PathCommand {
  switch (cmd.type) {
    case 'Z':
      return cmd;
    case 'M':
    case 'L': {
      const [x, y] = tx(cmd.x, cmd.y);
      return { type: cmd.type, x, y };
    }
    case 'Q': {
      const [cx, cy] = tx(cmd.cx, cmd.cy);
      const [x, y] = tx(cmd.x, cmd.y);
      return { type: 'Q', cx, cy, x, y };
    }
    case 'C': {
      const [c1x, c1y] = tx(cmd.c1x, cmd.c1y);
      const [c2x, c2y] = tx(cmd.c2x, cmd.c2y);
      const [x, y] = tx(cmd.x, cmd.y);
      return { type: 'C', c1x, c1y, c2x, c2y, x, y };
    }
  }
}

/** One TrueType contour (on- and off-curve points) as M, L, Q and Z. */
function contourCommands(xs: number[], ys: number[], flags: number[], first: number, last: number): PathCommand[] {
  const n = last - first + 1;
  if (n < 2) return [];
  const on = (i: number): boolean => (flags[first + (i % n)]! & 1) === 1;
  const pt = (i: number): [number, number] => [xs[first + (i % n)]!, ys[first + (i % n)]!];
  // Start at an on-curve point; if none, at the midpoint of the first two off-curve points.
  let start = 0;
  while (start < n && !on(start)) start++;
  const commands: PathCommand[] = [];
  let startPoint: [number, number];
  if (start === n) {
    const [ax, ay] = pt(0);
    const [bx, by] = pt(1);
    startPoint = [(ax + bx) / 2, (ay + by) / 2];
    start = 0;
  } else startPoint = pt(start);
  commands.push({ type: 'M', x: startPoint[0], y: startPoint[1] });
  let control: [number, number] | null = null;
  for (let k = 1; k <= n; k++) {
    const i = start + k;
    const [x, y] = k === n ? startPoint : pt(i);
    const isOn = k === n ? true : on(i);
    if (isOn) {
      if (control) commands.push({ type: 'Q', cx: control[0], cy: control[1], x, y });
      else commands.push({ type: 'L', x, y });
      control = null;
    } else if (control) {
      const mx = (control[0] + x) / 2;
      const my = (control[1] + y) / 2;
      commands.push({ type: 'Q', cx: control[0], cy: control[1], x: mx, y: my });
      control = [x, y];
    } else control = [x, y];
  }
  commands.push({ type: 'Z' });
  return commands;
}

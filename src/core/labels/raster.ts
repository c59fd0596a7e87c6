import { deflateSync } from 'node:zlib';
import type { Contour } from '#shared/labels/path';

export type Rgb = [number, number, number];

const SUBSAMPLES = 4;

/**
 * An RGB canvas with anti-aliased polygon filling (non-zero winding; four sub-scanlines per pixel,
 * exact horizontal coverage). Draws the label previews and the ZPL graphic fields, so a preview
 * shows the same shapes the printer gets.
 */
export class Raster {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
  readonly #coverage: Float32Array;

  constructor(width: number, height: number, background: Rgb = [255, 255, 255]) {
    this.width = Math.max(1, Math.ceil(width));
    this.height = Math.max(1, Math.ceil(height));
    this.pixels = new Uint8Array(this.width * this.height * 3);
    for (let i = 0; i < this.pixels.length; i += 3) this.pixels.set(background, i);
    this.#coverage = new Float32Array(this.width + 2);
  }

  /** Fills an axis-aligned rectangle; edges that fall inside a pixel are blended by coverage. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    if (w <= 0 || h <= 0) return;
    const x0 = Math.max(0, x);
    const y0 = Math.max(0, y);
    const x1 = Math.min(this.width, x + w);
    const y1 = Math.min(this.height, y + h);
    for (let py = Math.floor(y0); py < Math.ceil(y1); py++) {
      const cy = Math.min(py + 1, y1) - Math.max(py, y0);
      for (let px = Math.floor(x0); px < Math.ceil(x1); px++) {
        const cx = Math.min(px + 1, x1) - Math.max(px, x0);
        this.#blend(px, py, color, cx * cy);
      }
    }
  }

  /** Fills polygons (already in pixel space) with the non-zero winding rule. */
  fill(contours: Contour[], color: Rgb): void {
    type Edge = { x0: number; y0: number; x1: number; y1: number; dir: number };
    const edges: Edge[] = [];
    let minY = Infinity;
    let maxY = -Infinity;
    let minX = Infinity;
    let maxX = -Infinity;
    for (const c of contours) {
      const n = c.length / 2;
      for (let i = 0; i < n; i++) {
        const ax = c[i * 2]!;
        const ay = c[i * 2 + 1]!;
        const bx = c[((i + 1) % n) * 2]!;
        const by = c[((i + 1) % n) * 2 + 1]!;
        minX = Math.min(minX, ax);
        maxX = Math.max(maxX, ax);
        if (ay === by) continue;
        edges.push(ay < by ? { x0: ax, y0: ay, x1: bx, y1: by, dir: 1 } : { x0: bx, y0: by, x1: ax, y1: ay, dir: -1 });
        minY = Math.min(minY, ay, by);
        maxY = Math.max(maxY, ay, by);
      }
    }
    if (edges.length === 0) return;
    const rowStart = Math.max(0, Math.floor(minY));
    const rowEnd = Math.min(this.height, Math.ceil(maxY));
    const colStart = Math.max(0, Math.floor(minX));
    const colEnd = Math.min(this.width, Math.ceil(maxX) + 1);
    const coverage = this.#coverage;
    const crossings: { x: number; dir: number }[] = [];
    for (let py = rowStart; py < rowEnd; py++) {
      coverage.fill(0, colStart, colEnd + 1);
      let touched = false;
      for (let sub = 0; sub < SUBSAMPLES; sub++) {
        const sy = py + (sub + 0.5) / SUBSAMPLES;
        crossings.length = 0;
        for (const e of edges) {
          if (sy < e.y0 || sy >= e.y1) continue;
          crossings.push({ x: e.x0 + ((sy - e.y0) * (e.x1 - e.x0)) / (e.y1 - e.y0), dir: e.dir });
        }
        if (crossings.length < 2) continue;
        crossings.sort((a, b) => a.x - b.x);
        let winding = 0;
        for (let k = 0; k < crossings.length - 1; k++) {
          winding += crossings[k]!.dir;
          if (winding === 0) continue;
          const xa = Math.max(colStart, crossings[k]!.x);
          const xb = Math.min(colEnd, crossings[k + 1]!.x);
          if (xb <= xa) continue;
          touched = true;
          for (let px = Math.floor(xa); px < Math.ceil(xb); px++) {
            const overlap = Math.min(xb, px + 1) - Math.max(xa, px);
            coverage[px] = coverage[px]! + overlap / SUBSAMPLES;
          }
        }
      }
      if (!touched) continue;
      for (let px = colStart; px < colEnd; px++) {
        const a = coverage[px]!;
        if (a > 0) this.#blend(px, py, color, Math.min(1, a));
      }
    }
  }

  #blend(px: number, py: number, color: Rgb, alpha: number): void {
    if (px < 0 || py < 0 || px >= this.width || py >= this.height || alpha <= 0) return;
    const i = (py * this.width + px) * 3;
    const p = this.pixels;
    if (alpha >= 1) {
      p[i] = color[0];
      p[i + 1] = color[1];
      p[i + 2] = color[2];
      return;
    }
    p[i] = Math.round(p[i]! * (1 - alpha) + color[0] * alpha);
    p[i + 1] = Math.round(p[i + 1]! * (1 - alpha) + color[1] * alpha);
    p[i + 2] = Math.round(p[i + 2]! * (1 - alpha) + color[2] * alpha);
  }

  /**
   * One bit a pixel, rows padded to whole bytes, 1 for black (a pixel darker than half): the
   * layout of a ZPL `^GF` graphic field.
   */
  toMonoBits(): { bytesPerRow: number; bits: Uint8Array } {
    const bytesPerRow = Math.ceil(this.width / 8);
    const bits = new Uint8Array(bytesPerRow * this.height);
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const i = (y * this.width + x) * 3;
        const luma = 0.299 * this.pixels[i]! + 0.587 * this.pixels[i + 1]! + 0.114 * this.pixels[i + 2]!;
        if (luma < 128) bits[y * bytesPerRow + (x >> 3)]! |= 0x80 >> (x & 7);
      }
    }
    return { bytesPerRow, bits };
  }

  /** A PNG (RGB, 8 bits, each row filtered with "up"). */
  toPng(dpi?: number): Buffer {
    const rowBytes = this.width * 3;
    const filtered = Buffer.alloc((rowBytes + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      const out = y * (rowBytes + 1);
      filtered[out] = 2;
      const row = y * rowBytes;
      for (let x = 0; x < rowBytes; x++) {
        const above = y === 0 ? 0 : this.pixels[row - rowBytes + x]!;
        filtered[out + 1 + x] = (this.pixels[row + x]! - above) & 0xff;
      }
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 2, 0, 0, 0], 8);
    const chunks = [chunk('IHDR', header)];
    if (dpi) {
      // pHYs: pixels per metre, so an image viewer prints it at its size.
      const phys = Buffer.alloc(9);
      const ppm = Math.round(dpi / 0.0254);
      phys.writeUInt32BE(ppm, 0);
      phys.writeUInt32BE(ppm, 4);
      phys[8] = 1;
      chunks.push(chunk('pHYs', phys));
    }
    chunks.push(chunk('IDAT', deflateSync(filtered, { level: 6 })), chunk('IEND', Buffer.alloc(0)));
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** `#rrggbb` to RGB; thermal output turns every colour but white into black. */
export function parseColor(color: string | undefined, monochrome: boolean): Rgb {
  const hex = /^#([0-9a-fA-F]{6})$/.exec(color ?? '#000000')?.[1] ?? '000000';
  const rgb: Rgb = [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
  if (!monochrome) return rgb;
  const luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  return luma > 220 ? [255, 255, 255] : [0, 0, 0];
}

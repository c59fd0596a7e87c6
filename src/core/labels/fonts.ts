import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FontKey } from '#shared/labels/model';
import type { TextMetrics } from '#shared/labels/text';
import { TrueTypeFont } from './ttf';

/**
 * The label fonts: DejaVu (Latin, Greek, Cyrillic and more; Bitstream Vera licence, in
 * `resources/fonts/LICENSE-DejaVu.txt`), shipped in `resources/fonts/` and embedded in every PDF.
 */
const FILES: Readonly<Record<FontKey, string>> = {
  sans: 'DejaVuSans.ttf',
  'sans-bold': 'DejaVuSans-Bold.ttf',
  condensed: 'DejaVuSansCondensed.ttf',
  'condensed-bold': 'DejaVuSansCondensed-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
  serif: 'DejaVuSerif.ttf',
  'serif-bold': 'DejaVuSerif-Bold.ttf',
};

export const FONT_KEYS = Object.keys(FILES) as FontKey[];

/**
 * Where `resources/` is: next to the packaged app (Electron's resourcesPath), or up from this
 * file in a checkout (src/core/labels, or out/main once built). `BENCHLINE_RESOURCES` wins.
 */
export function findResourcesDir(): string {
  const candidates: string[] = [];
  if (process.env.BENCHLINE_RESOURCES) candidates.push(process.env.BENCHLINE_RESOURCES);
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) candidates.push(join(packaged, 'resources'));
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, 'resources'));
    dir = dirname(dir);
  }
  const found = candidates.find((c) => existsSync(join(c, 'fonts', FILES.sans)));
  if (!found) throw new Error(`The label fonts were not found (looked in ${candidates.join(', ')})`);
  return resolve(found);
}

/** The fonts, read once: the bytes pdfkit embeds and the parsed fonts the layout measures with. */
export class FontSet implements TextMetrics {
  readonly dir: string;
  readonly #bytes = new Map<FontKey, Buffer>();
  readonly #fonts = new Map<FontKey, TrueTypeFont>();

  constructor(resourcesDir: string = findResourcesDir()) {
    this.dir = join(resourcesDir, 'fonts');
  }

  /** The font file as pdfkit embeds it (see `forEmbedding`). */
  bytes(key: FontKey): Buffer {
    let bytes = this.#bytes.get(key);
    if (!bytes) {
      bytes = forEmbedding(readFileSync(join(this.dir, FILES[key])));
      this.#bytes.set(key, bytes);
    }
    return bytes;
  }

  font(key: FontKey): TrueTypeFont {
    let font = this.#fonts.get(key);
    if (!font) {
      font = new TrueTypeFont(this.bytes(key));
      this.#fonts.set(key, font);
    }
    return font;
  }

  width(text: string, key: FontKey, size: number): number {
    const font = this.font(key);
    return (font.widthUnits(text) * size) / font.unitsPerEm;
  }

  ascent(key: FontKey): number {
    const font = this.font(key);
    return font.ascender / font.unitsPerEm;
  }

  descent(key: FontKey): number {
    const font = this.font(key);
    return font.descender / font.unitsPerEm;
  }
}

/** Tables a label does not need: OpenType layout (shaping, kerning) and device metrics. */
const DROPPED = new Set(['GSUB', 'GPOS', 'GDEF', 'kern', 'FFTM', 'MATH', 'hdmx', 'LTSH', 'VDMX']);

/**
 * The font without its OpenType layout tables, device metrics and glyph names (post format 3):
 * pdfkit parses and shapes DejaVu's large layout tables for every document (about 30 ms a font),
 * which alone would break the 15 ms budget of a 4×6 label. Without them pdfkit places glyphs by
 * their advance widths only — exactly what the layout measured — so a PDF line is never wider
 * than planned. Glyphs, hinting and the character map are untouched. (The Bitstream Vera
 * licence allows modified copies under a name without "Bitstream" or "Vera".)
 */
export function forEmbedding(font: Buffer): Buffer {
  const count = font.readUInt16BE(4);
  const tables: { tag: string; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const entry = 12 + i * 16;
    const tag = font.toString('latin1', entry, entry + 4);
    const offset = font.readUInt32BE(entry + 8);
    const length = font.readUInt32BE(entry + 12);
    if (DROPPED.has(tag)) continue;
    let data = font.subarray(offset, offset + length);
    if (tag === 'post') {
      data = Buffer.from(data.subarray(0, 32));
      data.writeUInt32BE(0x00030000, 0);
    }
    tables.push({ tag, checksum: checksum(data), data });
  }
  const n = tables.length;
  const header = Buffer.alloc(12 + n * 16);
  header.writeUInt32BE(font.readUInt32BE(0), 0);
  header.writeUInt16BE(n, 4);
  let power = 1;
  let log = 0;
  while (power * 2 <= n) {
    power *= 2;
    log++;
  }
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(log, 8);
  header.writeUInt16BE(n * 16 - power * 16, 10);
  let offset = header.length;
  const parts: Buffer[] = [header];
  tables.forEach((table, i) => {
    const entry = 12 + i * 16;
    header.write(table.tag, entry, 'latin1');
    header.writeUInt32BE(table.checksum, entry + 4);
    header.writeUInt32BE(offset, entry + 8);
    header.writeUInt32BE(table.data.length, entry + 12);
    const padded = Buffer.alloc((table.data.length + 3) & ~3);
    table.data.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}

function checksum(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) {
    const word = ((data[i] ?? 0) << 24) | ((data[i + 1] ?? 0) << 16) | ((data[i + 2] ?? 0) << 8) | (data[i + 3] ?? 0);
    sum = (sum + (word >>> 0)) >>> 0;
  }
  return sum;
}

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { needsSeparator, parseBracketed, ean13Digits } from '#shared/labels/gs1';
import type { BarcodeElement } from '#shared/labels/model';
import { ROOT } from './paths';

const run = promisify(execFile);

// The reader's WebAssembly from the package, not from a CDN: tests run offline.
void prepareZXingModule({
  overrides: {
    wasmBinary: readFileSync(join(ROOT, 'node_modules', 'zxing-wasm', 'dist', 'reader', 'zxing_reader.wasm')),
  },
  fireImmediately: true,
});

/** An 8-bit grey image. */
export type Gray = { width: number; height: number; data: Uint8Array };

function parsePgm(bytes: Buffer): Gray {
  // P5 <width> <height> <max>\n<data>
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.toString('latin1', 0, 64));
  if (!header) throw new Error('not a binary PGM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, data: new Uint8Array(bytes.subarray(header[0].length, header[0].length + width * height)) };
}

/** Renders each page of a PDF with poppler's pdftoppm, in grey, at a resolution. */
export async function pdfToGray(pdf: Buffer | string, dpi: number): Promise<Gray[]> {
  const dir = mkdtempSync(join(tmpdir(), 'benchline-ppm-'));
  try {
    let path = pdf as string;
    if (typeof pdf !== 'string') {
      path = join(dir, 'in.pdf');
      writeFileSync(path, pdf);
    }
    await run('pdftoppm', ['-r', String(dpi), '-gray', path, join(dir, 'page')]);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.pgm'))
      .sort()
      .map((f) => parsePgm(readFileSync(join(dir, f))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders a PDF page to a PNG file with pdftoppm, for a person to look at. */
export async function pdfToPng(pdf: string, dpi: number, prefix: string): Promise<string[]> {
  await run('pdftoppm', ['-r', String(dpi), '-png', pdf, prefix]);
  const dir = join(prefix, '..');
  const base = prefix.slice(dir.length + 1);
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${base}-`) && f.endsWith('.png'))
    .sort()
    .map((f) => join(dir, f));
}

/** An RGB raster (the core's preview renderer) as grey. */
export function rgbToGray(raster: { width: number; height: number; pixels: Uint8Array }): Gray {
  const data = new Uint8Array(raster.width * raster.height);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.round(
      0.299 * raster.pixels[i * 3]! + 0.587 * raster.pixels[i * 3 + 1]! + 0.114 * raster.pixels[i * 3 + 2]!,
    );
  }
  return { width: raster.width, height: raster.height, data };
}

/**
 * Decodes what is inside a box of a page (mm, with a margin around it for the quiet zones),
 * with zxing-cpp (zxing-wasm) in "Plain" text mode: GS1 data comes back with GS separators, as
 * a hardware scanner sends it.
 */
export async function decodeBox(
  page: Gray,
  box: { x: number; y: number; w: number; h: number },
  dpi: number,
  margin = 3,
): Promise<{ text: string; format: string; symbologyIdentifier: string }[]> {
  const px = dpi / 25.4;
  const x0 = Math.max(0, Math.floor((box.x - margin) * px));
  const y0 = Math.max(0, Math.floor((box.y - margin) * px));
  const x1 = Math.min(page.width, Math.ceil((box.x + box.w + margin) * px));
  const y1 = Math.min(page.height, Math.ceil((box.y + box.h + margin) * px));
  const width = x1 - x0;
  const height = y1 - y0;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = page.data[(y0 + y) * page.width + x0 + x]!;
      const o = (y * width + x) * 4;
      rgba[o] = rgba[o + 1] = rgba[o + 2] = v;
      rgba[o + 3] = 255;
    }
  }
  const results = await readBarcodes(
    { data: rgba, width, height, colorSpace: 'srgb' } as unknown as Parameters<typeof readBarcodes>[0],
    {
      textMode: 'Plain',
      tryHarder: true,
      maxNumberOfSymbols: 4,
    },
  );
  return results
    .filter((r) => r.isValid)
    .map((r) => ({ text: r.text, format: r.format, symbologyIdentifier: r.symbologyIdentifier }));
}

/** What a scanner reads from a barcode element: GS1 with GS separators, EAN-13 with its check digit. */
export function expectedScan(element: BarcodeElement): string {
  if (element.symbology === 'gs1-128') {
    const elements = parseBracketed(element.data);
    return elements
      .map((e, i) => e.ai + e.value + (i < elements.length - 1 && needsSeparator(e.ai) ? '\u001d' : ''))
      .join('');
  }
  if (element.symbology === 'ean13') return ean13Digits(element.data);
  return element.data;
}

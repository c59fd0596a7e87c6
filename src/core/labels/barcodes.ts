// The default export: in the ES module build, the named `raw` is the "raw" symbology, not the encoder.
import bwipjs from 'bwip-js/node';
import { ean13Digits, parseBracketed } from '#shared/labels/gs1';
import {
  dotsToMm,
  LabelLayoutError,
  mmToDots,
  moduleDots,
  type BarcodeElement,
  type Symbology,
} from '#shared/labels/model';

/** A linear symbol: bar and space widths in modules, starting with a bar. */
export type LinearSymbol = { kind: 'linear'; widths: number[]; modules: number; quietLeft: number; quietRight: number };
/** A 2D symbol: a grid of modules, row by row, 1 for dark. */
export type MatrixSymbol = { kind: 'matrix'; cols: number; rows: number; cells: Uint8Array; quiet: number };
export type EncodedSymbol = LinearSymbol | MatrixSymbol;

const QUIET: Readonly<Record<Symbology, [number, number]>> = {
  code128: [10, 10],
  'gs1-128': [10, 10],
  ean13: [11, 7],
  qr: [4, 4],
  datamatrix: [2, 2],
};

const cache = new Map<string, EncodedSymbol>();
const CACHE_SIZE = 512;

/**
 * Encodes a barcode's data into modules with bwip-js (the encoder, not its renderer: every
 * renderer draws the modules itself, on whole printer dots). Cached: command sheets and inserts
 * encode the same data again and again.
 */
export function encodeSymbol(symbology: Symbology, data: string): EncodedSymbol {
  const key = `${symbology}\u0000${data}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const symbol = encode(symbology, data);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, symbol);
  return symbol;
}

function encode(symbology: Symbology, data: string): EncodedSymbol {
  const [quietLeft, quietRight] = QUIET[symbology];
  try {
    switch (symbology) {
      case 'code128':
      case 'gs1-128':
      case 'ean13': {
        if (symbology === 'gs1-128') parseBracketed(data);
        const text = symbology === 'ean13' ? ean13Digits(data) : data;
        const [result] = bwipjs.raw({ bcid: symbology, text }) as { sbs: number[] }[];
        const widths = result!.sbs;
        return { kind: 'linear', widths, modules: widths.reduce((a, b) => a + b, 0), quietLeft, quietRight };
      }
      case 'qr':
      case 'datamatrix': {
        const [result] = bwipjs.raw(
          symbology === 'qr' ? 'qrcode' : 'datamatrix',
          data,
          symbology === 'qr' ? 'eclevel=M' : '',
        ) as {
          pixs: number[];
          pixx: number;
          pixy: number;
        }[];
        return {
          kind: 'matrix',
          cols: result!.pixx,
          rows: result!.pixy,
          cells: Uint8Array.from(result!.pixs),
          quiet: quietLeft,
        };
      }
    }
  } catch (error) {
    if (error instanceof LabelLayoutError) throw error;
    throw new LabelLayoutError(`The ${symbology} barcode cannot encode "${data}": ${(error as Error).message}`);
  }
}

/** A symbol placed on the printer's dot grid. */
export type PlacedSymbol = {
  symbol: EncodedSymbol;
  /** Top-left of the symbol (quiet zone excluded), in dots. */
  x: number;
  y: number;
  /** Module width in dots. */
  module: number;
  /** Width and height of the symbol in dots. */
  width: number;
  height: number;
};

/** Symbol width in modules, quiet zones excluded. */
export function symbolModules(symbol: EncodedSymbol): { cols: number; rows: number } {
  return symbol.kind === 'linear' ? { cols: symbol.modules, rows: 1 } : { cols: symbol.cols, rows: symbol.rows };
}

/**
 * Places a barcode in its box: the largest whole-dot module not above the one wanted, and not
 * below half of it, with which the symbol and its quiet zones fit. A barcode that does not fit
 * even then is a layout error — a squeezed barcode does not scan. `modulesWide` overrides the
 * width in modules (the ZPL renderer's own Code 128 encoding may differ from bwip-js's).
 */
export function placeSymbol(element: BarcodeElement, dpi: number, modulesWide?: number): PlacedSymbol {
  const symbol = encodeSymbol(element.symbology, element.data);
  const { cols: encodedCols, rows } = symbolModules(symbol);
  const cols = modulesWide ?? encodedCols;
  const [quietLeft, quietRight] =
    symbol.kind === 'linear' ? [symbol.quietLeft, symbol.quietRight] : [symbol.quiet, symbol.quiet];
  const boxW = mmToDots(element.w, dpi);
  const boxH = mmToDots(element.h, dpi);
  const wanted = moduleDots(element.module, dpi);
  const least = Math.max(1, Math.ceil(wanted / 2));
  for (let module = wanted; module >= least; module--) {
    const width = cols * module;
    const needed = width + (quietLeft + quietRight) * module;
    const height = symbol.kind === 'linear' ? boxH : rows * module;
    const neededH = symbol.kind === 'linear' ? 0 : height + 2 * symbol.quiet * module;
    if (needed > boxW || neededH > boxH) continue;
    const left = mmToDots(element.x, dpi);
    let x = left + quietLeft * module;
    if (element.align === 'center') x = left + Math.round((boxW - width) / 2);
    else if (element.align === 'right') x = left + boxW - quietRight * module - width;
    // A centred symbol keeps its quiet zones: the box is wide enough for both.
    x = Math.max(x, left + quietLeft * module);
    let y = mmToDots(element.y, dpi);
    if (symbol.kind === 'matrix') y += Math.round((boxH - height) / 2);
    return { symbol, x, y, module, width, height };
  }
  const neededMm = dotsToMm((cols + quietLeft + quietRight) * least, dpi);
  throw new LabelLayoutError(
    `The ${element.symbology} "${element.data}" needs ${neededMm.toFixed(1)} mm with its quiet zones at ${least} dot(s) a module; its box is ${element.w} mm wide`,
  );
}

/**
 * The dark rectangles of a placed symbol, in dots: bars of a linear symbol, and runs of dark
 * modules in each row of a 2D symbol.
 */
export function symbolRects(placed: PlacedSymbol): { x: number; y: number; w: number; h: number }[] {
  const rects: { x: number; y: number; w: number; h: number }[] = [];
  const { symbol, module } = placed;
  if (symbol.kind === 'linear') {
    let x = placed.x;
    symbol.widths.forEach((w, index) => {
      if (index % 2 === 0) rects.push({ x, y: placed.y, w: w * module, h: placed.height });
      x += w * module;
    });
    return rects;
  }
  for (let row = 0; row < symbol.rows; row++) {
    let col = 0;
    while (col < symbol.cols) {
      if (!symbol.cells[row * symbol.cols + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < symbol.cols && symbol.cells[row * symbol.cols + col]) col++;
      rects.push({ x: placed.x + start * module, y: placed.y + row * module, w: (col - start) * module, h: module });
    }
  }
  return rects;
}

import {
  BarcodeFormat,
  BinaryBitmap,
  DataMatrixReader,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatOneDReader,
  QRCodeReader,
  RGBLuminanceSource,
  type Result,
} from '@zxing/library';
import { GS } from '#shared/barcode/gs1';

/** The symbologies a bench reads with the camera (format hints: nothing else is tried). */
export const ONE_D_FORMATS = [
  BarcodeFormat.CODE_128, // Code 128 and GS1-128
  BarcodeFormat.EAN_13,
  BarcodeFormat.UPC_A,
  BarcodeFormat.EAN_8,
  BarcodeFormat.CODE_39,
  BarcodeFormat.ITF,
];

/** What the camera read, in the form every scanner input sends to the core. */
export type CameraRead = {
  /** The data; GS1 separators as GS, without AIM id or leading FNC1. */
  code: string;
  /** The AIM identifier without `]`, as a hardware scanner would have sent it. */
  symbology: string;
  format: string;
};

/**
 * @zxing/library, set up for live frames: 1D symbologies on the region of interest at full
 * resolution (thin bars need it), then QR and Data Matrix on the region at half resolution
 * (2D codes are big on a bench; a quarter of the pixels is a quarter of the time), and every
 * third frame at full resolution too, for small 2D codes. No TRY_HARDER: a frame that does not
 * decode at once is followed by another within tens of milliseconds.
 */
export class CameraDecoder {
  readonly #hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, ONE_D_FORMATS],
    // GS1-128 comes back as `]C1` + element string with GS separators.
    [DecodeHintType.ASSUME_GS1, true],
  ]);
  readonly #oneD = new MultiFormatOneDReader(this.#hints);
  readonly #qr = new QRCodeReader();
  readonly #dataMatrix = new DataMatrixReader();
  #frames = 0;

  /** Decodes one grey frame (one byte a pixel); null when no code is in it. */
  decode(luminance: Uint8ClampedArray, width: number, height: number): CameraRead | null {
    this.#frames++;
    const full = bitmap(luminance, width, height);
    const oneD = attempt(() => this.#oneD.decode(full, this.#hints));
    if (oneD) return toRead(oneD);
    const halved = halve(luminance, width, height);
    const small = bitmap(halved.data, halved.width, halved.height);
    const twoD = attempt(() => this.#qr.decode(small)) ?? attempt(() => this.#dataMatrix.decode(small));
    if (twoD) return toRead(twoD);
    if (this.#frames % 3 === 0) {
      const big = attempt(() => this.#qr.decode(full)) ?? attempt(() => this.#dataMatrix.decode(full));
      if (big) return toRead(big);
    }
    return null;
  }
}

function bitmap(luminance: Uint8ClampedArray, width: number, height: number): BinaryBitmap {
  return new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height)));
}

function attempt(read: () => Result): Result | null {
  try {
    return read();
  } catch {
    // NotFound, Checksum, Format: this frame has no readable code.
    return null;
  }
}

/** Averages 2×2 blocks. */
export function halve(luminance: Uint8ClampedArray, width: number, height: number) {
  const w = width >> 1;
  const h = height >> 1;
  const data = new Uint8ClampedArray(w * h);
  for (let y = 0; y < h; y++) {
    const row = 2 * y * width;
    for (let x = 0; x < w; x++) {
      const i = row + 2 * x;
      data[y * w + x] = (luminance[i]! + luminance[i + 1]! + luminance[i + width]! + luminance[i + width + 1]!) >> 2;
    }
  }
  return { data, width: w, height: h };
}

/** RGBA pixels (canvas ImageData) to one luminance byte a pixel, green-weighted as zxing does. */
export function luminanceOf(rgba: Uint8ClampedArray, width: number, height: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    out[i] = (rgba[p]! + 2 * rgba[p + 1]! + rgba[p + 2]!) >> 2;
  }
  return out;
}

/**
 * zxing's result as a scanner's: the AIM id a hardware scanner would send. GS1-128 arrives as
 * `]C1…` (ASSUME_GS1); a GS1 DataMatrix as a leading GS (its FNC1): both become the GS1 id and
 * the bare element string.
 */
export function toRead(result: Result): CameraRead {
  const format = result.getBarcodeFormat();
  const text = result.getText();
  const name = BarcodeFormat[format] ?? String(format);
  switch (format) {
    case BarcodeFormat.CODE_128:
      return text.startsWith(']C1')
        ? { code: text.slice(3), symbology: 'C1', format: name }
        : { code: text, symbology: 'C0', format: name };
    case BarcodeFormat.DATA_MATRIX:
      return text.startsWith(GS)
        ? { code: text.slice(1), symbology: 'd2', format: name }
        : { code: text, symbology: 'd1', format: name };
    case BarcodeFormat.EAN_13:
    case BarcodeFormat.UPC_A:
      return { code: text, symbology: 'E0', format: name };
    case BarcodeFormat.EAN_8:
      return { code: text, symbology: 'E4', format: name };
    case BarcodeFormat.CODE_39:
      return { code: text, symbology: 'A0', format: name };
    case BarcodeFormat.ITF:
      return { code: text, symbology: 'I0', format: name };
    case BarcodeFormat.QR_CODE:
      return { code: text, symbology: 'Q1', format: name };
    default:
      return { code: text, symbology: 'X0', format: name };
  }
}

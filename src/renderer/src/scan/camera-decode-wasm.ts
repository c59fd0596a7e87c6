import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { GS } from '#shared/barcode/gs1';
import type { CameraRead } from './camera-decode';

/**
 * zxing-wasm (zxing-cpp), measured against @zxing/library on the same frames (`camera.decode`
 * benchmark). Its `.wasm` is served from the app bundle, never from a CDN: an offline bench and
 * the content security policy both need that.
 */
export function prepareWasm(wasmUrl: string): void {
  prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
  });
}

const OPTIONS: ReaderOptions = {
  formats: ['Code128', 'EAN13', 'UPCA', 'EAN8', 'Code39', 'ITF', 'QRCode', 'DataMatrix'],
  tryHarder: false,
  tryRotate: false,
  tryInvert: false,
  maxNumberOfSymbols: 1,
  // Raw text with GS separators: the same input the hardware scanners give the core.
  textMode: 'Plain',
};

/** Decodes one RGBA frame; the AIM id comes from zxing-cpp itself. */
export async function decodeWasm(image: ImageData): Promise<CameraRead | null> {
  const [result] = await readBarcodes(image, OPTIONS);
  if (!result || !result.isValid) return null;
  const aim = result.symbologyIdentifier.startsWith(']') ? result.symbologyIdentifier.slice(1, 3) : 'X0';
  const text = result.text.startsWith(GS) ? result.text.slice(1) : result.text;
  return { code: text, symbology: aim, format: result.format };
}

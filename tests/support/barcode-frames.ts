import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toBuffer } from 'bwip-js/node';

const GS = '\x1d';

/** One barcode of each symbology a bench reads by camera, and what must come out of it. */
export type CameraCode = {
  name: string;
  bcid: string;
  text: string;
  options?: Record<string, unknown>;
  /** Exactly what reaches `scan.submit`. */
  expected: { code: string; symbology: string };
};

export const CAMERA_CODES: CameraCode[] = [
  { name: 'Code 128', bcid: 'code128', text: 'NW10001', expected: { code: 'NW10001', symbology: 'C0' } },
  {
    name: 'GS1-128',
    bcid: 'gs1-128',
    text: '(01)09506000134352(10)LOT7(17)271231',
    expected: { code: `0109506000134352` + `10LOT7${GS}` + `17271231`, symbology: 'C1' },
  },
  { name: 'EAN-13', bcid: 'ean13', text: '4006381333931', expected: { code: '4006381333931', symbology: 'E0' } },
  { name: 'UPC-A', bcid: 'upca', text: '036000291452', expected: { code: '036000291452', symbology: 'E0' } },
  { name: 'EAN-8', bcid: 'ean8', text: '96385074', expected: { code: '96385074', symbology: 'E4' } },
  { name: 'Code 39', bcid: 'code39', text: 'CODE39-TEST', expected: { code: 'CODE39-TEST', symbology: 'A0' } },
  {
    name: 'ITF-14',
    bcid: 'itf14',
    text: '10614141000415',
    options: { borderwidth: 0 },
    expected: { code: '10614141000415', symbology: 'I0' },
  },
  {
    name: 'QR (GS1 Digital Link)',
    bcid: 'qrcode',
    text: 'https://id.gs1.org/01/09506000134352/10/ABC',
    expected: { code: 'https://id.gs1.org/01/09506000134352/10/ABC', symbology: 'Q1' },
  },
  { name: 'Data Matrix', bcid: 'datamatrix', text: 'SN-DM-00042', expected: { code: 'SN-DM-00042', symbology: 'd1' } },
  {
    name: 'GS1 DataMatrix',
    bcid: 'gs1datamatrix',
    text: '(01)09506000134352(21)SERIAL9(10)L1',
    expected: { code: `0109506000134352` + `21SERIAL9${GS}` + `10L1`, symbology: 'd2' },
  },
];

/** The barcode as a PNG on white, with a quiet zone. */
export async function barcodePng(code: CameraCode): Promise<Buffer> {
  return toBuffer({
    bcid: code.bcid,
    text: code.text,
    scale: 3,
    height: 15,
    backgroundcolor: 'FFFFFF',
    paddingwidth: 12,
    paddingheight: 12,
    ...(code.options ?? {}),
  });
}

/**
 * Places the barcode in the middle of a white frame, enlarged by a whole factor (every module the
 * same number of pixels, as a printed label under a lens; an uneven resize breaks ITF's
 * narrow/wide bars), as large as fits in 70 % of the frame.
 */
function fit(png: Buffer, width: number, height: number): string {
  const w = png.readUInt32BE(16);
  const h = png.readUInt32BE(20);
  const k = Math.max(1, Math.floor(Math.min((width * 0.7) / w, (height * 0.7) / h)));
  return `scale=iw*${k}:ih*${k}:flags=neighbor,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=white`;
}

/** A frame (1280×720 by default) with the barcode in the middle, as raw pixels (`gray` or `rgba`). */
export function frameOf(
  png: Buffer,
  format: 'gray' | 'rgba',
  dir: string,
  name: string,
  size: { width: number; height: number } = { width: 1280, height: 720 },
): Buffer {
  const file = join(dir, `${name}.png`);
  writeFileSync(file, png);
  const args = ['-loglevel', 'error', '-i', file, '-vf', fit(png, size.width, size.height), '-f', 'rawvideo'];
  return execFileSync('ffmpeg', [...args, '-pix_fmt', format, '-'], { maxBuffer: 16 * 1024 * 1024 });
}

/** The same frame as a PNG file (small: mostly white), for pages that make ImageBitmaps of it. */
export function framePng(png: Buffer, dir: string, name: string, size = { width: 1280, height: 720 }): Buffer {
  const file = join(dir, `${name}.png`);
  writeFileSync(file, png);
  const args = ['-loglevel', 'error', '-i', file, '-vf', fit(png, size.width, size.height), '-f', 'image2'];
  return execFileSync('ffmpeg', [...args, '-vcodec', 'png', '-'], { maxBuffer: 16 * 1024 * 1024 });
}

/**
 * A `.y4m` video for Chromium's fake camera: each barcode held `seconds` in view, then a blank
 * white moment (so a code shown twice is really twice). Written frame by frame: the luminance
 * plane from ffmpeg, neutral chroma; the header says `C420` (Chromium ignores ffmpeg's own
 * `C420mpeg2` and `C420jpeg`). Chromium plays it in a loop.
 */
export function cameraVideo(
  pngs: Buffer[],
  dir: string,
  options: { seconds?: number; blank?: number; fps?: number; width?: number; height?: number } = {},
): string {
  const { seconds = 1.5, blank = 0.5, fps = 4, width = 1280, height = 720 } = options;
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const white = Buffer.concat([Buffer.alloc(width * height, 255), chroma]);
  const frame = Buffer.from('FRAME\n', 'latin1');
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420\n`, 'latin1')];
  pngs.forEach((png, index) => {
    const image = Buffer.concat([frameOf(png, 'gray', dir, `code-${index}`, { width, height }), chroma]);
    for (let i = 0; i < Math.round(seconds * fps); i++) parts.push(frame, image);
    for (let i = 0; i < Math.round(blank * fps); i++) parts.push(frame, white);
  });
  const video = join(dir, 'camera.y4m');
  writeFileSync(video, Buffer.concat(parts));
  return video;
}

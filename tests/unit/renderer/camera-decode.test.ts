import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { CameraDecoder, luminanceOf } from '../../../src/renderer/src/scan/camera-decode';
import { RecentCodes } from '../../../src/renderer/src/scan/dedupe';
import { barcodePng, CAMERA_CODES, frameOf } from '../../support/barcode-frames';
import { tempDir } from '../../support/paths';

// The decoder the camera worker runs, here in Node on frames made the way the end-to-end test
// makes its fake-camera video: bwip-js images in a 1280×720 frame (ffmpeg).
let temp: ReturnType<typeof tempDir>;
beforeAll(() => {
  temp = tempDir();
});
afterAll(() => temp.remove());

describe('camera decoding (@zxing/library, format hints, GS1 as a scanner sends it)', () => {
  it.each(CAMERA_CODES.map((c) => [c.name, c] as const))(
    '%s decodes to its exact text and AIM id',
    async (_name, code) => {
      const frame = frameOf(await barcodePng(code), 'gray', temp.dir, code.bcid);
      const decoder = new CameraDecoder();
      // 2D codes are tried at full resolution every third frame: three frames always suffice.
      let read = null;
      for (let i = 0; i < 3 && !read; i++) read = decoder.decode(new Uint8ClampedArray(frame), 1280, 720);
      expect(read && { code: read.code, symbology: read.symbology }).toEqual(code.expected);
    },
  );

  it('finds nothing in an empty frame, and reads RGBA through the same luminance', async () => {
    const decoder = new CameraDecoder();
    expect(decoder.decode(new Uint8ClampedArray(1280 * 720).fill(230), 1280, 720)).toBeNull();
    const rgba = frameOf(await barcodePng(CAMERA_CODES[2]!), 'rgba', temp.dir, 'rgba');
    const read = decoder.decode(luminanceOf(new Uint8ClampedArray(rgba), 1280, 720), 1280, 720);
    expect(read?.code).toBe('4006381333931');
  });
});

describe('the same code in view is one scan', () => {
  it('takes a code once while it stays in view, and again after it left for the window', () => {
    const recent = new RecentCodes(2500);
    const seen = [0, 100, 200, 3000, 5000].map((t) => recent.fresh('NW10001', t));
    // Held in view (each sighting renews the window): one scan; the 2.8 s gap after 200 ms: again.
    expect(seen).toEqual([true, false, false, true, false]);
    expect(recent.fresh('NW10002', 5001)).toBe(true);
    expect(recent.fresh('NW10001', 9000)).toBe(true);
  });
});

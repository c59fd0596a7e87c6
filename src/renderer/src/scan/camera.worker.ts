import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { CameraDecoder, luminanceOf, type CameraRead } from './camera-decode';
import { decodeWasm, prepareWasm } from './camera-decode-wasm';

/**
 * The camera's decoding thread: frames arrive as ImageBitmaps (transferred, not copied), are
 * cropped to the region of interest on an OffscreenCanvas and decoded here — never on the UI
 * thread. Also takes raw RGBA frames (the benchmark), and zxing-wasm as a second engine.
 */

export type Roi = { x: number; y: number; width: number; height: number };

export type WorkerRequest =
  | { type: 'frame'; id: number; bitmap: ImageBitmap; roi: Roi; engine?: Engine }
  | { type: 'pixels'; id: number; width: number; height: number; rgba: ArrayBuffer; engine?: Engine };

export type WorkerResponse =
  { type: 'result'; id: number; ms: number; read: CameraRead | null } | { type: 'error'; id: number; message: string };

type Engine = 'zxing' | 'wasm';

type WorkerScope = {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse): void;
};

const scope = self as unknown as WorkerScope;
const decoder = new CameraDecoder();
let canvas: OffscreenCanvas | null = null;
let wasmReady = false;

function imageOf(request: WorkerRequest): ImageData {
  if (request.type === 'pixels') {
    return new ImageData(new Uint8ClampedArray(request.rgba), request.width, request.height);
  }
  const { bitmap, roi } = request;
  if (!canvas || canvas.width !== roi.width || canvas.height !== roi.height)
    canvas = new OffscreenCanvas(roi.width, roi.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, roi.x, roi.y, roi.width, roi.height, 0, 0, roi.width, roi.height);
  bitmap.close();
  return context.getImageData(0, 0, roi.width, roi.height);
}

scope.onmessage = (event) => {
  const request = event.data;
  void (async () => {
    try {
      const started = performance.now();
      const image = imageOf(request);
      let read: CameraRead | null;
      if (request.engine === 'wasm') {
        if (!wasmReady) {
          prepareWasm(wasmUrl);
          wasmReady = true;
        }
        read = await decodeWasm(image);
      } else {
        read = decoder.decode(luminanceOf(image.data, image.width, image.height), image.width, image.height);
      }
      scope.postMessage({ type: 'result', id: request.id, ms: performance.now() - started, read });
    } catch (error) {
      scope.postMessage({ type: 'error', id: request.id, message: (error as Error).message });
    }
  })();
};

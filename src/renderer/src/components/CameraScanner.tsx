import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { printable } from '#shared/barcode/classify';
import type { Roi, WorkerRequest, WorkerResponse } from '../scan/camera.worker';
import { RecentCodes } from '../scan/dedupe';
import { useScanStore } from '../stores/scan';

const CAMERA_KEY = 'benchline.camera';

/** The region decoded: the middle 80 % × 70 % of the frame, drawn on the video. */
function roiOf(width: number, height: number): Roi {
  const w = Math.round(width * 0.8);
  const h = Math.round(height * 0.7);
  return { x: Math.round((width - w) / 2), y: Math.round((height - h) / 2), width: w, height: h };
}

type CameraError = { name: string; message: string };

/**
 * Scanning with a webcam: a camera picker, the live view with its region of interest, frames
 * sent one at a time to the decoding worker (a new frame only when the last is decoded, so a
 * slow decode never piles up). Each code goes to `scan.submit` like any scan — once while it
 * stays in view. The camera is released (every track stopped) when the view closes.
 */
export function CameraScanner({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const submit = useScanStore((s) => s.submit);
  const video = useRef<HTMLVideoElement>(null);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState<string>(() => localStorage.getItem(CAMERA_KEY) ?? '');
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<CameraError | null>(null);
  const [last, setLast] = useState<string | null>(null);
  const session = useRef<{ stop: () => void } | null>(null);

  const listCameras = useCallback(async () => {
    const devices = await navigator.mediaDevices.enumerateDevices();
    setCameras(devices.filter((d) => d.kind === 'videoinput'));
  }, []);

  const stop = useCallback(() => {
    session.current?.stop();
    session.current = null;
    setRunning(false);
  }, []);

  const start = useCallback(
    async (id: string) => {
      stop();
      setError(null);
      let stream: MediaStream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: {
            ...(id ? { deviceId: { exact: id } } : {}),
            width: { ideal: 1280 },
            height: { ideal: 720 },
          },
        });
      } catch (cause) {
        const failure = cause as DOMException;
        setError({ name: failure.name, message: failure.message });
        return;
      }
      const element = video.current;
      if (!element) {
        stream.getTracks().forEach((track) => track.stop());
        return;
      }
      const worker = new Worker(new URL('../scan/camera.worker.ts', import.meta.url), { type: 'module' });
      const recent = new RecentCodes();
      let live = true;
      let frameId = 0;
      let busy = false;
      let timer: ReturnType<typeof setTimeout> | null = null;

      const next = (): void => {
        if (!live) return;
        timer = setTimeout(() => void grab(), 0);
      };
      const grab = async (): Promise<void> => {
        if (!live || busy) return;
        if (element.readyState < 2 || element.videoWidth === 0) {
          timer = setTimeout(() => void grab(), 50);
          return;
        }
        busy = true;
        try {
          // createImageBitmap copies the frame off the video; the worker gets it without a copy.
          const bitmap = await createImageBitmap(element);
          if (!live) {
            bitmap.close();
            return;
          }
          const request: WorkerRequest = {
            type: 'frame',
            id: ++frameId,
            bitmap,
            roi: roiOf(element.videoWidth, element.videoHeight),
          };
          worker.postMessage(request, [bitmap]);
        } catch {
          busy = false;
          next();
        }
      };
      worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
        busy = false;
        const answer = event.data;
        if (answer.type === 'result' && answer.read && recent.fresh(answer.read.code, performance.now())) {
          setLast(answer.read.code);
          void submit(answer.read.code, 'camera', answer.read.symbology);
        }
        next();
      };

      element.srcObject = stream;
      element.muted = true;
      await element.play().catch(() => undefined);
      void listCameras();
      session.current = {
        stop: () => {
          live = false;
          if (timer !== null) clearTimeout(timer);
          worker.terminate();
          stream.getTracks().forEach((track) => track.stop());
          element.srcObject = null;
        },
      };
      setRunning(true);
      next();
    },
    [listCameras, stop, submit],
  );

  // The camera starts when the view opens and is released when it closes.
  useEffect(() => {
    const opening = setTimeout(() => {
      void listCameras();
      void start(localStorage.getItem(CAMERA_KEY) ?? '');
    }, 0);
    return () => {
      clearTimeout(opening);
      stop();
    };
  }, [listCameras, start, stop]);

  const pick = (id: string): void => {
    setCameraId(id);
    localStorage.setItem(CAMERA_KEY, id);
    // A new camera chosen while running: switch to it.
    if (running) void start(id);
  };

  const errorMessage = error
    ? ['NotAllowedError', 'NotFoundError', 'NotReadableError'].includes(error.name)
      ? t(`scanner.cameraErrors.${error.name}`)
      : t('scanner.cameraErrors.other', { message: error.message })
    : null;

  return (
    <section className="card camera-scanner" aria-labelledby="camera-title" data-testid="camera-scanner">
      <div className="row">
        <h2 id="camera-title">{t('scanner.cameraTitle')}</h2>
        <span className="header-spacer" />
        <button type="button" className="button-secondary" onClick={onClose}>
          {t('scanner.close')}
        </button>
      </div>
      <div className="row camera-controls">
        <label htmlFor="camera-pick">{t('scanner.cameraPick')}</label>
        <select id="camera-pick" className="input-big" value={cameraId} onChange={(e) => pick(e.target.value)}>
          <option value="">—</option>
          {cameras.map((camera, index) => (
            <option key={camera.deviceId || index} value={camera.deviceId}>
              {camera.label || `${t('scanner.camera')} ${index + 1}`}
            </option>
          ))}
        </select>
        {running ? (
          <button type="button" className="button-secondary" onClick={stop}>
            {t('scanner.cameraStop')}
          </button>
        ) : (
          <button type="button" className="button-primary" onClick={() => void start(cameraId)}>
            {t('scanner.cameraStart')}
          </button>
        )}
      </div>
      {errorMessage ? (
        <p className="prompt prompt-bad" role="alert" data-testid="camera-error">
          {errorMessage}
        </p>
      ) : null}
      <div className="camera-view" data-running={running ? 'true' : 'false'} data-testid="camera-view">
        <video ref={video} playsInline muted aria-label={t('scanner.cameraTitle')} />
        <div className="camera-roi" aria-hidden="true" />
      </div>
      <p className="bench-hint">{t('scanner.cameraHelp')}</p>
      <p role="status" data-testid="camera-last">
        {last ? t('scanner.cameraDecoded', { code: printable(last) }) : ''}
      </p>
    </section>
  );
}

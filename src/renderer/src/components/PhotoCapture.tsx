import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Takes one photo as evidence: the camera (getUserMedia) when there is one, an image file
 * otherwise. Hands over base64 JPEG bytes; the core stores them by their sha256. The camera is
 * released as soon as the component goes away. Used by the returns bench (grading photos) and
 * the QC bench (photo steps, defects): `id` keeps two on one page apart, `shortcut` is a
 * function key that takes the photo (shown on the button, `aria-keyshortcuts`).
 */
export function PhotoCapture({
  label,
  onPhoto,
  id = 'photo',
  shortcut,
}: {
  label: string;
  onPhoto: (base64: string) => void;
  id?: string;
  shortcut?: string;
}) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  // No camera API at all (an insecure origin, an old browser) is known before any effect runs.
  const [failed, setFailed] = useState(() => !navigator.mediaDevices);

  useEffect(() => {
    let live = true;
    let opened: MediaStream | null = null;
    void navigator.mediaDevices
      ?.getUserMedia({ video: { width: 1280, height: 720 } })
      .then((media) => {
        opened = media;
        if (!live) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        setStream(media);
        if (video.current) video.current.srcObject = media;
      })
      .catch(() => {
        if (live) setFailed(true);
      });
    return () => {
      live = false;
      opened?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  const take = useCallback((): void => {
    const element = video.current;
    if (!element || element.videoWidth === 0) return;
    const canvas = document.createElement('canvas');
    canvas.width = element.videoWidth;
    canvas.height = element.videoHeight;
    canvas.getContext('2d')?.drawImage(element, 0, 0);
    onPhoto(canvas.toDataURL('image/jpeg', 0.85).split(',')[1] ?? '');
  }, [onPhoto]);

  useEffect(() => {
    if (!shortcut) return;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== shortcut || event.shiftKey || event.ctrlKey || event.altKey) return;
      event.preventDefault();
      take();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcut, take]);

  const fromFile = (file: File | undefined): void => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      if (typeof reader.result === 'string') onPhoto(reader.result.split(',')[1] ?? '');
    };
    reader.readAsDataURL(file);
  };

  return (
    <div className="photo-capture" data-testid="photo-capture" data-capture={id}>
      <p className="lead">{label}</p>
      {!failed ? (
        <>
          <video ref={video} autoPlay playsInline muted className="photo-preview" aria-label={label} />
          <button
            type="button"
            className="button-primary"
            onClick={take}
            disabled={!stream}
            aria-keyshortcuts={shortcut}
          >
            {t('returnsBench.takePhoto')}
            {shortcut ? ` (${shortcut})` : ''}
          </button>
        </>
      ) : (
        <p>{t('returnsBench.cameraOff')}</p>
      )}
      <label htmlFor={`${id}-file`}>{t('returnsBench.chooseFile')}</label>
      <input
        id={`${id}-file`}
        type="file"
        accept="image/jpeg,image/png,image/webp"
        onChange={(e) => fromFile(e.target.files?.[0])}
      />
    </div>
  );
}

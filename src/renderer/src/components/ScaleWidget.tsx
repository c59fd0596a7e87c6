import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n/text';
import { useDevicesStore } from '../stores/devices';
import { useNoticeStore } from '../stores/notices';

/**
 * The scale's live reading on a bench that weighs (packing, returns), and "Weigh" (F6): the core
 * records its own stable reading with source `scale`. With `auto`, the bench waiting for a
 * weight takes each new stable, non-zero reading by itself. Nothing shows without a scale — the
 * bench's typed weight field remains.
 */
export function ScaleWidget({ auto }: { auto: boolean }) {
  const { t } = useTranslation();
  const scale = useDevicesStore((s) => s.scale);
  const load = useDevicesStore((s) => s.load);
  const weigh = useDevicesStore((s) => s.weigh);
  const push = useNoticeStore((s) => s.push);
  const applied = useRef<number | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  const stable = scale?.stable === true && scale.grams !== null && scale.grams > 0;

  const record = async (): Promise<void> => {
    const result = await weigh();
    if (result) {
      applied.current = result.grams;
      push('good', t('scanner.weighed', { grams: result.grams }));
    } else {
      const error = useDevicesStore.getState().lastError;
      if (error) push('bad', errorText(t, error));
    }
  };

  useEffect(() => {
    if (!auto || !stable || scale.grams === applied.current) return;
    applied.current = scale.grams;
    void record();
    // record is stable enough: it reads the store when it runs
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [auto, stable, scale?.grams]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'F6' || !scale) return;
      event.preventDefault();
      void record();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scale !== null]);

  if (!scale) return null;
  const state = stable ? t('scanner.stable') : t(`scanner.scaleStatus.${scale.status}`);
  return (
    <div className={`scale-widget ${stable ? 'scale-stable' : 'scale-unstable'}`} data-testid="scale-widget">
      <span className="status-label">{t('scanner.scale')}</span>
      <strong className="scale-grams" data-testid="scale-grams">
        {scale.grams === null ? '—' : `${scale.grams} g`}
      </strong>
      <span className="scale-state">
        {state} · {scale.display}
        {scale.tareGrams !== 0 ? ` · ${t('scanner.tare', { grams: scale.tareGrams })}` : ''}
      </span>
      <button type="button" className="button-secondary" disabled={!stable} onClick={() => void record()}>
        {t('scanner.weigh')}
      </button>
    </div>
  );
}

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bench } from '#shared/domain/roles';
import { usePrintingStore } from '../stores/printing';
import { jobStatusText, jobTone } from './LabelsPanel';

/**
 * The last label of a bench, in one line under the bench: printed, waiting, or failed and why —
 * with Labels (F7: history and preview), Reprint (F9; the REPRINT barcode does the same) and,
 * at the returns bench, the 4×6 return label of the open case.
 */
export function LastLabel({ bench, caseId = null }: { bench: Bench; caseId?: string | null }) {
  const { t } = useTranslation();
  const jobs = usePrintingStore((s) => s.jobs);
  const load = usePrintingStore((s) => s.load);
  const openPanel = usePrintingStore((s) => s.openPanel);
  const reprintLast = usePrintingStore((s) => s.reprintLast);
  const retry = usePrintingStore((s) => s.retry);
  const returnLabel = usePrintingStore((s) => s.returnLabel);
  const last = jobs.find((j) => j.bench === bench && !j.test) ?? null;

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'F7') {
        event.preventDefault();
        openPanel(bench);
      } else if (event.key === 'F9') {
        event.preventDefault();
        void reprintLast();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [bench, openPanel, reprintLast]);

  return (
    <div
      className={`last-label last-label-${last ? jobTone(last) : 'none'}`}
      data-testid="last-label"
      data-status={last?.status ?? 'none'}
    >
      <span className="last-label-text" role="status" aria-live="polite">
        {last ? (
          <>
            <strong>{t('printing.lastLabel')}</strong> {t(`printing.types.${last.labelType}`)} · {last.title} —{' '}
            {jobStatusText(t, last)}
          </>
        ) : (
          t('printing.noLabelYet')
        )}
      </span>
      <span className="row">
        {last && (last.status === 'failed' || last.status === 'held') ? (
          <button type="button" className="button-primary" onClick={() => void retry(last.id)}>
            {t('printing.retry')}
          </button>
        ) : null}
        <button type="button" className="button-secondary" onClick={() => openPanel(bench, last?.id)}>
          {t('printing.labelsKey')}
        </button>
        {last ? (
          <button type="button" className="button-secondary" onClick={() => void reprintLast()}>
            {t('printing.reprintKey')}
          </button>
        ) : null}
        {caseId ? (
          <button type="button" className="button-secondary" onClick={() => void returnLabel(caseId)}>
            {t('printing.returnLabel')}
          </button>
        ) : null}
      </span>
    </div>
  );
}

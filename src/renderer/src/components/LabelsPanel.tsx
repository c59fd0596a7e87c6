import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { PrintJobView } from '#shared/contract/printing';
import { errorText } from '../i18n/text';
import { usePrintingStore } from '../stores/printing';

/** The status of a job in words, with the error when it failed. */
export function jobStatusText(t: TFunction, job: PrintJobView): string {
  const status = t(`printing.status.${job.status}`);
  if (job.status === 'failed' && job.error) return `${status}: ${job.error}`;
  if (job.status === 'held')
    return `${status} — ${t(job.printerId ? 'printing.heldManual' : 'printing.heldNoPrinter')}`;
  return status;
}

export function jobTone(job: PrintJobView): 'good' | 'bad' | 'info' {
  if (job.status === 'printed') return 'good';
  if (job.status === 'failed') return 'bad';
  return 'info';
}

/**
 * The labels of the station: the history (newest first), each with its status, and a preview
 * of the one chosen — the PNG the core renders from the data it printed. Reprint, retry, or
 * download the PDF (a station without a printer hands it out this way). Escape closes it.
 */
export function LabelsPanel() {
  const { t } = useTranslation();
  const panel = usePrintingStore((s) => s.panel);
  const jobs = usePrintingStore((s) => s.jobs);
  const preview = usePrintingStore((s) => s.preview);
  const error = usePrintingStore((s) => s.error);
  const close = usePrintingStore((s) => s.closePanel);
  const showPreview = usePrintingStore((s) => s.showPreview);
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!panel) return;
    closeButton.current?.focus();
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape') return;
      // Before the window's own Escape (back to the benches): this one only closes the panel.
      event.stopImmediatePropagation();
      event.preventDefault();
      close();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [panel, close]);

  if (!panel) return null;
  const shown = panel.bench ? jobs.filter((j) => j.bench === panel.bench) : jobs;
  const current = preview ? (jobs.find((j) => j.id === preview.jobId) ?? null) : null;
  return (
    <div className="overlay" data-testid="labels-panel">
      <div className="dialog card" role="dialog" aria-modal="true" aria-labelledby="labels-title">
        <div className="row dialog-head">
          <h2 id="labels-title">
            {t('printing.title')}
            {panel.bench ? ` · ${t(`benches.${panel.bench}`)}` : ''}
          </h2>
          <span className="header-spacer" />
          <button ref={closeButton} type="button" className="button-secondary" onClick={close}>
            {t('printing.close')}
          </button>
        </div>
        {error ? (
          <p className="form-error" role="alert">
            {errorText(t, error)}
          </p>
        ) : null}
        <div className="labels-layout">
          <div className="table-wrap labels-history" tabIndex={0} role="region" aria-label={t('printing.history')}>
            {shown.length === 0 ? <p>{t('printing.none')}</p> : null}
            <ul className="plain-list job-list" data-testid="job-list">
              {shown.map((job) => (
                <li key={job.id}>
                  <button
                    type="button"
                    className={`job-item job-${jobTone(job)}${preview?.jobId === job.id ? ' job-selected' : ''}`}
                    aria-pressed={preview?.jobId === job.id}
                    data-job={job.id}
                    data-status={job.status}
                    onClick={() => void showPreview(job.id)}
                  >
                    <span className="job-title">
                      {t(`printing.types.${job.labelType}`)} · {job.title}
                    </span>
                    <span className="job-status">{jobStatusText(t, job)}</span>
                    <span className="job-meta">
                      {new Date(job.createdAt).toLocaleString()} · {job.printerName ?? t('printing.noPrinter')} ·{' '}
                      {job.format.toUpperCase()} {job.dpi} dpi
                      {job.reprintOf ? ` · ${t('printing.reprinted')}` : ''}
                      {job.test ? ` · ${t('printing.test')}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          <div className="labels-preview">
            {preview && current ? <PreviewPane jobId={current.id} /> : <p>{t('printing.choose')}</p>}
          </div>
        </div>
      </div>
    </div>
  );
}

function PreviewPane({ jobId }: { jobId: string }) {
  const { t } = useTranslation();
  const preview = usePrintingStore((s) => s.preview)!;
  const job = usePrintingStore((s) => s.jobs.find((j) => j.id === jobId))!;
  const showPreview = usePrintingStore((s) => s.showPreview);
  const reprint = usePrintingStore((s) => s.reprint);
  const retry = usePrintingStore((s) => s.retry);
  const download = usePrintingStore((s) => s.download);
  const waiting = job.status === 'failed' || job.status === 'held';
  return (
    <div className="stack">
      <p className={`prompt prompt-${jobTone(job)} prompt-small`} data-testid="job-status">
        {jobStatusText(t, job)}
      </p>
      <div className="row">
        {waiting ? (
          <button type="button" className="button-primary" onClick={() => void retry(job.id)}>
            {t('printing.retry')}
          </button>
        ) : null}
        <button
          type="button"
          className={waiting ? 'button-secondary' : 'button-primary'}
          onClick={() => void reprint(job.id)}
        >
          {t('printing.reprint')}
        </button>
        <button type="button" className="button-secondary" onClick={() => void download(job.id, 'pdf')}>
          {t('printing.downloadPdf')}
        </button>
        {job.format === 'zpl' ? (
          <button type="button" className="button-secondary" onClick={() => void download(job.id, 'original')}>
            {t('printing.downloadZpl')}
          </button>
        ) : null}
      </div>
      {preview.pages > 1 ? (
        <div className="row" role="group" aria-label={t('printing.pages')}>
          {Array.from({ length: preview.pages }, (_, page) => (
            <button
              key={page}
              type="button"
              className={page === preview.page ? 'button-primary' : 'button-secondary'}
              aria-pressed={page === preview.page}
              onClick={() => void showPreview(jobId, page)}
            >
              {t('printing.page', { page: page + 1 })}
            </button>
          ))}
        </div>
      ) : null}
      <img
        className="label-preview"
        data-testid="label-preview"
        src={preview.src}
        alt={t('printing.previewAlt', { title: job.title, width: preview.widthMm, height: preview.heightMm })}
        style={{ aspectRatio: `${preview.widthMm} / ${preview.heightMm}` }}
      />
    </div>
  );
}

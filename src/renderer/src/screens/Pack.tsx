import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LastLabel } from '../components/LastLabel';
import { errorText } from '../i18n/text';
import type { PackRecall } from '#shared/contract/pack';
import { usePackStore } from '../stores/packing';
import { ScaleWidget } from '../components/ScaleWidget';

/**
 * The packing bench. Driven by scans (order, items, serials, DONE/UNDO/CANCEL/CONFIRM); the
 * keyboard has F2 DONE, F3 UNDO, F4 CANCEL and a weight field for benches without a scale.
 */
export function Pack() {
  const { t } = useTranslation();
  const view = usePackStore((s) => s.view);
  const error = usePackStore((s) => s.error);
  const load = usePackStore((s) => s.load);
  const done = usePackStore((s) => s.done);
  const undo = usePackStore((s) => s.undo);
  const cancel = usePackStore((s) => s.cancel);
  const weigh = usePackStore((s) => s.weigh);
  const recalls = usePackStore((s) => s.recalls);
  const [grams, setGrams] = useState('');

  useEffect(() => {
    void load();
  }, [load]);

  const open = view?.status === 'packing';
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!open) return;
      if (event.key === 'F2') {
        event.preventDefault();
        void done();
      } else if (event.key === 'F3') {
        event.preventDefault();
        void undo();
      } else if (event.key === 'F4') {
        event.preventDefault();
        void cancel(t('pack.cancelReason'));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, done, undo, cancel, t]);

  const submitWeight = (event: FormEvent): void => {
    event.preventDefault();
    const value = Number(grams);
    if (Number.isFinite(value) && value > 0) {
      void weigh(value);
      setGrams('');
    }
  };

  if (!view) {
    return (
      <section data-screen="pack" aria-labelledby="pack-title">
        <h1 id="pack-title" className="screen-title">
          {t('benches.pack')}
        </h1>
        <Recalls recalls={recalls} />
        <p className="prompt prompt-info" data-testid="pack-prompt">
          {t('pack.scanOrder')}
        </p>
        <LastLabel bench="pack" />
      </section>
    );
  }

  const left = view.unitsExpected - view.unitsScanned;
  const status = view.stoppedBecause
    ? t(`orderStatus.${view.stoppedBecause}`, { defaultValue: view.stoppedBecause })
    : '';
  const promptTone =
    view.prompt === 'stopped' ? 'bad' : view.prompt === 'done' && view.status === 'done' ? 'good' : 'info';
  return (
    <section data-screen="pack" aria-labelledby="pack-title" data-package={view.packageId} data-status={view.status}>
      <div className="bench-head">
        <h1 id="pack-title" className="screen-title">
          {t('pack.order')} {view.orderNumber}
        </h1>
        <span className={`chip chip-${view.status}`} data-testid="pack-status">
          {t(`pack.status.${view.status}`)}
        </span>
        <span className="bench-meta">
          {view.brand}
          {view.customerFirstName ? ` · ${t('pack.customer')} ${view.customerFirstName}` : ''}
        </span>
      </div>
      <Recalls recalls={recalls} />
      <p className={`prompt prompt-${promptTone}`} data-testid="pack-prompt" data-prompt={view.prompt}>
        {view.status === 'packing' || view.prompt === 'qc'
          ? t(`pack.prompt.${view.prompt}`, { left, status })
          : t('pack.prompt.done')}
      </p>
      {view.instructions ? (
        <p className="instructions" data-testid="pack-instructions">
          <strong>{t('pack.instructions')}:</strong> {view.instructions}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <div className="bench-columns">
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="pack-title">
          <table className="table table-big" data-testid="pack-lines">
            <thead>
              <tr>
                <th scope="col">{t('pack.sku')}</th>
                <th scope="col">{t('pack.item')}</th>
                <th scope="col">{t('pack.quantity')}</th>
                <th scope="col">{t('pack.serials')}</th>
              </tr>
            </thead>
            <tbody>
              {view.lines.map((line) => {
                const complete = line.scanned >= line.quantity;
                return (
                  <tr
                    key={line.lineNo}
                    className={complete ? 'row-complete' : view.serialFor === line.lineNo ? 'row-active' : ''}
                    data-sku={line.sku}
                  >
                    <td className="mono">{line.sku}</td>
                    <td>
                      <span className="item-cell">
                        {line.imageUrl && isLocalImage(line.imageUrl) ? (
                          <img className="item-image" src={line.imageUrl} alt="" width={48} height={48} />
                        ) : null}
                        <span>{line.name}</span>
                      </span>
                    </td>
                    <td className="qty">
                      {complete ? '✓ ' : ''}
                      {line.scanned} / {line.quantity}
                    </td>
                    <td className="mono">{line.serials.join(', ')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <aside className="card side-panel" aria-label={t('pack.weight')}>
          <dl className="facts">
            <dt>{t('pack.expectedWeight')}</dt>
            <dd>{view.expectedWeightG} g</dd>
            <dt>{t('pack.weight')}</dt>
            <dd data-testid="pack-weight" className={view.weight ? `weight-${view.weight.outcome}` : ''}>
              {view.weight ? `${view.weight.grams} g — ${view.weight.explanation}` : t('pack.notWeighed')}
            </dd>
            {view.qc.required > 0 ? (
              <>
                <dt>{t('pack.qc')}</dt>
                <dd data-testid="pack-qc">{t('pack.qcSummary', view.qc)}</dd>
              </>
            ) : null}
          </dl>
          {open ? (
            <>
              <ScaleWidget auto={view.prompt === 'weight'} />
              <form className="stack" onSubmit={submitWeight}>
                <label htmlFor="weight-input">{t('pack.weighManual')}</label>
                <input
                  id="weight-input"
                  className="input-big"
                  inputMode="decimal"
                  autoComplete="off"
                  value={grams}
                  onChange={(e) => setGrams(e.target.value.replace(/[^\d.]/g, ''))}
                />
                <button type="submit" className="button-secondary" disabled={grams === ''}>
                  {t('pack.recordWeight')}
                </button>
              </form>
              <div className="row action-row">
                <button type="button" className="button-primary" aria-keyshortcuts="F2" onClick={() => void done()}>
                  {t('pack.done')}
                </button>
                <button type="button" className="button-secondary" aria-keyshortcuts="F3" onClick={() => void undo()}>
                  {t('pack.undo')}
                </button>
                <button
                  type="button"
                  className="button-secondary"
                  aria-keyshortcuts="F4"
                  onClick={() => void cancel(t('pack.cancelReason'))}
                >
                  {t('pack.cancel')}
                </button>
              </div>
            </>
          ) : null}
        </aside>
      </div>
      <LastLabel bench="pack" />
    </section>
  );
}

/**
 * Parcels packed here whose order the order system stopped afterwards: a red list at the top of
 * the bench until each is pulled back (its order scanned).
 */
function Recalls({ recalls }: { recalls: PackRecall[] }) {
  const { t } = useTranslation();
  if (recalls.length === 0) return null;
  return (
    <div className="recalls" role="alert" data-testid="pack-recalls">
      <h2>{t('pack.recalls.title', { count: recalls.length })}</h2>
      <p>{t('pack.recalls.hint')}</p>
      <ul>
        {recalls.map((r) => (
          <li key={r.packageId} data-order={r.orderNumber}>
            <strong className="mono">{r.orderNumber}</strong> —{' '}
            {t('pack.recalls.row', {
              status: t(`orderStatus.${r.orderStatus}`, { defaultValue: r.orderStatus }),
              time: new Date(r.completedAt).toLocaleString(),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Only pictures the page may show offline and under its CSP: inline data or the core's own. */
function isLocalImage(url: string): boolean {
  return url.startsWith('data:image/') || url.startsWith('/');
}

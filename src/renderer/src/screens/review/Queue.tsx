import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FLAG_STATUSES } from '#shared/contract/review';
import { errorText } from '../../i18n/text';
import { reviewService } from '../../services/review';
import { useNoticeStore } from '../../stores/notices';
import { useReviewStore, type QueueFilters } from '../../stores/review';
import { useStationStore } from '../../stores/station';
import { age, flagType, money } from './format';

const AGES = [null, 1, 24, 72, 168] as const;
const STATUSES = ['unresolved', ...FLAG_STATUSES, 'any'] as const;

/**
 * The queue of fraud flags: most severe and oldest first, filtered by status, severity, type,
 * age and station. Up and Down move between cases, Enter opens one; scanning its RMA label does
 * the same from anywhere on the review bench.
 */
export function Queue() {
  const { t, i18n } = useTranslation();
  const filters = useReviewStore((s) => s.filters);
  const items = useReviewStore((s) => s.items);
  const total = useReviewStore((s) => s.total);
  const types = useReviewStore((s) => s.types);
  const shown = useReviewStore((s) => s.shown);
  const error = useReviewStore((s) => s.error);
  const loadQueue = useReviewStore((s) => s.loadQueue);
  const setFilters = useReviewStore((s) => s.setFilters);
  const showMore = useReviewStore((s) => s.showMore);
  const openCase = useReviewStore((s) => s.openCase);
  const push = useNoticeStore((s) => s.push);
  const body = useRef<HTMLTableSectionElement>(null);

  // Read on showing, and again when sync raises or changes flags (`review.flagged`).
  const flaggedSeq = useReviewStore((s) => s.flaggedSeq);
  useEffect(() => {
    void loadQueue();
  }, [loadQueue, flaggedSeq]);

  const reevaluate = async (): Promise<void> => {
    const result = await reviewService.reevaluate();
    if (!result.ok) return push('bad', errorText(t, result.error));
    push('info', t('reviewBench.reevaluated', result.value));
    await loadQueue();
  };

  const onKey = (event: KeyboardEvent<HTMLTableSectionElement>): void => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...(body.current?.querySelectorAll<HTMLButtonElement>('button.queue-open') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };

  const select = <K extends keyof QueueFilters>(key: K, value: QueueFilters[K]): void => setFilters({ [key]: value });
  // Cases are received at this station (downloads never bring another station's records).
  const station = useStationStore((s) => s.status?.station ?? null);
  return (
    <div className="stack" data-testid="review-queue">
      <div className="row row-spread">
        <h2 id="queue-title">{t('reviewBench.queueTitle')}</h2>
        <button type="button" className="button-secondary" onClick={() => void reevaluate()}>
          {t('reviewBench.reevaluate')}
        </button>
      </div>
      <p className="hint">{t('reviewBench.scanHint')}</p>
      {error ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <div className="filters" role="group" aria-label={t('reviewBench.filters')}>
        <div className="field">
          <label htmlFor="filter-status">{t('reviewBench.status')}</label>
          <select
            id="filter-status"
            className="input-big"
            value={filters.status}
            onChange={(e) => select('status', e.target.value as QueueFilters['status'])}
          >
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`reviewBench.statuses.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-severity">{t('reviewBench.severity')}</label>
          <select
            id="filter-severity"
            className="input-big"
            value={filters.severity ?? ''}
            onChange={(e) => select('severity', (e.target.value || null) as QueueFilters['severity'])}
          >
            <option value="">{t('reviewBench.all')}</option>
            {(['high', 'medium', 'low'] as const).map((severity) => (
              <option key={severity} value={severity}>
                {t(`reviewBench.severities.${severity}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-type">{t('reviewBench.type')}</label>
          <select
            id="filter-type"
            className="input-big"
            value={filters.type ?? ''}
            onChange={(e) => select('type', e.target.value || null)}
          >
            <option value="">{t('reviewBench.all')}</option>
            {types.map((type) => (
              <option key={type} value={type}>
                {flagType(t, type)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-age">{t('reviewBench.age')}</label>
          <select
            id="filter-age"
            className="input-big"
            value={filters.olderThanHours ?? ''}
            onChange={(e) => select('olderThanHours', e.target.value === '' ? null : Number(e.target.value))}
          >
            {AGES.map((hours) => (
              <option key={hours ?? 'any'} value={hours ?? ''}>
                {hours === null ? t('reviewBench.anyAge') : t('reviewBench.olderThan', { count: hours })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-station">{t('reviewBench.station')}</label>
          <select
            id="filter-station"
            className="input-big"
            value={filters.stationId ?? ''}
            onChange={(e) => select('stationId', e.target.value || null)}
          >
            <option value="">{t('reviewBench.allStations')}</option>
            {station ? <option value={station.id}>{station.name}</option> : null}
          </select>
        </div>
      </div>
      <p data-testid="queue-count" aria-live="polite">
        {t('reviewBench.count', { count: total, shown: Math.min(shown, items.length) })}
      </p>
      {items.length === 0 ? (
        <p className="card" data-testid="queue-empty">
          {t('reviewBench.empty')}
        </p>
      ) : (
        <div className="table-wrap table-tall" tabIndex={-1} role="region" aria-labelledby="queue-title">
          <table className="table table-big queue-table" data-testid="queue-table">
            <thead>
              <tr>
                <th scope="col">{t('reviewBench.case')}</th>
                <th scope="col">{t('reviewBench.severity')}</th>
                <th scope="col">{t('reviewBench.type')}</th>
                <th scope="col">{t('reviewBench.why')}</th>
                <th scope="col">{t('reviewBench.value')}</th>
                <th scope="col">{t('reviewBench.raised')}</th>
                <th scope="col">{t('reviewBench.status')}</th>
              </tr>
            </thead>
            <tbody ref={body} onKeyDown={onKey}>
              {items.map((item) => (
                <tr key={item.flagId} data-flag={item.flagId} data-case={item.caseId} data-type={item.type}>
                  <td>
                    <button type="button" className="queue-open" onClick={() => void openCase(item.caseId)}>
                      {item.rmaNumber ?? item.orderNumber ?? t('reviewBench.noNumber')}
                    </button>
                  </td>
                  <td>
                    <span className={`chip chip-severity-${item.severity}`}>
                      {t(`reviewBench.severities.${item.severity}`)}
                    </span>
                  </td>
                  <td>{flagType(t, item.type)}</td>
                  <td className="why">
                    {item.explanation}
                    {item.stale ? <strong className="stale"> · {t('reviewBench.stale')}</strong> : null}
                  </td>
                  <td className="qty">{money(i18n.language, item.valueCents)}</td>
                  <td>{age(i18n.language, item.raisedAt)}</td>
                  <td>{t(`reviewBench.statuses.${item.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items.length < total ? (
        <button type="button" className="button-secondary" onClick={showMore}>
          {t('reviewBench.more', { count: Math.min(100, total - items.length) })}
        </button>
      ) : null}
    </div>
  );
}

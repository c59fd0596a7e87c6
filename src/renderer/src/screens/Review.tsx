import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventRecordView } from '#shared/contract/admin';
import { errorText } from '../i18n/text';
import { auditService } from '../services/audit';
import { stationService } from '../services/station';
import { useNoticeStore } from '../stores/notices';

const PAGE = 50;

/** The supervisor's audit trail: every event of this station, and a check of its hash chain. */
export function Review() {
  const { t, i18n } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const [events, setEvents] = useState<EventRecordView[]>([]);
  const [total, setTotal] = useState(0);
  const [verdict, setVerdict] = useState<string | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());

  const show = useCallback(
    (result: Awaited<ReturnType<typeof auditService.events>>, older: boolean): void => {
      if (!result.ok) {
        push('bad', errorText(t, result.error));
        return;
      }
      setEvents((previous) => (older ? [...previous, ...result.value.events] : result.value.events));
      setTotal(result.value.total);
    },
    [push, t],
  );

  useEffect(() => {
    let live = true;
    void auditService.events(PAGE).then((result) => {
      if (live) show(result, false);
    });
    return () => {
      live = false;
    };
  }, [show]);

  useEffect(() => {
    let live = true;
    void stationService.operators().then((result) => {
      if (live && result.ok) setNames(new Map(result.value.map((o) => [o.id, o.name])));
    });
    return () => {
      live = false;
    };
  }, []);

  const loadOlder = async (beforeSeq: number): Promise<void> => show(await auditService.events(PAGE, beforeSeq), true);

  const verify = async (): Promise<void> => {
    const result = await auditService.verify();
    if (!result.ok) return push('bad', errorText(t, result.error));
    const v = result.value;
    setVerdict(
      v.ok
        ? t('review.verifyOk', { count: v.checked })
        : t('review.verifyBroken', { seq: v.brokenAtSeq, reason: v.reason }),
    );
  };

  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });
  const oldest = events[events.length - 1]?.seq;
  return (
    <section data-screen="review" aria-labelledby="review-title">
      <h1 id="review-title" className="screen-title">
        {t('review.title')}
      </h1>
      <div className="row">
        <button type="button" className="button-primary" onClick={() => void verify()}>
          {t('review.verify')}
        </button>
        <span>{t('review.total', { count: total })}</span>
      </div>
      {verdict ? (
        <p className="card" role="status" data-testid="chain-verdict">
          {verdict}
        </p>
      ) : null}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="review-title">
        <table className="table" data-testid="events-table">
          <thead>
            <tr>
              <th scope="col">{t('review.seq')}</th>
              <th scope="col">{t('review.time')}</th>
              <th scope="col">{t('review.type')}</th>
              <th scope="col">{t('review.operator')}</th>
              <th scope="col">{t('review.subject')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id}>
                <td className="mono">{event.seq}</td>
                <td>{time.format(event.createdAt)}</td>
                <td className="mono">{event.type}</td>
                <td>{event.operatorId ? (names.get(event.operatorId) ?? event.operatorId) : '—'}</td>
                <td className="mono">{event.subject ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {oldest !== undefined && oldest > 1 ? (
        <button type="button" className="button-secondary" onClick={() => void loadOlder(oldest)}>
          {t('review.more')}
        </button>
      ) : null}
    </section>
  );
}

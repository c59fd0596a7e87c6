import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventRecordView } from '#shared/contract/admin';
import { errorText } from '../../i18n/text';
import { auditService } from '../../services/audit';
import { stationService } from '../../services/station';
import { useNoticeStore } from '../../stores/notices';

const PAGE = 50;

type ChainVerdict = { ok: boolean; checked: number; brokenAtSeq: number | null; reason: string | null };

/**
 * The audit trail: every event of this station, and a check of its hash chain. A broken chain
 * names the first event that does not match — shown on its own, and marked in the list.
 */
export function Audit() {
  const { t, i18n } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const [events, setEvents] = useState<EventRecordView[]>([]);
  const [total, setTotal] = useState(0);
  const [verdict, setVerdict] = useState<ChainVerdict | null>(null);
  const [broken, setBroken] = useState<EventRecordView | null>(null);
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
    setVerdict(result.value);
    setBroken(null);
    const seq = result.value.brokenAtSeq;
    if (seq !== null) {
      // The list moves to the broken event and its neighbours, newest first.
      const around = await auditService.events(PAGE, seq + 10);
      show(around, false);
      if (around.ok) setBroken(around.value.events.find((e) => e.seq === seq) ?? null);
    }
  };

  // The broken event's row, brought into view inside the list once it is there.
  const brokenSeq = verdict?.brokenAtSeq ?? null;
  useEffect(() => {
    if (brokenSeq === null) return;
    document
      .querySelector(`[data-testid="events-table"] tr[data-seq="${brokenSeq}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [brokenSeq, events]);

  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });
  const oldest = events[events.length - 1]?.seq;
  const operator = (id: string | null): string => (id ? (names.get(id) ?? id) : '—');
  return (
    <div className="stack" data-testid="audit">
      <h2 id="audit-title">{t('review.title')}</h2>
      <div className="row">
        <button type="button" className="button-primary" onClick={() => void verify()}>
          {t('review.verify')}
        </button>
        <span>{t('review.total', { count: total })}</span>
      </div>
      {verdict ? (
        <div
          className={`card ${verdict.ok ? 'card-good' : 'card-bad'}`}
          role="status"
          data-testid="chain-verdict"
          data-ok={verdict.ok ? 'true' : 'false'}
          data-broken-seq={verdict.brokenAtSeq ?? ''}
        >
          <p className="lead">
            {verdict.ok
              ? t('review.verifyOk', { count: verdict.checked })
              : t('review.verifyBroken', { seq: verdict.brokenAtSeq, reason: verdict.reason })}
          </p>
          {broken ? (
            <dl className="facts" data-testid="broken-event">
              <dt>{t('review.seq')}</dt>
              <dd className="mono">{broken.seq}</dd>
              <dt>{t('review.type')}</dt>
              <dd className="mono">{broken.type}</dd>
              <dt>{t('review.time')}</dt>
              <dd>{time.format(broken.createdAt)}</dd>
              <dt>{t('review.operator')}</dt>
              <dd>{operator(broken.operatorId)}</dd>
              <dt>{t('review.subject')}</dt>
              <dd className="mono">{broken.subject ?? '—'}</dd>
              <dt>{t('review.storedHash')}</dt>
              <dd className="mono hash">{broken.hash}</dd>
            </dl>
          ) : null}
          {!verdict.ok ? <p>{t('review.brokenHelp', { checked: verdict.checked })}</p> : null}
        </div>
      ) : null}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="audit-title">
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
            {events.map((event) => {
              const bad = verdict?.brokenAtSeq === event.seq;
              return (
                <tr
                  key={event.id}
                  className={bad ? 'row-bad' : ''}
                  data-seq={event.seq}
                  data-broken={bad ? 'true' : undefined}
                >
                  <td className="mono">{event.seq}</td>
                  <td>{time.format(event.createdAt)}</td>
                  <td className="mono">{event.type}</td>
                  <td>{operator(event.operatorId)}</td>
                  <td className="mono">{event.subject ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {oldest !== undefined && oldest > 1 ? (
        <button type="button" className="button-secondary" onClick={() => void loadOlder(oldest)}>
          {t('review.more')}
        </button>
      ) : null}
    </div>
  );
}

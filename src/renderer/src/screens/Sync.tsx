import { useTranslation } from 'react-i18next';
import { useStationStore } from '../stores/station';

/** The sync bench: state and queue. The cloud link itself arrives with enrolment. */
export function Sync() {
  const { t } = useTranslation();
  const sync = useStationStore((s) => s.status?.sync);
  return (
    <section data-screen="sync" aria-labelledby="sync-title">
      <h1 id="sync-title" className="screen-title">
        {t('sync.title')}
      </h1>
      <div className="card">
        <p className="lead">{sync ? t(`status.syncState.${sync.state}`) : '—'}</p>
        {sync?.state === 'not_enrolled' ? <p>{t('sync.notEnrolled')}</p> : null}
        <dl className="facts">
          <dt>{t('sync.queue')}</dt>
          <dd data-testid="sync-queue">{sync ? t('status.queue', { count: sync.queueDepth }) : '—'}</dd>
        </dl>
      </div>
    </section>
  );
}

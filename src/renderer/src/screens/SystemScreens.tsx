import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n/text';
import { useStationStore } from '../stores/station';

/** Shown until the core has answered: at start, and while it restarts. */
export function Connecting() {
  const { t } = useTranslation();
  const everConnected = useStationStore((s) => s.status !== null);
  return (
    <section className="system-screen" data-screen="connecting" aria-labelledby="connecting-title">
      <h1 id="connecting-title" className="screen-title">
        {t('app.name')}
      </h1>
      <p className="lead" role="status">
        {everConnected ? t('app.reconnecting') : t('app.connecting')}
      </p>
    </section>
  );
}

/** The core runs but cannot open its database — most often, one made by a newer version. */
export function DbError() {
  const { t } = useTranslation();
  const error = useStationStore((s) => s.status?.error ?? null);
  return (
    <section className="system-screen" data-screen="db-error" aria-labelledby="db-error-title">
      <h1 id="db-error-title" className="screen-title">
        {t('dbError.title')}
      </h1>
      {error ? (
        <div className="card card-bad" role="alert">
          <p className="lead">{errorText(t, error)}</p>
          <p>{error.code === 'DB_FROM_FUTURE' ? t('dbError.futureHelp') : t('dbError.otherHelp')}</p>
          <pre className="details" data-testid="db-error-details">
            {error.code}: {error.message}
          </pre>
        </div>
      ) : null}
    </section>
  );
}

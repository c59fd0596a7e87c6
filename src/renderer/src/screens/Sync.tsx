import { useEffect, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { SyncStreamView, SyncView } from '#shared/contract/sync';
import { errorText } from '../i18n/text';
import { useSessionStore } from '../stores/session';
import { useSyncStore } from '../stores/sync';

/** Re-renders every few seconds, so "waiting for 3 minutes" stays true. */
function useNow(everyMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * The Sync bench: what waits to upload (and since when), each download stream's progress, the
 * last success, errors, and the events the cloud refused. F2 syncs now. A supervisor enrols the
 * station here, by typing the code or scanning the enrolment barcode the cloud printed.
 */
export function Sync() {
  const { t } = useTranslation();
  const view = useSyncStore((s) => s.view);
  const error = useSyncStore((s) => s.error);
  const load = useSyncStore((s) => s.load);
  const syncNow = useSyncStore((s) => s.syncNow);
  const role = useSessionStore((s) => s.session?.operator?.role ?? null);

  useEffect(() => {
    void load();
  }, [load]);

  const enrolled = view?.enrolled ?? false;
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'F2' && enrolled) {
        event.preventDefault();
        void syncNow();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enrolled, syncNow]);

  const revoked = view?.lastError?.code === 'station_revoked' || view?.lastError?.code === 'unauthorized';
  return (
    <section data-screen="sync" aria-labelledby="sync-title">
      <div className="bench-head">
        <h1 id="sync-title" className="screen-title">
          {t('sync.title')}
        </h1>
        {view ? (
          <span className={`chip chip-sync-${view.state}`} data-testid="sync-state">
            {t(`status.syncState.${view.state}`)}
          </span>
        ) : null}
        {view?.company ? (
          <span className="bench-meta" data-testid="sync-company">
            {view.company.name} · {view.warehouse?.name} · {view.stationName}
          </span>
        ) : null}
        {enrolled ? (
          <button
            type="button"
            className="button-primary sync-now"
            onClick={() => void syncNow()}
            data-testid="sync-now"
          >
            {t('sync.now')} <kbd>F2</kbd>
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      {view && (!enrolled || revoked) ? <Enrol supervisor={role === 'supervisor'} revoked={revoked} /> : null}
      {view && enrolled ? <SyncDetails view={view} /> : null}
    </section>
  );
}

function SyncDetails({ view }: { view: SyncView }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' });
  const at = (value: number | null): string => (value === null ? t('sync.never') : time.format(value));
  const waited = view.queue.oldestUnsentAt === null ? null : Math.max(0, now - view.queue.oldestUnsentAt);
  return (
    <>
      <div className="sync-grid">
        <div className="card" data-testid="sync-upload">
          <h2>{t('sync.upload')}</h2>
          <p className="sync-big" data-testid="sync-queue">
            {t('status.queue', { count: view.queue.depth })}
          </p>
          <dl className="facts">
            <dt>{t('sync.oldest')}</dt>
            <dd data-testid="sync-oldest">{waited === null ? t('sync.nothingWaiting') : duration(t, waited)}</dd>
            <dt>{t('sync.photos')}</dt>
            <dd>{t('sync.photosWaiting', { count: view.files.pending })}</dd>
            <dt>{t('sync.lastSuccess')}</dt>
            <dd data-testid="sync-last-success">{at(view.lastSuccessAt)}</dd>
            <dt>{t('sync.nextAttempt')}</dt>
            <dd>{view.nextAttemptAt === null ? '—' : time.format(view.nextAttemptAt)}</dd>
            <dt>{t('sync.cloud')}</dt>
            <dd className="mono">{view.cloudUrl}</dd>
          </dl>
        </div>
        <div className="card" data-testid="sync-downloads">
          <h2>{t('sync.downloads')}</h2>
          <ul className="sync-streams">
            {view.streams.map((stream) => (
              <StreamRow key={stream.name} stream={stream} at={at} />
            ))}
          </ul>
        </div>
      </div>
      {view.lastError ? (
        <div className="card card-bad sync-error" role="alert" data-testid="sync-error">
          <h2>{t('sync.problem')}</h2>
          <p>
            <strong>{t(`sync.errors.${view.lastError.code}`, { defaultValue: t('sync.errors.other') })}</strong>{' '}
            <span className="sync-detail">{view.lastError.message}</span>
          </p>
          <p className="bench-meta">
            {t('sync.failures', { count: view.failures, time: time.format(view.lastError.at) })}
          </p>
        </div>
      ) : null}
      {view.refusedTotal > 0 ? (
        <div className="card" data-testid="sync-refused">
          <h2>{t('sync.refused', { count: view.refusedTotal })}</h2>
          <p>{t('sync.refusedHelp')}</p>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('review.seq')}</th>
                  <th scope="col">{t('review.type')}</th>
                  <th scope="col">{t('sync.status')}</th>
                  <th scope="col">{t('sync.reason')}</th>
                  <th scope="col">{t('review.time')}</th>
                </tr>
              </thead>
              <tbody>
                {view.refused.map((r) => (
                  <tr key={`${r.seq}-${r.eventId ?? ''}`}>
                    <td className="mono">{r.seq}</td>
                    <td className="mono">{r.type ?? '—'}</td>
                    <td>{t(`sync.refusal.${r.status}`)}</td>
                    <td>{r.reason}</td>
                    <td>{time.format(r.at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </>
  );
}

function StreamRow({ stream, at }: { stream: SyncStreamView; at: (value: number | null) => string }) {
  const { t } = useTranslation();
  const percent =
    stream.phase === 'live'
      ? 100
      : stream.phase === 'staging' && stream.stageTotal
        ? Math.min(99, Math.floor((stream.stageRows / Math.max(1, stream.stageTotal)) * 100))
        : 0;
  const label =
    stream.phase === 'staging'
      ? t('sync.staging', { done: stream.stageRows, total: stream.stageTotal ?? '?' })
      : stream.phase === 'never'
        ? t('sync.notYet')
        : stream.upToDate
          ? t('sync.upToDate', { count: stream.rows })
          : t('sync.catchingUp', { count: stream.rows });
  const name = t(`sync.streams.${stream.name}`);
  return (
    <li className="sync-stream" data-testid={`sync-stream-${stream.name}`} data-phase={stream.phase}>
      <div className="sync-stream-head">
        <span className="sync-stream-name">{name}</span>
        <span className={stream.upToDate ? 'sync-ok' : 'sync-pending'}>{label}</span>
      </div>
      <progress className="sync-progress" max={100} value={percent} aria-label={`${name}: ${label}`} />
      <span className="bench-meta sync-stream-time">{t('sync.lastPull', { time: at(stream.lastPullAt) })}</span>
    </li>
  );
}

/** Enrolment: the cloud's address and the one-time code, typed — or the enrolment barcode, scanned. */
function Enrol({ supervisor, revoked }: { supervisor: boolean; revoked: boolean }) {
  const { t } = useTranslation();
  const enrol = useSyncStore((s) => s.enrol);
  const busy = useSyncStore((s) => s.busy);
  const [url, setUrl] = useState('http://127.0.0.1:8787');
  const [code, setCode] = useState('');
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await enrol(url.trim(), code.trim())) setCode('');
  };
  return (
    <div className="card stack" data-testid="sync-enrol">
      <p className="lead">{revoked ? t('sync.revoked') : t('sync.notEnrolledTitle')}</p>
      <p>{t('sync.notEnrolled')}</p>
      {supervisor ? (
        <form className="form-grid" onSubmit={(e) => void submit(e)}>
          <label htmlFor="sync-url">{t('sync.cloudUrl')}</label>
          <input
            id="sync-url"
            className="input-big mono"
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <label htmlFor="sync-code">{t('sync.code')}</label>
          <input
            id="sync-code"
            className="input-big mono"
            autoComplete="off"
            required
            minLength={4}
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <span />
          <button type="submit" className="button-primary" disabled={busy} data-testid="sync-enrol-submit">
            {busy ? t('sync.enrolling') : t('sync.enrol')}
          </button>
        </form>
      ) : (
        <p className="bench-meta">{t('sync.askSupervisor')}</p>
      )}
      <p className="bench-meta">{t('sync.scanHint')}</p>
    </div>
  );
}

/** "3 min", "2 h 5 min", "40 s". */
function duration(t: TFunction, ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return t('sync.seconds', { count: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('sync.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('sync.hours', { count: hours, minutes: minutes % 60 });
  return t('sync.days', { count: Math.floor(hours / 24) });
}

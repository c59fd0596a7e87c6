import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '#shared/domain/settings';
import { setLanguage } from '../i18n/index';
import { errorText } from '../i18n/text';
import { stationService } from '../services/station';
import { useSessionStore } from '../stores/session';
import { useStationStore } from '../stores/station';
import { PinForm } from './PinForm';

/**
 * Scan a badge, then the PIN — or type them. The scan path needs no click and no focus: the
 * scanner listener sends both scans to the core, which waits for the PIN of the badge.
 */
export function Login() {
  const { t, i18n } = useTranslation();
  const session = useSessionStore((s) => s.session);
  const error = useSessionStore((s) => s.error);
  const busy = useSessionStore((s) => s.busy);
  const identify = useSessionStore((s) => s.identify);
  const demo = useStationStore((s) => s.status?.station?.demo ?? false);
  const [badge, setBadge] = useState('');
  const pending = session?.pending ?? null;

  const submitBadge = (event: FormEvent): void => {
    event.preventDefault();
    if (badge.trim()) void identify(badge.trim());
  };

  return (
    <section className="login" data-screen="login" aria-labelledby="login-title">
      <h1 id="login-title" className="screen-title">
        {t('login.title')}
      </h1>
      {pending ? (
        <PinForm title={t('login.hello', { name: pending.operatorName })} />
      ) : (
        <div className="card login-card">
          <p className="scan-prompt" aria-hidden="true">
            ▮▯▮▮▯▮▯▮▮
          </p>
          <p className="lead">{t('login.scanBadge')}</p>
          <form onSubmit={submitBadge} className="stack">
            <label htmlFor="badge-input">{t('login.orType')}</label>
            <input
              id="badge-input"
              className="input-big"
              autoComplete="off"
              spellCheck={false}
              value={badge}
              onChange={(e) => setBadge(e.target.value)}
              aria-describedby={error ? 'login-error' : undefined}
            />
            <button type="submit" className="button-primary" disabled={busy || badge.trim() === ''}>
              {t('login.continue')}
            </button>
          </form>
          {error ? (
            <p id="login-error" className="form-error" role="alert" data-testid="login-error">
              {errorText(t, error)}
            </p>
          ) : null}
        </div>
      )}
      <div className="login-side">
        <div className="card">
          <label htmlFor="language-select">{t('login.language')}</label>
          <select
            id="language-select"
            className="input-big"
            value={i18n.language}
            onChange={(e) => void setLanguage(e.target.value as Language)}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {language === 'en' ? 'English' : 'Español'}
              </option>
            ))}
          </select>
        </div>
        {demo ? <DemoCard /> : null}
      </div>
    </section>
  );
}

function DemoCard() {
  const { t } = useTranslation();
  const download = async (): Promise<void> => {
    const result = await stationService.demoSheet();
    if (!result.ok) return;
    const bytes = Uint8Array.from(atob(result.value.base64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: result.value.contentType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = result.value.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div className="card" data-testid="demo-card">
      <h2>{t('login.demoTitle')}</h2>
      <p>{t('login.demoText')}</p>
      <button type="button" className="button-secondary" onClick={() => void download()}>
        {t('login.demoSheet')}
      </button>
    </div>
  );
}

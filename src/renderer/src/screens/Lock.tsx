import { useTranslation } from 'react-i18next';
import { Icon } from '../components/Icon';
import { useSessionStore } from '../stores/session';
import { PinForm } from './PinForm';

/** The locked station: the operator's PIN (or badge then PIN) unlocks; anyone may log out. */
export function Lock() {
  const { t } = useTranslation();
  const session = useSessionStore((s) => s.session);
  const logout = useSessionStore((s) => s.logout);
  const pending = session?.pending ?? null;
  const name = session?.operator?.name ?? '';
  return (
    <section className="login" data-screen="lock" aria-labelledby="lock-title">
      <h1 id="lock-title" className="screen-title">
        <Icon name="lock" size={36} /> {t('lock.title')}
      </h1>
      {pending && pending.purpose === 'login' ? (
        <PinForm title={t('login.hello', { name: pending.operatorName })} />
      ) : (
        <PinForm title={t('lock.lockedBy', { name })} mode="unlock" />
      )}
      <div className="login-side">
        <div className="card">
          <button type="button" className="button-secondary" onClick={() => void logout()}>
            {t('lock.switch')}
          </button>
        </div>
      </div>
    </section>
  );
}

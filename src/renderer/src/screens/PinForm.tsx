import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n/text';
import { useSessionStore } from '../stores/session';

/** The PIN step, for a login or an unlock. A scanned PIN goes to the core without this form. */
export function PinForm({ title, mode = 'pending' }: { title: string; mode?: 'pending' | 'unlock' }) {
  const { t } = useTranslation();
  const error = useSessionStore((s) => s.error);
  const busy = useSessionStore((s) => s.busy);
  const submitPin = useSessionStore((s) => s.pin);
  const unlock = useSessionStore((s) => s.unlock);
  const cancel = useSessionStore((s) => s.cancel);
  const [pin, setPin] = useState('');
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
  }, []);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!/^\d{4,8}$/.test(pin)) return;
    void (mode === 'unlock' ? unlock(pin) : submitPin(pin));
    setPin('');
  };

  return (
    <div className="card login-card">
      <p className="lead" data-testid="pin-title">
        {title}
      </p>
      <form onSubmit={submit} className="stack">
        <label htmlFor="pin-input">{t('login.enterPin')}</label>
        <input
          ref={input}
          id="pin-input"
          className="input-big input-pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          aria-describedby={error ? 'pin-error' : undefined}
        />
        <div className="row">
          <button type="submit" className="button-primary" disabled={busy || pin.length < 4}>
            {mode === 'unlock' ? t('lock.unlock') : t('login.logIn')}
          </button>
          {mode === 'pending' ? (
            <button type="button" className="button-secondary" onClick={() => void cancel()}>
              {t('login.cancel')}
            </button>
          ) : null}
        </div>
      </form>
      {error ? (
        <p id="pin-error" className="form-error" role="alert" data-testid="pin-error">
          {errorText(t, error)}
        </p>
      ) : null}
    </div>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FLAG_DECISIONS, REASONS_BY_DECISION, UNRESOLVED_STATUSES, type ReviewCase } from '#shared/contract/review';
import { useReviewStore } from '../../stores/review';
import { flagType, money } from './format';

/**
 * The decision on the selected flag: clear, confirm fraud, escalate or ask for more information,
 * with a reason code that fits it and a note. By scan: `CMD:DECIDE:…`, `CMD:REASON:…`, then DONE;
 * by keyboard: the buttons, then F2. Confirming fraud on a case above the policy's value waits
 * for a second supervisor's badge and PIN — scanned, or typed here.
 */
export function Decision({ view }: { view: ReviewCase }) {
  const { t, i18n } = useTranslation();
  const draft = useReviewStore((s) => s.draft);
  const missing = useReviewStore((s) => s.missing);
  const setDraft = useReviewStore((s) => s.setDraft);
  const submit = useReviewStore((s) => s.submit);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'F2') return;
      event.preventDefault();
      void submit();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [submit]);

  if (view.pendingConfirmation) return <SecondSupervisor view={view} />;
  const open = view.flags.filter((f) => (UNRESOLVED_STATUSES as readonly string[]).includes(f.status));
  if (open.length === 0)
    return (
      <section className="card card-good" data-testid="decision-done">
        <h2>{t('reviewBench.allDecided')}</h2>
      </section>
    );
  const flag = view.flags.find((f) => f.flagId === draft.flagId);
  const reasons = draft.decision ? REASONS_BY_DECISION[draft.decision] : [];
  const needsSecond =
    draft.decision === 'confirm' &&
    view.secondSupervisorAboveCents !== null &&
    view.valueCents > view.secondSupervisorAboveCents;

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void submit();
  };

  return (
    <form className="card stack decision" onSubmit={onSubmit} data-testid="decision" aria-labelledby="decision-title">
      <h2 id="decision-title">
        {t('reviewBench.decision')}
        {flag ? `: ${flagType(t, flag.type)}` : ''}
      </h2>
      <fieldset className="decision-buttons">
        <legend>{t('reviewBench.decisionLegend')}</legend>
        {FLAG_DECISIONS.map((decision) => (
          <button
            key={decision}
            type="button"
            className={`button-decision decision-${decision}`}
            aria-pressed={draft.decision === decision}
            data-decision={decision}
            onClick={() => setDraft({ decision })}
          >
            {t(`reviewBench.decisions.${decision}`)}
            <span className="answer-code">CMD:DECIDE:{decision.toUpperCase()}</span>
          </button>
        ))}
      </fieldset>
      <label htmlFor="decision-reason">{t('reviewBench.reason')}</label>
      <select
        id="decision-reason"
        className="input-big"
        value={draft.reason ?? ''}
        disabled={!draft.decision}
        onChange={(e) => setDraft({ reason: (e.target.value || null) as typeof draft.reason })}
      >
        <option value="">{draft.decision ? t('reviewBench.chooseReason') : t('reviewBench.decideFirst')}</option>
        {reasons.map((reason) => (
          <option key={reason} value={reason}>
            {t(`reviewBench.reasons.${reason}`)} (CMD:REASON:{reason})
          </option>
        ))}
      </select>
      <label htmlFor="decision-note">{t('reviewBench.note')}</label>
      <textarea
        id="decision-note"
        className="input-big"
        rows={3}
        maxLength={2000}
        value={draft.note}
        onChange={(e) => setDraft({ note: e.target.value })}
      />
      {needsSecond ? (
        <p className="prompt prompt-info" data-testid="needs-second">
          {t('reviewBench.needsSecond', {
            value: money(i18n.language, view.valueCents, view.currency),
            threshold: money(i18n.language, view.secondSupervisorAboveCents ?? 0, view.currency),
          })}
        </p>
      ) : null}
      {missing ? (
        <p className="form-error" role="alert" data-testid="decision-missing">
          {t(`reviewBench.missing.${missing}`)}
        </p>
      ) : null}
      <button type="submit" className="button-primary" data-testid="decision-submit">
        {needsSecond ? t('reviewBench.askSecond') : t('reviewBench.record')}
      </button>
    </form>
  );
}

function SecondSupervisor({ view }: { view: ReviewCase }) {
  const { t, i18n } = useTranslation();
  const decideWithSecond = useReviewStore((s) => s.decideWithSecond);
  const cancelSecond = useReviewStore((s) => s.cancelSecond);
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  const pending = view.pendingConfirmation!;
  const flag = view.flags.find((f) => f.flagId === pending.flagId);
  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void decideWithSecond(badge, pin);
    setPin('');
  };
  return (
    <form className="card stack card-info" onSubmit={onSubmit} data-testid="second-supervisor">
      <h2>{t('reviewBench.secondTitle')}</h2>
      <p>
        {t('reviewBench.secondWhat', {
          type: flag ? flagType(t, flag.type) : '',
          reason: t(`reviewBench.reasons.${pending.reason}`),
          value: money(i18n.language, view.valueCents, view.currency),
        })}
      </p>
      <p className="prompt prompt-info" data-testid="second-prompt">
        {pending.secondSupervisor
          ? t('reviewBench.secondPin', { name: pending.secondSupervisor })
          : t('reviewBench.secondScan')}
      </p>
      <label htmlFor="second-badge">{t('login.badgeLabel')}</label>
      <input
        id="second-badge"
        className="input-big"
        autoComplete="off"
        value={badge}
        onChange={(e) => setBadge(e.target.value)}
      />
      <label htmlFor="second-pin">{t('login.pinLabel')}</label>
      <input
        id="second-pin"
        className="input-big input-pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        value={pin}
        onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
      />
      <div className="row">
        <button type="submit" className="button-primary" disabled={!badge || pin.length < 4}>
          {t('reviewBench.confirmWithSecond')}
        </button>
        <button type="button" className="button-secondary" onClick={() => void cancelSecond()}>
          {t('reviewBench.cancelSecond')}
        </button>
      </div>
    </form>
  );
}

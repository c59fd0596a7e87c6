import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { QcView } from '#shared/contract/pack';
import { LastLabel } from '../components/LastLabel';
import { errorText } from '../i18n/text';
import { useQcStore } from '../stores/packing';

/** The QC bench: the inspection of the scanned parcel, step by step, its defects, and the holds. */
export function Qc() {
  const { t } = useTranslation();
  const view = useQcStore((s) => s.view);
  const holds = useQcStore((s) => s.holds);
  const error = useQcStore((s) => s.error);
  const load = useQcStore((s) => s.load);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section data-screen="qc" aria-labelledby="qc-title">
      <h1 id="qc-title" className="screen-title">
        {t('benches.qc')}
      </h1>
      {error ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      {view ? (
        <Inspection view={view} />
      ) : (
        <p className="prompt prompt-info" data-testid="qc-prompt">
          {t('qc.scanOrder')}
        </p>
      )}
      <LastLabel bench="qc" />
      <div className="card" data-testid="qc-holds">
        <h2>{t('qc.holds')}</h2>
        {holds.length === 0 ? (
          <p>{t('qc.noHolds')}</p>
        ) : (
          <>
            <p>{t('qc.holdHint')}</p>
            <ul className="plain-list">
              {holds.map((hold) => (
                <li key={hold.packageId} data-testid="qc-hold">
                  <strong>{hold.orderNumber}</strong> —{' '}
                  {hold.defects.map((d) => `${d.code} (${t(`qc.severities.${d.severity}`)})`).join(', ')}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}

function Inspection({ view }: { view: QcView }) {
  const { t } = useTranslation();
  const measure = useQcStore((s) => s.measure);
  const note = useQcStore((s) => s.note);
  const current = view.steps.find((s) => s.id === view.currentStep) ?? null;
  const [value, setValue] = useState('');

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!current || value.trim() === '') return;
    if (current.type === 'measurement') {
      const number = Number(value.replace(',', '.'));
      if (Number.isFinite(number)) void measure(current.id, number);
    } else if (current.type === 'note') {
      void note(current.id, value.trim());
    }
    setValue('');
  };

  return (
    <>
      <div className="bench-head">
        <p className="lead" data-testid="qc-unit">
          {t('qc.inspecting', { number: view.orderNumber, unit: view.unitNo, sku: view.sku, name: view.productName })}
        </p>
        <span className="bench-meta">
          {t('qc.checklist', {
            name: view.checklist.name,
            version: view.checklist.version,
            onFail: t(`qc.onFail.${view.checklist.onFail}`),
          })}{' '}
          · {t('qc.round', { round: view.round })}
        </span>
      </div>
      {current ? (
        <p className="prompt prompt-info" data-testid="qc-prompt" data-step={current.id}>
          {current.text} — {t(`qc.scanHint.${current.type}`)}
        </p>
      ) : null}
      <div className="bench-columns">
        <ol className="steps" data-testid="qc-steps">
          {view.steps.map((step) => (
            <li
              key={step.id}
              className={`step step-${step.status}${step.id === view.currentStep ? ' step-current' : ''}`}
            >
              <span className="step-status">{t(`qc.stepStatus.${step.status}`)}</span>
              <span>{step.text}</span>
              {step.status !== 'missing' ? <span className="step-detail">{step.detail}</span> : null}
            </li>
          ))}
        </ol>
        <aside className="card side-panel">
          {current && (current.type === 'measurement' || current.type === 'note') ? (
            <form className="stack" onSubmit={submit}>
              <label htmlFor="qc-value">
                {current.type === 'measurement'
                  ? t('qc.measurement', { unit: current.unit, nominal: current.nominal, tolerance: current.tolerance })
                  : t('qc.note')}
              </label>
              <input
                id="qc-value"
                className="input-big"
                inputMode={current.type === 'measurement' ? 'decimal' : 'text'}
                autoComplete="off"
                value={value}
                onChange={(e) => setValue(e.target.value)}
              />
              <button type="submit" className="button-primary" disabled={value.trim() === ''}>
                {t('qc.record')}
              </button>
            </form>
          ) : null}
          <DefectForm />
          <h2>{t('qc.defects')}</h2>
          {view.defects.length === 0 ? (
            <p>{t('qc.noDefects')}</p>
          ) : (
            <ul className="plain-list" data-testid="qc-defects">
              {view.defects.map((defect, index) => (
                <li key={`${defect.code}-${index}`}>
                  <strong>{defect.code}</strong> ({t(`qc.severities.${defect.severity}`)})
                  {defect.note ? ` — ${defect.note}` : ''}
                </li>
              ))}
            </ul>
          )}
          {view.remainingUnits > 0 ? <p>{t('qc.remaining', { count: view.remainingUnits })}</p> : null}
        </aside>
      </div>
    </>
  );
}

function DefectForm() {
  const { t, i18n } = useTranslation();
  const codes = useQcStore((s) => s.defectCodes);
  const logDefect = useQcStore((s) => s.logDefect);
  const [code, setCode] = useState('');
  const [severity, setSeverity] = useState<'minor' | 'major' | 'critical'>('major');
  const [text, setText] = useState('');
  const language = i18n.language === 'es' ? 'es' : 'en';

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!code) return;
    void logDefect(code, severity, text.trim());
    setText('');
  };

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="defect-title">
      <h2 id="defect-title">{t('qc.logDefect')}</h2>
      <label htmlFor="defect-code">{t('qc.defectCode')}</label>
      <select
        id="defect-code"
        className="input-big"
        value={code}
        onChange={(e) => {
          setCode(e.target.value);
          const listed = codes.find((c) => c.code === e.target.value);
          if (listed) setSeverity(listed.severity);
        }}
      >
        <option value="">—</option>
        {codes.map((c) => (
          <option key={c.code} value={c.code}>
            {c.code} — {c.label[language]}
          </option>
        ))}
      </select>
      <label htmlFor="defect-severity">{t('qc.severity')}</label>
      <select
        id="defect-severity"
        className="input-big"
        value={severity}
        onChange={(e) => setSeverity(e.target.value as typeof severity)}
      >
        {(['minor', 'major', 'critical'] as const).map((s) => (
          <option key={s} value={s}>
            {t(`qc.severities.${s}`)}
          </option>
        ))}
      </select>
      <label htmlFor="defect-note">{t('qc.note')}</label>
      <input
        id="defect-note"
        className="input-big"
        autoComplete="off"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="button-secondary" disabled={!code}>
        {t('qc.logDefect')}
      </button>
    </form>
  );
}

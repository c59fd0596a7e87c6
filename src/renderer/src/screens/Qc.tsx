import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { QcView } from '#shared/contract/pack';
import { LastLabel } from '../components/LastLabel';
import { PhotoCapture } from '../components/PhotoCapture';
import { errorText } from '../i18n/text';
import { useQcStore } from '../stores/packing';
import { useScanStore } from '../stores/scan';
import { QC_COMMAND_KEYS, QC_PHOTO_KEY, qcCommandCode, qcCommandOf, type QcCommand } from './qc-keys';

/**
 * The QC bench: the inspection of the scanned parcel, step by step, its defects, and the holds.
 * Driven by scans (the order, PASS/FAIL/DONE/SKIP, RELEASE/REJECT); the keyboard mirrors each
 * command — a key or a button sends the same command barcode — and F6 takes a step's photo.
 */
export function Qc() {
  const { t } = useTranslation();
  const view = useQcStore((s) => s.view);
  const holds = useQcStore((s) => s.holds);
  const error = useQcStore((s) => s.error);
  const load = useQcStore((s) => s.load);
  const submit = useScanStore((s) => s.submit);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const command = qcCommandOf(event);
      if (!command) return;
      event.preventDefault();
      void submit(qcCommandCode(command), 'manual');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [submit]);

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

/** The commands that fit where the inspection stands, as buttons showing their keys. */
function Commands({ view }: { view: QcView }) {
  const { t } = useTranslation();
  const submit = useScanStore((s) => s.submit);
  const current = view.steps.find((s) => s.id === view.currentStep) ?? null;
  const shown: QcCommand[] = [];
  if (current?.type === 'instruction') shown.push('done');
  if (current?.type === 'pass_fail') shown.push('pass', 'fail');
  if (current && !current.required) shown.push('skip');
  // A re-inspection is of a held parcel: the inspector may decide without finishing it.
  if (view.round > 1) shown.push('release', 'reject');
  if (shown.length === 0) return null;
  return (
    <div className="row action-row qc-commands" role="group" aria-label={t('qc.actions')} data-testid="qc-commands">
      {shown.map((command) => (
        <button
          key={command}
          type="button"
          className={command === 'pass' || command === 'done' ? 'button-primary' : 'button-secondary'}
          aria-keyshortcuts={QC_COMMAND_KEYS[command]}
          data-command={command}
          onClick={() => void submit(qcCommandCode(command), 'manual')}
        >
          {t(`qc.keys.${command}`)}
        </button>
      ))}
    </div>
  );
}

function Inspection({ view }: { view: QcView }) {
  const { t } = useTranslation();
  const measure = useQcStore((s) => s.measure);
  const note = useQcStore((s) => s.note);
  const stepPhoto = useQcStore((s) => s.stepPhoto);
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
        <p className="prompt prompt-info" data-testid="qc-prompt" data-step={current.id} data-type={current.type}>
          {current.text} — {t(`qc.scanHint.${current.type}`)}
          {current.required ? '' : ` ${t('qc.optionalHint')}`}
        </p>
      ) : null}
      <Commands view={view} />
      <div className="bench-columns">
        <div className="stack">
          <ol className="steps" data-testid="qc-steps">
            {view.steps.map((step) => (
              <li
                key={step.id}
                className={`step step-${step.status}${step.id === view.currentStep ? ' step-current' : ''}`}
                data-step={step.id}
                data-status={step.status}
              >
                <span className="step-status">{t(`qc.stepStatus.${step.status}`)}</span>
                <span>{step.text}</span>
                {step.detail ? <span className="step-detail">{step.detail}</span> : null}
              </li>
            ))}
          </ol>
          {current?.type === 'photo' ? (
            // Keyed by step: a new step gets a fresh camera view.
            <PhotoCapture
              key={`${view.inspectionId}-${current.id}`}
              id="qc-step-photo"
              shortcut={QC_PHOTO_KEY}
              label={t('qc.photoStep', { step: current.text })}
              onPhoto={(base64) => void stepPhoto(current.id, base64)}
            />
          ) : null}
        </div>
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
          <DefectForm cameraBusy={current?.type === 'photo'} />
          <h2>{t('qc.defects')}</h2>
          {view.defects.length === 0 ? (
            <p>{t('qc.noDefects')}</p>
          ) : (
            <ul className="plain-list" data-testid="qc-defects">
              {view.defects.map((defect, index) => (
                <li key={`${defect.code}-${index}`} data-photo={defect.photoSha256 ?? ''}>
                  <strong>{defect.code}</strong> ({t(`qc.severities.${defect.severity}`)})
                  {defect.note ? ` — ${defect.note}` : ''}
                  {defect.photoSha256 ? ` · ${t('qc.withPhoto')} ${defect.photoSha256.slice(0, 8)}` : ''}
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

/**
 * Logs a defect: code, severity, note, and a photo taken on demand ("Add a photo"; the camera
 * opens only then — not while a photo step already has it open).
 */
function DefectForm({ cameraBusy }: { cameraBusy: boolean }) {
  const { t, i18n } = useTranslation();
  const codes = useQcStore((s) => s.defectCodes);
  const logDefect = useQcStore((s) => s.logDefect);
  const storePhoto = useQcStore((s) => s.storePhoto);
  const [code, setCode] = useState('');
  const [severity, setSeverity] = useState<'minor' | 'major' | 'critical'>('major');
  const [text, setText] = useState('');
  const [capturing, setCapturing] = useState(false);
  const [photo, setPhoto] = useState<string | null>(null);
  const language = i18n.language === 'es' ? 'es' : 'en';

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!code) return;
    void logDefect(code, severity, text.trim(), photo);
    setText('');
    setPhoto(null);
    setCapturing(false);
  };

  const took = async (base64: string): Promise<void> => {
    const sha256 = await storePhoto(base64);
    if (sha256) {
      setPhoto(sha256);
      setCapturing(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="defect-title" data-testid="qc-defect-form">
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
      {photo ? (
        <p data-testid="qc-defect-photo" data-sha256={photo}>
          {t('qc.photoAttached', { sha: photo.slice(0, 12) })}{' '}
          <button type="button" className="button-secondary" onClick={() => setPhoto(null)}>
            {t('qc.removePhoto')}
          </button>
        </p>
      ) : capturing && !cameraBusy ? (
        <PhotoCapture id="qc-defect-photo" label={t('qc.defectPhoto')} onPhoto={(base64) => void took(base64)} />
      ) : (
        <button
          type="button"
          className="button-secondary"
          data-testid="qc-add-photo"
          disabled={cameraBusy}
          onClick={() => setCapturing(true)}
        >
          {t('qc.addPhoto')}
        </button>
      )}
      <button type="submit" className="button-secondary" disabled={!code}>
        {t('qc.logDefect')}
      </button>
    </form>
  );
}

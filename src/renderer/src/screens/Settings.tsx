import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language, type Settings as StationSettings } from '#shared/domain/settings';
import type { MethodOutput } from '#shared/contract/index';
import { errorText } from '../i18n/text';
import { stationService } from '../services/station';
import { useNoticeStore } from '../stores/notices';
import { useStationStore } from '../stores/station';
import { PrintersSection } from './PrintersSettings';
import { ScannerSettings } from './ScannerSettings';

type Operators = MethodOutput<'operators.list'>;

/** Station settings and the operator list: supervisors only (the core enforces it). */
export function Settings() {
  const { t } = useTranslation();
  const current = useStationStore((s) => s.status?.settings ?? null);
  return (
    <section data-screen="settings" aria-labelledby="settings-title">
      <h1 id="settings-title" className="screen-title">
        {t('settings.title')}
      </h1>
      {/* A new key when the settings change elsewhere: the form starts again from them. */}
      {current ? <SettingsForm key={JSON.stringify(current)} initial={current} /> : null}
      <ScannerSettings />
      <OperatorList />
      <PrintersSection />
    </section>
  );
}

function SettingsForm({ initial }: { initial: StationSettings }) {
  const { t } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const [draft, setDraft] = useState<StationSettings>(initial);

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    // Scanner settings have their own form (Settings → Scanners).
    const { scanner: _scanner, ...rest } = draft;
    const result = await stationService.updateSettings(rest);
    if (result.ok) push('good', t('settings.saved'));
    else push('bad', errorText(t, result.error));
  };

  const number = (value: string, fallback: number): number =>
    Number.isFinite(Number(value)) && value !== '' ? Number(value) : fallback;

  return (
    <form className="card form-grid" onSubmit={(e) => void save(e)}>
      <label htmlFor="idle-lock">{t('settings.idleLock')}</label>
      <input
        id="idle-lock"
        className="input-big"
        type="number"
        min={5}
        max={86400}
        value={draft.idleLockSeconds}
        onChange={(e) => setDraft({ ...draft, idleLockSeconds: number(e.target.value, draft.idleLockSeconds) })}
      />
      <label htmlFor="station-language">{t('settings.language')}</label>
      <select
        id="station-language"
        className="input-big"
        value={draft.language}
        onChange={(e) => setDraft({ ...draft, language: e.target.value as Language })}
      >
        {LANGUAGES.map((language) => (
          <option key={language} value={language}>
            {language === 'en' ? 'English' : 'Español'}
          </option>
        ))}
      </select>
      <label htmlFor="sounds">{t('settings.sounds')}</label>
      <input
        id="sounds"
        className="checkbox-big"
        type="checkbox"
        checked={draft.sounds}
        onChange={(e) => setDraft({ ...draft, sounds: e.target.checked })}
      />
      <label htmlFor="regrade-percent">{t('settings.regradePercent')}</label>
      <input
        id="regrade-percent"
        className="input-big"
        type="number"
        min={0}
        max={100}
        step={1}
        value={draft.regradePercent}
        onChange={(e) =>
          setDraft({
            ...draft,
            regradePercent: Math.min(100, Math.max(0, number(e.target.value, draft.regradePercent))),
          })
        }
      />
      <span />
      <button type="submit" className="button-primary">
        {t('settings.save')}
      </button>
    </form>
  );
}

function OperatorList() {
  const { t } = useTranslation();
  const [operators, setOperators] = useState<Operators>([]);

  useEffect(() => {
    let live = true;
    void stationService.operators().then((result) => {
      if (live && result.ok) setOperators(result.value);
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <div className="card">
      <h2 id="operators-title">{t('settings.operators')}</h2>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="operators-title">
        <table className="table" data-testid="operators-table">
          <thead>
            <tr>
              <th scope="col">{t('settings.name')}</th>
              <th scope="col">{t('settings.role')}</th>
              <th scope="col">{t('settings.badge')}</th>
              <th scope="col">{t('settings.active')}</th>
            </tr>
          </thead>
          <tbody>
            {operators.map((operator) => (
              <tr key={operator.id}>
                <td>{operator.name}</td>
                <td>{t(`roles.${operator.role}`)}</td>
                <td className="mono">{operator.badge}</td>
                <td>{operator.active ? t('settings.yes') : t('settings.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { classifyScan, describeReading, printable, type Classification } from '#shared/barcode/classify';
import { SCANNER_LAYOUTS, type ScannerSettings as ScannerSettingsValue } from '#shared/domain/settings';
import { errorText } from '../i18n/text';
import { calibrate, calibratedSettings, type CalibrationResult } from '../scan/calibration';
import { stationWedge } from '../scan/station';
import type { KeyRecord, WedgeScan } from '../scan/wedge';
import { devicesService } from '../services/devices';
import { stationService } from '../services/station';
import { useDevicesStore } from '../stores/devices';
import { useNoticeStore } from '../stores/notices';
import { useStationStore } from '../stores/station';

/** The time a calibration is stamped with (an event handler's, not a render's). */
function wallClock(): number {
  return Date.now();
}

/** How many keys the test area keeps on screen. */
const KEYS_SHOWN = 40;

/**
 * Settings → Scanners (supervisors): which scanners the station reads, the wedge timing and
 * affixes, calibration from test scans, a test area with the raw keys and what they decode to,
 * the HID devices and the scale.
 */
export function ScannerSettings() {
  const { t } = useTranslation();
  const scanner = useStationStore((s) => s.status?.settings?.scanner ?? null);
  const [diverted, setDiverted] = useState<'calibration' | 'test' | null>(null);

  // Scans go back to the bench when the page closes, whatever was running.
  useEffect(() => () => stationWedge()?.divert(null), []);

  return (
    <section
      className="scanner-settings stack"
      aria-labelledby="scanners-title"
      data-testid="scanner-settings"
      data-layout={scanner?.layout}
    >
      <h2 id="scanners-title">{t('scanner.title')}</h2>
      <p className="bench-hint">{t('scanner.intro')}</p>
      {scanner ? <ScannerForm key={JSON.stringify(scanner)} initial={scanner} /> : null}
      <div className="scanner-grid">
        <Calibration active={diverted === 'calibration'} setActive={(on) => setDiverted(on ? 'calibration' : null)} />
        <TestArea active={diverted === 'test'} setActive={(on) => setDiverted(on ? 'test' : null)} />
      </div>
      <Devices />
    </section>
  );
}

function ScannerForm({ initial }: { initial: ScannerSettingsValue }) {
  const { t } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const [draft, setDraft] = useState(initial);
  const number = (value: string, fallback: number): number =>
    Number.isFinite(Number(value)) && value !== '' ? Number(value) : fallback;

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await stationService.updateSettings({ scanner: draft });
    if (result.ok) push('good', t('settings.saved'));
    else push('bad', errorText(t, result.error));
  };

  return (
    <form className="card form-grid" onSubmit={(e) => void save(e)} data-testid="scanner-form">
      <label htmlFor="scanner-mode">{t('scanner.mode')}</label>
      <select
        id="scanner-mode"
        className="input-big"
        value={draft.mode}
        onChange={(e) => setDraft({ ...draft, mode: e.target.value as ScannerSettingsValue['mode'] })}
      >
        {(['both', 'wedge', 'hid'] as const).map((mode) => (
          <option key={mode} value={mode}>
            {t(`scanner.modes.${mode}`)}
          </option>
        ))}
      </select>
      <label htmlFor="scanner-layout">{t('scanner.layout')}</label>
      <select
        id="scanner-layout"
        className="input-big"
        aria-describedby="scanner-layout-help"
        value={draft.layout}
        onChange={(e) => setDraft({ ...draft, layout: e.target.value as ScannerSettingsValue['layout'] })}
      >
        {SCANNER_LAYOUTS.map((layout) => (
          <option key={layout} value={layout}>
            {t(`scanner.layouts.${layout}`)}
          </option>
        ))}
      </select>
      <p id="scanner-layout-help" className="hint form-grid-title">
        {t('scanner.layoutHelp')}
      </p>
      <label htmlFor="scanner-gap">{t('settings.scannerGap')}</label>
      <input
        id="scanner-gap"
        className="input-big"
        type="number"
        min={1}
        max={300}
        value={draft.maxInterKeyMs}
        onChange={(e) => setDraft({ ...draft, maxInterKeyMs: number(e.target.value, draft.maxInterKeyMs) })}
      />
      <label htmlFor="scanner-min">{t('settings.scannerMin')}</label>
      <input
        id="scanner-min"
        className="input-big"
        type="number"
        min={1}
        max={64}
        value={draft.minLength}
        onChange={(e) => setDraft({ ...draft, minLength: number(e.target.value, draft.minLength) })}
      />
      <label htmlFor="scanner-terminator">{t('settings.terminator')}</label>
      <select
        id="scanner-terminator"
        className="input-big"
        value={draft.terminator}
        onChange={(e) => setDraft({ ...draft, terminator: e.target.value as ScannerSettingsValue['terminator'] })}
      >
        {(['either', 'enter', 'tab'] as const).map((terminator) => (
          <option key={terminator} value={terminator}>
            {t(`settings.terminators.${terminator}`)}
          </option>
        ))}
      </select>
      <label htmlFor="scanner-prefix">{t('scanner.prefix')}</label>
      <input
        id="scanner-prefix"
        className="input-big mono"
        maxLength={8}
        autoComplete="off"
        value={draft.prefix}
        onChange={(e) => setDraft({ ...draft, prefix: e.target.value })}
      />
      <label htmlFor="scanner-suffix">{t('scanner.suffix')}</label>
      <input
        id="scanner-suffix"
        className="input-big mono"
        maxLength={8}
        autoComplete="off"
        value={draft.suffix}
        onChange={(e) => setDraft({ ...draft, suffix: e.target.value })}
      />
      <label htmlFor="scanner-aim">{t('scanner.aim')}</label>
      <select
        id="scanner-aim"
        className="input-big"
        value={draft.aim}
        onChange={(e) => setDraft({ ...draft, aim: e.target.value as ScannerSettingsValue['aim'] })}
      >
        {(['auto', 'off'] as const).map((aim) => (
          <option key={aim} value={aim}>
            {t(`scanner.aims.${aim}`)}
          </option>
        ))}
      </select>
      <span />
      <button type="submit" className="button-primary">
        {t('scanner.save')}
      </button>
    </form>
  );
}

function Calibration({ active, setActive }: { active: boolean; setActive: (on: boolean) => void }) {
  const { t } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const current = useStationStore((s) => s.status?.settings?.scanner.calibration ?? null);
  const layout = useStationStore((s) => s.status?.settings?.scanner.layout ?? 'us');
  const [barcode, setBarcode] = useState<{ code: string; svg: string } | null>(null);
  const [samples, setSamples] = useState<WedgeScan[]>([]);
  const result: CalibrationResult | null = calibrate(samples, undefined, layout);

  useEffect(() => {
    let live = true;
    void devicesService.calibrationCode().then((answer) => {
      if (live && answer.ok) setBarcode(answer.value);
    });
    return () => {
      live = false;
    };
  }, []);

  const start = (): void => {
    setSamples([]);
    stationWedge()?.divert((scan) => setSamples((previous) => [...previous, scan].slice(-5)), { calibrating: true });
    setActive(true);
  };
  const stop = (): void => {
    stationWedge()?.divert(null);
    setActive(false);
  };
  const apply = async (): Promise<void> => {
    if (!result) return;
    stop();
    const answer = await stationService.updateSettings({ scanner: calibratedSettings(result, wallClock()) });
    if (answer.ok) {
      push('good', t('settings.saved'));
      // Applied: what it proposed (a layout change above all) is no longer a proposal.
      setSamples([]);
    } else push('bad', errorText(t, answer.error));
  };

  return (
    <div className="card stack" data-testid="calibration">
      <h3>{t('scanner.calibrationTitle')}</h3>
      <p>{t('scanner.calibrationHelp')}</p>
      {barcode ? (
        <img
          className="calibration-barcode"
          src={`data:image/svg+xml;base64,${btoa(barcode.svg)}`}
          alt={barcode.code}
          data-testid="calibration-barcode"
        />
      ) : null}
      <p data-testid="calibration-current">
        {current
          ? t('scanner.calibrated', {
              date: new Date(current.at).toLocaleString(),
              avg: current.avgMsPerChar,
              gap: useStationStore.getState().status?.settings?.scanner.maxInterKeyMs ?? '',
            })
          : t('scanner.notCalibrated')}
      </p>
      {active ? (
        <p className="prompt prompt-info" role="status">
          {t('scanner.calibrating', { count: samples.length })}
        </p>
      ) : null}
      {result ? (
        <div className="stack" data-testid="calibration-result">
          <p>
            {t('scanner.calibrationResult', {
              scans: result.scans,
              avg: result.avgMsPerChar,
              max: result.maxGapMs,
              gap: result.maxInterKeyMs,
              terminator: t(`settings.terminators.${result.terminator}`),
            })}
          </p>
          <p>
            {t('scanner.calibrationAffixes', {
              prefix: printable(result.prefix),
              suffix: printable(result.suffix),
              aim: result.aim ? t('settings.yes') : t('settings.no'),
            })}
          </p>
          {result.layoutChanged ? (
            <p className="prompt prompt-info" data-testid="calibration-layout">
              {t('scanner.layoutFound', {
                layout: t(`scanner.layouts.${result.layout}`),
                current: t(`scanner.layouts.${layout}`),
              })}
            </p>
          ) : null}
          {result.problems.map((problem) => (
            <p key={problem} className="prompt prompt-bad" data-testid={`calibration-problem-${problem}`}>
              {t(`scanner.problems.${problem}`)}
            </p>
          ))}
        </div>
      ) : null}
      <div className="row action-row">
        {active ? (
          <button type="button" className="button-secondary" onClick={stop}>
            {t('scanner.stopCalibration')}
          </button>
        ) : (
          <button type="button" className="button-secondary" onClick={start}>
            {t('scanner.calibrate')}
          </button>
        )}
        <button type="button" className="button-primary" disabled={!result} onClick={() => void apply()}>
          {t('scanner.applyCalibration')}
        </button>
      </div>
    </div>
  );
}

function TestArea({ active, setActive }: { active: boolean; setActive: (on: boolean) => void }) {
  const { t } = useTranslation();
  const [keys, setKeys] = useState<KeyRecord[]>([]);
  const [last, setLast] = useState<{ scan: WedgeScan; classification: Classification } | null>(null);

  useEffect(() => {
    if (!active) return;
    const wedge = stationWedge();
    const unsubscribe = wedge?.onKey((record) => setKeys((previous) => [record, ...previous].slice(0, KEYS_SHOWN)));
    wedge?.divert((scan) => setLast({ scan, classification: classifyScan(scan.code, { symbology: scan.symbology }) }));
    return () => {
      unsubscribe?.();
      wedge?.divert(null);
    };
  }, [active]);

  return (
    <div className="card stack" data-testid="test-area">
      <h3>{t('scanner.testTitle')}</h3>
      <p>{t('scanner.testHelp')}</p>
      <div className="row action-row">
        {active ? (
          <button type="button" className="button-secondary" onClick={() => setActive(false)}>
            {t('scanner.stopTest')}
          </button>
        ) : (
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setKeys([]);
              setLast(null);
              setActive(true);
            }}
          >
            {t('scanner.startTest')}
          </button>
        )}
      </div>
      {active ? (
        <p className="prompt prompt-info" role="status">
          {t('scanner.testing')}
        </p>
      ) : null}
      <dl className="facts" data-testid="test-result">
        <dt>{t('scanner.decoded')}</dt>
        <dd className="mono" data-testid="test-decoded">
          {last ? printable(last.scan.code) : t('scanner.noTest')}
        </dd>
        <dt>{t('scanner.symbology')}</dt>
        <dd className="mono" data-testid="test-symbology">
          {last?.scan.symbology ? `]${last.scan.symbology} (${last.classification.symbology ?? ''})` : '—'}
        </dd>
        <dt>{t('scanner.reading')}</dt>
        <dd data-testid="test-reading">
          {last ? `${last.classification.reading.kind}: ${describeReading(last.classification)}` : '—'}
        </dd>
      </dl>
      {keys.length > 0 ? (
        <div className="table-wrap raw-keys" tabIndex={0} role="region" aria-label={t('scanner.rawKeys')}>
          <table className="table" data-testid="raw-keys">
            <thead>
              <tr>
                <th scope="col">{t('scanner.key')}</th>
                <th scope="col">{t('scanner.char')}</th>
                <th scope="col">{t('scanner.gap')}</th>
                <th scope="col">{t('scanner.handlerGap')}</th>
                <th scope="col">{t('scanner.action')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((record, index) => (
                <tr key={keys.length - index}>
                  <td className="mono">
                    {record.modifiers ? `${record.modifiers}+` : ''}
                    {record.code} “{record.key}”
                  </td>
                  <td className="mono">{record.char === null ? '' : printable(record.char)}</td>
                  <td>{record.gapMs === null ? '' : `${record.gapMs} ms`}</td>
                  <td>{record.handlerGapMs === null ? '' : `${record.handlerGapMs} ms`}</td>
                  <td>{t(`scanner.actions.${record.action}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function Devices() {
  const { t } = useTranslation();
  const list = useDevicesStore((s) => s.list);
  const scale = useDevicesStore((s) => s.scale);
  const load = useDevicesStore((s) => s.load);
  const zero = useDevicesStore((s) => s.zero);
  const tare = useDevicesStore((s) => s.tare);
  const devices = useStationStore((s) => s.status?.devices);

  useEffect(() => {
    void load();
  }, [load, devices]);

  return (
    <div className="card stack" data-testid="hid-devices">
      <h3>{t('scanner.devicesTitle')}</h3>
      {list && !list.hid.available ? (
        <p className="prompt prompt-bad">{t('scanner.hidUnavailable', { error: list.hid.error ?? '' })}</p>
      ) : null}
      {list && list.devices.length === 0 ? <p>{t('scanner.noHidDevices')}</p> : null}
      {list && list.devices.length > 0 ? (
        <ul className="plain-list">
          {list.devices.map((device) => (
            <li key={`${device.kind}-${device.name}`} data-state={device.state}>
              <strong>{t(`scanner.deviceKinds.${device.kind}`)}</strong> {device.name} —{' '}
              {t(`scanner.deviceStates.${device.state}`)}
              {device.detail ? <span className="muted"> ({device.detail})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <p data-testid="settings-scale">
        {t('scanner.scale')}:{' '}
        {scale
          ? `${scale.grams ?? '—'} g · ${scale.stable ? t('scanner.stable') : t(`scanner.scaleStatus.${scale.status}`)} · ${scale.display}`
          : t('scanner.noScale')}
      </p>
      {scale ? (
        <div className="row action-row">
          <button type="button" className="button-secondary" onClick={() => void zero()}>
            {t('scanner.zero')}
          </button>
          <button type="button" className="button-secondary" onClick={() => void tare()}>
            {t('scanner.setTare')}
          </button>
          <button type="button" className="button-secondary" onClick={() => void tare(true)}>
            {t('scanner.clearTare')}
          </button>
        </div>
      ) : null}
    </div>
  );
}

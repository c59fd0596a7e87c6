import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '#shared/contract/index';
import type { AssignmentView, PrinterView, PrintingConfig, SystemPrinterInfo } from '#shared/contract/printing';
import { LABEL_MEDIA, zplAllowed, type LabelType, type Media } from '#shared/labels/model';
import { jobStatusText, jobTone } from '../components/LabelsPanel';
import { errorText } from '../i18n/text';
import { printerService, printService } from '../services/printing';
import { stationService } from '../services/station';
import { useNoticeStore } from '../stores/notices';
import { usePrintingStore } from '../stores/printing';

type Listing = MethodOutput<'printers.list'>;
type Discovery = MethodOutput<'printers.discover'>;

/**
 * The entry to Settings → Printers: closed until opened, so the station settings stay a short
 * page (and quick to check) for what is changed most often.
 */
export function PrintersSection() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return open ? (
    <PrintersSettings />
  ) : (
    <div className="card row" data-testid="printers-entry">
      <span className="last-label-text">{t('printing.settings.summary')}</span>
      <button type="button" className="button-primary" onClick={() => setOpen(true)}>
        {t('printing.settings.open')}
      </button>
    </div>
  );
}

/**
 * Settings → Printers (supervisor): the printers of the station (CUPS queues found with lpstat,
 * system printers through the Benchline app, ZPL printers on port 9100), which printer prints each label type and how, a test print per
 * type, the label settings, and the print queue with Retry.
 */
export function PrintersSettings() {
  const { t } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const [listing, setListing] = useState<Listing | null>(null);

  const reload = useCallback(async (): Promise<void> => {
    const result = await printerService.list();
    if (result.ok) setListing(result.value);
    else push('bad', errorText(t, result.error));
  }, [push, t]);

  useEffect(() => {
    let live = true;
    void printerService.list().then((result) => {
      if (live && result.ok) setListing(result.value);
    });
    return () => {
      live = false;
    };
  }, []);

  if (!listing) return null;
  return (
    <section className="stack" aria-labelledby="printers-title" data-testid="printers-settings">
      <h2 id="printers-title" className="section-title">
        {t('printing.settings.title')}
      </h2>
      <Printers printers={listing.printers} systemPrinting={listing.systemPrinting} reload={reload} />
      <Assignments listing={listing} reload={reload} />
      <OnDemand />
      <ConfigForm key={JSON.stringify(listing.config)} config={listing.config} reload={reload} />
      <Queue />
    </section>
  );
}

function Printers({
  printers,
  systemPrinting,
  reload,
}: {
  printers: PrinterView[];
  systemPrinting: boolean;
  reload: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const [found, setFound] = useState<Discovery | null>(null);
  const [zpl, setZpl] = useState({ name: '', host: '', port: '9100', font: '0' });

  const discover = async (): Promise<void> => {
    const result = await printerService.discover();
    if (result.ok) setFound(result.value);
    else push('bad', errorText(t, result.error));
  };
  const addCups = async (queue: string): Promise<void> => {
    const result = await printerService.save({ name: queue, transport: 'cups', queue });
    if (!result.ok) return push('bad', errorText(t, result.error));
    push('good', t('printing.settings.added', { name: queue }));
    await reload();
  };
  const addSystem = async (printer: SystemPrinterInfo): Promise<void> => {
    const name = printer.displayName.slice(0, 80);
    const result = await printerService.save({ name, transport: 'system', queue: printer.name });
    if (!result.ok) return push('bad', errorText(t, result.error));
    push('good', t('printing.settings.added', { name }));
    await reload();
  };
  const addZpl = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await printerService.save({
      name: zpl.name,
      transport: 'raw9100',
      host: zpl.host,
      port: Number(zpl.port) || 9100,
      zplFont: zpl.font === '' ? '0' : zpl.font,
    });
    if (!result.ok) return push('bad', errorText(t, result.error));
    push('good', t('printing.settings.added', { name: zpl.name }));
    setZpl({ name: '', host: '', port: '9100', font: '0' });
    await reload();
  };
  const remove = async (printer: PrinterView): Promise<void> => {
    const result = await printerService.remove(printer.id);
    if (!result.ok) return push('bad', errorText(t, result.error));
    await reload();
  };
  const known = new Set(printers.filter((p) => p.transport === 'cups').map((p) => p.queue));
  const knownSystem = new Set(printers.filter((p) => p.transport === 'system').map((p) => p.queue));

  return (
    <div className="card stack">
      <h3 id="printer-list-title">{t('printing.settings.printers')}</h3>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="printer-list-title">
        <table className="table" data-testid="printer-table">
          <thead>
            <tr>
              <th scope="col">{t('printing.settings.name')}</th>
              <th scope="col">{t('printing.settings.transport')}</th>
              <th scope="col">{t('printing.settings.address')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('printing.settings.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {printers.length === 0 ? (
              <tr>
                <td colSpan={4}>{t('printing.settings.noPrinters')}</td>
              </tr>
            ) : null}
            {printers.map((printer) => (
              <tr key={printer.id} data-printer={printer.name}>
                <td>{printer.name}</td>
                <td>
                  {t(`printing.transports.${printer.transport}`)}
                  {printer.transport === 'system' && !systemPrinting ? (
                    <span className="chip chip-rejected chip-inline" data-testid="system-unreachable">
                      {t('printing.settings.systemUnreachable')}
                    </span>
                  ) : null}
                </td>
                <td className="mono">
                  {printer.transport === 'raw9100' ? `${printer.host ?? ''}:${printer.port ?? 9100}` : printer.queue}
                </td>
                <td>
                  <button
                    type="button"
                    className="button-secondary"
                    aria-label={t('printing.settings.removeNamed', { name: printer.name })}
                    onClick={() => void remove(printer)}
                  >
                    {t('printing.settings.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {systemPrinting ? null : (
        <p className="notice notice-info" role="note" data-testid="system-unavailable">
          {t('printing.settings.systemWebMode')}
        </p>
      )}
      <div className="row">
        <button type="button" className="button-secondary" onClick={() => void discover()}>
          {t('printing.settings.discover')}
        </button>
      </div>
      {found ? <h4 className="subsection-title">{t('printing.settings.cupsQueues')}</h4> : null}
      {found && !found.available ? (
        <p className="form-error" role="alert" data-testid="cups-unavailable">
          {found.message}
        </p>
      ) : null}
      {found?.available ? (
        <ul className="plain-list stack" data-testid="discovered">
          {found.queues.length === 0 ? <li>{t('printing.settings.noQueues')}</li> : null}
          {found.queues.map((queue) => (
            <li key={queue.name} className="row">
              <span className="mono">{queue.name}</span>
              <span>
                {queue.uri ?? ''} · {t(queue.enabled ? 'printing.settings.enabled' : 'printing.settings.stopped')}
                {queue.isDefault ? ` · ${t('printing.settings.default')}` : ''}
              </span>
              {known.has(queue.name) ? (
                <span className="chip chip-done">{t('printing.settings.inUse')}</span>
              ) : (
                <button type="button" className="button-secondary" onClick={() => void addCups(queue.name)}>
                  {t('printing.settings.addQueue', { name: queue.name })}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {found ? (
        <SystemFound system={found.system} known={knownSystem} add={(printer) => void addSystem(printer)} />
      ) : null}
      <form className="row" onSubmit={(e) => void addZpl(e)} aria-labelledby="zpl-title">
        <h4 id="zpl-title" className="row-title">
          {t('printing.settings.addZpl')}
        </h4>
        <label htmlFor="zpl-name">{t('printing.settings.name')}</label>
        <input
          id="zpl-name"
          className="input-big"
          value={zpl.name}
          onChange={(e) => setZpl({ ...zpl, name: e.target.value })}
        />
        <label htmlFor="zpl-host">{t('printing.settings.host')}</label>
        <input
          id="zpl-host"
          className="input-big"
          value={zpl.host}
          autoComplete="off"
          onChange={(e) => setZpl({ ...zpl, host: e.target.value.trim() })}
        />
        <label htmlFor="zpl-port">{t('printing.settings.port')}</label>
        <input
          id="zpl-port"
          className="input-big input-short"
          inputMode="numeric"
          value={zpl.port}
          onChange={(e) => setZpl({ ...zpl, port: e.target.value.replace(/\D/g, '') })}
        />
        <label htmlFor="zpl-font">{t('printing.settings.zplFont')}</label>
        <input
          id="zpl-font"
          className="input-big input-medium"
          value={zpl.font}
          aria-describedby="zpl-font-hint"
          onChange={(e) => setZpl({ ...zpl, font: e.target.value.toUpperCase().trim() })}
        />
        <span id="zpl-font-hint" className="hint hint-line">
          {t('printing.settings.zplFontHint')}
        </span>
        <button type="submit" className="button-primary" disabled={zpl.name === '' || zpl.host === ''}>
          {t('printing.settings.add')}
        </button>
      </form>
    </div>
  );
}

/**
 * The system printers found (Windows printers, through the Benchline app), to add; or why there
 * are none: in web mode there is no app to print through, and the page says so.
 */
function SystemFound({
  system,
  known,
  add,
}: {
  system: Discovery['system'];
  known: Set<string | null>;
  add: (printer: SystemPrinterInfo) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="stack" data-testid="discovered-system" data-available={system.available}>
      <h4 className="subsection-title">{t('printing.settings.systemPrinters')}</h4>
      {system.reason === 'no_app' ? (
        <p className="notice notice-info" role="note">
          {t('printing.settings.systemNoneHere')}
        </p>
      ) : null}
      {system.reason === 'failed' ? (
        <p className="form-error" role="alert">
          {t('printing.settings.systemFailed', { message: system.message ?? '' })}
        </p>
      ) : null}
      {system.available ? (
        <ul className="plain-list stack">
          {system.printers.length === 0 ? <li>{t('printing.settings.noSystemPrinters')}</li> : null}
          {system.printers.map((printer) => (
            <li key={printer.name} className="row" data-system-printer={printer.name}>
              <strong>{printer.displayName}</strong>
              <span className="mono">{printer.name}</span>
              <span>
                {printer.description}
                {printer.isDefault ? ` · ${t('printing.settings.default')}` : ''}
              </span>
              {known.has(printer.name) ? (
                <span className="chip chip-done">{t('printing.settings.inUse')}</span>
              ) : (
                <button type="button" className="button-secondary" onClick={() => add(printer)}>
                  {t('printing.settings.addQueue', { name: printer.displayName })}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Assignments({ listing, reload }: { listing: Listing; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  return (
    <div className="card stack">
      <h3 id="assign-title">{t('printing.settings.assignments')}</h3>
      <div className="table-wrap table-wrap-tall" tabIndex={0} role="region" aria-labelledby="assign-title">
        <table className="table assign-table" data-testid="assignments">
          <thead>
            <tr>
              <th scope="col">{t('printing.settings.labelType')}</th>
              <th scope="col">{t('printing.settings.printer')}</th>
              <th scope="col">{t('printing.settings.format')}</th>
              <th scope="col">{t('printing.settings.dpi')}</th>
              <th scope="col">{t('printing.settings.media')}</th>
              <th scope="col">{t('printing.settings.darkness')}</th>
              <th scope="col">{t('printing.settings.offsets')}</th>
              <th scope="col">{t('printing.settings.auto')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('printing.settings.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {listing.assignments.map((assignment) => (
              <AssignmentRow
                key={JSON.stringify(assignment)}
                assignment={assignment}
                printers={listing.printers}
                reload={reload}
              />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function AssignmentRow({
  assignment,
  printers,
  reload,
}: {
  assignment: AssignmentView;
  printers: PrinterView[];
  reload: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const [draft, setDraft] = useState(assignment);
  const type: LabelType = draft.labelType;
  const id = (field: string): string => `assign-${type}-${field}`;
  const label = t(`printing.types.${type}`);
  const number = (value: string, fallback: number): number =>
    value.trim() === '' || !Number.isFinite(Number(value)) ? fallback : Number(value);

  const save = async (): Promise<boolean> => {
    const result = await printerService.assign({
      labelType: type,
      printerId: draft.printerId,
      format: draft.format,
      dpi: draft.dpi as 203 | 300 | 600,
      media: draft.media,
      offsetXMm: draft.offsetXMm,
      offsetYMm: draft.offsetYMm,
      darkness: draft.darkness,
      copies: draft.copies,
      autoPrint: draft.autoPrint,
    });
    if (!result.ok) {
      push('bad', errorText(t, result.error));
      return false;
    }
    push('good', t('printing.settings.saved', { type: label }));
    await reload();
    return true;
  };
  const test = async (): Promise<void> => {
    const job = await printerService.test(type);
    if (!job.ok) return push('bad', errorText(t, job.error));
    push('info', t('printing.settings.testQueued', { type: label }));
    usePrintingStore.getState().changed(job.value);
  };
  const printer = printers.find((p) => p.id === draft.printerId) ?? null;
  const zplOnly = printer?.transport === 'raw9100';
  // A system printer prints the PDF through the app (Electron's print): never raw ZPL.
  const pdfOnly = printer?.transport === 'system';

  return (
    <tr data-label-type={type}>
      <th scope="row">{label}</th>
      <td>
        <label className="visually-hidden" htmlFor={id('printer')}>
          {t('printing.settings.printerFor', { type: label })}
        </label>
        <select
          id={id('printer')}
          className="input-big"
          value={draft.printerId ?? ''}
          onChange={(e) => {
            const next = printers.find((p) => p.id === e.target.value) ?? null;
            setDraft({
              ...draft,
              printerId: next?.id ?? null,
              ...(next?.transport === 'raw9100' ? { format: 'zpl', dpi: draft.dpi === 300 ? 300 : 203 } : {}),
              ...(next?.transport === 'system' ? { format: 'pdf' } : {}),
            });
          }}
        >
          <option value="">{t('printing.settings.none')}</option>
          {printers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </td>
      <td>
        <label className="visually-hidden" htmlFor={id('format')}>
          {t('printing.settings.formatFor', { type: label })}
        </label>
        <select
          id={id('format')}
          className="input-big"
          value={draft.format}
          onChange={(e) => setDraft({ ...draft, format: e.target.value as 'pdf' | 'zpl' })}
        >
          {!zplOnly ? <option value="pdf">PDF</option> : null}
          {zplAllowed(draft.media) && !pdfOnly ? <option value="zpl">ZPL</option> : null}
        </select>
      </td>
      <td>
        <label className="visually-hidden" htmlFor={id('dpi')}>
          {t('printing.settings.dpiFor', { type: label })}
        </label>
        <select
          id={id('dpi')}
          className="input-big"
          value={draft.dpi}
          onChange={(e) => setDraft({ ...draft, dpi: Number(e.target.value) })}
        >
          {[203, 300, ...(draft.format === 'pdf' ? [600] : [])].map((dpi) => (
            <option key={dpi} value={dpi}>
              {dpi}
            </option>
          ))}
        </select>
      </td>
      <td>
        <label className="visually-hidden" htmlFor={id('media')}>
          {t('printing.settings.mediaFor', { type: label })}
        </label>
        <select
          id={id('media')}
          className="input-big"
          value={draft.media}
          onChange={(e) => setDraft({ ...draft, media: e.target.value as Media })}
        >
          {LABEL_MEDIA[type].map((media) => (
            <option key={media} value={media}>
              {t(`printing.media.${media}`)}
            </option>
          ))}
        </select>
      </td>
      <td>
        <label className="visually-hidden" htmlFor={id('darkness')}>
          {t('printing.settings.darknessFor', { type: label })}
        </label>
        <input
          id={id('darkness')}
          className="input-big input-short"
          inputMode="numeric"
          disabled={draft.format !== 'zpl'}
          value={draft.darkness ?? ''}
          placeholder="—"
          onChange={(e) =>
            setDraft({ ...draft, darkness: e.target.value === '' ? null : Math.min(30, number(e.target.value, 0)) })
          }
        />
      </td>
      <td>
        <span className="row offsets">
          <label className="visually-hidden" htmlFor={id('x')}>
            {t('printing.settings.offsetXFor', { type: label })}
          </label>
          <input
            id={id('x')}
            className="input-big input-short"
            inputMode="decimal"
            value={draft.offsetXMm}
            onChange={(e) => setDraft({ ...draft, offsetXMm: number(e.target.value, 0) })}
          />
          <label className="visually-hidden" htmlFor={id('y')}>
            {t('printing.settings.offsetYFor', { type: label })}
          </label>
          <input
            id={id('y')}
            className="input-big input-short"
            inputMode="decimal"
            value={draft.offsetYMm}
            onChange={(e) => setDraft({ ...draft, offsetYMm: number(e.target.value, 0) })}
          />
        </span>
      </td>
      <td>
        <input
          id={id('auto')}
          type="checkbox"
          className="checkbox-big"
          checked={draft.autoPrint}
          aria-label={t('printing.settings.autoFor', { type: label })}
          onChange={(e) => setDraft({ ...draft, autoPrint: e.target.checked })}
        />
      </td>
      <td>
        <span className="row">
          <button type="button" className="button-primary" onClick={() => void save()}>
            {t('printing.settings.save')}
          </button>
          <button
            type="button"
            className="button-secondary"
            aria-label={t('printing.settings.testFor', { type: label })}
            onClick={() => void test()}
          >
            {t('printing.settings.test')}
          </button>
        </span>
      </td>
    </tr>
  );
}

function OnDemand() {
  const { t } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const [operators, setOperators] = useState<MethodOutput<'operators.list'>>([]);
  const [operatorId, setOperatorId] = useState('');

  useEffect(() => {
    let live = true;
    void stationService.operators().then((result) => {
      if (live && result.ok) {
        setOperators(result.value);
        setOperatorId(result.value[0]?.id ?? '');
      }
    });
    return () => {
      live = false;
    };
  }, []);

  const queued = (result: Awaited<ReturnType<typeof printService.badge>>): void => {
    if (!result.ok) return push('bad', errorText(t, result.error));
    usePrintingStore.getState().changed(result.value);
    push('info', t('printing.settings.queued', { title: result.value.title }));
  };
  return (
    <div className="card stack">
      <h3>{t('printing.settings.onDemand')}</h3>
      <div className="row">
        <button
          type="button"
          className="button-secondary"
          onClick={() => void printService.commandSheet('letter').then(queued)}
        >
          {t('printing.settings.commandSheet', { media: 'Letter' })}
        </button>
        <button
          type="button"
          className="button-secondary"
          onClick={() => void printService.commandSheet('a4').then(queued)}
        >
          {t('printing.settings.commandSheet', { media: 'A4' })}
        </button>
      </div>
      <div className="row">
        <label htmlFor="badge-operator">{t('printing.settings.badgeOf')}</label>
        <select
          id="badge-operator"
          className="input-big"
          value={operatorId}
          onChange={(e) => setOperatorId(e.target.value)}
        >
          {operators.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button-secondary"
          disabled={operatorId === ''}
          onClick={() => void printService.badge(operatorId).then(queued)}
        >
          {t('printing.settings.printBadge')}
        </button>
      </div>
    </div>
  );
}

function ConfigForm({ config, reload }: { config: PrintingConfig; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  const push = useNoticeStore((s) => s.push);
  const [draft, setDraft] = useState(config);
  const from = draft.shipFrom;
  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await printerService.config(draft);
    if (!result.ok) return push('bad', errorText(t, result.error));
    push('good', t('printing.settings.configSaved'));
    await reload();
  };
  const field = (key: 'name' | 'line1' | 'postalCode' | 'city' | 'country', label: string) => (
    <>
      <label htmlFor={`from-${key}`}>{label}</label>
      <input
        id={`from-${key}`}
        className="input-big"
        value={from[key]}
        onChange={(e) => setDraft({ ...draft, shipFrom: { ...from, [key]: e.target.value } })}
      />
    </>
  );
  return (
    <form className="card form-grid" onSubmit={(e) => void save(e)} aria-labelledby="label-config-title">
      <h3 id="label-config-title" className="form-grid-title">
        {t('printing.settings.labelSettings')}
      </h3>
      {field('name', t('printing.settings.fromName'))}
      {field('line1', t('printing.settings.fromLine1'))}
      {field('postalCode', t('printing.settings.fromPostal'))}
      {field('city', t('printing.settings.fromCity'))}
      {field('country', t('printing.settings.fromCountry'))}
      <label htmlFor="gs1-prefix">{t('printing.settings.gs1Prefix')}</label>
      <input
        id="gs1-prefix"
        className="input-big"
        inputMode="numeric"
        value={draft.gs1CompanyPrefix}
        onChange={(e) => setDraft({ ...draft, gs1CompanyPrefix: e.target.value.replace(/\D/g, '') })}
      />
      <label htmlFor="sscc-extension">{t('printing.settings.ssccExtension')}</label>
      <input
        id="sscc-extension"
        className="input-big input-short"
        inputMode="numeric"
        value={draft.ssccExtension}
        onChange={(e) =>
          setDraft({ ...draft, ssccExtension: Math.min(9, Number(e.target.value.replace(/\D/g, '') || 0)) })
        }
      />
      <span />
      <button type="submit" className="button-primary">
        {t('printing.settings.saveConfig')}
      </button>
    </form>
  );
}

/** The print queue: every job not printed yet, and the newest printed ones. */
function Queue() {
  const { t } = useTranslation();
  const jobs = usePrintingStore((s) => s.jobs);
  const waiting = usePrintingStore((s) => s.waiting);
  const load = usePrintingStore((s) => s.load);
  const retry = usePrintingStore((s) => s.retry);
  const openPanel = usePrintingStore((s) => s.openPanel);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className="card stack">
      <h3 id="queue-title">{t('printing.settings.queue', { count: waiting })}</h3>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="queue-title">
        <table className="table" data-testid="print-queue">
          <thead>
            <tr>
              <th scope="col">{t('printing.settings.when')}</th>
              <th scope="col">{t('printing.settings.label')}</th>
              <th scope="col">{t('printing.settings.printer')}</th>
              <th scope="col">{t('printing.settings.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('printing.settings.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.slice(0, 20).map((job) => (
              <tr
                key={job.id}
                data-job={job.id}
                data-status={job.status}
                className={jobTone(job) === 'bad' ? 'row-bad' : ''}
              >
                <td>{new Date(job.createdAt).toLocaleTimeString()}</td>
                <td>
                  {t(`printing.types.${job.labelType}`)} · {job.title}
                </td>
                <td>{job.printerName ?? t('printing.noPrinter')}</td>
                <td>{jobStatusText(t, job)}</td>
                <td>
                  <span className="row">
                    {job.status === 'failed' || job.status === 'held' ? (
                      <button type="button" className="button-primary" onClick={() => void retry(job.id)}>
                        {t('printing.retry')}
                      </button>
                    ) : null}
                    <button type="button" className="button-secondary" onClick={() => openPanel(null, job.id)}>
                      {t('printing.preview')}
                    </button>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

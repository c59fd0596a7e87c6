import { ScaleWidget } from '../components/ScaleWidget';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { OVERRIDE_REASONS, type ReturnCaseView, type ReturnItemView } from '#shared/contract/returns';
import { DISPOSITIONS, type Disposition } from '#shared/policy/disposition';
import { CaseTimeline } from '../components/CaseTimeline';
import { LastLabel } from '../components/LastLabel';
import { PhotoCapture } from '../components/PhotoCapture';
import { errorText } from '../i18n/text';
import { useReturnsStore } from '../stores/returns';
import { useScanStore } from '../stores/scan';

/**
 * The returns bench: one screen, scan-driven. The case, what was expected against what came
 * back, the grading question of the item in hand (answers by scan or touch), photos, routing and
 * overrides, the case's events, and — once closed — the refund recommendation and the flags.
 * Keys: F2 closes the case, F3 answers GOOD, Alt+1…9 give the current question's answers, F4
 * goes to the override form and Ctrl+F to the search. GOOD and the answers go through
 * `scan.submit` as the command barcodes do, so a key, a scan and a touch are one path.
 */
export function Returns() {
  const { t } = useTranslation();
  const view = useReturnsStore((s) => s.view);
  const error = useReturnsStore((s) => s.error);
  const load = useReturnsStore((s) => s.load);
  const close = useReturnsStore((s) => s.close);
  const submit = useScanStore((s) => s.submit);

  useEffect(() => {
    void load();
  }, [load]);

  const open = view?.status === 'open';
  const question = view?.items.find((i) => i.status === 'grading')?.grading?.question ?? null;
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!open) return;
      const focus = (id: string): void => {
        const element = document.getElementById(id);
        if (!element) return;
        event.preventDefault();
        element.focus();
      };
      if (event.key === 'F2') {
        event.preventDefault();
        void close();
      } else if (event.key === 'F3' && question) {
        event.preventDefault();
        void submit('CMD:GOOD', 'manual');
      } else if (event.altKey && question && /^Digit[1-9]$/.test(event.code)) {
        // The top-row digits only: a scanner's Alt codes come from the numeric keypad.
        const answer = question.answers[Number(event.code.slice(5)) - 1];
        if (!answer) return;
        event.preventDefault();
        void submit(`CMD:ANSWER:${answer.id}`, 'manual');
      } else if (event.key === 'F4') {
        focus('override-to');
      } else if (event.ctrlKey && !event.altKey && event.key.toLowerCase() === 'f') {
        focus('returns-search');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, close, question, submit]);

  return (
    <section
      data-screen="returns"
      aria-labelledby="returns-title"
      data-status={view?.status ?? 'none'}
      data-prompt={view?.prompt ?? 'scan_case'}
    >
      <h1 id="returns-title" className="screen-title">
        {view ? caseTitle(t, view) : t('benches.returns')}
      </h1>
      {error ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      {!view ? (
        <p className="prompt prompt-info" data-testid="returns-prompt">
          {t('returnsBench.scanCase')}
        </p>
      ) : (
        <CaseView view={view} />
      )}
      <LastLabel bench="returns" caseId={view?.caseId ?? null} />
    </section>
  );
}

function caseTitle(t: TFunction, view: ReturnCaseView): string {
  if (view.rmaNumber) return `${t('returnsBench.rma')} ${view.rmaNumber}`;
  if (view.orderNumber) return `${t('returnsBench.unexpected')} · ${t('returnsBench.order')} ${view.orderNumber}`;
  return t('returnsBench.unexpected');
}

function CaseView({ view }: { view: ReturnCaseView }) {
  const { t } = useTranslation();
  const grading = view.items.find((i) => i.status === 'grading') ?? null;
  const tone = view.prompt === 'closed' ? (view.refund?.status === 'on_hold' ? 'bad' : 'good') : 'info';
  return (
    <>
      <div className="bench-head">
        <span className={`chip chip-${view.status === 'closed' ? 'done' : 'packing'}`}>
          {t(`returnsBench.status.${view.status}`)}
        </span>
        {view.quarantined ? <span className="chip chip-qc_hold">{t('returnsBench.quarantined')}</span> : null}
        <span className="bench-meta">
          {view.orderNumber ? `${t('returnsBench.order')} ${view.orderNumber}` : ''}
          {view.customerFirstName ? ` · ${t('returnsBench.customer')} ${view.customerFirstName}` : ''}
          {view.requestedResolution ? ` · ${t('returnsBench.resolution')} ${view.requestedResolution}` : ''}
        </span>
      </div>
      <p className={`prompt prompt-${tone}`} data-testid="returns-prompt">
        {t(`returnsBench.prompt.${view.prompt}`)}
      </p>
      <div className="bench-columns">
        <div className="stack">
          {grading ? <Grading item={grading} /> : null}
          {view.expected.length > 0 ? (
            <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="expected-title">
              <table className="table table-big" data-testid="returns-expected">
                <caption id="expected-title" className="visually-hidden">
                  {t('returnsBench.expected')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">SKU</th>
                    <th scope="col">{t('returnsBench.expected')}</th>
                    <th scope="col">{t('returnsBench.received')}</th>
                    <th scope="col">{t('returnsBench.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.expected.map((line) => (
                    <tr key={line.lineNo} className={line.received >= line.quantity ? 'row-complete' : ''}>
                      <td className="mono">{line.sku}</td>
                      <td>
                        {line.name} × {line.quantity}
                      </td>
                      <td className="qty">
                        {line.received} / {line.quantity}
                      </td>
                      <td>{line.reason.replace(/_/g, ' ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {view.status === 'open' && view.flags.length > 0 ? <OpenFlags view={view} /> : null}
          <ItemList items={view.items} />
          {view.status === 'closed' ? <Outcome view={view} /> : null}
          <div className="table-wrap returns-timeline" tabIndex={0} role="region" aria-labelledby="timeline-title">
            <h2 id="timeline-title" className="table-title">
              {t('returnsBench.timeline', { count: view.timeline.length })}
            </h2>
            <CaseTimeline events={view.timeline} compact testId="returns-timeline" />
          </div>
        </div>
        <SidePanel view={view} />
      </div>
    </>
  );
}

function Grading({ item }: { item: ReturnItemView }) {
  const { t, i18n } = useTranslation();
  const answer = useReturnsStore((s) => s.answer);
  const photo = useReturnsStore((s) => s.photo);
  const submit = useScanStore((s) => s.submit);
  const language = i18n.language === 'es' ? 'es' : 'en';
  const grading = item.grading;
  if (!grading) return null;
  const missingPhoto = grading.question === null ? grading.photosRequired.find((q) => !grading.photos[q]) : undefined;
  return (
    <div className="card grading" data-testid="grading">
      <p className="lead">
        {item.sku} — {item.name}
      </p>
      {grading.question ? (
        <>
          <p className="question" data-testid="grading-question" data-question={grading.question.id}>
            {grading.question.text[language]}
          </p>
          <div className="answer-row">
            {grading.question.answers.map((a, index) => (
              <button
                key={a.id}
                type="button"
                className="button-answer"
                aria-keyshortcuts={index < 9 ? `Alt+${index + 1}` : undefined}
                onClick={() => void answer({ itemNo: item.itemNo, questionId: grading.question!.id, answerId: a.id })}
              >
                <span>
                  {a.label[language]}
                  {index < 9 ? <kbd>Alt+{index + 1}</kbd> : null}
                </span>
                <span className="answer-code">CMD:ANSWER:{a.id}</span>
              </button>
            ))}
            <button
              type="button"
              className="button-answer button-good"
              aria-keyshortcuts="F3"
              data-testid="grade-good"
              onClick={() => void submit('CMD:GOOD', 'manual')}
            >
              <span>
                {t('returnsBench.good')}
                <kbd>F3</kbd>
              </span>
              <span className="answer-code">CMD:GOOD</span>
            </button>
          </div>
        </>
      ) : null}
      {missingPhoto ? (
        <PhotoCapture
          label={t('returnsBench.photo', { question: missingPhoto })}
          onPhoto={(base64) => void photo({ itemNo: item.itemNo, questionId: missingPhoto, base64 })}
        />
      ) : null}
    </div>
  );
}

function ItemList({ items }: { items: ReturnItemView[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="items-title">
      <table className="table table-big" data-testid="returns-items">
        <caption id="items-title" className="visually-hidden">
          {t('returnsBench.items')}
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">SKU</th>
            <th scope="col">{t('returnsBench.serial')}</th>
            <th scope="col">{t('returnsBench.grade')}</th>
            <th scope="col">{t('returnsBench.routeTo')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr
              key={item.itemNo}
              className={
                item.match === 'wrong_item' || item.serialMismatch
                  ? 'row-bad'
                  : item.status === 'routed'
                    ? 'row-complete'
                    : 'row-active'
              }
              data-match={item.match}
            >
              <td>{item.itemNo}</td>
              <td>
                <span className="mono">{item.sku}</span> {item.name}
                {item.match !== 'matched' ? (
                  <strong className="match-tag"> · {t(`returnsBench.match.${item.match}`)}</strong>
                ) : null}
              </td>
              <td className="mono">
                {item.serial ?? ''}
                {item.serialMismatch ? ` ≠ ${t('returnsBench.shipped', { serial: item.expectedSerial })}` : ''}
              </td>
              <td className="qty">{item.grade ?? '…'}</td>
              <td>
                {item.disposition ? `${t(`dispositions.${item.disposition.action}`)} · ${item.disposition.bin}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Outcome({ view }: { view: ReturnCaseView }) {
  const { t } = useTranslation();
  const money = (cents: number): string => `${(cents / 100).toFixed(2)} ${view.refund?.currency ?? ''}`;
  return (
    <div className="card" data-testid="returns-outcome">
      {view.missing.length > 0 ? (
        <>
          <h2>{t('returnsBench.missing')}</h2>
          <ul className="plain-list">
            {view.missing.map((m) => (
              <li key={m.lineNo}>
                {m.sku} {m.name} × {m.quantity}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {view.refund ? (
        <>
          <h2>
            {t('returnsBench.refund')}:{' '}
            <span data-testid="refund-status">{t(`returnsBench.refundStatus.${view.refund.status}`)}</span>
          </h2>
          <table className="table" data-testid="refund-lines">
            <tbody>
              {view.refund.lines.map((line, index) => (
                <tr key={index}>
                  <td>{line.label}</td>
                  <td className="qty">{money(line.cents)}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">{t('returnsBench.total')}</th>
                <td className="qty" data-testid="refund-total">
                  {money(view.refund.totalCents)}
                </td>
              </tr>
            </tbody>
          </table>
          <ul className="plain-list">
            {view.refund.explanation.map((line, index) => (
              <li key={index}>{line}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{t('returnsBench.flags')}</h2>
      {view.flags.length === 0 ? <p>{t('returnsBench.noFlags')}</p> : <FlagList view={view} testId="returns-flags" />}
    </div>
  );
}

/**
 * The flags of a case still open: raised as it opened (an unexpected parcel, an RMA received
 * elsewhere) or learnt by sync while the clerk works on it (another station received this RMA
 * first). Shown at once — the bench's view is pushed again when one arrives.
 */
function OpenFlags({ view }: { view: ReturnCaseView }) {
  const { t } = useTranslation();
  return (
    <div className="card" role="status" data-testid="returns-open-flags">
      <h2>{t('returnsBench.flags')}</h2>
      <FlagList view={view} testId="returns-open-flag-list" />
      <p className="prompt prompt-bad">{t('returnsBench.flagsHold')}</p>
    </div>
  );
}

function FlagList({ view, testId }: { view: ReturnCaseView; testId: string }) {
  return (
    <ul className="plain-list" data-testid={testId}>
      {view.flags.map((flag) => (
        <li key={flag.id} data-flag-type={flag.type}>
          <strong>{flag.type.replace(/_/g, ' ')}</strong> ({flag.severity}, {flag.status}) — {flag.explanation}
        </li>
      ))}
    </ul>
  );
}

function SidePanel({ view }: { view: ReturnCaseView }) {
  const { t } = useTranslation();
  const close = useReturnsStore((s) => s.close);
  const weigh = useReturnsStore((s) => s.weigh);
  const override = useReturnsStore((s) => s.override);
  const approve = useReturnsStore((s) => s.approve);
  const search = useReturnsStore((s) => s.search);
  const addItem = useReturnsStore((s) => s.addItem);
  const found = useReturnsStore((s) => s.found);
  const [grams, setGrams] = useState('');
  const [query, setQuery] = useState('');
  const [to, setTo] = useState<Disposition>('restock');
  const [reason, setReason] = useState<(typeof OVERRIDE_REASONS)[number]>('INSPECTION_ERROR');
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  if (view.status !== 'open') return null;
  const lastRouted = [...view.items].reverse().find((i) => i.status === 'routed');

  const submit = (handler: () => void) => (event: FormEvent) => {
    event.preventDefault();
    handler();
  };

  return (
    <aside className="card side-panel" aria-label={t('returnsBench.override')}>
      {view.approval?.needsSupervisor && view.approval.reason ? (
        <form className="stack" onSubmit={submit(() => void approve(badge, pin))} data-testid="approval-form">
          <h2>{t('returnsBench.approval')}</h2>
          <label htmlFor="approver-badge">{t('login.badgeLabel')}</label>
          <input
            id="approver-badge"
            className="input-big"
            autoComplete="off"
            value={badge}
            onChange={(e) => setBadge(e.target.value)}
          />
          <label htmlFor="approver-pin">{t('login.pinLabel')}</label>
          <input
            id="approver-pin"
            className="input-big"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
          <button type="submit" className="button-primary" disabled={!badge || pin.length < 4}>
            {t('returnsBench.approve')}
          </button>
        </form>
      ) : null}
      {lastRouted && !view.approval ? (
        <form className="stack" onSubmit={submit(() => void override({ itemNo: lastRouted.itemNo, to, reason }))}>
          <h2>
            {t('returnsBench.override')} — {lastRouted.sku}
          </h2>
          <label htmlFor="override-to">
            {t('returnsBench.routeTo')}
            <kbd>F4</kbd>
          </label>
          <select
            id="override-to"
            aria-keyshortcuts="F4"
            className="input-big"
            value={to}
            onChange={(e) => setTo(e.target.value as Disposition)}
          >
            {DISPOSITIONS.map((d) => (
              <option key={d} value={d}>
                {t(`dispositions.${d}`)}
              </option>
            ))}
          </select>
          <label htmlFor="override-reason">{t('returnsBench.overrideReason')}</label>
          <select
            id="override-reason"
            className="input-big"
            value={reason}
            onChange={(e) => setReason(e.target.value as typeof reason)}
          >
            {OVERRIDE_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`returnsBench.reasons.${r}`)}
              </option>
            ))}
          </select>
          <button type="submit" className="button-secondary">
            {t('returnsBench.applyOverride')}
          </button>
        </form>
      ) : null}
      <form className="stack" onSubmit={submit(() => query.trim().length >= 2 && void search(query.trim()))}>
        <label htmlFor="returns-search">
          {t('returnsBench.search')}
          <kbd>Ctrl+F</kbd>
        </label>
        <input
          id="returns-search"
          aria-keyshortcuts="Control+F"
          className="input-big"
          autoComplete="off"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit" className="button-secondary" disabled={query.trim().length < 2}>
          {t('returnsBench.searchButton')}
        </button>
      </form>
      {found.length > 0 ? (
        <ul className="plain-list" data-testid="search-results">
          {found.map((p) => (
            <li key={p.productId}>
              <span className="mono">{p.sku}</span> {p.name}{' '}
              <button type="button" className="button-secondary" onClick={() => void addItem(p.productId)}>
                {t('returnsBench.add')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <ScaleWidget auto={view.weight === null} />
      <form className="stack" onSubmit={submit(() => Number(grams) > 0 && (void weigh(Number(grams)), setGrams('')))}>
        <label htmlFor="returns-weight">{t('returnsBench.weight')}</label>
        <input
          id="returns-weight"
          className="input-big"
          inputMode="decimal"
          autoComplete="off"
          value={grams}
          onChange={(e) => setGrams(e.target.value.replace(/[^\d.]/g, ''))}
        />
        <button type="submit" className="button-secondary" disabled={grams === ''}>
          {t('returnsBench.recordWeight')}
        </button>
        {view.weight ? <p data-testid="returns-weight">{view.weight.explanation}</p> : null}
      </form>
      <button type="button" className="button-primary" aria-keyshortcuts="F2" onClick={() => void close()}>
        {t('returnsBench.close')}
      </button>
    </aside>
  );
}

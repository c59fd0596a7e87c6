import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ReviewCase } from '#shared/contract/review';
import { CaseTimeline } from '../../components/CaseTimeline';
import { EvidencePhoto } from '../../components/EvidencePhoto';
import { saveFile } from '../../download';
import { errorText } from '../../i18n/text';
import { stationService } from '../../services/station';
import { useReviewStore } from '../../stores/review';
import { Decision } from './Decision';
import { age, flagType, money } from './format';

type Flag = ReviewCase['flags'][number];

/**
 * A case under review: its flags with their explanation and evidence, what left the warehouse
 * against what came back (units, serials, weights, photos), the customer's history, the refund —
 * and the decision. Escape goes back to the queue; F2 records the decision.
 */
export function CasePage() {
  const { t } = useTranslation();
  const view = useReviewStore((s) => s.view);
  const error = useReviewStore((s) => s.error);
  const closeCase = useReviewStore((s) => s.closeCase);
  const flaggedSeq = useReviewStore((s) => s.flaggedSeq);
  const reloadFlagged = useReviewStore((s) => s.reloadFlagged);

  // Sync flagged cases (new history, a receipt learnt): this one is read again if it is one.
  useEffect(() => {
    if (flaggedSeq > 0) void reloadFlagged();
  }, [flaggedSeq, reloadFlagged]);

  useEffect(() => {
    // Capture, before the window's own Escape (back to the benches): here it means "the queue".
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape') return;
      event.stopImmediatePropagation();
      event.preventDefault();
      closeCase();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [closeCase]);

  return (
    <div className="stack case-page" data-testid="review-case" data-case={view?.caseId ?? ''}>
      <div className="row">
        <button type="button" className="button-secondary" onClick={closeCase}>
          ← {t('reviewBench.backToQueue')}
        </button>
        {view ? <CaseHeading view={view} /> : null}
      </div>
      {error ? (
        <p className="form-error" role="alert" data-testid="review-error">
          {errorText(t, error)}
        </p>
      ) : null}
      {view ? (
        <div className="bench-columns case-columns">
          <div className="stack">
            <Flags view={view} />
            <Evidence view={view} />
            <Customer view={view} />
            <Timeline view={view} />
          </div>
          <div className="stack">
            <Refund view={view} />
            <Decision view={view} />
          </div>
        </div>
      ) : null}
    </div>
  );
}

function CaseHeading({ view }: { view: ReviewCase }) {
  const { t, i18n } = useTranslation();
  const open = view.flags.filter((f) => f.status === 'open').length;
  return (
    <div className="case-heading">
      <h2 data-testid="case-title">
        {view.rmaNumber
          ? `${t('returnsBench.rma')} ${view.rmaNumber}`
          : view.orderNumber
            ? `${t('returnsBench.order')} ${view.orderNumber}`
            : t('returnsBench.unexpected')}
      </h2>
      <span className="bench-meta">
        {view.orderNumber ? `${t('returnsBench.order')} ${view.orderNumber} · ` : ''}
        {money(i18n.language, view.valueCents, view.currency)} ·{' '}
        {t('reviewBench.flagsOpen', { count: open, total: view.flags.length })}
      </span>
    </div>
  );
}

function Flags({ view }: { view: ReviewCase }) {
  const { t } = useTranslation();
  const draft = useReviewStore((s) => s.draft);
  const setDraft = useReviewStore((s) => s.setDraft);
  return (
    <section className="card" aria-labelledby="flags-title" data-testid="case-flags">
      <h2 id="flags-title">{t('reviewBench.flags')}</h2>
      {view.flags.length === 0 ? <p>{t('returnsBench.noFlags')}</p> : null}
      <ul className="flag-list">
        {view.flags.map((flag) => (
          <FlagCard
            key={flag.flagId}
            flag={flag}
            selected={draft.flagId === flag.flagId}
            onSelect={() => setDraft({ flagId: flag.flagId })}
            t={t}
          />
        ))}
      </ul>
    </section>
  );
}

function FlagCard({
  flag,
  selected,
  onSelect,
  t,
}: {
  flag: Flag;
  selected: boolean;
  onSelect: () => void;
  t: TFunction;
}) {
  const { i18n } = useTranslation();
  const decidable = flag.status === 'open' || flag.status === 'escalated' || flag.status === 'info_requested';
  const evidence = Object.entries(flag.evidence).filter(([key]) => key !== 'caseScore');
  return (
    <li
      className={`flag-card flag-${flag.severity}${selected ? ' flag-selected' : ''}`}
      data-flag={flag.flagId}
      data-type={flag.type}
      data-status={flag.status}
    >
      <div className="flag-head">
        <span className={`chip chip-severity-${flag.severity}`}>{t(`reviewBench.severities.${flag.severity}`)}</span>
        <strong className="flag-type">{flagType(t, flag.type)}</strong>
        <span className="bench-meta">
          {t('reviewBench.share', { percent: Math.round(flag.share * 100) })} · {age(i18n.language, flag.raisedAt)}
        </span>
        <span className={`chip chip-status-${flag.status}`} data-testid="flag-status">
          {t(`reviewBench.statuses.${flag.status}`)}
        </span>
      </div>
      <p className="flag-why">{flag.explanation}</p>
      {flag.stale ? <p className="stale">{t('reviewBench.staleHelp')}</p> : null}
      {evidence.length > 0 ? (
        <dl className="facts facts-small">
          {evidence.map(([key, value]) => (
            <FactRow key={key} name={key} value={value} />
          ))}
          <dt>{t('reviewBench.rule')}</dt>
          <dd className="mono">{flag.rule ?? '—'}</dd>
        </dl>
      ) : null}
      {flag.decidedBy ? (
        <p className="decided" data-testid="flag-decision">
          {t('reviewBench.decidedBy', {
            name: flag.decidedBy,
            reason: t(`reviewBench.reasons.${flag.decisionReason ?? 'OTHER'}`),
            when: flag.decidedAt ? age(i18n.language, flag.decidedAt) : '',
          })}
          {flag.decisionNote ? ` — “${flag.decisionNote}”` : ''}
        </p>
      ) : null}
      {decidable ? (
        <button type="button" className="button-secondary" aria-pressed={selected} onClick={onSelect}>
          {selected ? t('reviewBench.deciding') : t('reviewBench.decideThis')}
        </button>
      ) : null}
    </li>
  );
}

function FactRow({ name, value }: { name: string; value: unknown }) {
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : Array.isArray(value)
        ? value
            .map((v) =>
              typeof v === 'object' && v !== null
                ? Object.entries(v as Record<string, unknown>)
                    .filter(([, x]) => x !== null && typeof x !== 'object')
                    .map(([k, x]) => `${k} ${String(x)}`)
                    .join(', ')
                : String(v),
            )
            .join(' · ')
        : JSON.stringify(value);
  return (
    <>
      <dt>{name}</dt>
      <dd>{text}</dd>
    </>
  );
}

function Evidence({ view }: { view: ReviewCase }) {
  const { t, i18n } = useTranslation();
  const out = view.outbound;
  const back = view.returned;
  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  const returnedSkus = new Set(back.items.map((i) => i.sku));
  const leftSkus = new Set(out?.units.map((u) => u.sku) ?? []);
  return (
    <section className="card" aria-labelledby="evidence-title" data-testid="case-evidence">
      <h2 id="evidence-title">{t('reviewBench.evidence')}</h2>
      <div className="side-by-side">
        <div className="side" data-testid="evidence-outbound">
          <h3>{t('reviewBench.leftWarehouse')}</h3>
          {!out ? (
            <p>{t('reviewBench.noOutbound')}</p>
          ) : (
            <>
              <p className="bench-meta">
                {out.source === 'bench'
                  ? t('reviewBench.packedBy', {
                      when: out.packedAt ? time.format(out.packedAt) : '—',
                      name: out.packer ?? '—',
                    })
                  : t('reviewBench.fromOrderSystem')}
              </p>
              <p className="weight-line" data-testid="weight-outbound">
                {t('reviewBench.weight')}: <strong>{out.weightG !== null ? `${out.weightG} g` : '—'}</strong>
              </p>
              <ul className="unit-list">
                {out.units.map((unit, index) => (
                  <li key={index} className={returnedSkus.has(unit.sku) ? 'unit-back' : 'unit-kept'}>
                    <span className="mono">{unit.sku}</span> {unit.name}
                    {unit.serial ? <span className="mono serial"> · {unit.serial}</span> : null}
                  </li>
                ))}
              </ul>
              <Photos hashes={out.photos} label={t('reviewBench.leftWarehouse')} />
            </>
          )}
        </div>
        <div className="side" data-testid="evidence-returned">
          <h3>{t('reviewBench.cameBack')}</h3>
          <p className="bench-meta">
            {t('reviewBench.receivedBy', { when: time.format(back.receivedAt), name: back.clerk })}
          </p>
          <p
            className={`weight-line${back.weightOutcome ? ` weight-${back.weightOutcome}` : ''}`}
            data-testid="weight-returned"
          >
            {t('reviewBench.weight')}: <strong>{back.weightG !== null ? `${back.weightG} g` : '—'}</strong>
            {back.weightOutcome ? ` (${t(`reviewBench.weightOutcome.${back.weightOutcome}`)})` : ''}
          </p>
          <ul className="unit-list">
            {back.items.map((item) => {
              const wrong = item.match === 'wrong_item' || (!!out && !leftSkus.has(item.sku));
              const serialMismatch =
                item.expectedSerial !== null && item.serial !== null && item.serial !== item.expectedSerial;
              return (
                <li
                  key={item.itemNo}
                  className={wrong || serialMismatch ? 'unit-bad' : ''}
                  data-match={item.match}
                  data-testid="returned-item"
                >
                  <span className="mono">{item.sku}</span> {item.name}
                  {item.serial ? <span className="mono serial"> · {item.serial}</span> : null}
                  {serialMismatch ? (
                    <strong> ≠ {t('returnsBench.shipped', { serial: item.expectedSerial })}</strong>
                  ) : null}
                  {item.match !== 'matched' ? <strong> · {t(`returnsBench.match.${item.match}`)}</strong> : null}
                  <div className="bench-meta">
                    {t('returnsBench.grade')} {item.grade ?? '—'}
                    {item.disposition ? ` → ${t(`dispositions.${item.disposition}`)}` : ''}
                    {item.reason ? ` · ${t('returnsBench.reason')}: ${item.reason.replace(/_/g, ' ')}` : ''}
                    {Object.keys(item.answers).length > 0
                      ? ` · ${Object.entries(item.answers)
                          .map(([q, a]) => `${q} ${a}`)
                          .join(', ')}`
                      : ''}
                  </div>
                  <Photos hashes={item.photos} label={`${item.sku} ${item.name}`} />
                </li>
              );
            })}
          </ul>
        </div>
      </div>
    </section>
  );
}

function Photos({ hashes, label }: { hashes: string[]; label: string }) {
  if (hashes.length === 0) return null;
  return (
    <div className="photo-grid">
      {hashes.map((sha) => (
        <EvidencePhoto key={sha} sha256={sha} label={label} />
      ))}
    </div>
  );
}

function Customer({ view }: { view: ReviewCase }) {
  const { t, i18n } = useTranslation();
  const c = view.customer;
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  return (
    <section className="card" aria-labelledby="customer-title" data-testid="case-customer">
      <h2 id="customer-title">{t('reviewBench.customer')}</h2>
      {!c ? (
        <p>{t('reviewBench.noCustomer')}</p>
      ) : (
        <>
          <dl className="facts">
            <dt>{t('reviewBench.customerName')}</dt>
            <dd>{c.firstName}</dd>
            <dt>{t('reviewBench.orderSystem')}</dt>
            <dd>
              {t('reviewBench.counters', {
                orders: c.ordersCount,
                returns: c.returnsCount,
                value: money(i18n.language, c.returnsValueCents, view.currency),
              })}
            </dd>
            <dt>{t('reviewBench.atThisStation')}</dt>
            <dd>{t('reviewBench.casesHere', { count: c.casesHere })}</dd>
            <dt>{t('reviewBench.address')}</dt>
            <dd className={c.accountsAtAddress > 1 ? 'weight-warn' : ''}>
              {t('reviewBench.accounts', { count: c.accountsAtAddress })}
            </dd>
          </dl>
          {c.history.length > 0 ? (
            <table className="table" data-testid="customer-history">
              <caption className="visually-hidden">{t('reviewBench.history')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('reviewBench.received')}</th>
                  <th scope="col">RMA</th>
                  <th scope="col">{t('reviewBench.value')}</th>
                  <th scope="col">{t('reviewBench.flags')}</th>
                </tr>
              </thead>
              <tbody>
                {c.history.map((h) => (
                  <tr key={h.caseId}>
                    <td>{date.format(h.openedAt)}</td>
                    <td className="mono">{h.rmaNumber ?? '—'}</td>
                    <td className="qty">{money(i18n.language, h.valueCents, view.currency)}</td>
                    <td>{t('reviewBench.historyFlags', { count: h.flags, confirmed: h.confirmed })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t('reviewBench.noHistory')}</p>
          )}
        </>
      )}
    </section>
  );
}

function Refund({ view }: { view: ReviewCase }) {
  const { t, i18n } = useTranslation();
  const refund = view.refund;
  return (
    <section className="card" aria-labelledby="refund-title" data-testid="case-refund">
      <h2 id="refund-title">
        {t('returnsBench.refund')}:{' '}
        <span data-testid="review-refund-status" data-status={refund?.status ?? 'none'}>
          {refund ? t(`reviewBench.refundStatus.${refund.status}`) : t('reviewBench.noRefund')}
        </span>
      </h2>
      {refund ? (
        <>
          <p className="lead">{money(i18n.language, refund.totalCents, refund.currency)}</p>
          <ul className="plain-list">
            {refund.explanation.map((line, index) => (
              <li key={index}>{line}</li>
            ))}
          </ul>
        </>
      ) : null}
      <Bundle />
    </section>
  );
}

function Bundle() {
  const { t } = useTranslation();
  const bundle = useReviewStore((s) => s.bundle);
  const exportBundle = useReviewStore((s) => s.exportBundle);
  const caseId = useReviewStore((s) => s.caseId);
  const [busy, setBusy] = useState(false);
  const save = (kind: 'pdf' | 'json'): void => {
    if (!bundle || !caseId) return;
    if (kind === 'pdf') saveFile(`evidence-${caseId}.pdf`, { base64: bundle.pdfBase64 }, 'application/pdf');
    else saveFile(`evidence-${caseId}.json`, { text: bundle.json }, 'application/json');
  };
  return (
    <div className="stack bundle" data-testid="bundle">
      <button
        type="button"
        className="button-secondary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void exportBundle().finally(() => setBusy(false));
        }}
      >
        {t('reviewBench.exportBundle')}
      </button>
      {bundle ? (
        <>
          <p data-testid="bundle-directory">
            {t('reviewBench.bundleSaved')} <span className="mono">{bundle.directory}</span>
          </p>
          <div className="row">
            <button type="button" className="button-secondary" onClick={() => save('pdf')} data-testid="download-pdf">
              {t('reviewBench.downloadPdf')}
            </button>
            <button type="button" className="button-secondary" onClick={() => save('json')} data-testid="download-json">
              {t('reviewBench.downloadJson')}
            </button>
          </div>
          <ul className="plain-list hashes">
            {bundle.files.map((file) => (
              <li key={file.file}>
                <span className="mono">{file.file}</span> <span className="mono hash">{file.sha256.slice(0, 16)}…</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function Timeline({ view }: { view: ReviewCase }) {
  const { t } = useTranslation();
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    void stationService.operators().then((result) => {
      if (live && result.ok) setNames(new Map(result.value.map((o) => [o.id, o.name])));
    });
    return () => {
      live = false;
    };
  }, []);
  return (
    <details className="card" data-testid="case-timeline">
      <summary>{t('reviewBench.timeline', { count: view.timeline.length })}</summary>
      <CaseTimeline events={view.timeline} names={names} />
    </details>
  );
}

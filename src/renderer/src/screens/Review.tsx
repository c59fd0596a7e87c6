import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { REVIEW_TABS, useReviewStore, type ReviewTab } from '../stores/review';
import { Analytics } from './review/Analytics';
import { Audit } from './review/Audit';
import { CasePage } from './review/CasePage';
import { Queue } from './review/Queue';
import { Regrade } from './review/Regrade';

/**
 * The supervisor's bench: the queue of fraud flags and the case page with its evidence and
 * decision, blind re-grades, the bench figures, and the audit trail — as tabs (arrow keys move
 * between them). Scanning an RMA label opens its case from any tab.
 */
export function Review() {
  const { t } = useTranslation();
  const tab = useReviewStore((s) => s.tab);
  const setTab = useReviewStore((s) => s.setTab);
  const caseId = useReviewStore((s) => s.caseId);
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({});

  const onKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    const index = REVIEW_TABS.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? REVIEW_TABS[(index + 1) % REVIEW_TABS.length]
        : event.key === 'ArrowLeft'
          ? REVIEW_TABS[(index + REVIEW_TABS.length - 1) % REVIEW_TABS.length]
          : event.key === 'Home'
            ? REVIEW_TABS[0]
            : event.key === 'End'
              ? REVIEW_TABS[REVIEW_TABS.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    setTab(next);
    tabs.current[next]?.focus();
  };

  return (
    <section data-screen="review" data-tab={tab} aria-labelledby="review-title">
      <h1 id="review-title" className="visually-hidden">
        {t('benches.review')}
      </h1>
      <div className="tabs" role="tablist" aria-label={t('benches.review')} onKeyDown={onKey}>
        {REVIEW_TABS.map((name: ReviewTab) => (
          <button
            key={name}
            ref={(element) => {
              tabs.current[name] = element;
            }}
            type="button"
            role="tab"
            id={`review-tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`review-panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            className="tab"
            data-tab={name}
            onClick={() => setTab(name)}
          >
            {t(`reviewBench.tabs.${name}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`review-panel-${tab}`} aria-labelledby={`review-tab-${tab}`} className="tab-panel">
        {tab === 'queue' ? caseId ? <CasePage /> : <Queue /> : null}
        {tab === 'regrade' ? <Regrade /> : null}
        {tab === 'analytics' ? <Analytics /> : null}
        {tab === 'audit' ? <Audit /> : null}
      </div>
    </section>
  );
}

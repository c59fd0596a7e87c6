import { useTranslation } from 'react-i18next';
import type { CaseTimeline as Timeline } from '#shared/contract/common';

/**
 * A case's events as a table — the supervisor's case page (every column, oldest first) and the
 * returns bench (`compact`: newest first, time and event only, in a short scrolling box).
 * `names` maps operator ids to names where the screen may know them (supervisors).
 */
export function CaseTimeline({
  events,
  names,
  compact = false,
  testId,
}: {
  events: Timeline;
  names?: ReadonlyMap<string, string>;
  compact?: boolean;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const time = new Intl.DateTimeFormat(
    i18n.language,
    compact ? { timeStyle: 'medium' } : { dateStyle: 'short', timeStyle: 'medium' },
  );
  const rows = compact ? [...events].reverse() : events;
  return (
    <table className={compact ? 'table table-compact' : 'table'} data-testid={testId}>
      <thead>
        <tr>
          {compact ? null : <th scope="col">{t('review.seq')}</th>}
          <th scope="col">{t('review.time')}</th>
          <th scope="col">{t('review.type')}</th>
          {names ? <th scope="col">{t('review.operator')}</th> : null}
          {compact ? null : <th scope="col">{t('reviewBench.hash')}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((e) => (
          <tr key={e.seq} data-event={e.type}>
            {compact ? null : <td className="mono">{e.seq}</td>}
            <td>{time.format(e.createdAt)}</td>
            {/* On the bench the domain prefix says nothing: "item received", not "returns.item_received". */}
            <td className="mono">{compact ? e.type.replace(/^[a-z]+\./, '').replace(/_/g, ' ') : e.type}</td>
            {names ? <td>{e.operatorId ? (names.get(e.operatorId) ?? e.operatorId) : '—'}</td> : null}
            {compact ? null : <td className="mono hash">{e.hash.slice(0, 16)}…</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

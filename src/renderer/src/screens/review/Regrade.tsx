import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { GRADES } from '#shared/policy/grades';
import { EvidencePhoto } from '../../components/EvidencePhoto';
import { errorText } from '../../i18n/text';
import { useReviewStore } from '../../stores/review';
import { useStationStore } from '../../stores/station';

/**
 * Grader consistency: items sampled for a blind re-grade (their first grade is never shown
 * before the supervisor's own — by touch, or `CMD:GRADE:A`…`F` for the first item waiting), then
 * the agreement rate per grader. The sampled share is the `regradePercent` setting.
 */
export function Regrade() {
  const { t, i18n } = useTranslation();
  const tasks = useReviewStore((s) => s.tasks);
  const results = useReviewStore((s) => s.results);
  const consistency = useReviewStore((s) => s.consistency);
  const error = useReviewStore((s) => s.error);
  const loadRegrades = useReviewStore((s) => s.loadRegrades);
  const regrade = useReviewStore((s) => s.regrade);
  const percent = useStationStore((s) => s.status?.settings?.regradePercent ?? null);

  useEffect(() => {
    void loadRegrades();
  }, [loadRegrades]);

  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  const pct = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 0 });
  return (
    <div className="stack" data-testid="regrade">
      <h2>{t('regrade.title')}</h2>
      <p className="hint">{t('regrade.help', { percent: percent ?? '—' })}</p>
      {error ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      {tasks.length === 0 ? <p className="card">{t('regrade.none')}</p> : null}
      <ul className="regrade-list">
        {tasks.map((task) => {
          const result = results[task.taskId];
          return (
            <li key={task.taskId} className="card regrade-card" data-task={task.taskId}>
              <p className="lead">
                <span className="mono">{task.sku}</span> {task.name}
              </p>
              <p className="bench-meta">
                {task.rmaNumber ? `RMA ${task.rmaNumber} · ` : ''}
                {t('regrade.item', { no: task.itemNo })} · {task.category} · {t('regrade.sampled')}{' '}
                {date.format(task.sampledAt)}
              </p>
              {task.photos.length > 0 ? (
                <div className="photo-grid">
                  {task.photos.map((sha) => (
                    <EvidencePhoto key={sha} sha256={sha} label={`${task.sku} ${task.name}`} />
                  ))}
                </div>
              ) : null}
              {result ? (
                <p
                  className={`prompt ${result.agreed ? 'prompt-good' : 'prompt-bad'}`}
                  data-testid="regrade-result"
                  role="status"
                >
                  {result.agreed
                    ? t('regrade.agreed', { grade: result.originalGrade })
                    : t('regrade.differs', { grade: result.originalGrade })}
                </p>
              ) : (
                <div className="answer-row" role="group" aria-label={t('regrade.yourGrade')}>
                  {GRADES.map((grade) => (
                    <button
                      key={grade}
                      type="button"
                      className="button-answer"
                      data-grade={grade}
                      onClick={() => void regrade(task.taskId, grade)}
                    >
                      {t('regrade.grade', { grade })}
                      <span className="answer-code">CMD:GRADE:{grade}</span>
                    </button>
                  ))}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <h2 id="agreement-title">{t('regrade.agreement')}</h2>
      {consistency.length === 0 ? (
        <p>{t('regrade.noAgreement')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="agreement-title">
          <table className="table table-big" data-testid="agreement">
            <thead>
              <tr>
                <th scope="col">{t('regrade.grader')}</th>
                <th scope="col">{t('regrade.regraded')}</th>
                <th scope="col">{t('regrade.agreedCount')}</th>
                <th scope="col">{t('regrade.rate')}</th>
                <th scope="col">{t('regrade.withinOne')}</th>
              </tr>
            </thead>
            <tbody>
              {consistency.map((row) => (
                <tr key={row.graderId}>
                  <td>{row.grader}</td>
                  <td className="qty">{row.regraded}</td>
                  <td className="qty">{row.agreed}</td>
                  <td className="qty">{pct.format(row.rate)}</td>
                  <td className="qty">{pct.format(row.regraded > 0 ? row.withinOne / row.regraded : 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

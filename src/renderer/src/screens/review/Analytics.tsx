import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Analytics as AnalyticsData, AnalyticsTable } from '#shared/contract/analytics';
import { errorText } from '../../i18n/text';
import { startOfDay, useAnalyticsStore } from '../../stores/analytics';
import { flagType, money } from './format';

const DAY = 86_400_000;
const BLUE = '#0a4a85';
const GREEN = '#1a7f3c';
const RED = '#c62a1c';
const AMBER = '#8a6d00';
const GRADE_COLOURS: Record<string, string> = { A: GREEN, B: '#2f6f3e', C: AMBER, D: '#a4461c', F: RED };
const HEIGHT = 240;
/** Charts are drawn once, without animation: a bench screen should not move by itself. */
const STILL = { isAnimationActive: false } as const;

/** `YYYY-MM-DD` of a local day, for a date input. */
function dayInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function parseDay(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime() : null;
}

/**
 * The bench figures, offline, from this station's own records over a range of days: units per
 * hour by operator and station, scans per item, the QC failure rate and the defect Pareto, grades,
 * dispositions and recovered value, return reasons by SKU, flags by type. Every chart has its
 * numbers as a table underneath, and a CSV export.
 */
export function Analytics() {
  const { t, i18n } = useTranslation();
  const from = useAnalyticsStore((s) => s.from);
  const to = useAnalyticsStore((s) => s.to);
  const data = useAnalyticsStore((s) => s.data);
  const error = useAnalyticsStore((s) => s.error);
  const load = useAnalyticsStore((s) => s.load);
  const setRange = useAnalyticsStore((s) => s.setRange);
  const lastDays = useAnalyticsStore((s) => s.lastDays);

  useEffect(() => {
    void load();
  }, [load]);

  const days = Math.round((to - from) / DAY) + 1;
  const [today] = useState(() => startOfDay(Date.now()));
  return (
    <div className="stack" data-testid="analytics">
      <h2>{t('analytics.title')}</h2>
      <div className="filters" role="group" aria-label={t('analytics.range')}>
        <div className="field">
          <label htmlFor="analytics-from">{t('analytics.from')}</label>
          <input
            id="analytics-from"
            type="date"
            className="input-big"
            value={dayInput(from)}
            max={dayInput(to)}
            onChange={(e) => {
              const day = parseDay(e.target.value);
              if (day !== null) setRange(day, to);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="analytics-to">{t('analytics.to')}</label>
          <input
            id="analytics-to"
            type="date"
            className="input-big"
            value={dayInput(to)}
            min={dayInput(from)}
            onChange={(e) => {
              const day = parseDay(e.target.value);
              if (day !== null) setRange(from, day);
            }}
          />
        </div>
        {[1, 7, 30].map((n) => (
          <button
            key={n}
            type="button"
            className="button-secondary"
            aria-pressed={days === n && to === today}
            onClick={() => lastDays(n)}
          >
            {n === 1 ? t('analytics.today') : t('analytics.lastDays', { count: n })}
          </button>
        ))}
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      {data ? <Figures data={data} language={i18n.language} /> : null}
    </div>
  );
}

function Figures({ data, language }: { data: AnalyticsData; language: string }) {
  const { t } = useTranslation();
  const units = data.unitsPerHourByOperator.reduce((s, r) => s + r.units, 0);
  const pct = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 });
  const num = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  return (
    <>
      <div className="tiles" data-testid="analytics-tiles">
        <Tile label={t('analytics.units')} value={num.format(units)} />
        <Tile
          label={t('analytics.scansPerItem')}
          value={num.format(data.scansPerItem)}
          hint={t('analytics.scansHint')}
        />
        <Tile
          label={t('analytics.qcFailure')}
          value={pct.format(data.qc.failureRate)}
          hint={t('analytics.qcHint', { failed: data.qc.failed, inspected: data.qc.inspected })}
        />
        <Tile label={t('analytics.recovered')} value={money(language, data.recoveredCents)} />
      </div>
      <div className="chart-grid">
        <ChartCard
          id="uph-operator"
          title={t('analytics.uphOperator')}
          table="unitsPerHourByOperator"
          rows={data.unitsPerHourByOperator.map((r) => [r.label, num.format(r.value), `${r.units} / ${r.hours} h`])}
          columns={[t('analytics.operator'), t('analytics.perHour'), t('analytics.unitsHours')]}
        >
          <BarChart data={data.unitsPerHourByOperator} margin={{ left: 8, right: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="value" name={t('analytics.perHour')} fill={BLUE} {...STILL} />
          </BarChart>
        </ChartCard>
        <ChartCard
          id="uph-station"
          title={t('analytics.uphStation')}
          table="unitsPerHourByStation"
          rows={data.unitsPerHourByStation.map((r) => [r.label, num.format(r.value), `${r.units} / ${r.hours} h`])}
          columns={[t('analytics.station'), t('analytics.perHour'), t('analytics.unitsHours')]}
        >
          <BarChart data={data.unitsPerHourByStation} margin={{ left: 8, right: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="value" name={t('analytics.perHour')} fill={BLUE} {...STILL} />
          </BarChart>
        </ChartCard>
        <ChartCard
          id="pareto"
          title={t('analytics.pareto')}
          table="defectPareto"
          rows={data.defectPareto.map((r) => [r.label, String(r.value), pct.format(r.cumulativeShare)])}
          columns={[t('analytics.defect'), t('analytics.count'), t('analytics.cumulative')]}
        >
          <ComposedChart data={data.defectPareto} margin={{ left: 8, right: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis yAxisId="count" allowDecimals={false} />
            <YAxis yAxisId="share" orientation="right" domain={[0, 1]} tickFormatter={(v: number) => pct.format(v)} />
            <Tooltip />
            <Legend />
            <Bar yAxisId="count" dataKey="value" name={t('analytics.count')} fill={RED} {...STILL} />
            <Line
              yAxisId="share"
              dataKey="cumulativeShare"
              name={t('analytics.cumulative')}
              stroke={BLUE}
              strokeWidth={3}
              {...STILL}
            />
          </ComposedChart>
        </ChartCard>
        <ChartCard
          id="grades"
          title={t('analytics.grades')}
          table="gradeDistribution"
          rows={data.gradeDistribution.map((r) => [r.label, String(r.value)])}
          columns={[t('returnsBench.grade'), t('analytics.count')]}
        >
          <BarChart data={data.gradeDistribution} margin={{ left: 8, right: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="value" name={t('analytics.count')} {...STILL}>
              {data.gradeDistribution.map((row) => (
                <Cell key={row.key} fill={GRADE_COLOURS[row.key] ?? BLUE} />
              ))}
            </Bar>
          </BarChart>
        </ChartCard>
        <ChartCard
          id="dispositions"
          title={t('analytics.dispositions')}
          table="dispositionMix"
          rows={data.dispositionMix.map((r) => [
            t(`dispositions.${r.key}`, { defaultValue: r.label }),
            String(r.value),
            money(language, r.valueCents),
            money(language, r.recoveredCents),
          ])}
          columns={[t('analytics.disposition'), t('analytics.count'), t('analytics.value'), t('analytics.recovered')]}
        >
          <BarChart
            data={data.dispositionMix.map((r) => ({
              ...r,
              label: t(`dispositions.${r.key}`, { defaultValue: r.label }),
              value: r.valueCents / 100,
              recovered: r.recoveredCents / 100,
            }))}
            margin={{ left: 8, right: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis />
            <Tooltip />
            <Legend />
            <Bar dataKey="value" name={t('analytics.value')} fill={BLUE} {...STILL} />
            <Bar dataKey="recovered" name={t('analytics.recovered')} fill={GREEN} {...STILL} />
          </BarChart>
        </ChartCard>
        <ChartCard
          id="reasons"
          title={t('analytics.reasons')}
          table="returnReasonsBySku"
          rows={data.returnReasonsBySku.map((r) => [r.sku, r.reason.replace(/_/g, ' '), String(r.value)])}
          columns={['SKU', t('returnsBench.reason'), t('analytics.count')]}
        >
          <BarChart data={data.returnReasonsBySku.slice(0, 10)} layout="vertical" margin={{ left: 8, right: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="label" width={190} tick={{ fontSize: 12 }} />
            <Tooltip />
            <Bar dataKey="value" name={t('analytics.count')} fill={AMBER} {...STILL} />
          </BarChart>
        </ChartCard>
        <ChartCard
          id="flags"
          title={t('analytics.flags')}
          table="flagsByType"
          rows={data.flagsByType.map((r) => [flagType(t, r.key), String(r.value), String(r.open)])}
          columns={[t('reviewBench.type'), t('analytics.count'), t('analytics.open')]}
        >
          <BarChart
            data={data.flagsByType.map((r) => ({ ...r, label: flagType(t, r.key), decided: r.value - r.open }))}
            margin={{ left: 8, right: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar dataKey="open" stackId="f" name={t('analytics.open')} fill={RED} {...STILL} />
            <Bar dataKey="decided" stackId="f" name={t('analytics.decided')} fill={BLUE} {...STILL} />
          </BarChart>
        </ChartCard>
      </div>
    </>
  );
}

function Tile({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="tile">
      <span className="tile-label">{label}</span>
      <span className="tile-value">{value}</span>
      {hint ? <span className="tile-hint">{hint}</span> : null}
    </div>
  );
}

function ChartCard({
  id,
  title,
  table,
  rows,
  columns,
  children,
}: {
  id: string;
  title: string;
  table: AnalyticsTable;
  rows: string[][];
  columns: string[];
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const exportCsv = useAnalyticsStore((s) => s.exportCsv);
  return (
    <section className="card chart-card" aria-labelledby={`chart-${id}`} data-chart={id}>
      <div className="row row-spread">
        <h3 id={`chart-${id}`}>{title}</h3>
        <button
          type="button"
          className="button-secondary button-small"
          onClick={() => void exportCsv(table)}
          aria-label={t('analytics.csvOf', { title })}
        >
          CSV
        </button>
      </div>
      {rows.length === 0 ? (
        <p className="chart-empty">{t('analytics.nothing')}</p>
      ) : (
        <>
          <div className="chart" data-testid={`chart-${id}`}>
            <ResponsiveContainer width="100%" height={HEIGHT}>
              {children}
            </ResponsiveContainer>
          </div>
          <details>
            <summary>{t('analytics.numbers')}</summary>
            <table className="table">
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr key={i}>
                    {row.map((cell, j) => (
                      <td key={j}>{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import type { Bench } from '#shared/domain/roles';
import { verdictText } from '../i18n/text';
import { useScanStore } from '../stores/scan';

/**
 * A bench whose workflow is not built yet says so, and still shows what the station makes of a
 * scan (the scan is recorded either way).
 */
export function BenchPlaceholder({ bench }: { bench: Bench }) {
  const { t } = useTranslation();
  const last = useScanStore((s) => s.last);
  return (
    <section data-screen={bench} aria-labelledby="bench-title">
      <h1 id="bench-title" className="screen-title">
        {t(`benches.${bench}`)}
      </h1>
      <div className="card">
        <h2>{t('bench.notYet')}</h2>
        <p>{t('bench.notYetText')}</p>
      </div>
      <div className="card">
        <h2>{t('bench.lastScan')}</h2>
        {last ? (
          <dl className="facts">
            <dt>{t('bench.code')}</dt>
            <dd className="mono">{last.display}</dd>
            <dt>{t('bench.verdict')}</dt>
            <dd>{verdictText(t, last)}</dd>
          </dl>
        ) : (
          <p>{t('bench.noScan')}</p>
        )}
      </div>
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import { printable } from '#shared/barcode/classify';
import { errorText, verdictText } from '../i18n/text';
import { useScanStore } from '../stores/scan';

/** The last 20 scans and their verdicts, newest first: what was read, from where, what it did. */
export function ScanHistory({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const history = useScanStore((s) => s.history);
  return (
    <section className="card scan-history" aria-labelledby="scan-history-title" data-testid="scan-history">
      <div className="row">
        <h2 id="scan-history-title">{t('scanner.historyTitle')}</h2>
        <span className="header-spacer" />
        <button type="button" className="button-secondary" onClick={onClose}>
          {t('scanner.close')}
        </button>
      </div>
      {history.length === 0 ? (
        <p>{t('scanner.historyEmpty')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="scan-history-title">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('scanner.time')}</th>
                <th scope="col">{t('bench.code')}</th>
                <th scope="col">{t('scanner.source')}</th>
                <th scope="col">{t('bench.verdict')}</th>
              </tr>
            </thead>
            <tbody>
              {history.map((entry) => {
                const tone = entry.verdict?.tone ?? 'bad';
                const failed = entry.error?.details?.code;
                const code = entry.verdict?.display ?? (typeof failed === 'string' ? failed : '');
                return (
                  <tr key={entry.id} className={`history-${tone}`} data-tone={tone}>
                    <td>{new Date(entry.at).toLocaleTimeString()}</td>
                    <td className="mono">
                      {printable(code)}
                      {entry.symbology ? <span className="muted"> ]{entry.symbology}</span> : null}
                    </td>
                    <td>{t(`scanner.sources.${entry.source}`)}</td>
                    <td>
                      {entry.verdict ? verdictText(t, entry.verdict) : entry.error ? errorText(t, entry.error) : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

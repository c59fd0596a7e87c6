import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { printable } from '#shared/barcode/classify';
import { errorText, verdictText } from '../i18n/text';
import { useScanStore } from '../stores/scan';

/**
 * What the last scan did, in large text, plus a full-screen colour flash: green good, red bad,
 * blue information. The text is a live region, so a screen reader announces verdicts too.
 */
export function ScanFeedback() {
  const { t } = useTranslation();
  const last = useScanStore((s) => s.last);
  const lastError = useScanStore((s) => s.lastError);
  const flashId = useScanStore((s) => s.flashId);
  const flashTone = useScanStore((s) => s.flashTone);
  // The flash shows from a new verdict until its timer marks that verdict done.
  const [doneId, setDoneId] = useState(0);
  const flashing = flashId !== doneId;

  useEffect(() => {
    const timer = setTimeout(() => setDoneId(flashId), 450);
    return () => clearTimeout(timer);
  }, [flashId]);

  const text = lastError ? errorText(t, lastError) : last ? verdictText(t, last) : t('app.readyToScan');
  const tone = lastError ? 'bad' : (last?.tone ?? 'idle');
  return (
    <>
      <div
        className={`scan-verdict scan-verdict-${tone}`}
        role="status"
        aria-live="polite"
        data-testid="scan-verdict"
        data-kind={lastError ? 'error' : (last?.kind ?? '')}
        data-flash={flashId}
      >
        {last?.display && !lastError ? <span className="scan-code">{printable(last.display)}</span> : null}
        <span className="scan-text">{text}</span>
      </div>
      {flashing && flashTone ? (
        <div className={`flash flash-${flashTone}`} aria-hidden="true" data-testid="flash" />
      ) : null}
    </>
  );
}

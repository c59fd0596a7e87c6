import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reviewService } from '../services/review';

type Loaded = { url: string; verified: boolean } | 'missing';

/** Photos already fetched in this window, by sha256: evidence does not change under its hash. */
const cache = new Map<string, Loaded>();

/**
 * A photo of the evidence, fetched from the core by its sha256 (the same call in Electron and
 * in web mode) and marked with whether its bytes still match that hash.
 */
export function EvidencePhoto({ sha256, label }: { sha256: string; label: string }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded | null>(() => cache.get(sha256) ?? null);

  useEffect(() => {
    if (cache.has(sha256)) return;
    let live = true;
    void reviewService.photo(sha256).then((result) => {
      const value: Loaded = result.ok
        ? { url: `data:${result.value.mime};base64,${result.value.base64}`, verified: result.value.verified }
        : 'missing';
      cache.set(sha256, value);
      if (live) setLoaded(value);
    });
    return () => {
      live = false;
    };
  }, [sha256]);

  const short = sha256.slice(0, 12);
  return (
    <figure className="evidence-photo" data-sha256={sha256}>
      {loaded === null ? (
        <div className="photo-placeholder">{t('reviewBench.photoLoading')}</div>
      ) : loaded === 'missing' ? (
        <div className="photo-placeholder">{t('reviewBench.photoMissing')}</div>
      ) : (
        <img src={loaded.url} alt={t('reviewBench.photoAlt', { label, hash: short })} />
      )}
      <figcaption>
        <span className="mono">{short}…</span>{' '}
        {loaded !== null && loaded !== 'missing' ? (
          <strong className={loaded.verified ? 'hash-ok' : 'hash-bad'} data-testid="photo-check">
            {loaded.verified ? t('reviewBench.hashOk') : t('reviewBench.hashBad')}
          </strong>
        ) : null}
      </figcaption>
    </figure>
  );
}

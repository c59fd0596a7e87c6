import { useTranslation } from 'react-i18next';
import { Icon } from '../components/Icon';
import { useNavStore } from '../stores/nav';
import { useSessionStore } from '../stores/session';

/** The bench chooser: only the benches the operator's role may open, as large targets. */
export function Home() {
  const { t } = useTranslation();
  const session = useSessionStore((s) => s.session);
  const go = useNavStore((s) => s.go);
  const benches = session?.benches ?? [];
  return (
    <section data-screen="home" aria-labelledby="home-title">
      <h1 id="home-title" className="screen-title">
        {t('home.title')}
      </h1>
      <ul className="bench-grid" data-testid="bench-list">
        {benches.map((bench) => (
          <li key={bench}>
            <button type="button" className="bench-tile" data-bench={bench} onClick={() => go(bench)}>
              <span className="bench-icon">
                <Icon name={bench} size={48} />
              </span>
              <span className="bench-name">{t(`benches.${bench}`)}</span>
              <span className="bench-hint">{t(`benchHint.${bench}`)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bench } from '#shared/domain/roles';
import { LabelsPanel } from './components/LabelsPanel';
import { Notices } from './components/Notices';
import { CameraScanner } from './components/CameraScanner';
import { ScanFeedback } from './components/ScanFeedback';
import { ScanHistory } from './components/ScanHistory';
import { StatusBar } from './components/StatusBar';
import { BenchPlaceholder } from './screens/BenchPlaceholder';
import { Home } from './screens/Home';
import { Lock } from './screens/Lock';
import { Pack } from './screens/Pack';
import { PinForm } from './screens/PinForm';
import { Qc } from './screens/Qc';
import { Returns } from './screens/Returns';
import { Login } from './screens/Login';
import { Review } from './screens/Review';
import { Settings } from './screens/Settings';
import { Sync } from './screens/Sync';
import { Connecting, DbError } from './screens/SystemScreens';
import { useNavStore } from './stores/nav';
import { useSessionStore } from './stores/session';
import { useStationStore } from './stores/station';

/** The window: header, the screen the station state calls for, scan feedback, status bar. */
export function App() {
  const { t } = useTranslation();
  const link = useStationStore((s) => s.link);
  const status = useStationStore((s) => s.status);
  const session = useSessionStore((s) => s.session);
  const screen = useNavStore((s) => s.screen);
  const go = useNavStore((s) => s.go);
  const lock = useSessionStore((s) => s.lock);
  const logout = useSessionStore((s) => s.logout);
  // The scan history (F10) and the camera (F5) open over any screen.
  const [panel, setPanel] = useState<'history' | 'camera' | null>(null);
  const toggle = (which: 'history' | 'camera'): void => setPanel((open) => (open === which ? null : which));

  // A core without a database answers app.status but no session: it is ready to show its error.
  const ready = link === 'open' && status !== null && (status.state === 'error' || session !== null);
  const operator = session?.operator ?? null;
  const loggedIn = operator !== null && !session?.locked;
  // The renderer hides benches the role cannot open; the core refuses their calls regardless.
  const bench = loggedIn && screen !== 'home' && session?.benches.includes(screen) ? screen : 'home';

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape' && loggedIn) go('home');
      // F10 the last scans, F5 the camera (F7 and F9 belong to the benches' labels: panel, reprint).
      if (event.key === 'F10' || event.key === 'F5') {
        event.preventDefault();
        setPanel((open) => {
          const which = event.key === 'F10' ? 'history' : 'camera';
          return open === which ? null : which;
        });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go, loggedIn]);

  let body;
  if (!ready) body = <Connecting />;
  else if (status.state === 'error') body = <DbError />;
  else if (!operator) body = <Login />;
  else if (session?.locked) body = <Lock />;
  else body = <BenchScreen bench={bench} />;

  return (
    <div className="app" data-ready={ready ? 'true' : 'false'}>
      <a className="skip-link" href="#main">
        {t('app.skipToMain')}
      </a>
      <header className="app-header">
        <span className="brand">{t('app.name')}</span>
        {loggedIn && bench !== 'home' ? (
          <button type="button" className="button-header" onClick={() => go('home')}>
            ← {t('bench.back')}
          </button>
        ) : null}
        <span className="header-spacer" />
        {ready && status.state === 'ready' ? (
          <>
            <button
              type="button"
              className="button-header"
              aria-expanded={panel === 'history'}
              aria-keyshortcuts="F10"
              data-testid="toggle-history"
              onClick={() => toggle('history')}
            >
              {t('scanner.history')} (F10)
            </button>
            <button
              type="button"
              className="button-header"
              aria-expanded={panel === 'camera'}
              aria-keyshortcuts="F5"
              data-testid="toggle-camera"
              onClick={() => toggle('camera')}
            >
              {t('scanner.camera')} (F5)
            </button>
          </>
        ) : null}
        {loggedIn ? (
          <>
            <span className="header-operator">{t('home.welcome', { name: operator.name })}</span>
            <button type="button" className="button-header" onClick={() => void lock()}>
              {t('home.lock')}
            </button>
            <button type="button" className="button-header" onClick={() => void logout()}>
              {t('home.logout')}
            </button>
          </>
        ) : null}
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Notices />
        {ready && status.state === 'ready' ? <ScanFeedback /> : null}
        {panel === 'history' ? <ScanHistory onClose={() => setPanel(null)} /> : null}
        {panel === 'camera' ? <CameraScanner onClose={() => setPanel(null)} /> : null}
        {loggedIn && session?.pending ? (
          <section className="switch-operator" aria-label={t('login.title')} data-testid="switch-operator">
            <PinForm title={t('verdict.badgeSwitch', { name: session.pending.operatorName })} />
          </section>
        ) : null}
        {body}
        {loggedIn ? <LabelsPanel /> : null}
      </main>
      <StatusBar />
    </div>
  );
}

function BenchScreen({ bench }: { bench: Bench | 'home' }) {
  switch (bench) {
    case 'home':
      return <Home />;
    case 'sync':
      return <Sync />;
    case 'review':
      return <Review />;
    case 'settings':
      return <Settings />;
    case 'pack':
      return <Pack />;
    case 'qc':
      return <Qc />;
    case 'returns':
      return <Returns />;
    default:
      return <BenchPlaceholder bench={bench} />;
  }
}

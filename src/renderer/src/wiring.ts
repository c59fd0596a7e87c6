import i18next from 'i18next';
import { DEFAULT_SETTINGS } from '#shared/domain/settings';
import { setLanguage } from './i18n/index';
import { onCore } from './services/core';
import { sessionService } from './services/session';
import { WedgeListener } from './scan/wedge';
import { setStationWedge } from './scan/station';
import { useNoticeStore } from './stores/notices';
import { usePackStore, useQcStore } from './stores/packing';
import { usePrintingStore } from './stores/printing';
import { useReturnsStore } from './stores/returns';
import { useReviewStore } from './stores/review';
import { useDevicesStore } from './stores/devices';
import { useScanStore } from './stores/scan';
import { useSessionStore } from './stores/session';
import { useStationStore } from './stores/station';
import { useSyncStore } from './stores/sync';

/** At most one activity call this often, and at least four per idle period. */
const TOUCH_EVERY_MS = 20_000;

/**
 * Connects the stores to the core's events, the scanner to `scan.submit`, and operator activity
 * to the idle lock. Runs once, before the first render.
 */
export function wireApp(): void {
  onCore('link.changed', ({ state, coreStartedAt }) => {
    useStationStore.getState().setLink(state, coreStartedAt);
    if (state === 'open') {
      // A new link (first start, or a restarted core): read everything again.
      void useStationStore.getState().load();
      void useSessionStore.getState().refresh();
    }
  });
  onCore('session.changed', (session) => useSessionStore.getState().sessionChanged(session));
  onCore('settings.changed', (settings) => {
    useStationStore.getState().settingsChanged(settings);
    wedge.configure(settings.scanner);
    void setLanguage(settings.language);
  });
  onCore('status.changed', (status) => useStationStore.getState().statusChanged(status));
  // Pushed verdicts are the HID scanners' (scans that came from no window).
  onCore('scan.verdict', (verdict) => useScanStore.getState().verdict(verdict, 'hid'));
  onCore('pack.changed', (view) => usePackStore.getState().changed(view));
  onCore('qc.changed', (view) => useQcStore.getState().changed(view));
  onCore('returns.changed', (view) => useReturnsStore.getState().changed(view));
  onCore('review.changed', (view) => useReviewStore.getState().changed(view));
  onCore('review.flagged', ({ caseIds }) => useReviewStore.getState().flagged(caseIds));
  // A scan the review bench read (an RMA label, a decision barcode): the screen acts on it.
  useScanStore.subscribe((state, previous) => {
    if (state.last !== previous.last && state.last?.kind === 'review') useReviewStore.getState().verdict(state.last);
  });
  onCore('print.changed', (job) => usePrintingStore.getState().changed(job));
  onCore('scale', (reading) => useDevicesStore.getState().scaleChanged(reading));
  onCore('sync.changed', (view) => useSyncStore.getState().changed(view));
  onCore('call.refused', ({ method, allowed }) => {
    const roles = allowed.map((role) => i18next.t(`roles.${role}`)).join(', ');
    useNoticeStore.getState().push('bad', i18next.t('refused', { method, roles }));
  });

  // Scans typed by a keyboard-wedge scanner, anywhere in the window.
  const wedge = new WedgeListener(DEFAULT_SETTINGS.scanner, (scan) => {
    void useScanStore.getState().submit(scan.code, 'wedge', scan.symbology);
  });
  wedge.attach(window);
  setStationWedge(wedge);
  useStationStore.subscribe((state, previous) => {
    const settings = state.status?.settings;
    if (settings && settings !== previous.status?.settings) {
      wedge.configure(settings.scanner);
      void setLanguage(settings.language);
    }
  });

  // Activity that made no call still counts for the idle lock.
  let lastTouch = 0;
  const activity = (): void => {
    const session = useSessionStore.getState().session;
    const now = Date.now();
    if (!session?.operator || session.locked) return;
    if (now - lastTouch < Math.min(TOUCH_EVERY_MS, (session.idleLockSeconds * 1000) / 4)) return;
    lastTouch = now;
    void sessionService.touch();
  };
  window.addEventListener('pointerdown', activity, { passive: true });
  window.addEventListener('keydown', activity, { passive: true });
}

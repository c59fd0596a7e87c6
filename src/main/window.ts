import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The options of every Benchline window, written out in full so a review (and a unit test) can
 * see each security setting rather than trust a default:
 * - sandboxed renderer with context isolation, no Node anywhere, no <webview>;
 * - the preload is the only bridge, and exposes two functions (`call`, `on`).
 * Autoplay without a gesture: the good/bad scan sounds play on scans, not clicks.
 */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    backgroundColor: '#f4f6f8',
    title: 'Benchline',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableWebSQL: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      autoplayPolicy: 'no-user-gesture-required',
    },
  };
}

/**
 * The hidden window a system print opens a label's PDF in (`system-printer.ts`): never shown, no
 * preload (it needs no bridge), the same sandbox and isolation as the app's window, no
 * devtools. `plugins` is on because Chromium's PDF viewer, which `webContents.print` prints from,
 * is a plugin. The web contents is hardened like every other (no navigation, no new windows).
 */
export function printWindowOptions(): BrowserWindowConstructorOptions {
  return {
    width: 800,
    height: 1000,
    show: false,
    title: 'Benchline print',
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: false,
      plugins: true,
    },
  };
}

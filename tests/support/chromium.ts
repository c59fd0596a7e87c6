import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Chromium for the end-to-end tests and the benchmarks (no vitest here: benchmarks import it too). */

export const CHROMIUM = process.env.BENCHLINE_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Debian's Chromium, headless. The flags keep it off the network this machine does not have
 * (each blocked background request would otherwise be retried), and let the scan sounds play.
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  });
}

const PAGE_ERRORS = new WeakMap<Page, string[]>();

/** Uncaught errors of a page opened with openStation. */
export function pageErrorsOf(page: Page): string[] {
  return PAGE_ERRORS.get(page) ?? [];
}

/** Opens the station in a new page and waits for its ready signal. */
export async function openStation(
  browser: Browser,
  url: string,
  viewport = { width: 1280, height: 800 },
  /** A script run in the page before the app's own (e.g. a listener that must come first). */
  initScript?: () => void,
  /** Set up the context before the page loads (e.g. `routeWebSocket` on the core's socket). */
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<Page> {
  // A context of its own (axe-core needs one), like a fresh browser profile.
  const context = await browser.newContext({ viewport });
  if (initScript) await context.addInitScript(initScript);
  if (prepare) await prepare(context);
  const page = await context.newPage();
  // Shorter than the test's own timeout, so a failure names the step that waited.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector('[data-ready="true"]', { timeout: 15_000 });
  PAGE_ERRORS.set(page, errors);
  return page;
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ScannerKeyboard } from './cdp-keys';
import { ROOT } from './paths';

export { CHROMIUM, launchChromium, openStation, pageErrorsOf } from './chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

const KEYBOARDS = new WeakMap<Page, ScannerKeyboard>();

/**
 * Types a code as a keyboard-wedge scanner does: a few ms a character, then Enter. The keys go
 * through CDP with the scanner's own event times (as a real scanner's are stamped by the system
 * when they arrive): Playwright's `keyboard.type` waits for the page to handle each key before
 * sending the next, so a page busy with the first key would stretch the gaps a real scanner
 * never has.
 */
export async function scan(page: Page, code: string, msPerChar = 5): Promise<void> {
  let keyboard = KEYBOARDS.get(page);
  if (!keyboard) {
    keyboard = new ScannerKeyboard(page);
    KEYBOARDS.set(page, keyboard);
  }
  await keyboard.scan(code, { msPerChar });
}

/** Saves a screenshot to look at: test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Not in the middle of a scan's colour flash.
  await page.waitForSelector('[data-testid="flash"]', { state: 'detached' });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Runs axe-core on the page: no serious or critical violation is allowed. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  expect({ screen, serious }).toEqual({ screen, serious: [] });
}

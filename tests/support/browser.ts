import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { CDPSession, Page } from 'playwright-core';
import { expect } from 'vitest';
import { usKey, type UsKey } from './keys';
import { ROOT } from './paths';

export { CHROMIUM, launchChromium, openStation, pageErrorsOf } from './chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

const CDP = new WeakMap<Page, Promise<CDPSession>>();

/**
 * Types a code as a keyboard-wedge scanner does: a few ms a character, then Enter.
 *
 * The keys go to Chromium as raw input events (DevTools `Input.dispatchKeyEvent`), each stamped
 * with the time a scanner would have sent it, and sent at that pace *without waiting for the page
 * to acknowledge each one* — as a USB scanner does not wait for the application. (Playwright's
 * `keyboard.type` waits for every key's round trip: on a loaded machine that stretches a 5 ms
 * scan into keystrokes 150 ms apart, which is typing, not a scan.) Characters are sent as the US
 * layout's physical keys (`code`) with Shift where needed, as a scanner set to US English does.
 */
export async function scan(page: Page, code: string, msPerChar = 5): Promise<void> {
  let session = CDP.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    CDP.set(page, session);
  }
  const cdp = await session;
  const sent: Promise<unknown>[] = [];
  const press = (at: number, key: UsKey, text: string): void => {
    const common = {
      code: key.code,
      key: key.key,
      windowsVirtualKeyCode: key.keyCode,
      nativeVirtualKeyCode: key.keyCode,
      modifiers: key.shift ? 8 : 0,
      timestamp: at / 1000,
    };
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', text, unmodifiedText: text, ...common }));
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common }));
  };
  const pace = async (at: number): Promise<void> => {
    const wait = at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  const chars = [...code];
  const start = Date.now();
  for (let i = 0; i < chars.length; i++) {
    await pace(start + i * msPerChar);
    press(start + i * msPerChar, usKey(chars[i]!), chars[i]!);
  }
  const end = start + chars.length * msPerChar;
  await pace(end);
  press(end, { code: 'Enter', key: 'Enter', keyCode: 13, shift: false }, '\r');
  await Promise.all(sent);
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

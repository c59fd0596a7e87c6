import type { Page } from 'playwright-core';
import type { RunningCore } from './core-process';
import { inspectStation } from './db';

/**
 * What the station looked like when an end-to-end step failed: the screen's state attributes, the
 * verdict bar, the last events the core committed and the end of its log. A CI log keeps only the
 * end of a run, so this goes into the failure's own message, where it is read.
 */
export async function stationState(page: Page, dataDir: string, core?: RunningCore): Promise<string> {
  const lines: string[] = [];
  try {
    const screen = await page.evaluate(() => {
      const section = document.querySelector('[data-screen]');
      const verdict = document.querySelector('[data-testid="scan-verdict"]')?.textContent ?? '';
      const attributes = section
        ? Array.from(section.attributes)
            .filter((a) => a.name.startsWith('data-'))
            .map((a) => `${a.name}=${a.value}`)
            .join(' ')
        : '(no screen)';
      return { attributes, verdict, text: (document.querySelector('main')?.textContent ?? '').slice(0, 300) };
    });
    lines.push(`screen: ${screen.attributes}`, `verdict: ${screen.verdict}`, `text: ${screen.text}`);
  } catch (error) {
    lines.push(`page unreadable: ${String(error)}`);
  }
  try {
    const db = inspectStation(dataDir);
    const events = db
      .prepare<[], { seq: number; type: string; subject: string | null; payload: string; created_at: number }>(
        'SELECT seq, type, subject, payload, created_at FROM events ORDER BY seq DESC LIMIT 12',
      )
      .all()
      .reverse();
    db.close();
    lines.push('last events:');
    for (const e of events)
      lines.push(
        `  ${e.seq} ${new Date(e.created_at).toISOString()} ${e.type} ${e.subject ?? ''} ${e.payload.slice(0, 140)}`,
      );
  } catch (error) {
    lines.push(`database unreadable: ${String(error)}`);
  }
  const log = core?.stderr().trim();
  if (log) lines.push(`core log (end): ${log.slice(-1200)}`);
  return lines.join('\n');
}

/** Waits for `selector`; on a timeout, fails with the station's state in the message. */
export async function waitForState(
  page: Page,
  selector: string,
  dataDir: string,
  core?: RunningCore,
  timeout = 10_000,
): Promise<void> {
  try {
    await page.waitForSelector(selector, { timeout });
  } catch (error) {
    const state = await stationState(page, dataDir, core);
    throw new Error(`${selector} did not appear in ${timeout} ms.\n${state}`, { cause: error });
  }
}

import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ScannerKeyboard, ScanOptions } from './cdp-keys';
import { inspectStation } from './db';

/**
 * Planned keyboard-wedge scans and the check that the station recorded exactly those: shared by
 * the scanner e2e (`tests/e2e/scanner.test.ts`) and its long real-time run
 * (`tests/e2e/scanner-long.test.ts`).
 */

const GS = '\x1d';

/** A seeded generator, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// Printable characters a scanner types; no space (a code is trimmed) and no `]` (it starts AIM ids).
const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/+*=#$%&()!?@,;<>{}|~^"\'[`\\';
const AIMS = [null, null, 'C1', 'C0', 'E0', 'd2', 'Q3', 'e0'];

export type Planned = { code: string; options: ScanOptions };

/**
 * `count` scans of `length.min`–`length.max` characters (8–60 unless given; the unique tail
 * included), with up to three GS separators inside, each with its AIM id and GS style.
 */
export function plan(
  count: number,
  seed: number,
  base: Omit<ScanOptions, 'gs' | 'aim'>,
  length: { min: number; max: number } = { min: 8, max: 60 },
): Planned[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    // A unique tail, so a lost or merged scan cannot hide behind a duplicate.
    const tail = `~${seed}-${i}`;
    const min = Math.max(3, length.min - tail.length);
    const size = min + Math.floor(random() * (length.max - tail.length - min + 1));
    const chars = Array.from({ length: size }, () => pick([...CHARS]));
    // Up to three GS separators, never first or last (a trailing GS is legal, but keep it clean).
    for (let g = Math.floor(random() * 4); g > 0; g--) chars[1 + Math.floor(random() * (size - 2))] = GS;
    const code = `${chars.join('')}${tail}`;
    return { code, options: { ...base, gs: pick(['ctrl', 'f8', 'alt'] as const), aim: pick(AIMS) } };
  });
}

type Recorded = { code: string; symbology: string | null; source: string };

/** The scans the station recorded after event `seq`. */
export function recordedSince(dataDir: string, seq: number): { seq: number; scans: Recorded[] } {
  const db = inspectStation(dataDir);
  try {
    const rows = db
      .prepare<[number], { seq: number; payload: string }>(
        "SELECT seq, payload FROM events WHERE type = 'scan.recorded' AND seq > ? ORDER BY seq",
      )
      .all(seq);
    return { seq: rows.at(-1)?.seq ?? seq, scans: rows.map((r) => JSON.parse(r.payload) as Recorded) };
  } finally {
    db.close();
  }
}

export function lastSeq(dataDir: string): number {
  const db = inspectStation(dataDir);
  try {
    return db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM events').get()?.seq ?? 0;
  } finally {
    db.close();
  }
}

async function waitForRecorded(dataDir: string, since: number, count: number): Promise<Recorded[]> {
  for (let i = 0; i < 600; i++) {
    const { scans } = recordedSince(dataDir, since);
    if (scans.length >= count) return scans;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return recordedSince(dataDir, since).scans;
}

/**
 * Runs scans into a focused text field (`field`, on the open page); every one must be recorded
 * exactly, in order, and the field must stay empty and focused.
 */
export async function scanAll(
  page: Page,
  keyboard: ScannerKeyboard,
  dataDir: string,
  planned: Planned[],
  field = '#scanner-prefix',
): Promise<void> {
  await page.focus(field);
  const since = lastSeq(dataDir);
  for (const { code, options } of planned) await keyboard.scan(code, options);
  const recorded = await waitForRecorded(dataDir, since, planned.length);
  // Exactly the codes sent, in order: none lost, merged, split or altered; AIM ids stripped.
  expect(recorded.map((r) => ({ code: r.code, symbology: r.symbology, source: r.source }))).toEqual(
    planned.map((p) => ({ code: p.code, symbology: p.options.aim ?? null, source: 'wedge' })),
  );
  // Nothing landed in the field that had focus, and the field still has it.
  expect(await page.inputValue(field)).toBe('');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe(field.slice(1));
}

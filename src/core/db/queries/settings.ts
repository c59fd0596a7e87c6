import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '#shared/domain/settings';
import type { Db } from '../connection';

const KEY = 'station';

/** The station settings; defaults where nothing was saved, or where a stored value is invalid. */
export function readSettings(db: Db): Settings {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(KEY);
  if (!row) return DEFAULT_SETTINGS;
  // Stored settings are merged over today's defaults, nested objects too: settings added by a
  // newer version get their default, and no saved choice is lost to a missing key.
  const stored = JSON.parse(row.value) as Partial<Settings>;
  const parsed = settingsSchema.safeParse({
    ...DEFAULT_SETTINGS,
    ...stored,
    scanner: { ...DEFAULT_SETTINGS.scanner, ...(stored.scanner ?? {}) },
  });
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export function writeSettings(db: Db, settings: Settings, now: number): void {
  db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(KEY, JSON.stringify(settings), now);
}

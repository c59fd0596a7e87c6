import { z } from 'zod';

/** Languages the station UI ships with. */
export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Keyboard-wedge scanner detection, per station. A scan is a burst of keys whose gaps are all at
 * most `maxInterKeyMs`, at least `minLength` characters long, ended by the terminator. The
 * default gap accepts slow Zebra scanners (about 80 ms a key, peaks near 100 ms).
 */
export const scannerSettingsSchema = z.strictObject({
  maxInterKeyMs: z.number().int().min(1).max(300),
  minLength: z.number().int().min(1).max(64),
  terminator: z.enum(['enter', 'tab', 'either']),
  prefix: z.string().max(8),
  suffix: z.string().max(8),
});
export type ScannerSettings = z.infer<typeof scannerSettingsSchema>;

/** Station settings, stored in the station database. */
export const settingsSchema = z.strictObject({
  /** Seconds without activity before the station locks itself. */
  idleLockSeconds: z.number().int().min(5).max(86_400),
  language: z.enum(LANGUAGES),
  sounds: z.boolean(),
  scanner: scannerSettingsSchema,
  /** Whether a parcel must be weighed before DONE. `optional`: weighed when a scale gives a reading. */
  weighing: z.enum(['required', 'optional']),
  /** Share of graded return items sampled for a supervisor's blind re-grade (0–100). */
  regradePercent: z.number().min(0).max(100),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  idleLockSeconds: 600,
  language: 'en',
  sounds: true,
  scanner: { maxInterKeyMs: 100, minLength: 4, terminator: 'either', prefix: '', suffix: '' },
  weighing: 'optional',
  regradePercent: 10,
};

/** A partial update of the settings; nested scanner settings are merged key by key. */
export const settingsPatchSchema = z.strictObject({
  idleLockSeconds: settingsSchema.shape.idleLockSeconds.optional(),
  language: settingsSchema.shape.language.optional(),
  sounds: settingsSchema.shape.sounds.optional(),
  scanner: scannerSettingsSchema.partial().optional(),
  weighing: settingsSchema.shape.weighing.optional(),
  regradePercent: settingsSchema.shape.regradePercent.optional(),
});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Applies a patch to settings without mutating either. */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return {
    idleLockSeconds: patch.idleLockSeconds ?? current.idleLockSeconds,
    language: patch.language ?? current.language,
    sounds: patch.sounds ?? current.sounds,
    scanner: { ...current.scanner, ...stripUndefined(patch.scanner ?? {}) },
    weighing: patch.weighing ?? current.weighing,
    regradePercent: patch.regradePercent ?? current.regradePercent,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

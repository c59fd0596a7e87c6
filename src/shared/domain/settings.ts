import { z } from 'zod';

/** Languages the station UI ships with. */
export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Keyboard layouts a keyboard-wedge scanner can be programmed for: US English, UK English,
 * German (QWERTZ), French (AZERTY), Spanish. The scanner sends key positions for its layout;
 * the station decodes them with the same layout, whatever layout the operating system uses.
 */
export const SCANNER_LAYOUTS = ['us', 'uk', 'de', 'fr', 'es'] as const;
export type ScannerLayout = (typeof SCANNER_LAYOUTS)[number];

/**
 * What calibration learnt from test scans: the scanner's speed, and the threshold it set.
 * `maxGapMs` is the longest gap seen between two keys of a scan.
 */
export const scannerCalibrationSchema = z.strictObject({
  at: z.number().int(),
  scans: z.number().int().min(1).max(20),
  avgMsPerChar: z.number().min(0).max(1000),
  maxGapMs: z.number().min(0).max(1000),
  terminator: z.enum(['enter', 'tab']),
  aim: z.boolean(),
});
export type ScannerCalibration = z.infer<typeof scannerCalibrationSchema>;

/**
 * Scanner input, per station. Keyboard-wedge detection: a scan is a burst of keys whose gaps are
 * all at most `maxInterKeyMs`, at least `minLength` characters long, ended by the terminator, with
 * the prefix and suffix when set. The default gap accepts scanners from about 1 to 100 ms a key
 * (slow Zebra scanners type about 80 ms a key, with peaks near 100 ms); calibration sets it from
 * the scanner's own speed. `mode` says which scanners the station reads: keyboard wedge, HID POS
 * (read by the core), or both. `aim`: strip AIM symbology identifiers (`]C1`…) and pass them on.
 * `layout`: the keyboard layout the wedge scanner is programmed for (US unless set otherwise).
 */
export const scannerSettingsSchema = z.strictObject({
  mode: z.enum(['both', 'wedge', 'hid']),
  maxInterKeyMs: z.number().int().min(1).max(300),
  minLength: z.number().int().min(1).max(64),
  terminator: z.enum(['enter', 'tab', 'either']),
  prefix: z.string().max(8),
  suffix: z.string().max(8),
  aim: z.enum(['auto', 'off']),
  layout: z.enum(SCANNER_LAYOUTS),
  calibration: scannerCalibrationSchema.nullable(),
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
  scanner: {
    mode: 'both',
    maxInterKeyMs: 100,
    minLength: 4,
    terminator: 'either',
    prefix: '',
    suffix: '',
    aim: 'auto',
    layout: 'us',
    calibration: null,
  },
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

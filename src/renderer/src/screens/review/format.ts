import type { TFunction } from 'i18next';

// Intl formatters are costly to build (a queue page formats 200 cells): one per language and kind.
const moneyFormats = new Map<string, Intl.NumberFormat>();
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

/** Money in cents as the station's currency, in the UI language. */
export function money(language: string, cents: number, currency = 'EUR'): string {
  const key = `${language}:${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, { style: 'currency', currency });
    moneyFormats.set(key, format);
  }
  return format.format(cents / 100);
}

/** How long ago, in the largest whole unit (minutes, hours, days). */
export function age(language: string, from: number, now = Date.now()): string {
  let format = relativeFormats.get(language);
  if (!format) {
    format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
    relativeFormats.set(language, format);
  }
  const minutes = Math.round((from - now) / 60_000);
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return format.format(hours, 'hour');
  return format.format(Math.round(hours / 24), 'day');
}

/** A flag type as words: the translation, or the code with spaces. */
export function flagType(t: TFunction, type: string): string {
  return t(`flagTypes.${type}`, { defaultValue: type.replace(/_/g, ' ') });
}

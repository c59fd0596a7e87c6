import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '#shared/domain/settings';
import { en } from './en';
import { es } from './es';

export const resources = { en: { translation: en }, es: { translation: es } } as const;

/** Starts i18next with the bundled languages; the station's language setting picks one. */
export async function initI18n(language: Language = 'en'): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = language;
}

export async function setLanguage(language: Language): Promise<void> {
  if (i18next.language === language) return;
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

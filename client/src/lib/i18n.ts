import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ApiError } from './api.ts';
import { en } from './locales/en.ts';
import { fi } from './locales/fi.ts';
import { sv } from './locales/sv.ts';

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof fi };
  }
}

const STORAGE_KEY = 'dtask.language';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((language) => language === value);
}

function storedLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage can be disabled by policy: Finnish is the default then.
  }
  return 'fi';
}

export const i18n = i18next.createInstance();

function applyLanguage(language: string): void {
  document.documentElement.lang = language;
  document.title = i18n.t('app.name');
}

i18n.on('languageChanged', applyLanguage);

void i18n.use(initReactI18next).init({
  resources: { fi: { translation: fi }, sv: { translation: sv }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'fi',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});

/** Switches the interface language and remembers it in this browser. */
export function setLanguage(language: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered, but still switched.
  }
  void i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  const lng = i18n.resolvedLanguage ?? i18n.language;
  return isLanguage(lng) ? lng : 'fi';
}

type ErrorCode = keyof typeof fi.errors;

function isKnownCode(code: string): code is ErrorCode {
  return Object.hasOwn(fi.errors, code);
}

function retryAfterSeconds(details: unknown): number {
  if (typeof details === 'object' && details !== null && 'retryAfterSeconds' in details) {
    const value = details.retryAfterSeconds;
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, Math.ceil(value));
  }
  return 0;
}

/**
 * The text to show a person for a failure: the translation of the server's error code when there is
 * one, else the server's own message, else a generic text. Call it during render so it follows the language.
 */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (isKnownCode(err.code)) {
      const seconds = retryAfterSeconds(err.details);
      return i18n.t(`errors.${err.code}`, { seconds, minutes: Math.max(1, Math.ceil(seconds / 60)) });
    }
    if (err.message) return err.message;
  }
  return i18n.t('errors.UNKNOWN');
}

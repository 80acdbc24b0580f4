import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ApiError } from './api.ts';
import type { fi, Messages } from './locales/fi.ts';

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

// Each language is its own chunk: a page loads the messages of the language it shows, not all three.
const LOADERS: Readonly<Record<Language, () => Promise<Messages>>> = {
  fi: async () => (await import('./locales/fi.ts')).fi,
  sv: async () => (await import('./locales/sv.ts')).sv,
  en: async () => (await import('./locales/en.ts')).en,
};
const loaded: Partial<Record<Language, Messages>> = {};
/** The language last asked for: a slower fetch of an earlier choice does not win over it. */
let requested: Language | null = null;

async function loadMessages(language: Language): Promise<Messages> {
  const messages = loaded[language] ?? (await LOADERS[language]());
  loaded[language] = messages;
  return messages;
}

function applyLanguage(language: string): void {
  document.documentElement.lang = language;
  document.title = i18n.t('app.name');
}

i18n.on('languageChanged', applyLanguage);

/** Loads the remembered language's messages and starts i18next: render the app after it resolves. */
export async function startI18n(): Promise<void> {
  const language = storedLanguage();
  const messages = await loadMessages(language);
  await i18n.use(initReactI18next).init({
    resources: { [language]: { translation: messages } },
    lng: language,
    // Every language has every message (the Messages type): nothing to fall back to.
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false,
  });
}

/** Switches the interface language (fetching its messages the first time) and remembers it in this browser. */
export function setLanguage(language: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered, but still switched.
  }
  requested = language;
  // When the messages cannot be fetched the interface stays in the language it shows.
  loadMessages(language)
    .then(async (messages) => {
      if (requested !== language) return;
      if (!i18n.hasResourceBundle(language, 'translation')) i18n.addResourceBundle(language, 'translation', messages);
      await i18n.changeLanguage(language);
    })
    .catch(() => undefined);
}

/** The messages of the language shown now: to tell whether a server-given key has a text. */
export function messages(): Messages {
  const messages = loaded[currentLanguage()];
  if (!messages) throw new Error('The messages of the shown language are not loaded');
  return messages;
}

export function currentLanguage(): Language {
  const lng = i18n.resolvedLanguage ?? i18n.language;
  return isLanguage(lng) ? lng : 'fi';
}

type ErrorCode = keyof typeof fi.errors;

function isKnownCode(code: string): code is ErrorCode {
  return Object.hasOwn(messages().errors, code);
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

import { useSyncExternalStore } from 'react';
import { ApiError } from './api.ts';
import type { BackOfficeMessages, fiBackOffice } from './locales/fi-back-office.ts';
import type { fi, Messages } from './locales/fi.ts';

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every message's dotted path ('nurse.queue.waiting'): a key that no message has fails the type check. */
type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = Paths<typeof fi & typeof fiBackOffice>;
/** Every message of a language: the core set and the back-office pages' set. */
export type AllMessages = Messages & BackOfficeMessages;
/** The values a message's `{{name}}` placeholders take. */
export type MessageVars = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, vars?: MessageVars) => string;

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

// Each language is its own chunk: a page loads the messages of the language it shows, not all three.
// The back-office pages' messages are a second chunk per language, fetched when such a page opens.
const LOADERS: Readonly<Record<Language, () => Promise<Messages>>> = {
  fi: async () => (await import('./locales/fi.ts')).fi,
  sv: async () => (await import('./locales/sv.ts')).sv,
  en: async () => (await import('./locales/en.ts')).en,
};
const BACK_OFFICE_LOADERS: Readonly<Record<Language, () => Promise<BackOfficeMessages>>> = {
  fi: async () => (await import('./locales/fi-back-office.ts')).fiBackOffice,
  sv: async () => (await import('./locales/sv-back-office.ts')).svBackOffice,
  en: async () => (await import('./locales/en-back-office.ts')).enBackOffice,
};
const loaded: Partial<Record<Language, Messages>> = {};
const loadedBackOffice: Partial<Record<Language, BackOfficeMessages>> = {};
/** Whether a back-office page has been opened: its messages then follow every language switch. */
let backOfficeWanted = false;
/** The language last asked for: a slower fetch of an earlier choice does not win over it. */
let requested: Language | null = null;

async function loadMessages(language: Language): Promise<AllMessages | Messages> {
  const [core, backOffice] = await Promise.all([
    loaded[language] ?? LOADERS[language](),
    backOfficeWanted ? (loadedBackOffice[language] ?? BACK_OFFICE_LOADERS[language]()) : undefined,
  ]);
  loaded[language] = core;
  if (backOffice) loadedBackOffice[language] = backOffice;
  return backOffice ? { ...core, ...backOffice } : core;
}

type MessageTree = { readonly [key: string]: string | MessageTree };

/** 'a.b.c' -> text for every message of a language, so a lookup is one map read. */
function flatten(tree: MessageTree | string, prefix: string, into: Map<string, string>): Map<string, string> {
  if (typeof tree === 'string') return into.set(prefix, tree);
  for (const [key, value] of Object.entries(tree)) flatten(value, prefix ? `${prefix}.${key}` : key, into);
  return into;
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** The text of `key` with its `{{name}}` placeholders filled; a placeholder without a value stays visible, an unknown key shows itself. */
function translator(texts: ReadonlyMap<string, string>): Translate {
  return (key, vars) => {
    const text = texts.get(key) ?? key;
    if (!vars) return text;
    return text.replace(PLACEHOLDER, (placeholder, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : placeholder));
  };
}

interface Shown {
  readonly language: Language;
  readonly t: Translate;
}
let shown: Shown | null = null;
const listeners = new Set<() => void>();

function current(): Shown {
  if (!shown) throw new Error('startI18n() has not finished: no language is shown yet');
  return shown;
}

function show(language: Language, messages: AllMessages | Messages): void {
  shown = { language, t: translator(flatten(messages, '', new Map())) };
  document.documentElement.lang = language;
  document.title = shown.t('app.name');
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Translation outside components (callbacks, toasts): always the language shown now. */
export const i18n: { readonly t: Translate } = { t: (key, vars) => current().t(key, vars) };

/**
 * `t` for the language shown; the component renders again when the language changes (and `t` is
 * then a new function, so effects and memos that use it run again).
 */
export function useTranslation(): Shown {
  return useSyncExternalStore(subscribe, current);
}

/** Loads the remembered language's messages and shows it: render the app after it resolves. */
export async function startI18n(): Promise<void> {
  const language = storedLanguage();
  show(language, await loadMessages(language));
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
    .then((messages) => {
      if (requested === language && current().language !== language) show(language, messages);
    })
    .catch(() => undefined);
}

/**
 * Fetches the back-office pages' messages of the language shown (and of every later one) and shows
 * them: a back-office page's loader awaits this before the page renders.
 */
export async function loadBackOffice(): Promise<void> {
  backOfficeWanted = true;
  const language = currentLanguage();
  if (loadedBackOffice[language]) return;
  const messages = await loadMessages(language);
  if (currentLanguage() === language) show(language, messages);
}

/** The core messages of the language shown now: to tell whether a server-given key has a text. */
export function messages(): Messages {
  const core = loaded[currentLanguage()];
  if (!core) throw new Error('The messages of the shown language are not loaded');
  return core;
}

/** The back-office messages of the language shown now; there once loadBackOffice() has resolved (a back-office page's loader awaits it). */
export function backOfficeMessages(): BackOfficeMessages {
  const backOffice = loadedBackOffice[currentLanguage()];
  if (!backOffice) throw new Error('The back-office messages are not loaded: only a back-office page may read them');
  return backOffice;
}

export function currentLanguage(): Language {
  return current().language;
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

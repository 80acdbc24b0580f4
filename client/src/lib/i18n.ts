import { useSyncExternalStore } from 'react';
import { ApiError } from './api.ts';
import type { fi, Messages } from './locales/fi.ts';

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every message's dotted path ('nurse.queue.waiting'): a key that no message has fails the type check. */
type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = Paths<typeof fi>;
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

function show(language: Language, messages: Messages): void {
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

/** The messages of the language shown now: to tell whether a server-given key has a text. */
export function messages(): Messages {
  const messages = loaded[currentLanguage()];
  if (!messages) throw new Error('The messages of the shown language are not loaded');
  return messages;
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

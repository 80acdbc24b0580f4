// The console's own translation module (client/src/lib/i18n.ts): message lookup by dotted key,
// {{name}} interpolation, language switching with lazily loaded messages, the page's lang and title.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../client/src/lib/api.ts';
import { currentLanguage, errorText, i18n, messages, setLanguage, startI18n } from '../../client/src/lib/i18n.ts';
import { en } from '../../client/src/lib/locales/en.ts';
import { fi } from '../../client/src/lib/locales/fi.ts';
import { sv } from '../../client/src/lib/locales/sv.ts';

const stored = new Map<string, string>();
const page = { documentElement: { lang: '' }, title: '' };

beforeAll(() => {
  // The browser parts the module touches: the remembered language and the page's lang and title.
  vi.stubGlobal('window', {
    localStorage: {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => void stored.set(key, value),
    },
  });
  vi.stubGlobal('document', page);
});
afterAll(() => vi.unstubAllGlobals());

describe('client i18n', () => {
  it('starts in the remembered language and names the page in it', async () => {
    stored.set('dtask.language', 'sv');
    await startI18n();
    expect(currentLanguage()).toBe('sv');
    expect(page.documentElement.lang).toBe('sv');
    expect(page.title).toBe(sv.app.name);
    expect(messages()).toBe(sv);
  });

  it('fills {{name}} placeholders and leaves one without a value visible', () => {
    expect(i18n.t('nurse.queue.waiting', { count: 3 })).toBe(sv.nurse.queue.waiting.replace('{{count}}', '3'));
    expect(i18n.t('nurse.queue.waiting', { other: 3 })).toBe(sv.nurse.queue.waiting);
    expect(i18n.t('nurse.queue.waiting')).toContain('{{count}}');
    expect(i18n.t('app.name', { name: 'x' })).toBe(sv.app.name);
  });

  it('answers an unknown key with the key itself (and the type check refuses it)', () => {
    // @ts-expect-error: not a message key, so the compiler refuses it.
    expect(i18n.t('nurse.no.such.key')).toBe('nurse.no.such.key');
    // @ts-expect-error: a group of messages is not a message.
    expect(i18n.t('nurse.queue')).toBe('nurse.queue');
  });

  it('lets the last choice win over an earlier one whose messages arrive later', async () => {
    setLanguage('en'); // its messages are fetched first
    setLanguage('sv'); // shown already: nothing to fetch
    await new Promise((resolve) => setTimeout(resolve, 100)); // the English messages have arrived by now
    expect(currentLanguage()).toBe('sv');
    expect(stored.get('dtask.language')).toBe('sv');
  });

  it('switches language, remembers it, and names the page in it', async () => {
    setLanguage('fi');
    await vi.waitFor(() => expect(currentLanguage()).toBe('fi'));
    expect(stored.get('dtask.language')).toBe('fi');
    expect(page.documentElement.lang).toBe('fi');
    expect(page.title).toBe(fi.app.name);
    expect(i18n.t('nurse.queue.waiting', { count: 4 })).toBe('Jonossa 4');
    setLanguage('en');
    await vi.waitFor(() => expect(currentLanguage()).toBe('en'));
    expect(i18n.t('nurse.queue.waiting', { count: 4 })).toBe(en.nurse.queue.waiting.replace('{{count}}', '4'));
    expect(messages()).toBe(en);
  });

  it('translates a server error code with its values, and falls back to the server text for an unknown code', () => {
    const throttled = new ApiError(429, 'LOGIN_THROTTLED', 'Too many', { retryAfterSeconds: 29.2 });
    expect(errorText(throttled)).toBe(en.errors.LOGIN_THROTTLED.replace('{{seconds}}', '30'));
    expect(errorText(new ApiError(400, 'NOT_A_CODE', 'Server says no'))).toBe('Server says no');
    expect(errorText(new Error('x'))).toBe(en.errors.UNKNOWN);
  });
});

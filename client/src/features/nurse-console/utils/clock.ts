import { TIME_ZONE } from '../../../lib/format.ts';
import type { Language } from '../../../lib/i18n.ts';

const LOCALES: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
const timeFormats = new Map<Language, Intl.DateTimeFormat>();

function timeFormat(language: Language): Intl.DateTimeFormat {
  let format = timeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(language, format);
  }
  return format;
}

const localParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** The time of day in Helsinki as the reader's language writes it (14.05, 14:05); '' for null. */
export function formatClock(iso: string | null, language: Language): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : timeFormat(language).format(date);
}

/** This instant as a `<input type="datetime-local">` value in Helsinki time, e.g. 2026-11-23T14:05. */
export function helsinkiLocalNow(now = Date.now()): string {
  const parts: Record<string, string> = {};
  for (const part of localParts.formatToParts(new Date(now))) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

import type { Language } from './i18n.ts';

export const TIME_ZONE = 'Europe/Helsinki';

const LOCALES: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(language: Language, withSeconds: boolean): Intl.DateTimeFormat {
  const key = `${language}:${withSeconds ? 's' : 'm'}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], {
      timeZone: TIME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' as const } : {}),
    });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** A date and time in Helsinki time, 24-hour clock, in the reader's language; '' for null. */
export function formatDateTime(iso: string | null | undefined, language: Language, withSeconds = false): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat(language, withSeconds).format(date);
}

const offsetParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Minutes Helsinki is ahead of UTC at this instant (120 in winter, 180 in summer). */
function helsinkiOffsetMinutes(instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of offsetParts.formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * Reads a `<input type="datetime-local">` value ("2026-11-23T14:05") as Helsinki wall-clock time and
 * returns the instant as an ISO string, or null when the text is not such a value. In the autumn
 * hour that occurs twice the earlier one is meant; a spring-gap time is moved forward by the gap.
 */
export function helsinkiLocalToIso(local: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(wall)) return null;
  const DAY = 86_400_000;
  const before = helsinkiOffsetMinutes(wall - DAY);
  const after = helsinkiOffsetMinutes(wall + DAY);
  // Each offset in force around that day gives a candidate; keep those that read back as the same wall time.
  const candidates = [before, after]
    .map((offset) => wall - offset * 60_000)
    .filter((instant) => helsinkiOffsetMinutes(instant) * 60_000 === wall - instant);
  const instant = candidates.length > 0 ? Math.min(...candidates) : wall - before * 60_000;
  return new Date(instant).toISOString();
}

/** A share 0..1 as a percentage in the reader's language; '–' for none. */
export function formatShare(value: number | null, language: Language): string {
  if (value === null) return '–';
  return value.toLocaleString(LOCALES[language], { style: 'percent', maximumFractionDigits: 1 });
}

const monthNameFormats = new Map<Language, Intl.DateTimeFormat>();

/** The name of a month (1-12) in the reader's language, as it stands alone: "joulukuu", "december". */
export function monthName(month: number, language: Language): string {
  let format = monthNameFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], { month: 'long', timeZone: 'UTC' });
    monthNameFormats.set(language, format);
  }
  return format.format(new Date(Date.UTC(2000, month - 1, 15)));
}

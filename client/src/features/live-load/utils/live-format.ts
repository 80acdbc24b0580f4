import { TIME_ZONE } from '../../../lib/format.ts';
import type { Language } from '../../../lib/i18n.ts';

const LOCALES: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

// Times of day are written the Finnish way (HH.MM, HH.MM.SS) in every interface language, like the
// rest of the console; en-GB's HH:MM is only for arithmetic below.
const clockWithSeconds = new Intl.DateTimeFormat('fi-FI', { timeZone: TIME_ZONE, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const displayClock = new Intl.DateTimeFormat('fi-FI', { timeZone: TIME_ZONE, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
const clock = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });

/** Helsinki wall-clock time of an instant: HH.MM, or HH.MM.SS. */
export function helsinkiClock(instant: string | number, withSeconds = false): string {
  return (withSeconds ? clockWithSeconds : displayClock).format(new Date(instant));
}

/** Minutes since Helsinki midnight of an instant (for placing axis ticks on whole local hours). */
export function helsinkiMinuteOfDay(instant: number): number {
  const [h = '0', m = '0'] = clock.format(new Date(instant)).split(':');
  return Number(h) * 60 + Number(m);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A duration as mm:ss under an hour, else h:mm; the unit says which. */
export function formatDuration(seconds: number): { value: string; unit: 'minutes' | 'hours' } {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 3600) return { value: `${pad(Math.floor(s / 60))}:${pad(s % 60)}`, unit: 'minutes' };
  return { value: `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}`, unit: 'hours' };
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: Language, style: 'decimal' | 'percent', digits: number): Intl.NumberFormat {
  const key = `${language}:${style}:${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALES[language], { style, maximumFractionDigits: digits });
    numberFormats.set(key, format);
  }
  return format;
}

/** A number in the reader's language with at most `digits` decimals. */
export function formatNumber(value: number, language: Language, digits = 1): string {
  return numberFormat(language, 'decimal', digits).format(value);
}

/** A share 0..1 as a whole percentage in the reader's language. */
export function formatPercent(share: number, language: Language, digits = 0): string {
  return numberFormat(language, 'percent', digits).format(share);
}

import type { SuppressibleCount } from '../../../../../server/contracts/reports.ts';
import type { Language } from '../../../lib/i18n.ts';

const LOCALES: Record<Language, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

/** A count as shown: "<5" stays as the server wrote it (a group too small to show). */
export function formatCount(value: SuppressibleCount, language: Language): string {
  return typeof value === 'number' ? value.toLocaleString(LOCALES[language]) : value;
}

/** A count for arithmetic (the chart); a suppressed count adds nothing. Month totals are never suppressed. */
export function countValue(value: SuppressibleCount): number {
  return typeof value === 'number' ? value : 0;
}


export function formatMinutes(value: number | null, language: Language): string {
  return value === null ? '–' : value.toLocaleString(LOCALES[language], { maximumFractionDigits: 1 });
}

/** "2026-03" as a short month name in the reader's language ("maalis 2026"). */
export function formatMonth(month: string, language: Language): string {
  const [year, m] = month.split('-').map(Number);
  const date = new Date(Date.UTC(year ?? 2000, (m ?? 1) - 1, 15));
  return date.toLocaleDateString(LOCALES[language], { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

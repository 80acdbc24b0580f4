import { MAX_REPORT_MONTHS } from '../contracts/reports.ts';
import { validationError } from '../http/errors.ts';
import { monthIndex, monthName } from '../time/helsinki.ts';

/** A share rounded to four decimals, or null when there is nothing to divide by. */
export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/** The first day of a month index, as the date a Helsinki month range starts on. */
export const firstDay = (index: number) => `${monthName(index)}-01`;

/** How a count of a group smaller than the minimum is shown: "<min", never the number. */
export const suppressionMark = (minGroupSize: number) => `<${minGroupSize}`;

/**
 * The month indexes of a report query, refused (as a validation error on `to`) when it spans more
 * months than one report may: every report reads its months the same way.
 */
export function reportMonths(query: { from: string; to: string }): { first: number; last: number } {
  const first = monthIndex(query.from);
  const last = monthIndex(query.to);
  if (last - first + 1 > MAX_REPORT_MONTHS) throw validationError([{ path: 'query.to', message: `At most ${MAX_REPORT_MONTHS} months in one report` }]);
  return { first, last };
}

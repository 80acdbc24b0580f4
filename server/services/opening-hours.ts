import { WEEKDAYS, type OpeningHours, type OpeningPeriod } from '../contracts/services.ts';
import { helsinkiDate, helsinkiTime } from '../time/helsinki.ts';

/**
 * Whether a directory entry is open at an instant, in Helsinki time: an exception for that Helsinki
 * date replaces its weekday's hours (no periods = closed). Periods are [from, to): open at 08:00,
 * closed at 16:00 for 08:00-16:00; '24:00' means until midnight.
 */
export function isOpenAt(hours: OpeningHours, exceptions: readonly { date: string; hours: readonly OpeningPeriod[] }[], at: Date): boolean {
  const date = helsinkiDate(at);
  const time = helsinkiTime(at);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday.
  const weekday = WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7]!;
  const periods = exceptions.find((e) => e.date === date)?.hours ?? hours[weekday];
  return periods.some((p) => p.from <= time && time < p.to);
}

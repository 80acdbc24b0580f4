// Europe/Helsinki calendar arithmetic for "today", shift views and 15-minute buckets, DST included.
const PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Helsinki',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function parts(d: Date): Record<string, string> {
  return Object.fromEntries(PARTS.formatToParts(d).map((p) => [p.type, p.value]));
}

/** 'YYYY-MM-DD' of the instant in Helsinki. */
export function helsinkiDate(d: Date): string {
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** 'HH:MM' of the instant in Helsinki. */
export function helsinkiTime(d: Date): string {
  const p = parts(d);
  return `${p.hour}:${p.minute}`;
}

/** The instant Helsinki's calendar day containing `d` began (UTC+2 in winter, UTC+3 in summer). */
export function helsinkiMidnight(d: Date): Date {
  const [y, m, day] = helsinkiDate(d).split('-').map(Number) as [number, number, number];
  for (const offsetHours of [2, 3]) {
    const candidate = new Date(Date.UTC(y, m - 1, day) - offsetHours * 3_600_000);
    if (helsinkiTime(candidate) === '00:00' && helsinkiDate(candidate) === helsinkiDate(d)) return candidate;
  }
  throw new Error(`No Helsinki midnight found for ${d.toISOString()}`);
}

/** 'YYYY-MM' of the instant in Helsinki. */
export function helsinkiMonth(d: Date): string {
  return helsinkiDate(d).slice(0, 7);
}

/** Months ('YYYY-MM') as a running index (year * 12 + month - 1), so ranges and "a year earlier" are arithmetic. */
export function monthIndex(yearMonth: string): number {
  const [year, month] = yearMonth.split('-').map(Number) as [number, number];
  return year * 12 + month - 1;
}

export function monthName(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

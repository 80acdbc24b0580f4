const helsinkiMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' });

/** The twelve months ending with the Helsinki month of `now` (the current month's reviews are under way). */
export function twelveMonthsTo(now: Date): { from: string; to: string } {
  const parts = helsinkiMonth.formatToParts(now);
  const year = Number(parts.find((p) => p.type === 'year')?.value);
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  const index = year * 12 + month - 1;
  const name = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  return { from: name(index - 11), to: name(index) };
}

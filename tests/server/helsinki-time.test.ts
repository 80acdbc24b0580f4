import { describe, expect, it } from 'vitest';
import { helsinkiDate, helsinkiMidnight, helsinkiTime } from '../../server/time/helsinki.ts';

describe('Helsinki calendar', () => {
  it('days, clock times and midnights are right on both sides of each DST change', () => {
    // Spring forward 2026-03-29 03:00 -> 04:00 local (01:00Z); fall back 2026-10-25 04:00 -> 03:00 (01:00Z).
    const cases: Array<[string, string, string, string]> = [
      ['2026-03-28T21:59:00Z', '2026-03-28', '23:59', '2026-03-27T22:00:00.000Z'],
      ['2026-03-28T22:00:00Z', '2026-03-29', '00:00', '2026-03-28T22:00:00.000Z'],
      ['2026-03-29T00:59:00Z', '2026-03-29', '02:59', '2026-03-28T22:00:00.000Z'],
      ['2026-03-29T01:00:00Z', '2026-03-29', '04:00', '2026-03-28T22:00:00.000Z'],
      ['2026-03-29T21:00:00Z', '2026-03-30', '00:00', '2026-03-29T21:00:00.000Z'],
      ['2026-10-24T21:00:00Z', '2026-10-25', '00:00', '2026-10-24T21:00:00.000Z'],
      ['2026-10-25T00:30:00Z', '2026-10-25', '03:30', '2026-10-24T21:00:00.000Z'],
      ['2026-10-25T01:30:00Z', '2026-10-25', '03:30', '2026-10-24T21:00:00.000Z'],
      ['2026-10-25T21:59:00Z', '2026-10-25', '23:59', '2026-10-24T21:00:00.000Z'],
      ['2026-10-25T22:00:00Z', '2026-10-26', '00:00', '2026-10-25T22:00:00.000Z'],
    ];
    for (const [instant, date, time, midnight] of cases) {
      const d = new Date(instant);
      expect([helsinkiDate(d), helsinkiTime(d), helsinkiMidnight(d).toISOString()], instant).toEqual([date, time, midnight]);
    }
    // The day of the autumn change has 25 hours, the spring one 23.
    expect(helsinkiMidnight(new Date('2026-10-26T12:00:00Z')).getTime() - helsinkiMidnight(new Date('2026-10-25T12:00:00Z')).getTime()).toBe(25 * 3_600_000);
    expect(helsinkiMidnight(new Date('2026-03-30T12:00:00Z')).getTime() - helsinkiMidnight(new Date('2026-03-29T12:00:00Z')).getTime()).toBe(23 * 3_600_000);
  });
});

import { describe, expect, it } from 'vitest';
import { erlangC, probabilityWaitExceeds, staffingEstimate } from '../../server/stats/erlang-c.ts';

describe('Erlang C', () => {
  // Textbook values (e.g. Kleinrock, Queueing Systems I; the 10-Erlang column of published Erlang C tables).
  it.each([
    [3, 2, 0.4444],
    [11, 10, 0.6821],
    [12, 10, 0.4494],
    [13, 10, 0.2853],
    [14, 10, 0.1741],
  ])('C(N=%i, A=%f) = %f', (agents, traffic, expected) => {
    expect(erlangC(agents, traffic)).toBeCloseTo(expected, 4);
  });

  it('is 1 when the nurses cannot keep up and 0 without traffic', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(erlangC(5, 0)).toBe(0);
  });

  it('P(wait > t) = C · exp(−(N − A)·t / AHT)', () => {
    // A = 10 Erlangs, AHT 15 min, N = 12, t = 60 s: 0.449388 · e^(−2·60/900)
    expect(probabilityWaitExceeds(12, 10, 60, 900)).toBeCloseTo(0.449388 * Math.exp(-120 / 900), 6);
  });

  it('finds the fewest nurses that keep P(wait > target) under the level', () => {
    // 40 tasks an hour, 15 min each: 10 Erlangs.
    const loose = staffingEstimate({ arrivalsPerHour: 40, meanHandlingMinutes: 15, targetWaitSeconds: 1800, maxProbability: 0.2 });
    expect(loose.trafficErlangs).toBeCloseTo(10, 9);
    expect(loose.nursesNeeded).toBe(11); // 0.6821 · e^(−2) = 0.092
    const strict = staffingEstimate({ arrivalsPerHour: 40, meanHandlingMinutes: 15, targetWaitSeconds: 60, maxProbability: 0.2 });
    expect(strict.nursesNeeded).toBe(14); // 13 gives 0.2853 · e^(−0.2) = 0.234; 14 gives 0.133
    expect(strict.probabilityAtNeeded).toBeCloseTo(0.174132 * Math.exp(-4 * 60 / 900), 5);
    expect(staffingEstimate({ arrivalsPerHour: 0, meanHandlingMinutes: 15, targetWaitSeconds: 60, maxProbability: 0.2 }).nursesNeeded).toBe(1);
  });
});

// D-task arrivals as a Poisson process whose rate follows the hour of day (Helsinki).

/**
 * Relative arrival rate per hour of day, 0-23. Demand peaks in office hours but stays high into the
 * evening (FACTS.md: ECNS data put 83 % of triaged calls at 08-16 while demand continued later).
 */
export const DAILY_PROFILE: readonly number[] = [
  0.35, 0.3, 0.25, 0.25, 0.25, 0.3, 0.5, 0.8, 1.2, 1.5, 1.6, 1.6, 1.5, 1.5, 1.4, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.6, 0.45,
];

const PROFILE_MEAN = DAILY_PROFILE.reduce((a, b) => a + b, 0) / 24;

/** Arrivals per simulated second at a simulated hour, for a given daily volume. */
export function ratePerSecond(tasksPerDay: number, hour: number): number {
  return (tasksPerDay / 86_400) * (DAILY_PROFILE[hour % 24]! / PROFILE_MEAN);
}

/** The gap to the next arrival (simulated seconds): exponential with the current rate. */
export function nextGap(rate: number, random: () => number): number {
  return -Math.log(1 - random()) / rate;
}

/** A small seeded generator (mulberry32), so a simulation can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Picks a key by weight. */
export function pick<T extends string>(weights: Readonly<Record<T, number>>, random: () => number): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [key, w] of entries) {
    r -= w;
    if (r < 0) return key;
  }
  return entries.at(-1)![0];
}

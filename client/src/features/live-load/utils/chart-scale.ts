import { helsinkiMinuteOfDay } from './live-format.ts';

const MINUTE = 60_000;
const TICK_STEPS_MINUTES = [15, 30, 60, 120, 180, 240, 360] as const;

/** A linear map from a domain onto a pixel range. */
export function linear(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** Instants on whole Helsinki quarter hours, spaced so that at most `maxTicks` fall in [start, end]. */
export function timeTicks(start: number, end: number, maxTicks: number): number[] {
  const spanMinutes = (end - start) / MINUTE;
  const step = TICK_STEPS_MINUTES.find((s) => spanMinutes / s <= maxTicks) ?? 720;
  const ticks: number[] = [];
  // Helsinki's offset from UTC is whole hours, so quarter hours fall on the same instants in both.
  for (let t = Math.ceil(start / (15 * MINUTE)) * 15 * MINUTE; t <= end; t += 15 * MINUTE) {
    if (helsinkiMinuteOfDay(t) % step === 0) ticks.push(t);
  }
  return ticks;
}

/** Whole-number ticks from 0 up to at least `max` (at most about five), and the top of the axis. */
export function countTicks(max: number): { ticks: number[]; top: number } {
  const step = Math.max(1, Math.ceil(max / 4));
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { ticks, top };
}

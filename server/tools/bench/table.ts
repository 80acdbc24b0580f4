// The table `npm run bench` prints: figure | floor | console | ratio | goal | met (Markdown, so a run
// can go into docs/performance.md as it is).

export interface Row {
  figure: string;
  unit: 'req/s' | 'ms';
  /** The floor's figure; undefined where the floor has none (the live board is the console's alone). */
  floor?: number;
  console: number;
  goal?: { text: string; met: boolean };
}

/** Goal on the ratio console / floor: at least `min` (throughput) or at most `max` (latency). */
export function ratioGoal(floor: number, console: number, bound: { min: number } | { max: number }): Row['goal'] {
  const ratio = console / floor;
  return 'min' in bound
    ? { text: `>= ${bound.min}x floor`, met: ratio >= bound.min }
    : { text: `<= ${bound.max}x floor`, met: ratio <= bound.max };
}

/** The middle of a sample (upper median for an even count) and the value at fraction p of it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const num = (value: number | undefined, unit: Row['unit']) =>
  value === undefined || Number.isNaN(value) ? '-' : `${unit === 'req/s' ? value.toFixed(0) : value < 1 ? value.toFixed(3) : value < 10 ? value.toFixed(2) : value.toFixed(1)} ${unit}`;

export function formatTable(rows: readonly Row[]): string {
  const lines = [
    '| figure | floor | console | ratio | goal | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => {
      const ratio = r.floor === undefined ? '-' : `${(r.console / r.floor).toFixed(2)}x`;
      const met = r.goal ? (r.goal.met ? 'met' : 'NOT MET') : '-';
      return `| ${r.figure} | ${num(r.floor, r.unit)} | ${num(r.console, r.unit)} | ${ratio} | ${r.goal?.text ?? '-'} | ${met} |`;
    }),
  ];
  return lines.join('\n');
}

import { useRef, type ReactNode } from 'react';
import { useElementWidth } from '../hooks/use-element-width.ts';
import { countTicks, linear, timeTicks } from '../utils/chart-scale.ts';
import { helsinkiClock } from '../utils/live-format.ts';

const MARGIN = { top: 14, right: 16, bottom: 52, left: 56 } as const;

/** Tick labels at the very ends of the axis are kept inside the drawing. */
function edgeAnchor(at: number, width: number): 'start' | 'middle' | 'end' {
  if (at > width - 28) return 'end';
  if (at < 28) return 'start';
  return 'middle';
}

interface Plot {
  width: number;
  height: number;
  x: (instant: number) => number;
  y: (count: number) => number;
}

interface ChartFrameProps {
  /** Time domain in ms. */
  start: number;
  end: number;
  /** Largest count to show. */
  max: number;
  summary: string;
  timeAxisLabel: string;
  countAxisLabel: string;
  testId: string;
  children: (plot: Plot) => ReactNode;
}

/**
 * An SVG chart sized to its box: count axis on the left, Helsinki time below, both labelled.
 * The drawing itself comes from `children`; `summary` is what a screen reader hears.
 */
export function ChartFrame({ start, end, max, summary, timeAxisLabel, countAxisLabel, testId, children }: ChartFrameProps) {
  const box = useRef<HTMLDivElement>(null);
  const width = useElementWidth(box);
  const height = Math.round(Math.min(250, Math.max(170, width * 0.36)));
  const plotWidth = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const { ticks: yTicks, top } = countTicks(max);
  const x = linear([start, end], [MARGIN.left, MARGIN.left + plotWidth]);
  const y = linear([0, top], [MARGIN.top + plotHeight, MARGIN.top]);
  const xTicks = timeTicks(start, end, Math.max(2, Math.floor(plotWidth / 80)));
  const baseline = MARGIN.top + plotHeight;

  return (
    <div ref={box} className="live-chart-box">
      {width > 0 && (
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} data-testid={testId} className="live-chart">
          <g className="live-grid">
            {yTicks.map((v) => (
              <line key={v} x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={y(v)} y2={y(v)} />
            ))}
          </g>
          {children({ width, height, x, y })}
          <g className="live-axis">
            <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={baseline} y2={baseline} />
            {yTicks.map((v) => (
              <text key={v} x={MARGIN.left - 8} y={y(v)} textAnchor="end" dominantBaseline="middle">
                {v}
              </text>
            ))}
            {xTicks.map((instant) => (
              <g key={instant}>
                <line x1={x(instant)} x2={x(instant)} y1={baseline} y2={baseline + 5} />
                <text x={x(instant)} y={baseline + 8} textAnchor={edgeAnchor(x(instant), width)} dominantBaseline="hanging">
                  {helsinkiClock(instant)}
                </text>
              </g>
            ))}
            <text className="live-axis-title" x={MARGIN.left + plotWidth / 2} y={height - 4} textAnchor="middle">
              {timeAxisLabel}
            </text>
            <text className="live-axis-title" transform={`translate(14 ${MARGIN.top + plotHeight / 2}) rotate(-90)`} textAnchor="middle">
              {countAxisLabel}
            </text>
          </g>
        </svg>
      )}
    </div>
  );
}

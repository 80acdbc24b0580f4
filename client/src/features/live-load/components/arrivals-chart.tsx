import type { LiveStats } from '../../../../../server/contracts/stats.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { formatNumber } from '../utils/live-format.ts';
import { ChartFrame } from './chart-frame.tsx';

const QUARTER = 15 * 60_000;
/** Early in the day the axis still spans two hours, so a few bars do not fill the chart. */
const MIN_QUARTERS = 8;

/** Today's arrivals per 15 minutes (bars) against the same weekday's average (line). */
export function ArrivalsChart({ buckets }: { buckets: LiveStats['arrivalsToday'] }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const first = buckets[0];
  const last = buckets.at(-1);
  const start = first ? Date.parse(first.start) : Date.now();
  const end = start + Math.max(buckets.length, MIN_QUARTERS) * QUARTER;
  const max = Math.max(1, ...buckets.map((b) => Math.max(b.arrivals, b.weekdayAverage)));
  const total = buckets.reduce((sum, b) => sum + b.arrivals, 0);
  const summary = t('live.charts.arrivalsSummary', {
    count: total,
    last: last?.arrivals ?? 0,
    average: formatNumber(last?.weekdayAverage ?? 0, language),
  });

  return (
    <section className="card live-card" aria-labelledby="live-arrivals-title">
      <h2 id="live-arrivals-title">{t('live.charts.arrivalsTitle')}</h2>
      <ChartFrame
        start={start}
        end={end}
        max={max}
        summary={summary}
        timeAxisLabel={t('live.charts.timeAxis')}
        countAxisLabel={t('live.charts.arrivalsAxis')}
        testId="live-arrivals-chart"
      >
        {({ x, y }) => {
          const bars = buckets.map((b) => {
            const from = Date.parse(b.start);
            const left = x(from);
            const slot = x(from + QUARTER) - left;
            const gap = slot > 6 ? 2 : 0.5;
            return { key: b.start, x: left + gap / 2, width: Math.max(1, slot - gap), y: y(b.arrivals), height: y(0) - y(b.arrivals) };
          });
          const line = buckets.map((b, i) => `${i === 0 ? 'M' : 'L'}${x(Date.parse(b.start) + QUARTER / 2).toFixed(1)} ${y(b.weekdayAverage).toFixed(1)}`).join(' ');
          return (
            <>
              <g className="live-bars">
                {bars.map((bar) => (bar.height > 0 ? <rect key={bar.key} x={bar.x} y={bar.y} width={bar.width} height={bar.height} rx={1.5} /> : null))}
              </g>
              <path className="live-line-average" d={line} />
            </>
          );
        }}
      </ChartFrame>
      <ul className="live-legend">
        <li>
          <span className="live-swatch live-swatch-bar" aria-hidden="true" />
          {t('live.charts.arrivals')}
        </li>
        <li>
          <span className="live-swatch live-swatch-average" aria-hidden="true" />
          {t('live.charts.weekdayAverage')}
        </li>
      </ul>
    </section>
  );
}

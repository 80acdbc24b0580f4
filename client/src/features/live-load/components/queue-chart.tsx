import { useTranslation } from '../../../lib/i18n.ts';
import type { LiveStats } from '../../../../../server/contracts/stats.ts';
import { ChartFrame } from './chart-frame.tsx';

/** The axis spans at least this long, so that the first minutes of a shift still read as a line. */
const MIN_SPAN = 30 * 60_000;

/** Tasks waiting (queued and call-back) over the shift, ending with the value now. */
export function QueueChart({ stats }: { stats: LiveStats }) {
  const { t } = useTranslation();
  const nowAt = Date.parse(stats.generatedAt);
  const waitingNow = stats.queued + stats.callbackPending;
  const points = [...stats.queueTrend.map((p) => ({ at: Date.parse(p.at), waiting: p.waiting })).filter((p) => p.at < nowAt), { at: nowAt, waiting: waitingNow }];
  const start = Math.min(points[0]?.at ?? nowAt, nowAt - MIN_SPAN);
  const max = Math.max(1, ...points.map((p) => p.waiting));
  const summary = t('live.charts.queueSummary', { count: waitingNow, max: Math.max(...points.map((p) => p.waiting)) });

  return (
    <section className="card live-card" aria-labelledby="live-queue-title">
      <h2 id="live-queue-title">{t('live.charts.queueTitle')}</h2>
      <ChartFrame
        start={start}
        end={nowAt}
        max={max}
        summary={summary}
        timeAxisLabel={t('live.charts.timeAxis')}
        countAxisLabel={t('live.charts.countAxis')}
        testId="live-queue-chart"
      >
        {({ x, y }) => {
          // A count holds until the next sample: drawn as steps.
          let d = '';
          points.forEach((p, i) => {
            d += i === 0 ? `M${x(p.at).toFixed(1)} ${y(p.waiting).toFixed(1)}` : ` H${x(p.at).toFixed(1)} V${y(p.waiting).toFixed(1)}`;
          });
          const first = points[0];
          const lastPoint = points.at(-1);
          const area = first && lastPoint ? `${d} H${x(lastPoint.at).toFixed(1)} V${y(0).toFixed(1)} H${x(first.at).toFixed(1)} Z` : '';
          return (
            <>
              <path className="live-area-fill" d={area} />
              <path className="live-line-queue" d={d} />
              {lastPoint && <circle className="live-dot-now" cx={x(lastPoint.at)} cy={y(lastPoint.waiting)} r={4.5} />}
            </>
          );
        }}
      </ChartFrame>
      <ul className="live-legend">
        <li>
          <span className="live-swatch live-swatch-queue" aria-hidden="true" />
          {t('live.charts.queueLine')}
        </li>
      </ul>
    </section>
  );
}

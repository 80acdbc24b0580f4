import type { ReportMonth } from '../../../../../server/contracts/reports.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { countValue, formatMonth } from './report-values.ts';

// Bottom to top; the two avoided outcomes sit next to each other so one bracket marks them.
const SEGMENTS = [
  { key: 'dispatch_unit', color: '#a4231b' },
  { key: 'phone_advice', color: '#1c6b32' },
  { key: 'redirect', color: '#4f9a5f' },
  { key: 'cancelled', color: '#9aa6b3' },
  { key: 'open', color: '#e6f0fa' },
] as const;
type SegmentKey = (typeof SEGMENTS)[number]['key'];

const BAR = 28;
const GAP = 14;
const HEIGHT = 220;
const TOP = 22;
const LEFT = 44;
const BOTTOM = 44;

function segmentValue(month: ReportMonth, key: SegmentKey): number {
  if (key === 'open') return Math.max(0, countValue(month.received) - countValue(month.closed));
  return countValue(month.byOutcome[key]);
}

/** A round axis maximum: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((f) => f * power).find((v) => v >= value) ?? value;
}

/** Stacked bars of outcomes per month, plain SVG; a bracket and number mark the avoided dispatches. */
export function OutcomeChart({ months }: { months: readonly ReportMonth[] }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const max = niceMax(Math.max(...months.map((m) => countValue(m.received)), 0));
  const scale = (n: number) => (n / max) * (HEIGHT - TOP);
  const width = LEFT + months.length * (BAR + GAP) + GAP;
  const label = (key: SegmentKey) => (key === 'open' ? t('reports.open') : t(`reports.outcomes.${key}`));

  return (
    <figure className="card report-chart">
      <figcaption>
        <strong>{t('reports.chartTitle')}</strong>
        <ul className="chip-list" aria-label={t('reports.legend')}>
          {SEGMENTS.map((s) => (
            <li key={s.key} className="chip">
              <svg width="12" height="12" aria-hidden="true">
                <rect width="12" height="12" fill={s.color} stroke="#4f5b6b" strokeWidth="0.5" />
              </svg>{' '}
              {label(s.key)}
            </li>
          ))}
          <li className="chip">▌ {t('reports.avoidedMark')}</li>
        </ul>
      </figcaption>
      <div className="table-wrap">
        <svg
          role="img"
          aria-label={t('reports.chartSummary', { months: months.length })}
          width={width}
          height={HEIGHT + BOTTOM}
          viewBox={`0 0 ${width} ${HEIGHT + BOTTOM}`}
        >
          {[0, 0.5, 1].map((f) => (
            <g key={f}>
              <line x1={LEFT - 4} x2={width} y1={HEIGHT - scale(max * f)} y2={HEIGHT - scale(max * f)} stroke="#cfd6de" />
              <text x={LEFT - 8} y={HEIGHT - scale(max * f) + 4} textAnchor="end" fontSize="11" fill="#4f5b6b">
                {(max * f).toLocaleString()}
              </text>
            </g>
          ))}
          {months.map((month, i) => {
            const x = LEFT + GAP + i * (BAR + GAP);
            let y = HEIGHT;
            const rects = SEGMENTS.map((s) => {
              const h = scale(segmentValue(month, s.key));
              y -= h;
              return { ...s, y, h, value: segmentValue(month, s.key) };
            });
            const stackTop = y;
            const avoided = rects.filter((r) => r.key === 'phone_advice' || r.key === 'redirect');
            const avoidedTop = Math.min(...avoided.map((r) => r.y));
            const avoidedBottom = Math.max(...avoided.map((r) => r.y + r.h));
            return (
              <g key={month.month}>
                {rects.map((r) =>
                  r.h > 0 ? (
                    <rect key={r.key} x={x} y={r.y} width={BAR} height={r.h} fill={r.color} stroke="#ffffff" strokeWidth="0.5">
                      <title>{`${formatMonth(month.month, language)}: ${label(r.key)} ${r.value}`}</title>
                    </rect>
                  ) : null,
                )}
                {countValue(month.avoided) > 0 && (
                  <g>
                    <line x1={x - 4} x2={x - 4} y1={avoidedTop} y2={avoidedBottom} stroke="#14324f" strokeWidth="3" />
                    <text x={x + BAR / 2} y={Math.max(12, stackTop - 6)} textAnchor="middle" fontSize="11" fontWeight="700" fill="#14324f">
                      {countValue(month.avoided)}
                    </text>
                  </g>
                )}
                <text x={x + BAR / 2} y={HEIGHT + 16} textAnchor="middle" fontSize="11" fill="#1a2230">
                  {month.month.slice(5)}
                </text>
                {(i === 0 || month.month.endsWith('-01')) && (
                  <text x={x + BAR / 2} y={HEIGHT + 32} textAnchor="middle" fontSize="11" fill="#4f5b6b">
                    {month.month.slice(0, 4)}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}

import { COMPLIANCE_BANDS } from '../../../../../server/contracts/audit-compliance.ts';
import type { AuditReport } from '../../../../../server/contracts/audits.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { formatShare } from '../../../lib/format.ts';

// The three levels that have a band, each with its own colour; its band is a dashed line of the same colour.
const LEVELS = [
  { key: 'partial', color: '#c58a00' },
  { key: 'low', color: '#c2571a' },
  { key: 'non_compliant', color: '#a4231b' },
] as const;

const BAR = 10;
const GROUP = LEVELS.length * BAR + 14;
const HEIGHT = 200;
const TOP = 16;
const LEFT = 44;
const BOTTOM = 40;
/** The axis runs to 40 %: enough to show a month far outside the bands without flattening the lines. */
const MAX_SHARE = 0.4;

/** Shares of partial, low and non-compliant reviews per month, with the compliance bands drawn as lines. */
export function BandChart({ report }: { report: AuditReport }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const y = (share: number) => HEIGHT - (Math.min(share, MAX_SHARE) / MAX_SHARE) * (HEIGHT - TOP);
  const width = LEFT + report.months.length * GROUP + 12;
  return (
    <figure className="card report-chart">
      <figcaption>
        <strong>{t('audits.report.chartTitle')}</strong>
        <ul className="chip-list">
          {LEVELS.map((l) => (
            <li key={l.key} className="chip">
              <svg width="12" height="12" aria-hidden="true">
                <rect width="12" height="12" fill={l.color} />
              </svg>{' '}
              {t(`audits.levels.${l.key}`)} ({t('audits.report.band', { share: formatShare(COMPLIANCE_BANDS[l.key], language) })})
            </li>
          ))}
        </ul>
      </figcaption>
      <div className="table-wrap">
        <svg role="img" aria-label={t('audits.report.chartSummary', { months: report.months.length })} width={width} height={HEIGHT + BOTTOM} viewBox={`0 0 ${width} ${HEIGHT + BOTTOM}`}>
          {[0, 0.1, 0.2, 0.3, 0.4].map((s) => (
            <g key={s}>
              <line x1={LEFT - 4} x2={width} y1={y(s)} y2={y(s)} stroke="#e3e8ee" />
              <text x={LEFT - 8} y={y(s) + 4} textAnchor="end" fontSize="11" fill="#4f5b6b">
                {formatShare(s, language)}
              </text>
            </g>
          ))}
          {LEVELS.map((l) => (
            <line key={l.key} data-band={l.key} x1={LEFT} x2={width} y1={y(COMPLIANCE_BANDS[l.key])} y2={y(COMPLIANCE_BANDS[l.key])} stroke={l.color} strokeWidth="1.5" strokeDasharray="6 4" />
          ))}
          {report.months.map((m, i) => {
            const x = LEFT + 8 + i * GROUP;
            return (
              <g key={m.month} data-month={m.month}>
                {LEVELS.map((l, j) => {
                  const share = m.shares[l.key];
                  if (share === null || share === 0) return null;
                  return (
                    <rect key={l.key} data-level={l.key} x={x + j * BAR} y={y(share)} width={BAR - 1} height={HEIGHT - y(share)} fill={l.color}>
                      <title>{`${m.month}: ${t(`audits.levels.${l.key}`)} ${formatShare(share, language)} (${m.byLevel[l.key]}/${m.done})`}</title>
                    </rect>
                  );
                })}
                <text x={x + (LEVELS.length * BAR) / 2} y={HEIGHT + 16} textAnchor="middle" fontSize="11" fill="#1a2230">
                  {m.month.slice(5)}
                </text>
                {(i === 0 || m.month.endsWith('-01')) && (
                  <text x={x + (LEVELS.length * BAR) / 2} y={HEIGHT + 30} textAnchor="middle" fontSize="11" fill="#4f5b6b">
                    {m.month.slice(0, 4)}
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

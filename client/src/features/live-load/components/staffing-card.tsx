import type { LiveStats } from '../../../../../server/contracts/stats.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { formatNumber, formatPercent } from '../utils/live-format.ts';

/** Who is online against the Erlang C estimate of how many nurses the last hour's load needs. */
export function StaffingCard({ stats }: { stats: LiveStats }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { staffing } = stats;
  const online = stats.nurses.filter((n) => n.online);
  const nurses = online.filter((n) => n.role === 'nurse').length;
  const short = staffing.nursesNeeded - stats.nursesOnline;
  return (
    <section className="card live-card" aria-labelledby="live-staffing-title">
      <h2 id="live-staffing-title">{t('live.staffing.title')}</h2>
      <dl className="live-staffing">
        <div className="live-figure live-figure-medium">
          <dt className="live-figure-label">{t('live.staffing.online')}</dt>
          <dd className="live-figure-value" data-testid="live-nurses-online">
            {stats.nursesOnline}
          </dd>
          <dd className="live-figure-note">{t('live.staffing.onlineSplit', { nurses, leaders: online.length - nurses })}</dd>
        </div>
        <div className={`live-figure live-figure-medium live-tone-${short > 0 ? 'warn' : 'ok'}`}>
          <dt className="live-figure-label">{t('live.staffing.needed')}</dt>
          <dd className="live-figure-value" data-testid="live-nurses-needed">
            {staffing.nursesNeeded}
          </dd>
          <dd className="live-figure-note">
            <strong>{short > 0 ? t('live.staffing.short', { count: short }) : t('live.staffing.enough')}</strong>
          </dd>
        </div>
      </dl>
      <p className="live-explain">
        {t('live.staffing.explanation', {
          arrivals: formatNumber(staffing.arrivalsPerHour, language),
          handling: formatNumber(staffing.meanHandlingMinutes, language),
          erlangs: formatNumber(staffing.trafficErlangs, language, 2),
          needed: staffing.nursesNeeded,
          target: formatNumber(staffing.targetWaitSeconds / 60, language),
          max: formatPercent(staffing.maxProbability, language),
          probability: formatPercent(staffing.probabilityAtNeeded, language, 1),
        })}
      </p>
    </section>
  );
}

import type { LiveStats } from '../../../../../server/contracts/stats.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { formatPercent } from '../utils/live-format.ts';
import { redirectTargetKey } from '../utils/messages.ts';

const TYPES = ['dispatch_unit', 'phone_advice', 'redirect', 'cancelled'] as const;

/** Today's closed tasks by outcome, the redirects by where they went. */
export function OutcomesTable({ stats }: { stats: LiveStats }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const share = (n: number) => (stats.closedToday > 0 ? formatPercent(n / stats.closedToday, language) : '–');
  const redirects = Object.entries(stats.redirectsToday).sort((a, b) => b[1] - a[1]);
  return (
    <section className="card live-card" aria-labelledby="live-outcomes-title">
      <h2 id="live-outcomes-title">{t('live.outcomes.title')}</h2>
      <div className="table-wrap">
        <table className="table live-table" data-testid="live-outcomes">
          <thead>
            <tr>
              <th scope="col">{t('live.outcomes.type')}</th>
              <th scope="col" className="live-num">{t('live.outcomes.count')}</th>
              <th scope="col" className="live-num">{t('live.outcomes.share')}</th>
            </tr>
          </thead>
          <tbody>
            {TYPES.map((type) => (
              <OutcomeRows key={type} type={type} count={stats.outcomesToday[type]} share={share} redirects={type === 'redirect' ? redirects : []} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function OutcomeRows({
  type,
  count,
  share,
  redirects,
}: {
  type: (typeof TYPES)[number];
  count: number;
  share: (n: number) => string;
  redirects: readonly [string, number][];
}) {
  const { t } = useTranslation();
  return (
    <>
      <tr data-outcome={type}>
        <th scope="row">{t(`live.outcomes.types.${type}`)}</th>
        <td className="live-num">{count}</td>
        <td className="live-num">{share(count)}</td>
      </tr>
      {redirects.map(([target, n]) => {
        const key = redirectTargetKey(target);
        return (
          <tr key={target} className="live-subrow" data-redirect={target}>
            <th scope="row">{key ? t(`live.outcomes.targets.${key}`) : target}</th>
            <td className="live-num">{n}</td>
            <td className="live-num">{share(n)}</td>
          </tr>
        );
      })}
    </>
  );
}

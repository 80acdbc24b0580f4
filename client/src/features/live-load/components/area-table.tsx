import { useTranslation } from '../../../lib/i18n.ts';
import type { LiveStats } from '../../../../../server/contracts/stats.ts';

type Area = LiveStats['byArea'][number];

function Count({ value }: { value: number }) {
  return <td className={`live-num${value > 0 ? ' live-num-active' : ''}`}>{value}</td>;
}

/** Queue, call-backs and assessments per area, with the totals. */
export function AreaTable({ areas }: { areas: readonly Area[] }) {
  const { t } = useTranslation();
  const total = areas.reduce((sum, a) => ({ queued: sum.queued + a.queued, callbackPending: sum.callbackPending + a.callbackPending, inAssessment: sum.inAssessment + a.inAssessment }), {
    queued: 0,
    callbackPending: 0,
    inAssessment: 0,
  });
  return (
    <section className="card live-card" aria-labelledby="live-areas-title">
      <h2 id="live-areas-title">{t('live.areas.title')}</h2>
      <div className="table-wrap">
        <table className="table live-table" data-testid="live-areas">
          <thead>
            <tr>
              <th scope="col">{t('live.areas.area')}</th>
              <th scope="col" className="live-num">{t('live.areas.queued')}</th>
              <th scope="col" className="live-num">{t('live.areas.callbackPending')}</th>
              <th scope="col" className="live-num">{t('live.areas.inAssessment')}</th>
            </tr>
          </thead>
          <tbody>
            {areas.map((a) => (
              <tr key={a.areaId} data-area={a.area}>
                <th scope="row">{a.area}</th>
                <Count value={a.queued} />
                <Count value={a.callbackPending} />
                <Count value={a.inAssessment} />
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('live.areas.total')}</th>
              <td className="live-num">{total.queued}</td>
              <td className="live-num">{total.callbackPending}</td>
              <td className="live-num">{total.inAssessment}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

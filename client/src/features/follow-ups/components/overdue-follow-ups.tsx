import { useTranslation } from '../../../lib/i18n.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { useNow } from '../../../lib/use-now.ts';
import { listOpenFollowUps } from '../api/follow-ups-api.ts';
import './follow-ups.css';

const REFRESH_MS = 15_000;

/**
 * For shift leaders' live board: the follow-up calls the scheduler flagged overdue and still not
 * made, counted, each with how long past its due time. Read every 15 s: the scheduler flags on its
 * ticks and the ages tick here, so the board's many pushes need not each cost a request.
 */
export function OverdueFollowUps() {
  const { t } = useTranslation();
  const now = useNow();
  const loaded = useLoad((signal) => listOpenFollowUps(signal), String(Math.floor(now / REFRESH_MS)));
  const overdue = (loaded.data ?? []).filter((f) => f.overdueFlaggedAt !== null && f.state === 'scheduled');
  return (
    <section className="card live-card overdue-follow-ups" aria-labelledby="overdue-follow-ups-title" data-testid="overdue-follow-ups">
      <h2 id="overdue-follow-ups-title">{t('followUps.live.title', { count: overdue.length })}</h2>
      {overdue.length === 0 ? (
        <p className="muted">{t('followUps.live.none')}</p>
      ) : (
        <ul className="follow-up-list">
          {overdue.map((f) => (
            <li key={f.id} data-testid="overdue-follow-up" data-erc-task-id={f.ercTaskId}>
              <span className="mono">{f.ercTaskId}</span> · {f.taskCode} · {f.municipality} ·{' '}
              <strong className="warning-text">{t('followUps.live.age', { minutes: Math.max(0, Math.floor((now - Date.parse(f.dueAt)) / 60_000)) })}</strong>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

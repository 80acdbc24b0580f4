import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { listWaitingReferrals } from '../api/referrals-api.ts';
import './referrals.css';

/**
 * Closed tasks whose redirect still waits for the receiving service: the nurse opens one to record
 * an acceptance by phone. Read again whenever the queue is (refreshKey).
 */
export function WaitingReferrals({ refreshKey, onOpen }: { refreshKey: string; onOpen(taskId: string): void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const loaded = useLoad((signal) => listWaitingReferrals(signal), refreshKey);
  const tasks = loaded.data ?? [];
  if (tasks.length === 0) return null;
  return (
    <section className="card nurse-card waiting-referrals" aria-labelledby="waiting-referrals-title" data-testid="waiting-referrals">
      <h2 id="waiting-referrals-title">{t('referrals.waiting.title', { count: tasks.length })}</h2>
      <ul>
        {tasks.map((task) => (
          <li key={task.id}>
            <button type="button" className="button-link" onClick={() => onOpen(task.id)} data-erc-task-id={task.ercTaskId}>
              <span className="mono">{task.ercTaskId}</span> · {task.taskCode} · {task.municipality}
            </button>{' '}
            <span className="muted">{t('referrals.waiting.closedAt', { at: formatDateTime(task.closedAt, language) })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

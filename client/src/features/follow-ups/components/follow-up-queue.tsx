import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import type { FollowUpSummary } from '../../../../../server/contracts/follow-ups.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { useNow } from '../../../lib/use-now.ts';
import { claimFollowUp, listOpenFollowUps } from '../api/follow-ups-api.ts';
import './follow-ups.css';

interface FollowUpQueueProps {
  /** Read again whenever the task queue is (a task:changed event). */
  refreshKey: string;
  userId: string;
  /** Holding a task: a follow-up cannot be taken until it is returned (one thing in hand). */
  handsFull: boolean;
  onOpen(followUpId: string): void;
}

/**
 * The follow-up calls in the queue, shown as such, earliest due first: each can be taken from
 * FOLLOW_UP_EARLY_MINUTES before it is due (the server says when: claimableFrom).
 */
export function FollowUpQueue({ refreshKey, userId, handsFull, onOpen }: FollowUpQueueProps) {
  const { t } = useTranslation();
  const loaded = useLoad((signal) => listOpenFollowUps(signal), refreshKey);
  const take = useIdempotentAction();
  const now = useNow();
  const followUps = loaded.data ?? [];
  if (followUps.length === 0) return null;
  return (
    <section className="card nurse-card follow-up-queue" aria-labelledby="follow-up-queue-title" data-testid="follow-up-queue">
      <h2 id="follow-up-queue-title">{t('followUps.queue.title', { count: followUps.length })}</h2>
      <ol>
        {followUps.map((f) => (
          <QueueLine
            key={f.id}
            followUp={f}
            userId={userId}
            now={now}
            busy={take.busy || handsFull}
            onTake={() => void take.run((key) => claimFollowUp(f.id, key), () => onOpen(f.id))}
            onOpen={() => onOpen(f.id)}
          />
        ))}
      </ol>
      <ErrorMessage error={take.error} />
    </section>
  );
}

function QueueLine({ followUp, userId, now, busy, onTake, onOpen }: { followUp: FollowUpSummary; userId: string; now: number; busy: boolean; onTake(): void; onOpen(): void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const mine = followUp.claimedBy?.id === userId;
  const otherOwner = followUp.owner !== null && followUp.owner.id !== userId;
  const takeable = followUp.state === 'scheduled' && !otherOwner && Date.parse(followUp.claimableFrom) <= now;
  const name = followUp.taskName?.[language] ?? '';
  return (
    <li className={`follow-up-item${followUp.overdueFlaggedAt ? ' follow-up-item-overdue' : ''}`} data-testid="follow-up-item" data-erc-task-id={followUp.ercTaskId} data-state={followUp.state}>
      <span className="follow-up-item-main">
        <strong>{t('followUps.queue.kind')}</strong> <span className="mono">{followUp.ercTaskId}</span> · {followUp.taskCode} {name} · {followUp.municipality} ·{' '}
        {t('followUps.due', { at: formatDateTime(followUp.dueAt, language) })}
        {followUp.overdueFlaggedAt && followUp.state === 'scheduled' && (
          <>
            {' '}
            <strong className="badge badge-warn">{t('followUps.overdue')}</strong>
          </>
        )}
        {followUp.owner && <span className="muted"> · {t('followUps.ownedBy', { name: followUp.owner.displayName })}</span>}
        {followUp.claimedBy && !mine && <span className="muted"> · {t('followUps.calledBy', { name: followUp.claimedBy.displayName })}</span>}
      </span>
      {mine && (
        <button type="button" className="button button-small" onClick={onOpen}>
          {t('followUps.queue.continue')}
        </button>
      )}
      {takeable && (
        <button type="button" className="button button-primary button-small" disabled={busy} onClick={onTake} aria-label={t('followUps.queue.takeLabel', { task: followUp.ercTaskId })}>
          {t('followUps.queue.take')}
        </button>
      )}
    </li>
  );
}

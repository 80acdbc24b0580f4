import type { TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useNow } from '../../../lib/use-now.ts';
import { formatClock } from '../utils/clock.ts';

const ESCALATION_REASONS = ['wrong_number', 'unreachable_attempts', 'response_limit'] as const;
type EscalationReason = (typeof ESCALATION_REASONS)[number];

function escalationReason(reason: string | null): EscalationReason | null {
  return ESCALATION_REASONS.find((r) => r === reason) ?? null;
}

/** The escalation reason in words (an unknown reason as the server wrote it). */
export function EscalationReasonText({ reason }: { reason: string | null }) {
  const { t } = useTranslation();
  const known = escalationReason(reason);
  return <>{known ? t(`nurse.escalation.${known}`) : (reason ?? '')}</>;
}

/** What to know about a task at a glance, each in words (colour only repeats it). */
export function TaskBadges({ task, userId }: { task: TaskSummary; userId: string }) {
  const { t } = useTranslation();
  const now = useNow();
  const badges: { key: string; tone: string; text: string }[] = [];
  // A C-task (taken in congestion mode) must be reached by its shorter response limit.
  if (task.urgency === 'C' && task.state !== 'closed') {
    badges.push({ key: 'class-c', tone: 'danger', text: `${t('congestion.classC')} · ${t('congestion.respondBy', { time: formatClock(task.responseDueAt, currentLanguage()) })}` });
  }
  if (task.escalatedAt) {
    badges.push({ key: 'escalated', tone: 'danger', text: t('nurse.badge.escalated') });
  }
  if (task.decisionReason && task.state !== 'closed') {
    badges.push({ key: 'decision', tone: 'danger', text: t(`referrals.badge.${task.decisionReason}`) });
  }
  if (task.state === 'closed' && task.referralState === 'requested') {
    badges.push({ key: 'referral-waiting', tone: 'warn', text: t('referrals.badge.waiting') });
  }
  if (task.state === 'callback_pending' && task.callbackDueAt) {
    const overdue = Date.parse(task.callbackDueAt) <= now;
    const time = formatClock(task.callbackDueAt, currentLanguage());
    badges.push({ key: 'callback', tone: overdue ? 'warn' : 'info', text: overdue ? t('nurse.badge.callbackOverdue', { time }) : t('nurse.badge.callbackDue', { time }) });
  }
  if (task.failedCallAttempts > 0) {
    badges.push({ key: 'failed', tone: 'off', text: t('nurse.badge.failedCalls', { count: task.failedCallAttempts }) });
  }
  if (task.state === 'in_assessment' && task.claimedBy) {
    const mine = task.claimedBy.id === userId;
    badges.push({ key: 'taken', tone: mine ? 'mine' : 'taken', text: mine ? t('nurse.badge.yours') : t('nurse.badge.takenBy', { name: task.claimedBy.displayName }) });
  }
  if (task.stale) badges.push({ key: 'stale', tone: 'warn', text: t('nurse.badge.stale') });
  if (!task.taskCodeKnown) badges.push({ key: 'unknown', tone: 'warn', text: t('nurse.badge.unknownCode') });
  if (task.source === 'manual') badges.push({ key: 'manual', tone: 'off', text: t('nurse.badge.manual') });
  if (badges.length === 0) return null;
  return (
    <ul className="task-badges">
      {badges.map((b) => (
        <li key={b.key} className={`tag tag-${b.tone}`} data-testid={`badge-${b.key}`}>
          {b.text}
        </li>
      ))}
    </ul>
  );
}

import type { TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { formatClock } from '../utils/clock.ts';
import { nurseErrorText, taskName } from '../utils/task-text.ts';
import { TaskBadges } from './task-badges.tsx';
import { WaitTime } from './wait-time.tsx';

export type QueueOrder = 'priority' | 'waited';

interface QueuePanelProps {
  tasks: TaskSummary[] | undefined;
  /** How many tasks match in all (the server's count): more than `tasks` when the list is cut. */
  total: number | undefined;
  error: unknown;
  updatedAt: number | undefined;
  order: QueueOrder;
  userId: string;
  openTaskId: string | null;
  busy: boolean;
  onTake(task: TaskSummary): void;
  onOpen(task: TaskSummary): void;
}

/** Sorted as asked: the server's priority order, or the longest wait first. */
function ordered(tasks: TaskSummary[], order: QueueOrder): TaskSummary[] {
  if (order === 'priority') return tasks;
  return [...tasks].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
}

/** The live queue: every open task, what is known of it and what can be done with it. */
export function QueuePanel({ tasks, total, error, updatedAt, order, userId, openTaskId, busy, onTake, onOpen }: QueuePanelProps) {
  const { t } = useTranslation();
  return (
    <section className="nurse-queue" aria-labelledby="queue-title" data-testid="queue">
      <h2 id="queue-title" className="visually-hidden">
        {t('nurse.queue.title')}
      </h2>
      {error !== undefined && (
        <p className="message message-error" role="alert">
          {t('nurse.queue.outOfDate', { time: updatedAt ? formatClock(new Date(updatedAt).toISOString(), currentLanguage()) : '–' })} {nurseErrorText(error)}
        </p>
      )}
      {!tasks && error === undefined && <p className="muted loading">{t('common.loading')}</p>}
      {tasks?.length === 0 && (
        <p className="nurse-empty" data-testid="queue-empty">
          {t('nurse.queue.empty')}
        </p>
      )}
      {tasks && tasks.length > 0 && (
        <ol className="queue-list">
          {ordered(tasks, order).map((task) => (
            <QueueItem key={task.id} task={task} userId={userId} open={task.id === openTaskId} busy={busy} onTake={onTake} onOpen={onOpen} />
          ))}
        </ol>
      )}
      {tasks && total !== undefined && total > tasks.length && (
        <p className="message message-info queue-cut" data-testid="queue-cut">
          {t('nurse.queue.cut', { shown: tasks.length, total })}
        </p>
      )}
    </section>
  );
}

function QueueItem({ task, userId, open, busy, onTake, onOpen }: { task: TaskSummary; userId: string; open: boolean; busy: boolean; onTake(task: TaskSummary): void; onOpen(task: TaskSummary): void }) {
  const { t } = useTranslation();
  const name = taskName(task, currentLanguage());
  const taken = task.state === 'in_assessment';
  const mine = taken && task.claimedBy?.id === userId;
  const describe = `${task.taskCode} ${name ?? ''}, ${task.municipality}`;
  const classes = ['queue-item', `queue-item-${task.state}`, taken && !mine ? 'queue-item-taken' : '', open ? 'queue-item-open' : '', task.escalatedAt ? 'queue-item-escalated' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <li className={classes} data-testid="queue-item" data-erc-task-id={task.ercTaskId} aria-current={open ? 'true' : undefined}>
      <div className="queue-item-wait">
        <WaitTime receivedAt={task.receivedAt} responseDueAt={task.responseDueAt} />
      </div>
      <div className="queue-item-main">
        <p className="queue-item-title">
          <button type="button" className="queue-item-open-button" onClick={() => onOpen(task)} aria-label={t(mine ? 'nurse.queue.continueTask' : 'nurse.queue.viewTask', { task: describe })}>
            <span className="task-code">{task.taskCode}</span> <span className="task-name">{name ?? t('nurse.task.noName')}</span>
          </button>
        </p>
        <p className="queue-item-meta">
          <span>
            {task.municipality} · {task.area.name}
          </span>
          <span aria-hidden="true"> · </span>
          <PatientText age={task.patientAge} sex={task.patientSex} />
        </p>
        <p className="queue-item-summary">{task.summary}</p>
        <TaskBadges task={task} userId={userId} />
      </div>
      <div className="queue-item-actions">
        {!taken && (
          <button type="button" className="button button-primary button-small" disabled={busy} onClick={() => onTake(task)} aria-label={t('nurse.queue.takeTask', { task: describe })}>
            {t('nurse.queue.take')}
          </button>
        )}
        {mine && (
          <button type="button" className="button button-small" onClick={() => onOpen(task)} aria-label={t('nurse.queue.continueTask', { task: describe })}>
            {t('nurse.queue.continue')}
          </button>
        )}
      </div>
    </li>
  );
}

/** "82 v, nainen" in the reader's language; unknown parts are said to be unknown. */
export function PatientText({ age, sex }: { age: number | null; sex: TaskSummary['patientSex'] }) {
  const { t } = useTranslation();
  const agePart = age === null ? t('nurse.patient.ageUnknown') : t('nurse.patient.age', { age });
  return (
    <span className="patient">
      {agePart}, {t(`nurse.patient.sex.${sex ?? 'unknown'}`)}
    </span>
  );
}

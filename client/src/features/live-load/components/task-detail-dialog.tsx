import type { ReactNode } from 'react';
import type { TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { codeName } from '../../../lib/task-code-name.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { fetchTaskDetail } from '../api/live-api.ts';
import { eventTypeKey } from '../utils/messages.ts';
import { LiveError } from './live-error.tsx';
import { Modal } from '../../../lib/modal.tsx';

/** One task, read only: the ERC's data, its state, the calls made and its history. */
export function TaskDetailDialog({ taskId, ercTaskId, onClose }: { taskId: string; ercTaskId: string; onClose(): void }) {
  const { t } = useTranslation();
  const detail = useLoad((signal) => fetchTaskDetail(taskId, signal), taskId);
  return (
    <Modal titleId="live-detail-title" onClose={onClose}>
      <div className="live-dialog-head">
        <h2 id="live-detail-title">{t('live.detail.title', { ercTaskId })}</h2>
        <span className="badge badge-off">{t('live.detail.readOnly')}</span>
      </div>
      <div className="live-dialog-body" data-testid="live-detail">
        {detail.data ? <DetailBody task={detail.data} /> : detail.error ? <LiveError error={detail.error} /> : <p className="muted">{t('common.loading')}</p>}
      </div>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onClose}>
          {t('live.detail.close')}
        </button>
      </div>
    </Modal>
  );
}

function DetailBody({ task }: { task: TaskDetail }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const taskName = task.taskLabel ?? codeName(task.taskName, language);
  const patient = [task.patientAge === null ? null : t('live.detail.age', { age: task.patientAge }), task.patientSex ? t(`live.detail.sexes.${task.patientSex}`) : null]
    .filter((part) => part !== null)
    .join(', ');
  return (
    <>
      <dl className="live-facts">
        <Fact label={t('live.detail.state')}>
          {t(`live.states.${task.state}`)}
          {task.escalatedAt && <strong className="warning-text"> · {t('live.detail.escalated')}</strong>}
        </Fact>
        <Fact label={t('live.detail.taskCode')}>
          {task.urgency}-{task.taskCode}
          {taskName ? ` ${taskName}` : ''}
        </Fact>
        <Fact label={t('live.detail.received')}>{formatDateTime(task.receivedAt, language, true)}</Fact>
        <Fact label={t('live.detail.holder')}>{task.claimedBy?.displayName ?? t('live.detail.nobody')}</Fact>
        <Fact label={t('live.detail.place')}>
          {task.municipality} ({task.area.name})
        </Fact>
        <Fact label={t('live.detail.address')}>{task.address ?? '–'}</Fact>
        <Fact label={t('live.detail.callbackPhone')}>
          <span className="mono">{task.callbackPhone}</span>
        </Fact>
        <Fact label={t('live.detail.patient')}>{patient || '–'}</Fact>
        <Fact label={t('live.detail.summary')} wide>
          {task.summary}
        </Fact>
      </dl>

      <h3>{t('live.detail.callAttempts')}</h3>
      {task.callAttempts.length === 0 ? (
        <p className="muted">{t('live.detail.noCallAttempts')}</p>
      ) : (
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('live.detail.at')}</th>
              <th scope="col">{t('live.detail.result')}</th>
              <th scope="col">{t('live.detail.by')}</th>
            </tr>
          </thead>
          <tbody>
            {task.callAttempts.map((attempt, i) => (
              <tr key={i}>
                <td className="nowrap">{formatDateTime(attempt.at, language, true)}</td>
                <td>{t(`live.detail.results.${attempt.result}`)}</td>
                <td>{attempt.by}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t('live.detail.events')}</h3>
      <table className="table table-compact">
        <thead>
          <tr>
            <th scope="col">{t('live.detail.at')}</th>
            <th scope="col">{t('live.detail.event')}</th>
            <th scope="col">{t('live.detail.actor')}</th>
          </tr>
        </thead>
        <tbody>
          {task.events.map((event) => {
            const key = eventTypeKey(event.type);
            return (
              <tr key={event.seq}>
                <td className="nowrap">{formatDateTime(event.at, language, true)}</td>
                <td>{key ? t(`live.detail.eventTypes.${key}`) : event.type}</td>
                <td>{event.actor}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function Fact({ label, wide = false, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? 'live-fact live-fact-wide' : 'live-fact'}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

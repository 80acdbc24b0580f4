import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { ApiError } from '../../../lib/api.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { listHeldTasks, reassignTask } from '../api/live-api.ts';
import { LiveError } from './live-error.tsx';
import { Modal } from '../../../lib/modal.tsx';
import type { Hold, Nurse } from './nurse-board.tsx';

/** What the board says after a reassignment; rendered on each render so that it follows the language. */
export type ReassignDone = { kind: 'takenOver'; ercTaskId: string } | { kind: 'moved'; ercTaskId: string; name: string };

interface ReassignDialogProps {
  hold: Hold;
  holder: Nurse;
  /** Who may receive the task (the holder is left out). */
  nurses: readonly Nurse[];
  /** 'takeOver' starts with the shift leader as the receiver, 'reassign' with the first nurse online. */
  mode: 'takeOver' | 'reassign';
  onDone(done: ReassignDone): void;
  onClose(): void;
}

const TO_ME = '';

/**
 * Take over a held task or give it to another nurse. The version is the one read when the dialog
 * opened: if the task changed since, the server refuses (STALE_VERSION) and the dialog reloads it.
 */
export function ReassignDialog({ hold, holder, nurses, mode, onDone, onClose }: ReassignDialogProps) {
  const { t } = useTranslation();
  const held = useLoad((signal) => listHeldTasks(signal), hold.taskId);
  const action = useIdempotentAction();
  const candidates = nurses
    .filter((n) => n.role === 'nurse' && n.id !== holder.id)
    .sort((a, b) => Number(b.online) - Number(a.online) || a.displayName.localeCompare(b.displayName, 'fi'));
  const [assignee, setAssignee] = useState(() => (mode === 'reassign' ? (candidates.find((n) => n.online)?.id ?? TO_ME) : TO_ME));
  const [reason, setReason] = useState('');
  const [reasonMissing, setReasonMissing] = useState(false);

  const task = held.data?.find((candidate) => candidate.id === hold.taskId);
  const stale = task?.stale ?? hold.stale;
  const reasonNeeded = !stale;

  const { error } = action;
  const { reload } = held;
  useEffect(() => {
    if (error instanceof ApiError && error.code === 'STALE_VERSION') reload();
  }, [error, reload]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!task) return;
    const trimmed = reason.trim();
    if (reasonNeeded && !trimmed) {
      setReasonMissing(true);
      return;
    }
    setReasonMissing(false);
    const receiver = candidates.find((n) => n.id === assignee);
    void action.run(
      (key) => reassignTask(task.id, { version: task.version, ...(receiver ? { assigneeId: receiver.id } : {}), ...(trimmed ? { reason: trimmed } : {}) }, key),
      () => onDone(receiver ? { kind: 'moved', ercTaskId: hold.ercTaskId, name: receiver.displayName } : { kind: 'takenOver', ercTaskId: hold.ercTaskId }),
    );
  }

  const holderName = task?.claimedBy?.displayName ?? holder.displayName;
  return (
    <Modal titleId="live-reassign-title" onClose={onClose}>
      <form onSubmit={submit} noValidate aria-labelledby="live-reassign-title" data-testid="live-reassign">
        <h2 id="live-reassign-title">{t('live.reassign.title', { ercTaskId: hold.ercTaskId })}</h2>
        {held.loading && !held.data ? (
          <p className="muted">{t('common.loading')}</p>
        ) : held.error ? (
          <LiveError error={held.error} />
        ) : !task ? (
          <div className="message message-info" role="status">
            <p>{t('live.reassign.notHeld')}</p>
          </div>
        ) : (
          <>
            <p className="live-holder">
              {t('live.reassign.holder', { name: holderName })}{' '}
              {stale ? <span className="badge badge-warn">{t('live.reassign.holderStale')}</span> : <span className="badge badge-ok">{t('live.reassign.holderLive')}</span>}
            </p>
            <div className="field">
              <label htmlFor="live-assignee">{t('live.reassign.assignee')}</label>
              <select id="live-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
                <option value={TO_ME}>{t('live.reassign.toMe')}</option>
                {candidates.map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.online ? n.displayName : t('live.reassign.offline', { name: n.displayName })}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="live-reason">{t('live.reassign.reason')}</label>
              <textarea
                id="live-reason"
                className="live-textarea"
                rows={3}
                maxLength={500}
                value={reason}
                aria-invalid={reasonMissing}
                aria-describedby="live-reason-hint"
                onChange={(e) => setReason(e.target.value)}
              />
              <span id="live-reason-hint" className={reasonMissing ? 'hint hint-error' : 'hint'}>
                {reasonMissing ? t('live.reassign.reasonMissing') : reasonNeeded ? t('live.reassign.reasonRequired') : t('live.reassign.reasonOptional')}
              </span>
            </div>
          </>
        )}
        <LiveError error={action.error} />
        <div className="form-actions">
          {action.canRetry ? (
            <button type="button" className="button button-primary" disabled={action.busy} onClick={() => void action.retry()}>
              {t('live.reassign.retry')}
            </button>
          ) : (
            <button type="submit" className="button button-primary" disabled={action.busy || !task}>
              {action.busy ? t('live.reassign.submitting') : t('live.reassign.submit')}
            </button>
          )}
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

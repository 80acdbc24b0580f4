import { useState } from 'react';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { FOLLOW_UP_WHEN } from '../../../../../server/contracts/follow-up-values.ts';
import type { FollowUpSummary, FollowUpWhen } from '../../../../../server/contracts/follow-ups.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { formatDateTime, helsinkiLocalToIso } from '../../../lib/format.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { listTaskFollowUps, scheduleFollowUp } from '../api/follow-ups-api.ts';
import './follow-ups.css';

interface FollowUpPanelProps {
  task: { id: string; version: number; state: string; outcomeType: string | null };
  /** Something changed here: the task view reloads. */
  onChanged(): void;
}

/**
 * Under the recorded outcome: the task's follow-up calls, and after phone advice or a redirect the
 * form that schedules one (due in 1, 2 or 4 hours, next morning at 08:00 or at a chosen time).
 */
export function FollowUpPanel({ task, onChanged }: FollowUpPanelProps) {
  const { t } = useTranslation();
  // Scheduling changes no task field (its version stays): the list is read again on its own count.
  const [scheduled, setScheduled] = useState(0);
  const loaded = useLoad((signal) => listTaskFollowUps(task.id, signal), `${task.id}:${task.version}:${scheduled}`);
  const followUps = loaded.data ?? [];
  const followable = task.state === 'closed' && (task.outcomeType === 'phone_advice' || task.outcomeType === 'redirect');
  if (!followable && followUps.length === 0) return null;
  return (
    <section className="card nurse-card follow-up-panel" aria-labelledby="follow-up-title" data-testid="follow-ups">
      <h3 id="follow-up-title">{t('followUps.panel.title')}</h3>
      {followUps.length > 0 && (
        <ul className="follow-up-list">
          {followUps.map((f) => (
            <li key={f.id} data-testid="follow-up-entry" data-state={f.state}>
              <FollowUpLine followUp={f} />
            </li>
          ))}
        </ul>
      )}
      {followable && (
        <ScheduleForm
          taskId={task.id}
          onDone={() => {
            setScheduled((n) => n + 1);
            onChanged();
          }}
        />
      )}
    </section>
  );
}

export function FollowUpLine({ followUp }: { followUp: FollowUpSummary }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <span>
      {t(`followUps.state.${followUp.state}`)} · {t('followUps.due', { at: formatDateTime(followUp.dueAt, language) })}
      {followUp.owner && ` · ${t('followUps.ownedBy', { name: followUp.owner.displayName })}`}
      {followUp.claimedBy && ` · ${t('followUps.calledBy', { name: followUp.claimedBy.displayName })}`}
      {followUp.overdueFlaggedAt && followUp.state === 'scheduled' && (
        <>
          {' '}
          <strong className="badge badge-warn">{t('followUps.overdue')}</strong>
        </>
      )}
    </span>
  );
}

function ScheduleForm({ taskId, onDone }: { taskId: string; onDone(): void }) {
  const { t } = useTranslation();
  const [when, setWhen] = useState<FollowUpWhen>('in_1h');
  const [at, setAt] = useState('');
  const [check, setCheck] = useState('');
  const [owner, setOwner] = useState<'queue' | 'me'>('queue');
  const [missing, setMissing] = useState<string | null>(null);
  const action = useIdempotentAction();

  function submit() {
    const dueAt = when === 'at' ? helsinkiLocalToIso(at) : null;
    if (!check.trim()) return setMissing(t('followUps.schedule.checkMissing'));
    if (when === 'at' && !dueAt) return setMissing(t('followUps.schedule.atMissing'));
    setMissing(null);
    void action.run((key) => scheduleFollowUp(taskId, { when, check: check.trim(), owner, ...(dueAt ? { dueAt } : {}) }, key), () => {
      setCheck('');
      onDone();
    });
  }

  return (
    <form
      className="follow-up-form"
      noValidate
      data-testid="follow-up-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <fieldset>
        <legend>{t('followUps.schedule.when')}</legend>
        <div className="follow-up-presets">
          {FOLLOW_UP_WHEN.map((option) => (
            <label key={option}>
              <input type="radio" name="follow-up-when" value={option} checked={when === option} onChange={() => setWhen(option)} /> {t(`followUps.when.${option}`)}
            </label>
          ))}
        </div>
        {when === 'at' && (
          <div className="field">
            <label htmlFor="follow-up-at">{t('followUps.schedule.at')}</label>
            <input id="follow-up-at" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
          </div>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor="follow-up-check">{t('followUps.schedule.check')}</label>
        <textarea id="follow-up-check" rows={2} maxLength={1000} value={check} onChange={(e) => setCheck(e.target.value)} aria-invalid={missing && !check.trim() ? true : undefined} />
      </div>
      <fieldset>
        <legend>{t('followUps.schedule.owner')}</legend>
        <label>
          <input type="radio" name="follow-up-owner" value="queue" checked={owner === 'queue'} onChange={() => setOwner('queue')} /> {t('followUps.schedule.ownerQueue')}
        </label>{' '}
        <label>
          <input type="radio" name="follow-up-owner" value="me" checked={owner === 'me'} onChange={() => setOwner('me')} /> {t('followUps.schedule.ownerMe')}
        </label>
      </fieldset>
      {missing && (
        <p className="hint hint-error" role="alert">
          {missing}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={action.busy} data-testid="follow-up-schedule">
          {t('followUps.schedule.submit')}
        </button>
      </div>
      <ErrorMessage error={action.error} />
    </form>
  );
}

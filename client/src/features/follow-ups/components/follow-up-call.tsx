import { useEffect, useState } from 'react';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { FOLLOW_UP_RESULTS } from '../../../../../server/contracts/follow-up-values.ts';
import type { FollowUpDetail, FollowUpResultValue } from '../../../../../server/contracts/follow-ups.ts';
import { ADVICE_KINDS, CALL_RESULTS, UNIT_LEVELS, type TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { fetchFollowUp, fetchFollowUpTask, followUpHeartbeat, recordFollowUpCall, recordFollowUpResult, releaseFollowUp } from '../api/follow-ups-api.ts';
import { FollowUpLine } from './follow-up-panel.tsx';

const HEARTBEAT_MS = 30_000;
const URGENCIES = ['D', 'C', 'B', 'A'] as const;

interface FollowUpCallProps {
  followUpId: string;
  userId: string;
  /** The call is done or handed back: the console shows its queue again. */
  onClose(): void;
}

/**
 * The follow-up call in hand: what to check, the original assessment and advice, the number, the
 * calls, and the result (stable, worse: a unit is requested, unreachable).
 */
export function FollowUpCall({ followUpId, userId, onClose }: FollowUpCallProps) {
  const { t } = useTranslation();
  const [reloads, setReloads] = useState(0);
  const loaded = useLoad((signal) => fetchFollowUp(followUpId, signal), `${followUpId}:${reloads}`);
  const followUp = loaded.data;
  const taskLoaded = useLoad((signal) => (followUp ? fetchFollowUpTask(followUp.taskId, signal) : Promise.resolve(undefined)), followUp?.taskId ?? '');
  const holding = followUp?.state === 'in_call' && followUp.claimedBy?.id === userId;

  useEffect(() => {
    if (!holding) return;
    const timer = setInterval(() => void followUpHeartbeat(followUpId).catch(() => undefined), HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, [holding, followUpId]);

  if (!followUp) return loaded.error ? <ErrorMessage error={loaded.error} /> : <p className="muted loading">{t('common.loading')}</p>;
  return (
    <article className="follow-up-call" aria-labelledby="follow-up-call-title" data-testid="follow-up-call" data-state={followUp.state}>
      <header className="card nurse-card">
        <h2 id="follow-up-call-title" tabIndex={-1}>
          {t('followUps.call.title', { task: followUp.ercTaskId })}
        </h2>
        <p>
          <FollowUpLine followUp={followUp} />
        </p>
        <button type="button" className="button button-quiet" onClick={onClose}>
          {t('nurse.view.close')}
        </button>
      </header>
      <section className="card nurse-card" aria-labelledby="follow-up-check-title">
        <h3 id="follow-up-check-title">{t('followUps.call.check')}</h3>
        <p className="follow-up-check" data-testid="follow-up-check">
          {followUp.check}
        </p>
      </section>
      {taskLoaded.data && <OriginalDecision task={taskLoaded.data} outcomeId={followUp.outcomeId} />}
      {holding ? (
        <CallWork followUp={followUp} onChanged={() => setReloads((n) => n + 1)} onDone={onClose} />
      ) : (
        <p className="message message-info" role="status">
          {t(followUp.state === 'scheduled' || followUp.state === 'in_call' ? 'followUps.call.notHeld' : `followUps.state.${followUp.state}`)}
        </p>
      )}
    </article>
  );
}

/** The assessment of the first call and the advice or redirect given, as the nurse recorded them. */
function OriginalDecision({ task, outcomeId }: { task: TaskDetail; outcomeId: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const outcome = task.outcomes.find((o) => o.id === outcomeId);
  const details = outcome?.outcome ?? {};
  const text = (key: string) => (typeof details[key] === 'string' ? details[key] : null);
  const advice = ADVICE_KINDS.find((k) => k === details.advice);
  const assessment = task.assessment;
  return (
    <section className="card nurse-card" aria-labelledby="follow-up-original-title" data-testid="follow-up-original">
      <h3 id="follow-up-original-title">{t('followUps.call.original')}</h3>
      <dl className="facts">
        <div>
          <dt>{t('nurse.view.phone')}</dt>
          <dd className="mono" data-testid="follow-up-phone">
            {task.callbackPhone}
          </dd>
        </div>
        <div>
          <dt>{t('nurse.view.received')}</dt>
          <dd>{formatDateTime(task.receivedAt, language)}</dd>
        </div>
        {assessment?.chiefComplaint && (
          <div className="facts-wide">
            <dt>{t('followUps.call.complaint')}</dt>
            <dd>{assessment.chiefComplaint}</dd>
          </div>
        )}
        {assessment?.notes && (
          <div className="facts-wide">
            <dt>{t('followUps.call.notes')}</dt>
            <dd>{assessment.notes}</dd>
          </div>
        )}
        {outcome && (
          <div className="facts-wide">
            <dt>{t(`nurse.outcome.types.${outcome.outcome.type === 'redirect' ? 'redirect' : 'phone_advice'}`)}</dt>
            <dd data-testid="follow-up-advice">
              {[advice ? t(`nurse.outcome.adviceKinds.${advice}`) : null, text('handoffTo'), text('rationale')].filter(Boolean).join(' · ')}
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}

function CallWork({ followUp, onChanged, onDone }: { followUp: FollowUpDetail; onChanged(): void; onDone(): void }) {
  const { t } = useTranslation();
  const call = useIdempotentAction();
  const result = useIdempotentAction();
  const release = useIdempotentAction();
  const [note, setNote] = useState('');
  const [unitLevel, setUnitLevel] = useState<(typeof UNIT_LEVELS)[number]>('BLS');
  const [urgency, setUrgency] = useState<(typeof URGENCIES)[number]>('D');

  function record(value: FollowUpResultValue) {
    const body = { result: value, version: followUp.version, ...(note.trim() ? { note: note.trim() } : {}), ...(value === 'worse' ? { unitLevel, urgency } : {}) };
    void result.run((key) => recordFollowUpResult(followUp.id, body, key), onDone);
  }

  return (
    <>
      <section className="card nurse-card" aria-labelledby="follow-up-calls-title">
        <h3 id="follow-up-calls-title">{t('nurse.call.title')}</h3>
        <div className="follow-up-buttons">
          {CALL_RESULTS.map((r) => (
            <button
              key={r}
              type="button"
              className={`button${r === 'answered' ? ' button-primary' : ''}`}
              disabled={call.busy}
              onClick={() => void call.run((key) => recordFollowUpCall(followUp.id, r, key), (after) => (after.state === 'in_call' ? onChanged() : onDone()))}
            >
              {t(`nurse.call.results.${r}`)}
            </button>
          ))}
        </div>
        <p className="hint">{t('followUps.call.attempts', { count: followUp.callAttempts.length, failed: followUp.failedCallAttempts })}</p>
        <ErrorMessage error={call.error} />
      </section>
      <section className="card nurse-card" aria-labelledby="follow-up-result-title">
        <h3 id="follow-up-result-title">{t('followUps.call.result')}</h3>
        <div className="field">
          <label htmlFor="follow-up-note">{t('followUps.call.note')}</label>
          <textarea id="follow-up-note" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <fieldset className="form-grid form-grid-3">
          <legend>{t('followUps.call.worseUnit')}</legend>
          <div className="field">
            <label htmlFor="follow-up-unit">{t('followUps.call.unitLevel')}</label>
            <select id="follow-up-unit" value={unitLevel} onChange={(e) => setUnitLevel(UNIT_LEVELS.find((l) => l === e.target.value) ?? 'BLS')}>
              {UNIT_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`nurse.outcome.unitLevels.${l}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="follow-up-urgency">{t('followUps.call.urgency')}</label>
            <select id="follow-up-urgency" value={urgency} onChange={(e) => setUrgency(URGENCIES.find((u) => u === e.target.value) ?? 'D')}>
              {URGENCIES.map((u) => (
                <option key={u} value={u}>
                  {u}
                </option>
              ))}
            </select>
          </div>
        </fieldset>
        <div className="follow-up-buttons">
          {FOLLOW_UP_RESULTS.map((r) => (
            <button key={r} type="button" className={`button${r === 'worse' ? ' button-danger' : ''}`} disabled={result.busy} onClick={() => record(r)} data-testid={`follow-up-result-${r}`}>
              {t(`followUps.result.${r}`)}
            </button>
          ))}
        </div>
        <ErrorMessage error={result.error} />
        <button type="button" className="button button-quiet" disabled={release.busy} onClick={() => void release.run((key) => releaseFollowUp(followUp.id, followUp.version, key), onDone)}>
          {t('followUps.call.release')}
        </button>
        <ErrorMessage error={release.error} />
      </section>
    </>
  );
}

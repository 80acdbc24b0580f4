import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RedFlagDto } from '../../../../../server/contracts/reference.ts';
import type { CallResult, TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { EarlierContacts } from '../../contacts/components/earlier-contacts.tsx';
import { ReferralPanel } from '../../referrals/components/referral-panel.tsx';
import { ApiError } from '../../../lib/api.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage } from '../../../lib/i18n.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { recordCallAttempt, recordOutcome, releaseTask } from '../api/nurse-api.ts';
import { useShortcuts } from '../hooks/use-shortcuts.ts';
import { useTaskDraft } from '../hooks/use-task-draft.ts';
import { holds, type TaskView as TaskViewState } from '../hooks/use-task-view.ts';
import { OutcomeDecision } from '../../protocols/components/outcome-decision.tsx';
import { ProtocolPanel } from '../../protocols/components/protocol-panel.tsx';
import { useDecisionSupport } from '../hooks/use-decision-support.ts';
import { outcomeFromForm, type OutcomeField } from '../utils/outcome-form.ts';
import { fieldIssues, nurseErrorText, taskName } from '../utils/task-text.ts';
import { ActionError } from './action-error.tsx';
import { AssessmentSection } from './assessment-section.tsx';
import { CALL_RESULTS, CallPanel } from './call-panel.tsx';
import type { Notice } from './notice.tsx';
import { OutcomePanel } from './outcome-panel.tsx';
import { PhoneNumber } from './phone-number.tsx';
import { PatientText } from './queue-panel.tsx';
import { EscalationReasonText, TaskBadges } from './task-badges.tsx';
import { TaskHistory } from './task-history.tsx';
import { WaitTime } from './wait-time.tsx';

interface TaskViewProps {
  view: TaskViewState;
  userId: string;
  redFlags: RedFlagDto[];
  taking: boolean;
  onTake(taskId: string): void;
  onClose(): void;
  /** Opens another task (an earlier contact, a possible duplicate) in this view. */
  onOpenTask(taskId: string): void;
  /** The nurse's work on the task ended here (closed, handed back, waiting for a call-back). */
  onFinished(notice: Notice): void;
}

/** One task in full: held (to work on) or read-only. */
export function TaskView({ view, userId, redFlags, taking, onTake, onClose, onOpenTask, onFinished }: TaskViewProps) {
  const { t } = useTranslation();
  if (!view.task) {
    return (
      <section className="nurse-task card" aria-live="polite">
        {view.error ? <ActionError error={view.error} onRetry={view.reload} /> : <p className="muted loading">{t('common.loading')}</p>}
        <button type="button" className="button" onClick={onClose}>
          {t('nurse.view.close')}
        </button>
      </section>
    );
  }
  return <TaskWork key={view.task.id} task={view.task} view={view} userId={userId} redFlags={redFlags} taking={taking} onTake={onTake} onClose={onClose} onOpenTask={onOpenTask} onFinished={onFinished} />;
}

function TaskWork({ task, view, userId, redFlags, taking, onTake, onClose, onOpenTask, onFinished }: TaskViewProps & { task: TaskDetail }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const canEdit = holds(task, userId);
  const draft = useTaskDraft(task, canEdit, view);
  const callAction = useIdempotentAction();
  const outcomeAction = useIdempotentAction();
  const releaseAction = useIdempotentAction();
  const [missing, setMissing] = useState<OutcomeField[]>([]);
  const [draftBlocked, setDraftBlocked] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const escalated = task.escalatedAt !== null;

  const decision = useDecisionSupport(task, draft, canEdit, language);
  const redFlagCount = (canEdit ? draft.assessment.redFlags.length : (task.assessment?.redFlags.length ?? 0)) + decision.protocol.hardDispatchFloors;
  const name = taskName(task, language);
  const claimable = task.state === 'queued' || task.state === 'callback_pending';

  // Keyboard and screen-reader users land on the task that just opened.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  // A task closed while open here (by the ERC, a shift leader): nothing local is worth keeping.
  const closed = task.state === 'closed';
  const { discard } = draft;
  useEffect(() => {
    if (closed) discard();
  }, [closed, discard]);

  function recordCall(result: CallResult) {
    if (!canEdit) return;
    void callAction.run(
      async (key) => {
        // The assessment goes to the server before the task may leave the nurse's hands.
        const saved = await draft.flush();
        const summary = await view.change(recordCallAttempt(task.id, result, key));
        return { summary, saved };
      },
      ({ summary, saved }) => {
        if (summary.state === 'callback_pending') {
          if (saved) draft.discard();
          onFinished({ kind: 'callback', ercTaskId: task.ercTaskId, dueAt: summary.callbackDueAt });
        } else {
          view.reload();
        }
      },
    );
  }

  async function submitOutcome() {
    if (!canEdit || outcomeAction.busy) return;
    const parsed = outcomeFromForm(draft.outcome, escalated);
    if (!parsed.ok) {
      setMissing(parsed.missing);
      const first = parsed.missing[0] === 'type' ? document.querySelector<HTMLElement>('input[name="outcome-type"]:not(:disabled)') : document.getElementById(`outcome-${parsed.missing[0]}`);
      first?.focus();
      return;
    }
    setMissing([]);
    const extras = decision.protocol.extrasFor(parsed.value);
    decision.setMissing(extras.ok ? [] : extras.missing);
    if (!extras.ok) {
      document.getElementById(`decision-${extras.missing[0]}`)?.focus();
      return;
    }
    outcomeAction.clear();
    // The server decides on the saved assessment (its red flags): save it first, then send that version.
    const saved = await draft.flush();
    setDraftBlocked(!saved);
    if (!saved) return;
    const version = view.version();
    const outcome = { ...parsed.value, ...extras.value };
    await outcomeAction.run(
      (key) => view.change(recordOutcome(task.id, version, outcome, key)),
      () => {
        draft.discard();
        onFinished({ kind: 'closed', ercTaskId: task.ercTaskId, outcome: outcome.type });
      },
    );
  }

  async function release() {
    const saved = await draft.flush();
    const version = view.version();
    await releaseAction.run(
      (key) => view.change(releaseTask(task.id, version, key)),
      () => {
        if (saved) draft.discard();
        onFinished({ kind: 'released', ercTaskId: task.ercTaskId });
      },
    );
  }

  // A refused change means the task is not what it seemed: show what is true now.
  const outcomeError = outcomeAction.error;
  const releaseError = releaseAction.error;
  const reload = view.reload;
  useEffect(() => {
    const refused = (err: unknown) => err instanceof ApiError && (err.status === 409 || err.status === 422);
    if (refused(outcomeError) || refused(releaseError)) reload();
  }, [outcomeError, releaseError, reload]);

  useShortcuts({
    ...(canEdit
      ? {
          call1: () => recordCall(CALL_RESULTS[0]),
          call2: () => recordCall(CALL_RESULTS[1]),
          call3: () => recordCall(CALL_RESULTS[2]),
          call4: () => recordCall(CALL_RESULTS[3]),
          call5: () => recordCall(CALL_RESULTS[4]),
          submit: () => void submitOutcome(),
        }
      : {}),
    ...(canEdit ? {} : { close: onClose }),
  });

  const holder = task.claimedBy && !canEdit ? task.claimedBy.displayName : null;

  return (
    <article className="nurse-task" aria-labelledby="task-title" data-testid="task-view" data-task-id={task.id} data-state={task.state}>
      <header className="card nurse-card task-head">
        <div className="task-head-main">
          <h2 id="task-title" ref={headingRef} tabIndex={-1}>
            <span className="task-code">{task.taskCode}</span> {name ?? t('nurse.task.noName')}
          </h2>
          <p className="task-head-meta">
            <span className="mono">{task.ercTaskId}</span> · {task.municipality} · {task.area.name} · <PatientText age={task.patientAge} sex={task.patientSex} />
          </p>
          <TaskBadges task={task} userId={userId} />
        </div>
        <div className="task-head-side">
          {task.state !== 'closed' && <WaitTime receivedAt={task.receivedAt} large />}
          <div className="task-head-actions">
            {canEdit && (
              <button type="button" className="button" disabled={releaseAction.busy} onClick={() => void release()} data-testid="release">
                {t('nurse.view.release')}
              </button>
            )}
            {!canEdit && (
              <button type="button" className="button button-quiet" onClick={onClose} aria-keyshortcuts="Escape">
                {t('nurse.view.close')} <kbd>Esc</kbd>
              </button>
            )}
          </div>
        </div>
      </header>
      <ActionError error={releaseAction.error} onRetry={releaseAction.canRetry ? () => void releaseAction.retry() : undefined} />

      {!canEdit && (
        <div className="message message-info" role="status" data-testid="read-only">
          <p>
            {closed
              ? t('nurse.view.closedState', { outcome: task.outcomeType ? t(`nurse.outcome.types.${task.outcomeType}`) : '' })
              : holder
                ? t('nurse.view.readOnlyHeld', { name: holder })
                : t('nurse.view.readOnlyWaiting')}
          </p>
          {claimable && (
            <button type="button" className="button button-primary button-small" disabled={taking} onClick={() => onTake(task.id)}>
              {t('nurse.view.take')}
            </button>
          )}
        </div>
      )}

      {escalated && !closed && (
        <div className="message message-error escalation" role="alert" data-testid="escalation">
          <p>
            <strong>{t('nurse.escalation.title')}</strong> <EscalationReasonText reason={task.escalationReason} />
          </p>
          <p>{canEdit ? t('nurse.escalation.instruction') : t('nurse.escalation.instructionOthers')}</p>
        </div>
      )}

      <EarlierContacts taskId={task.id} refreshKey={task.version} onOpenTask={onOpenTask} />

      <div className="task-columns">
        <section className="card nurse-card" aria-labelledby="erc-title">
          <h3 id="erc-title">{t('nurse.view.ercTitle')}</h3>
          <dl className="facts">
            <div className="facts-wide">
              <dt>{t('nurse.view.summary')}</dt>
              <dd className="facts-summary">{task.summary}</dd>
            </div>
            <div>
              <dt>{t('nurse.view.address')}</dt>
              <dd>{task.address ?? <span className="muted">{t('nurse.view.noAddress')}</span>}</dd>
            </div>
            <div>
              <dt>{t('nurse.view.received')}</dt>
              <dd>{formatDateTime(task.receivedAt, language)}</dd>
            </div>
            <div>
              <dt>{t('nurse.view.source')}</dt>
              <dd>{t(`nurse.view.sources.${task.source}`)}</dd>
            </div>
            {task.taskLabel && (
              <div>
                <dt>{t('nurse.view.ercLabel')}</dt>
                <dd>{task.taskLabel}</dd>
              </div>
            )}
          </dl>
        </section>
        <section className="card nurse-card" aria-labelledby="callback-phone-label">
          <PhoneNumber phone={task.callbackPhone} />
        </section>
      </div>
      <section className="card nurse-card" aria-label={t('nurse.call.title')}>
        <CallPanel
          enabled={canEdit}
          busy={callAction.busy}
          error={callAction.error}
          onRetry={callAction.canRetry ? () => void callAction.retry() : undefined}
          onResult={recordCall}
        />
      </section>

      <AssessmentSection form={draft.assessment} onChange={draft.setAssessment} redFlags={redFlags} readOnly={!canEdit} status={draft.status} onRetrySave={() => void draft.flush()} />
      <ProtocolPanel protocol={decision.protocol} form={draft.assessment.protocol} onChange={(p) => draft.setAssessment({ ...draft.assessment, protocol: p })} readOnly={!canEdit} />

      {canEdit && (
        <>
          <OutcomePanel
            form={draft.outcome}
            municipality={task.municipality}
            onChange={draft.setOutcome}
            escalated={escalated}
            redFlagCount={redFlagCount}
            missing={missing}
            serverIssues={fieldIssues(outcomeAction.error)}
            busy={outcomeAction.busy}
            onSubmit={() => void submitOutcome()}
          >
            <OutcomeDecision protocol={decision.protocol} outcome={decision.chosenOutcome} missing={decision.missing} />
          </OutcomePanel>
          {draftBlocked && draft.status.kind !== 'saved' && (
            <p className="message message-error" role="alert">
              {t('nurse.outcome.saveFirst')} {draft.status.kind === 'failed' ? nurseErrorText(draft.status.error) : ''}
            </p>
          )}
          <ActionError error={outcomeAction.error} onRetry={outcomeAction.canRetry ? () => void outcomeAction.retry() : undefined} testId="outcome-error" />
        </>
      )}

      <ReferralPanel taskId={task.id} version={task.version} onChanged={view.reload} />

      <TaskHistory task={task} />
    </article>
  );
}

import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import type { UserDto } from '../../../../../server/contracts/auth.ts';
import type { RedFlagDto } from '../../../../../server/contracts/reference.ts';
import type { CallResult, Outcome, TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { EarlierContacts } from '../../contacts/components/earlier-contacts.tsx';
import { FollowUpPanel } from '../../follow-ups/components/follow-up-panel.tsx';
import { ReferralPanel } from '../../referrals/components/referral-panel.tsx';
import { ApiError } from '../../../lib/api.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { useLogoutGuard } from '../../../lib/logout-guard.ts';
import { handOverTask, recordCallAttempt, recordOutcome, releaseTask } from '../api/nurse-api.ts';
import { useShortcuts } from '../hooks/use-shortcuts.ts';
import { useTaskDraft } from '../hooks/use-task-draft.ts';
import { holds, type TaskView as TaskViewState } from '../hooks/use-task-view.ts';
import { OutcomeDecision } from '../../protocols/components/outcome-decision.tsx';
import { ProtocolPanel } from '../../protocols/components/protocol-panel.tsx';
import { useDecisionSupport } from '../hooks/use-decision-support.ts';
import { outcomeFromForm, type OutcomeField, type OutcomeRules } from '../utils/outcome-form.ts';
import { fieldIssues, nurseErrorText, taskName } from '../utils/task-text.ts';
import { ActionError } from './action-error.tsx';
import { AssessmentSection } from './assessment-section.tsx';
import { AmendOutcome } from './amend-outcome.tsx';
import { CALL_RESULTS, CallPanel, type PendingCall } from './call-panel.tsx';
import { ConfirmOutcomeDialog } from './confirm-outcome-dialog.tsx';
import type { Notice } from './notice.tsx';
import { LogoutDialog } from './logout-dialog.tsx';
import { OutcomePanel } from './outcome-panel.tsx';
import { PhoneNumber } from './phone-number.tsx';
import { PatientText } from './queue-panel.tsx';
import { EscalationReasonText, TaskBadges } from './task-badges.tsx';
import { TaskHistory } from './task-history.tsx';
import { WaitTime } from './wait-time.tsx';
import { FieldCommanderNotice } from './field-commander-notice.tsx';

interface TaskViewProps {
  view: TaskViewState;
  user: UserDto;
  redFlags: RedFlagDto[];
  taking: boolean;
  onTake(taskId: string): void;
  onClose(): void;
  /** Opens another task (an earlier contact, a possible duplicate) in this view. */
  onOpenTask(taskId: string): void;
  /** The nurse's work on the task ended here (handed back, waiting for a call-back); a closed task stays open. */
  onFinished(notice: Notice): void;
}

/** One task in full: held (to work on) or read-only. */
export function TaskView({ view, user, redFlags, taking, onTake, onClose, onOpenTask, onFinished }: TaskViewProps) {
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
  return <TaskWork key={view.task.id} task={view.task} view={view} user={user} redFlags={redFlags} taking={taking} onTake={onTake} onClose={onClose} onOpenTask={onOpenTask} onFinished={onFinished} />;
}

/** Failed call results typed on the keyboard wait this long, with Undo, before they are sent. */
const CALL_UNDO_SECONDS = 5;

/** Puts focus on the outcome's type choice (the chosen one, else the first allowed). */
function focusOutcome(): void {
  document.getElementById('outcome')?.scrollIntoView({ block: 'start' });
  const radio = document.querySelector<HTMLElement>('input[name="outcome-type"]:checked') ?? document.querySelector<HTMLElement>('input[name="outcome-type"]:not(:disabled)');
  radio?.focus({ preventScroll: true });
}

function TaskWork({ task, view, user, redFlags, taking, onTake, onClose, onOpenTask, onFinished }: TaskViewProps & { task: TaskDetail }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const userId = user.id;
  const canEdit = holds(task, userId);
  const draft = useTaskDraft(task, canEdit, view);
  const callAction = useIdempotentAction();
  const outcomeAction = useIdempotentAction();
  const releaseAction = useIdempotentAction();
  const handoverAction = useIdempotentAction();
  const [missing, setMissing] = useState<OutcomeField[]>([]);
  const [draftBlocked, setDraftBlocked] = useState(false);
  const [confirming, setConfirming] = useState<Outcome | null>(null);
  const [pendingCall, setPendingCall] = useState<PendingCall | null>(null);
  const [amending, setAmending] = useState(false);
  const [closedHere, setClosedHere] = useState<'closed' | 'amended' | null>(null);
  const [logoutAsk, setLogoutAsk] = useState<((ok: boolean) => void) | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const escalated = task.escalatedAt !== null;
  const reached = task.answeredAt !== null;
  const decision = useDecisionSupport(task, draft, canEdit, language);
  const redFlagCount = (canEdit ? draft.assessment.redFlags.length : (task.assessment?.redFlags.length ?? 0)) + decision.protocol.hardDispatchFloors;
  const rules: OutcomeRules = { escalated, reached, redFlagCount };
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

  // After recording (or amending) here, the nurse's eyes and focus go to what happened.
  useEffect(() => {
    if (closedHere && closed) {
      statusRef.current?.scrollIntoView({ block: 'nearest' });
      statusRef.current?.focus();
    }
  }, [closedHere, closed]);

  function sendCall(result: CallResult) {
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

  /** A key press: "answered" goes at once; a failed call, which sends the task away, waits out an undo window. */
  function callFromKeyboard(result: CallResult) {
    if (!canEdit || callAction.busy || pendingCall) return;
    if (result === 'answered') sendCall(result);
    else setPendingCall({ result, secondsLeft: CALL_UNDO_SECONDS });
  }

  const tick = useEffectEvent(() => {
    if (!pendingCall) return;
    if (pendingCall.secondsLeft > 1) {
      setPendingCall({ ...pendingCall, secondsLeft: pendingCall.secondsLeft - 1 });
      return;
    }
    setPendingCall(null);
    sendCall(pendingCall.result);
  });
  useEffect(() => {
    if (!pendingCall) return;
    const timer = setTimeout(() => tick(), 1000);
    return () => clearTimeout(timer);
  }, [pendingCall]);

  function undoCall() {
    const result = pendingCall?.result;
    setPendingCall(null);
    if (result) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="call-${result}"]`)?.focus());
  }

  function sendPendingNow() {
    if (!pendingCall) return;
    setPendingCall(null);
    sendCall(pendingCall.result);
  }

  /** Checks the form and shows what will be recorded; nothing is sent until the nurse confirms. */
  function askOutcome() {
    if (!canEdit || outcomeAction.busy || confirming) return;
    const parsed = outcomeFromForm(draft.outcome, rules);
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
    setConfirming({ ...parsed.value, ...extras.value });
  }

  async function confirmOutcome() {
    const outcome = confirming;
    if (!outcome) return;
    // The server decides on the saved assessment (its red flags): save it first, then send that version.
    const saved = await draft.flush();
    setDraftBlocked(!saved);
    if (!saved) {
      setConfirming(null);
      return;
    }
    const version = view.version();
    await outcomeAction.run(
      (key) => view.change(recordOutcome(task.id, version, outcome, key)),
      () => {
        draft.discard();
        setClosedHere('closed');
        // The outcome record (who recorded it: the amend action's condition) comes with the full task.
        view.reload();
        onFinished({ kind: 'closed', ercTaskId: task.ercTaskId, outcome: outcome.type });
      },
    );
    setConfirming(null);
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

  // Logging out while holding the task: ask first, and hand it back with its draft saved.
  const askLogout = useCallback(() => new Promise<boolean>((resolve) => setLogoutAsk(() => resolve)), []);
  useLogoutGuard(canEdit ? askLogout : null);
  async function returnAndLogOut() {
    const resolve = logoutAsk;
    await release();
    // Even if the return failed here, the server returns the tasks of a session that ends.
    resolve?.(true);
  }
  async function handOverAndLogOut(colleagueId: string) {
    const resolve = logoutAsk;
    // The draft goes to the server first: the colleague continues from it.
    await draft.flush();
    const version = view.version();
    await handoverAction.run(
      (key) => view.change(handOverTask(task.id, version, colleagueId, key)),
      () => {
        draft.discard();
        resolve?.(true);
      },
    );
  }
  function stayLoggedIn() {
    logoutAsk?.(false);
    setLogoutAsk(null);
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
          call1: () => callFromKeyboard(CALL_RESULTS[0]),
          call2: () => callFromKeyboard(CALL_RESULTS[1]),
          call3: () => callFromKeyboard(CALL_RESULTS[2]),
          call4: () => callFromKeyboard(CALL_RESULTS[3]),
          call5: () => callFromKeyboard(CALL_RESULTS[4]),
          submit: askOutcome,
          outcome: focusOutcome,
        }
      : {}),
    ...(pendingCall ? { close: undoCall } : canEdit ? {} : { close: onClose }),
  });

  const holder = task.claimedBy && !canEdit ? task.claimedBy.displayName : null;
  const currentOutcome = task.outcomes.find((o) => o.current);
  const mayAmend = closed && task.outcomeType !== 'cancelled' && (user.role === 'shift_leader' || currentOutcome?.recordedBy === user.username);

  return (
    <article className="nurse-task" aria-labelledby="task-title" data-testid="task-view" data-task-id={task.id} data-state={task.state}>
      <div className="task-sticky">
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
            {task.state !== 'closed' && <WaitTime receivedAt={task.receivedAt} responseDueAt={task.responseDueAt} large />}
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
        <section className="card nurse-card task-desk" aria-label={t('nurse.call.title')}>
          <PhoneNumber phone={task.callbackPhone} />
          <CallPanel
            enabled={canEdit}
            busy={callAction.busy}
            error={callAction.error}
            onRetry={callAction.canRetry ? () => void callAction.retry() : undefined}
            onResult={sendCall}
            attempts={task.callAttempts}
            pending={pendingCall}
            onUndo={undoCall}
            onSendNow={sendPendingNow}
          />
        </section>
      </div>
      <ActionError error={releaseAction.error} onRetry={releaseAction.canRetry ? () => void releaseAction.retry() : undefined} />
      <FieldCommanderNotice task={task} />

      {!canEdit && (
        <div className={`message ${closedHere ? 'message-success' : 'message-info'}`} role="status" tabIndex={-1} ref={statusRef} data-testid="read-only">
          <p>
            {closed
              ? t(closedHere === 'amended' ? 'nurse.view.amendedState' : 'nurse.view.closedState', { outcome: task.outcomeType ? t(`nurse.outcome.types.${task.outcomeType}`) : '' })
              : holder
                ? t('nurse.view.readOnlyHeld', { name: holder })
                : t('nurse.view.readOnlyWaiting')}
          </p>
          {claimable && (
            <button type="button" className="button button-primary button-small" disabled={taking} onClick={() => onTake(task.id)}>
              {t('nurse.view.take')}
            </button>
          )}
          {mayAmend && !amending && (
            <button type="button" className="button button-small" onClick={() => setAmending(true)} data-testid="amend-open">
              {t('nurse.amend.open')}
            </button>
          )}
        </div>
      )}

      {escalated && !closed && (
        <div className="message message-error escalation" role="alert" data-testid="escalation">
          {reached ? (
            <>
              <p>
                <strong>{t('nurse.escalation.answeredTitle')}</strong> <EscalationReasonText reason={task.escalationReason} />
              </p>
              <p>{canEdit ? t('nurse.escalation.answeredInstruction') : t('nurse.escalation.answeredInstructionOthers')}</p>
            </>
          ) : (
            <>
              <p>
                <strong>{t('nurse.escalation.title')}</strong> <EscalationReasonText reason={task.escalationReason} />
              </p>
              <p>{canEdit ? t('nurse.escalation.instruction') : t('nurse.escalation.instructionOthers')}</p>
            </>
          )}
        </div>
      )}

      <EarlierContacts taskId={task.id} refreshKey={task.version} onOpenTask={onOpenTask} />

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

      <AssessmentSection form={draft.assessment} onChange={draft.setAssessment} redFlags={redFlags} readOnly={!canEdit} status={draft.status} onRetrySave={() => void draft.flush()} />
      <ProtocolPanel protocol={decision.protocol} form={draft.assessment.protocol} onChange={(p) => draft.setAssessment({ ...draft.assessment, protocol: p })} readOnly={!canEdit} />

      {canEdit && (
        <>
          <OutcomePanel
            form={draft.outcome}
            municipality={task.municipality}
            onChange={draft.setOutcome}
            rules={rules}
            missing={missing}
            serverIssues={fieldIssues(outcomeAction.error)}
            busy={outcomeAction.busy}
            onSubmit={askOutcome}
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

      {mayAmend && amending && (
        <AmendOutcome
          task={task}
          view={view}
          rules={rules}
          onCancel={() => setAmending(false)}
          onDone={() => {
            setAmending(false);
            setClosedHere('amended');
            view.reload();
          }}
        />
      )}

      <ReferralPanel taskId={task.id} version={task.version} onChanged={view.reload} />
      <FollowUpPanel task={task} onChanged={view.reload} />

      <TaskHistory task={task} />

      {confirming && (
        <ConfirmOutcomeDialog ercTaskId={task.ercTaskId} outcome={confirming} busy={outcomeAction.busy} onConfirm={() => void confirmOutcome()} onCancel={() => setConfirming(null)} />
      )}
      {logoutAsk && (
        <LogoutDialog
          ercTaskId={task.ercTaskId}
          busy={releaseAction.busy || handoverAction.busy}
          error={releaseAction.error ?? handoverAction.error}
          onReturn={() => void returnAndLogOut()}
          onHandOver={(colleagueId) => void handOverAndLogOut(colleagueId)}
          onStay={stayLoggedIn}
        />
      )}
    </article>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';
import type { TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { ApiError } from '../../../lib/api.ts';
import { isRetryable, newIdempotencyKey } from '../../../lib/idempotent-action.ts';
import { useConnectionState } from '../../../lib/socket.ts';
import { saveAssessment } from '../api/nurse-api.ts';
import { assessmentFromForm, formFromAssessment, type AssessmentForm, type VitalKey } from '../utils/assessment-form.ts';
import { loadDraft, removeDraft, storeDraft } from '../utils/draft-store.ts';
import { emptyOutcomeForm, type OutcomeForm } from '../utils/outcome-form.ts';
import type { TaskView } from './use-task-view.ts';

const SAVE_DEBOUNCE_MS = 800;

export type DraftStatus =
  | { kind: 'idle' }
  | { kind: 'unsent' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: number }
  | { kind: 'invalid'; fields: VitalKey[] }
  /** Not saved; `retryable` failures (network) are sent again when the connection returns. */
  | { kind: 'failed'; error: unknown; retryable: boolean };

export interface TaskDraft {
  assessment: AssessmentForm;
  setAssessment(next: AssessmentForm): void;
  outcome: OutcomeForm;
  setOutcome(next: OutcomeForm): void;
  status: DraftStatus;
  /** Saves what is not saved yet, now; true when the server has the assessment as shown. */
  flush(): Promise<boolean>;
  /** The task is finished here (closed or handed back): forget the copy in this browser. */
  discard(): void;
}

function currentVersionOf(err: ApiError): number | null {
  const details = err.details;
  if (typeof details === 'object' && details !== null && 'currentVersion' in details && typeof details.currentVersion === 'number') {
    return details.currentVersion;
  }
  return null;
}

/**
 * The nurse's assessment and outcome panel for one task. The assessment is saved to the server as
 * the nurse types (debounced), always with the newest version; a STALE_VERSION answer is re-applied
 * on the current version. Until the server confirms, a copy stays in this browser (localStorage),
 * so nothing is lost on reload or while the connection is down.
 */
export function useTaskDraft(task: TaskDetail, canEdit: boolean, view: TaskView): TaskDraft {
  const [initial] = useState(() => {
    const stored = loadDraft(task.id);
    return {
      assessment: stored?.unsent ? stored.assessment : formFromAssessment(task.assessment),
      unsent: stored?.unsent ?? false,
      outcome: stored?.outcome ?? emptyOutcomeForm(),
    };
  });
  const [assessment, setAssessmentState] = useState(initial.assessment);
  const [outcome, setOutcomeState] = useState(initial.outcome);
  const [status, setStatus] = useState<DraftStatus>(initial.unsent ? { kind: 'unsent' } : { kind: 'idle' });
  const formRef = useRef(initial.assessment);
  const outcomeRef = useRef(initial.outcome);
  const dirty = useRef(initial.unsent);
  const saving = useRef<Promise<boolean>>(Promise.resolve(true));
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastAttempt = useRef<{ body: string; key: string } | null>(null);
  const discarded = useRef(false);
  const taskId = task.id;
  const { version: knownVersion, change, reload } = view;

  const persist = useCallback(() => {
    if (discarded.current) return;
    storeDraft(taskId, { assessment: formRef.current, unsent: dirty.current, outcome: outcomeRef.current });
  }, [taskId]);

  const saveNow = useCallback(async (): Promise<boolean> => {
    if (!dirty.current || discarded.current) return true;
    const snapshot = formRef.current;
    const parsed = assessmentFromForm(snapshot);
    if (!parsed.ok) {
      setStatus({ kind: 'invalid', fields: parsed.invalid });
      return false;
    }
    let version = knownVersion();
    for (let attempt = 0; attempt < 2; attempt++) {
      const body = JSON.stringify([version, parsed.value]);
      // The same save sent again (after a network failure) keeps its key: the server may have it already.
      const key = lastAttempt.current?.body === body ? lastAttempt.current.key : newIdempotencyKey();
      lastAttempt.current = { body, key };
      setStatus({ kind: 'saving' });
      try {
        await change(saveAssessment(taskId, version, parsed.value, key));
        if (formRef.current === snapshot) {
          dirty.current = false;
          persist();
        }
        setStatus(dirty.current ? { kind: 'unsent' } : { kind: 'saved', at: Date.now() });
        return !dirty.current;
      } catch (err) {
        const current = err instanceof ApiError && err.code === 'STALE_VERSION' ? currentVersionOf(err) : null;
        if (current !== null && attempt === 0) {
          // Changed meanwhile (a shift leader, the scheduler): show the new state, keep what the nurse typed.
          version = current;
          reload();
          continue;
        }
        setStatus({ kind: 'failed', error: err, retryable: isRetryable(err) });
        if (err instanceof ApiError && err.status === 409) reload();
        return false;
      }
    }
    return false;
  }, [taskId, knownVersion, change, reload, persist]);

  const flush = useCallback((): Promise<boolean> => {
    clearTimeout(timer.current);
    const next = saving.current.then(saveNow, saveNow);
    saving.current = next;
    return next;
  }, [saveNow]);

  const setAssessment = useCallback(
    (next: AssessmentForm) => {
      formRef.current = next;
      dirty.current = true;
      setAssessmentState(next);
      setStatus({ kind: 'unsent' });
      persist();
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), SAVE_DEBOUNCE_MS);
    },
    [persist, flush],
  );

  const setOutcome = useCallback(
    (next: OutcomeForm) => {
      outcomeRef.current = next;
      setOutcomeState(next);
      persist();
    },
    [persist],
  );

  const discard = useCallback(() => {
    clearTimeout(timer.current);
    discarded.current = true;
    removeDraft(taskId);
  }, [taskId]);

  // Whatever was typed while the task could not be saved goes out when it can: on (re)gaining the
  // right to edit, and when the live connection returns.
  const connection = useConnectionState();
  useEffect(() => {
    if (canEdit && connection === 'connected' && dirty.current) void flush();
  }, [canEdit, connection, flush]);

  // Taking over a task shown read-only: start from what the server has, unless this browser has unsent work.
  const serverAssessment = task.assessment;
  useEffect(() => {
    if (canEdit || dirty.current) return;
    const fresh = formFromAssessment(serverAssessment);
    formRef.current = fresh;
    setAssessmentState(fresh);
  }, [canEdit, serverAssessment]);

  useEffect(() => () => clearTimeout(timer.current), []);

  return { assessment, setAssessment, outcome, setOutcome, status, flush, discard };
}

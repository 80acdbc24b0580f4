import { useEffect, useState } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import type { TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { amendOutcome } from '../api/nurse-api.ts';
import type { TaskView } from '../hooks/use-task-view.ts';
import { emptyOutcomeForm, outcomeFromForm, type OutcomeField, type OutcomeRules } from '../utils/outcome-form.ts';
import { fieldIssues } from '../utils/task-text.ts';
import { ActionError } from './action-error.tsx';
import { OutcomePanel } from './outcome-panel.tsx';

interface AmendOutcomeProps {
  task: TaskDetail;
  view: TaskView;
  rules: OutcomeRules;
  onDone(): void;
  onCancel(): void;
}

/** A new outcome for a closed task, with the reason for the change; the earlier one stays in the history. */
export function AmendOutcome({ task, view, rules, onDone, onCancel }: AmendOutcomeProps) {
  const { t } = useTranslation();
  const [form, setForm] = useState(emptyOutcomeForm);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<(OutcomeField | 'amendReason')[]>([]);
  const action = useIdempotentAction();
  // Opened from the closed notice: focus moves to the form's heading.
  useEffect(() => {
    document.getElementById('amend-title')?.focus();
  }, []);

  function submit() {
    const parsed = outcomeFromForm(form, rules);
    const why = reason.trim();
    const gaps: (OutcomeField | 'amendReason')[] = [...(parsed.ok ? [] : parsed.missing), ...(why ? [] : ['amendReason' as const])];
    setMissing(gaps);
    if (!parsed.ok || !why) return;
    const version = view.version();
    void action.run((key) => view.change(amendOutcome(task.id, version, why, parsed.value, key)), onDone);
  }

  const reasonMissing = missing.includes('amendReason');
  return (
    <>
      <OutcomePanel
        form={form}
        municipality={task.municipality}
        onChange={setForm}
        rules={rules}
        missing={missing.filter((m): m is OutcomeField => m !== 'amendReason')}
        serverIssues={fieldIssues(action.error)}
        busy={action.busy}
        onSubmit={submit}
        submitLabel={t('nurse.amend.submit')}
        testId="amend"
      >
        <div className="field field-wide">
          <label htmlFor="amend-reason">{t('nurse.amend.reason')}</label>
          <textarea
            id="amend-reason"
            rows={2}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={reasonMissing || undefined}
            aria-describedby={reasonMissing ? 'amend-reason-error' : undefined}
          />
          {reasonMissing && (
            <span className="hint hint-error" id="amend-reason-error">
              {t('nurse.outcome.required')}
            </span>
          )}
        </div>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          {t('nurse.amend.cancel')}
        </button>
      </OutcomePanel>
      <ActionError error={action.error} onRetry={action.canRetry ? () => void action.retry() : undefined} testId="amend-error" />
    </>
  );
}

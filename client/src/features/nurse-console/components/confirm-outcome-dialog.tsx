import { useTranslation } from '../../../lib/i18n.ts';
import type { Outcome } from '../../../../../server/contracts/tasks.ts';
import { QuestionDialog } from '../../../lib/modal.tsx';

interface ConfirmOutcomeDialogProps {
  ercTaskId: string;
  outcome: Outcome;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** What will be recorded, in words: the last look before an outcome that closes the task. */
function OutcomeSummary({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation();
  const rows: [string, string][] = [[t('nurse.outcome.type'), t(`nurse.outcome.types.${outcome.type}`)]];
  switch (outcome.type) {
    case 'dispatch_unit':
      rows.push(
        [t('nurse.outcome.unitLevel'), t(`nurse.outcome.unitLevels.${outcome.unitLevel}`)],
        [t('nurse.outcome.urgency'), outcome.urgency],
        [t('nurse.outcome.reason'), t(`nurse.outcome.reasons.${outcome.reason}`)],
      );
      if (outcome.note) rows.push([t('nurse.outcome.note'), outcome.note]);
      break;
    case 'phone_advice':
      rows.push([t('nurse.outcome.advice'), t(`nurse.outcome.adviceKinds.${outcome.advice}`)], [t('nurse.outcome.rationale'), outcome.rationale]);
      break;
    case 'redirect':
      rows.push(
        [t('nurse.outcome.target'), t(`nurse.outcome.targets.${outcome.target}`)],
        [t('nurse.outcome.handoffTo'), outcome.handoffTo],
        [t('nurse.outcome.rationale'), outcome.rationale],
      );
      break;
  }
  return (
    <dl className="facts confirm-summary" data-testid="confirm-summary">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Asks before an outcome is recorded: Enter (the focused button) confirms, Esc cancels. */
export function ConfirmOutcomeDialog({ ercTaskId, outcome, busy, onConfirm, onCancel }: ConfirmOutcomeDialogProps) {
  const { t } = useTranslation();
  return (
    <QuestionDialog id="confirm-outcome" title={t('nurse.confirm.title', { task: ercTaskId })} onClose={onCancel} testId="confirm-outcome">
      <p>{t('nurse.confirm.intro')}</p>
      <OutcomeSummary outcome={outcome} />
      <div className="form-actions">
        {/* Focused on open, so Enter confirms. */}
        <button type="button" className="button button-primary" autoFocus disabled={busy} onClick={onConfirm} data-testid="confirm-outcome-yes">
          {busy ? t('nurse.outcome.submitting') : t('nurse.confirm.yes')} <kbd>Enter</kbd>
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('nurse.confirm.no')} <kbd>Esc</kbd>
        </button>
      </div>
    </QuestionDialog>
  );
}

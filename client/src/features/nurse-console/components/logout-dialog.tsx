import { useState } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { QuestionDialog } from '../../../lib/modal.tsx';
import { useLoad } from '../../../lib/use-load.ts';
import { listColleagues } from '../api/nurse-api.ts';
import { ActionError } from './action-error.tsx';

interface LogoutDialogProps {
  ercTaskId: string;
  busy: boolean;
  error: unknown;
  onReturn(): void;
  onHandOver(colleagueId: string): void;
  onStay(): void;
}

/** Logging out while holding a task: return it to the queue, or hand it to a named colleague. */
export function LogoutDialog({ ercTaskId, busy, error, onReturn, onHandOver, onStay }: LogoutDialogProps) {
  const { t } = useTranslation();
  const colleagues = useLoad((signal) => listColleagues(signal));
  const [colleague, setColleague] = useState('');
  return (
    <QuestionDialog id="logout-held" title={t('nurse.logout.title', { task: ercTaskId })} onClose={onStay} testId="logout-held">
      <p>{t('nurse.logout.body')}</p>
      <div className="form-actions">
        <button type="button" className="button button-primary" autoFocus disabled={busy} onClick={onReturn} data-testid="logout-return">
          {t('nurse.logout.return')}
        </button>
        <button type="button" className="button" onClick={onStay}>
          {t('nurse.logout.stay')}
        </button>
      </div>
      <form
        className="logout-handover"
        onSubmit={(e) => {
          e.preventDefault();
          if (colleague) onHandOver(colleague);
        }}
      >
        <div className="field">
          <label htmlFor="logout-colleague">{t('nurse.logout.colleague')}</label>
          <select id="logout-colleague" value={colleague} onChange={(e) => setColleague(e.target.value)}>
            <option value="">{t('nurse.outcome.choose')}</option>
            {(colleagues.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.displayName}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button" disabled={busy || !colleague} data-testid="logout-handover">
          {t('nurse.logout.handOver')}
        </button>
      </form>
      <ActionError error={error ?? colleagues.error} testId="logout-error" />
    </QuestionDialog>
  );
}

import { useState } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import type { ReferralState } from '../../../../../server/contracts/tasks.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { cancelReferral, recordReferralCompleted } from '../api/referrals-api.ts';

interface ReferralEndActionsProps {
  taskId: string;
  version: number;
  state: ReferralState;
  onDone(): void;
}

/**
 * The referral's last steps recorded from the console: an accepted one completed (the service saw
 * the patient), a requested or accepted one cancelled with a reason (the task then comes back to
 * the queue for a new decision; the server says so).
 */
export function ReferralEndActions({ taskId, version, state, onDone }: ReferralEndActionsProps) {
  const { t } = useTranslation();
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useIdempotentAction();
  if (state !== 'requested' && state !== 'accepted') return null;
  function cancel() {
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    void action.run((key) => cancelReferral(taskId, { version, reason: reason.trim() }, key), onDone);
  }
  return (
    <div className="referral-end-actions">
      <div className="form-actions">
        {state === 'accepted' && (
          <button type="button" className="button" disabled={action.busy} onClick={() => void action.run((key) => recordReferralCompleted(taskId, version, key), onDone)} data-testid="referral-complete">
            {t('referrals.actions.complete')}
          </button>
        )}
        {!cancelling && (
          <button type="button" className="button button-quiet" onClick={() => setCancelling(true)} data-testid="referral-cancel">
            {t('referrals.actions.cancel')}
          </button>
        )}
      </div>
      {cancelling && (
        <form
          className="form-grid"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            cancel();
          }}
        >
          <div className="field field-wide">
            <label htmlFor="referral-cancel-reason">{t('referrals.actions.cancelReason')}</label>
            <input id="referral-cancel-reason" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={missing ? true : undefined} />
          </div>
          <div className="field form-actions">
            <button type="submit" className="button button-danger" disabled={action.busy} data-testid="referral-cancel-confirm">
              {t('referrals.actions.cancelConfirm')}
            </button>
          </div>
          {missing && (
            <p className="hint hint-error field-wide" role="alert">
              {t('referrals.actions.cancelMissing')}
            </p>
          )}
        </form>
      )}
      <ErrorMessage error={action.error} />
    </div>
  );
}

import { useState } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { QuestionDialog } from '../../../lib/modal.tsx';
import { setCongestionMode } from '../api/congestion-api.ts';
import { noteCongestionMode, useCongestionMode } from '../hooks/use-congestion-mode.ts';
import './congestion.css';

/** The shift leader's switch: asks to confirm (saying what the mode means) and takes an optional reason. */
export function CongestionSwitch() {
  const { t } = useTranslation();
  const mode = useCongestionMode();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const action = useIdempotentAction();
  // Drawn (disabled) before the mode is known, so the page does not shift when it arrives.
  const target = !mode?.active;
  function confirm() {
    const trimmed = reason.trim();
    void action.run((key) => setCongestionMode({ active: target, ...(trimmed ? { reason: trimmed } : {}) }, key), (next) => {
      noteCongestionMode(next);
      setAsking(false);
      setReason('');
    });
  }
  return (
    <div className="congestion-switch">
      <button type="button" className={`button${target ? '' : ' button-primary'}`} disabled={!mode} onClick={() => setAsking(true)} data-testid="congestion-switch">
        {target ? t('congestion.switchOn') : t('congestion.switchOff')}
      </button>
      <ErrorMessage error={action.error} />
      {asking && mode && (
        <QuestionDialog id="congestion-confirm" title={target ? t('congestion.switchOn') : t('congestion.switchOff')} onClose={() => setAsking(false)} testId="congestion-dialog">
          <p>{target ? t('congestion.confirmOn', { minutes: mode.cResponseLimitMinutes }) : t('congestion.confirmOff')}</p>
          <div className="field">
            <label htmlFor="congestion-reason">{t('congestion.reason')}</label>
            <input id="congestion-reason" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <ErrorMessage error={action.error} />
          <div className="form-actions">
            <button type="button" className="button button-primary" onClick={confirm} disabled={action.busy} data-testid="congestion-confirm">
              {t('congestion.confirm')}
            </button>
            <button type="button" className="button" onClick={() => setAsking(false)}>
              {t('congestion.cancel')}
            </button>
          </div>
        </QuestionDialog>
      )}
    </div>
  );
}

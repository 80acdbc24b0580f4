import { useState } from 'react';
import type { ReferralDto } from '../../../../../server/contracts/referrals.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { formatDateTime, helsinkiLocalToIso } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { listTaskReferrals, recordAcceptedByPhone } from '../api/referrals-api.ts';
import { ReferralEndActions } from './referral-end-actions.tsx';

interface ReferralPanelProps {
  taskId: string;
  /** The task's version: the list is read again when the task changes, and the answer sends it. */
  version: number;
  /** The task changed here: the view reloads it. */
  onChanged(): void;
}

const localNow = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
/** Now as a datetime-local value in Helsinki time ("2026-12-01T09:05"). */
const helsinkiNowLocal = () => localNow.format(new Date()).replace(' ', 'T');

/** The task's referrals: the current one's state, and while it waits, the form for an acceptance by phone. */
export function ReferralPanel({ taskId, version, onChanged }: ReferralPanelProps) {
  const { t } = useTranslation();
  const loaded = useLoad((signal) => listTaskReferrals(taskId, signal), `${taskId}:${version}`);
  const referrals = loaded.data ?? [];
  const current = referrals.at(-1);
  if (!current) return null;
  return (
    <section className="card nurse-card referral-panel" aria-labelledby="referral-title" data-testid="referral" data-state={current.state}>
      <h3 id="referral-title">{t('referrals.panel.title')}</h3>
      <ReferralState referral={current} />
      {current.state === 'requested' && <AcceptedByPhoneForm taskId={taskId} version={version} onDone={onChanged} />}
      <ReferralEndActions taskId={taskId} version={version} state={current.state} onDone={onChanged} />
      {referrals.length > 1 && (
        <details>
          <summary>{t('referrals.panel.earlier', { count: referrals.length - 1 })}</summary>
          <ul>
            {referrals.slice(0, -1).map((r) => (
              <li key={r.id}>
                <ReferralState referral={r} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function ReferralState({ referral }: { referral: ReferralDto }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const at = (iso: string | null) => formatDateTime(iso, language);
  // The history row of the end state: when, by whom, and (cancelled) why.
  const ended = referral.history.filter((h) => h.state === referral.state).at(-1);
  return (
    <p data-testid="referral-state">
      <strong>{referral.targetName}</strong> ({t(`nurse.outcome.targets.${referral.targetType}`)}):{' '}
      {referral.state === 'requested' && <span className="warning-text">{t('referrals.state.requested', { due: at(referral.acceptDueAt) })}</span>}
      {referral.state === 'accepted' && (
        <span className="success-text">
          {t('referrals.state.accepted', { by: referral.acceptedBy ?? '', at: at(referral.acceptedAt), via: referral.answeredVia ? t(`referrals.via.${referral.answeredVia}`) : '' })}
        </span>
      )}
      {referral.state === 'rejected' && <span className="warning-text">{t('referrals.state.rejected', { reason: referral.rejectReason ?? '' })}</span>}
      {referral.state === 'completed' && <span className="success-text">{t('referrals.state.completed', { at: at(ended?.at ?? null), by: ended?.by ?? '' })}</span>}
      {referral.state === 'cancelled' &&
        (ended?.reason === 'outcome_replaced' ? (
          t('referrals.state.cancelledReplaced', { at: at(ended.at) })
        ) : (
          <span className="warning-text">{t('referrals.state.cancelled', { reason: ended?.reason ?? '', at: at(ended?.at ?? null), by: ended?.by ?? '' })}</span>
        ))}
    </p>
  );
}

function AcceptedByPhoneForm({ taskId, version, onDone }: { taskId: string; version: number; onDone(): void }) {
  const { t } = useTranslation();
  const [acceptedBy, setAcceptedBy] = useState('');
  const [acceptedAt, setAcceptedAt] = useState(helsinkiNowLocal);
  const [missing, setMissing] = useState(false);
  const action = useIdempotentAction();
  function submit() {
    const at = helsinkiLocalToIso(acceptedAt);
    if (!acceptedBy.trim() || !at) {
      setMissing(true);
      return;
    }
    setMissing(false);
    void action.run((key) => recordAcceptedByPhone(taskId, { acceptedBy: acceptedBy.trim(), acceptedAt: at, version }, key), onDone);
  }
  return (
    <form
      className="form-grid form-grid-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="field">
        <label htmlFor="referral-accepted-by">{t('referrals.phone.acceptedBy')}</label>
        <input id="referral-accepted-by" maxLength={200} value={acceptedBy} onChange={(e) => setAcceptedBy(e.target.value)} aria-invalid={missing && !acceptedBy.trim() ? true : undefined} />
      </div>
      <div className="field">
        <label htmlFor="referral-accepted-at">{t('referrals.phone.acceptedAt')}</label>
        <input id="referral-accepted-at" type="datetime-local" value={acceptedAt} onChange={(e) => setAcceptedAt(e.target.value)} />
      </div>
      <div className="field form-actions">
        <button type="submit" className="button button-primary" disabled={action.busy} data-testid="accepted-by-phone">
          {t('referrals.phone.submit')}
        </button>
      </div>
      {missing && (
        <p className="hint hint-error field-wide" role="alert">
          {t('referrals.phone.missing')}
        </p>
      )}
      <ErrorMessage error={action.error} />
    </form>
  );
}

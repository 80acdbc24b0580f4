import type { EarlierContact, TaskContacts } from '../../../../../server/contracts/contacts.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { getTaskContacts } from '../api/contacts-api.ts';
import './earlier-contacts.css';

interface EarlierContactsProps {
  taskId: string;
  /** Changes whenever the task does (its version): the list is read again. */
  refreshKey: number;
  onOpenTask(taskId: string): void;
}

/**
 * What the desk knows of this patient from before: earlier tasks from the same number (30 days),
 * an "Nth contact in 7 days" badge, and a warning when another task from the same number or
 * address is open now (possibly the ERC delivering one call twice).
 */
export function EarlierContacts({ taskId, refreshKey, onOpenTask }: EarlierContactsProps) {
  const { t } = useTranslation();
  const ordinalSuffix = (n: number) => {
    const form = new Intl.PluralRules(currentLanguage(), { type: 'ordinal' }).select(n);
    return t(`contacts.ordinalSuffix.${form === 'one' || form === 'two' || form === 'few' ? form : 'other'}`);
  };
  const loaded = useLoad((signal) => getTaskContacts(taskId, signal), `${taskId}:${refreshKey}`);
  const data = loaded.data;
  if (!data) {
    return loaded.error ? (
      <p className="message message-error contacts-error" role="alert">
        {t('contacts.loadFailed')}{' '}
        <button type="button" className="button button-small" onClick={loaded.reload}>
          {t('app.retry')}
        </button>
      </p>
    ) : null;
  }
  return (
    <>
      <DuplicateWarning duplicates={data.openDuplicates} onOpenTask={onOpenTask} />
      <section className="card nurse-card contacts" aria-labelledby="contacts-title" data-testid="earlier-contacts">
        <div className="contacts-head">
          <h3 id="contacts-title">{t('contacts.title', { days: 30 })}</h3>
          {data.contactsInBadgeWindow > 1 && (
            <span className="badge badge-warn contacts-badge" data-testid="contact-badge">
              {t('contacts.badge', { ordinal: data.contactsInBadgeWindow, suffix: ordinalSuffix(data.contactsInBadgeWindow), days: data.badgeWindowDays })}
            </span>
          )}
        </div>
        {data.contacts.length === 0 ? <p className="muted">{t('contacts.none')}</p> : <ContactList contacts={data.contacts} onOpenTask={onOpenTask} />}
      </section>
    </>
  );
}

function DuplicateWarning({ duplicates, onOpenTask }: { duplicates: TaskContacts['openDuplicates']; onOpenTask(taskId: string): void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  if (duplicates.length === 0) return null;
  return (
    <div className="message message-warn contacts-duplicates" role="alert" data-testid="open-duplicates">
      <p>
        <strong>{t('contacts.duplicateTitle')}</strong> {t('contacts.duplicateBody')}
      </p>
      <ul>
        {duplicates.map((d) => (
          <li key={d.taskId}>
            <button type="button" className="button-link" onClick={() => onOpenTask(d.taskId)}>
              <span className="mono">{d.ercTaskId}</span> · {d.taskCode} · {formatDateTime(d.receivedAt, language)}
            </button>{' '}
            <span className="muted">
              {[d.samePhone ? t('contacts.samePhone') : null, d.sameAddress ? t('contacts.sameAddress') : null].filter(Boolean).join(', ')}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ContactList({ contacts, onOpenTask }: { contacts: EarlierContact[]; onOpenTask(taskId: string): void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <table className="contacts-table">
      <thead>
        <tr>
          <th scope="col">{t('contacts.received')}</th>
          <th scope="col">{t('contacts.taskCode')}</th>
          <th scope="col">{t('contacts.outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {contacts.map((c) => (
          <tr key={c.taskId} data-testid="earlier-contact">
            <td>
              <button type="button" className="button-link" onClick={() => onOpenTask(c.taskId)}>
                {formatDateTime(c.receivedAt, language)}
              </button>
            </td>
            <td>
              {c.taskCode} {c.taskName ? (language === 'en' ? c.taskName.en : c.taskName.fi) : ''}
            </td>
            <td>
              {c.outcomeType ? t(`nurse.outcome.types.${c.outcomeType}`) : t('contacts.open')}
              {c.advice && <> · {t(`nurse.outcome.adviceKinds.${c.advice}`)}</>}
              {c.redirectTarget && <> · {t(`nurse.outcome.targets.${c.redirectTarget}`)}</>}
              {c.referralState && <> · {t(`contacts.referral.${c.referralState}`)}</>}
              {c.pendingFollowUp && (
                <>
                  {' · '}
                  <span className={c.pendingFollowUp.overdue ? 'warning-text' : undefined} data-testid="contact-follow-up">
                    {t('followUps.pending', { at: formatDateTime(c.pendingFollowUp.dueAt, language) })}
                    {c.pendingFollowUp.overdue && ` (${t('followUps.overdue')})`}
                  </span>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

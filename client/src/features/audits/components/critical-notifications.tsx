import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { Link } from '../../../lib/link.tsx';
import { subscribeAuditCritical, subscribeConnected } from '../../../lib/socket.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { fetchNotifications } from '../api/audits-api.ts';

/** Reviews that found a critical deviation: announced the moment one is submitted, and listed. */
export function CriticalNotifications() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const list = useLoad((signal) => fetchNotifications(signal));
  const [live, setLive] = useState<string | null>(null);
  const { reload } = list;

  useEffect(() => {
    const offCritical = subscribeAuditCritical((event) => {
      setLive(event.ercTaskId);
      reload();
    });
    const offConnected = subscribeConnected(() => reload());
    return () => {
      offCritical();
      offConnected();
    };
  }, [reload]);

  return (
    <section className="card card-warning" aria-labelledby="critical-title" data-testid="critical-notifications">
      <h2 id="critical-title">{t('audits.notifications.title')}</h2>
      {live && (
        <p className="message message-error" role="alert">
          {t('audits.notifications.live', { task: live })}
        </p>
      )}
      <ErrorMessage error={list.error} />
      {list.data && list.data.notifications.length === 0 && <p className="muted">{t('audits.notifications.empty')}</p>}
      {list.data && list.data.notifications.length > 0 && (
        <ul>
          {list.data.notifications.map((n) => (
            <li key={n.id}>
              <Link to={`/audits/review?id=${n.auditId}`}>{t('audits.notifications.item', { task: n.ercTaskId, nurse: n.nurse.displayName, reviewer: n.reviewer })}</Link>{' '}
              <span className="muted">{formatDateTime(n.at, language)}</span>
              <ul>
                {n.deviations.map((d, i) => (
                  <li key={i}>
                    {t(`audits.sections.${d.section}`)}: {d.note}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { useConnectionState } from '../../../lib/socket.ts';

const GRACE_MS = 2_000;

/** Says plainly when the live connection is down: what is shown may be out of date until it returns. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const state = useConnectionState();
  // Opening the page may meet a connection still being made: no alarm for that moment.
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(true), GRACE_MS);
    return () => clearTimeout(timer);
  }, []);
  if (state === 'connected' || !settled) return null;
  return (
    <div className="nurse-banner" role="alert" data-testid="connection-banner">
      <strong>{t('nurse.connection.title')}</strong> <span>{t('nurse.connection.body')}</span>
    </div>
  );
}

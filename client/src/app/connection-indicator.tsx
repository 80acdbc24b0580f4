import { useTranslation } from '../lib/i18n.ts';
import { useConnectionState } from '../lib/socket.ts';

/** A small dot and word for the live connection's state. */
export function ConnectionIndicator() {
  const { t } = useTranslation();
  const state = useConnectionState();
  return (
    <span className={`connection connection-${state}`} role="status" data-testid="connection-state" data-state={state}>
      <span className="connection-dot" aria-hidden="true" />
      {t(`header.connection.${state}`)}
    </span>
  );
}

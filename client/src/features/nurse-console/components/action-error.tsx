import type { ReactNode } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { nurseErrorText } from '../utils/task-text.ts';

interface ActionErrorProps {
  error: unknown;
  /** Offer to send the same request again (same Idempotency-Key): only for failures where nothing was decided. */
  onRetry?: (() => void) | undefined;
  children?: ReactNode;
  testId?: string;
}

/** A failed action in the reader's language, with Retry when sending it again is safe and may help. */
export function ActionError({ error, onRetry, children, testId }: ActionErrorProps) {
  const { t } = useTranslation();
  if (error === undefined || error === null) return null;
  return (
    <div className="message message-error nurse-action-error" role="alert" data-testid={testId}>
      <p>{nurseErrorText(error)}</p>
      {(onRetry || children) && (
        <div className="nurse-action-error-actions">
          {onRetry && (
            <button type="button" className="button button-small" onClick={onRetry}>
              {t('nurse.retry')}
            </button>
          )}
          {children}
        </div>
      )}
    </div>
  );
}

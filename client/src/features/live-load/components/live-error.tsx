import { ApiError } from '../../../lib/api.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { backOfficeMessages, useTranslation } from '../../../lib/i18n.ts';
import { isMessageKey } from '../utils/messages.ts';

/** A refused request: the task errors of this board in its own words, anything else as everywhere else. */
export function LiveError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error === undefined || error === null) return null;
  if (error instanceof ApiError) {
    const code = error.code;
    if (isMessageKey(backOfficeMessages().live.errors, code)) {
      return (
        <div className="message message-error" role="alert">
          <p>{t(`live.errors.${code}`)}</p>
        </div>
      );
    }
  }
  return <ErrorMessage error={error} />;
}

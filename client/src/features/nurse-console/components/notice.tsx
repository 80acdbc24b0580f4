import { useEffect, useRef } from 'react';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { formatClock } from '../utils/clock.ts';
import type { OutcomeType } from '../utils/outcome-form.ts';

/** What just happened to the nurse's task, said once at the top of the page. */
export type Notice =
  | { kind: 'callback'; ercTaskId: string; dueAt: string | null }
  | { kind: 'closed'; ercTaskId: string; outcome: OutcomeType }
  | { kind: 'released'; ercTaskId: string }
  | { kind: 'manual'; ercTaskId: string; taskId: string; created: boolean };

interface NoticeBarProps {
  notice: Notice;
  onDismiss(): void;
  /** Take the task just entered by hand. */
  onTake(taskId: string): void;
}

export function NoticeBar({ notice, onDismiss, onTake }: NoticeBarProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  // The task view the nurse was in is gone: her focus (and a screen reader) goes to what happened.
  useEffect(() => {
    ref.current?.focus();
  }, [notice]);
  let text: string;
  switch (notice.kind) {
    case 'callback':
      text = t('nurse.notice.callback', { task: notice.ercTaskId, time: formatClock(notice.dueAt, currentLanguage()) });
      break;
    case 'closed':
      text = t('nurse.notice.closed', { task: notice.ercTaskId, outcome: t(`nurse.outcome.types.${notice.outcome}`) });
      break;
    case 'released':
      text = t('nurse.notice.released', { task: notice.ercTaskId });
      break;
    case 'manual':
      text = notice.created ? t('nurse.notice.manualCreated', { task: notice.ercTaskId }) : t('nurse.notice.manualExisting', { task: notice.ercTaskId });
      break;
  }
  return (
    <div className="message message-success nurse-notice" role="status" tabIndex={-1} ref={ref} data-testid="notice">
      <p>{text}</p>
      <div className="nurse-notice-actions">
        {notice.kind === 'manual' && (
          <button type="button" className="button button-small" onClick={() => onTake(notice.taskId)}>
            {t('nurse.notice.takeIt')}
          </button>
        )}
        <button type="button" className="button button-small button-quiet" onClick={onDismiss} aria-label={t('nurse.notice.dismissLabel')}>
          {t('nurse.notice.dismiss')}
        </button>
      </div>
    </div>
  );
}

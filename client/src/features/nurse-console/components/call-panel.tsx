import type { CallResult, TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { CALL_SECTION_ATTRIBUTE } from '../hooks/use-shortcuts.ts';
import { formatClock } from '../utils/clock.ts';
import { ActionError } from './action-error.tsx';

/** In the order of their shortcut keys 1-5. */
export const CALL_RESULTS = ['answered', 'no_answer', 'busy', 'wrong_number', 'line_failure'] as const satisfies readonly CallResult[];
type AssertNever<T extends never> = T;
export type AllCallResultsListed = AssertNever<Exclude<CallResult, (typeof CALL_RESULTS)[number]>>;

export function isCallResult(value: unknown): value is CallResult {
  return CALL_RESULTS.some((r) => r === value);
}

/** A call result typed on the keyboard, waiting out its undo window before it is sent. */
export interface PendingCall {
  result: CallResult;
  secondsLeft: number;
}

interface CallPanelProps {
  enabled: boolean;
  busy: boolean;
  error: unknown;
  onRetry: (() => void) | undefined;
  onResult(result: CallResult): void;
  /** The calls recorded so far: the last one is shown beside the buttons. */
  attempts: TaskDetail['callAttempts'];
  pending: PendingCall | null;
  onUndo(): void;
  onSendNow(): void;
}

/** What the last call was and when, beside the buttons, so the nurse sees her click took effect. */
function LastCall({ attempts }: { attempts: TaskDetail['callAttempts'] }) {
  const { t } = useTranslation();
  const last = attempts.at(-1);
  return (
    <p className="call-last" role="status" data-testid="call-last">
      {last
        ? t('nurse.call.last', { result: t(`nurse.call.results.${last.result}`), time: formatClock(last.at, currentLanguage()), count: attempts.length })
        : t('nurse.call.none')}
    </p>
  );
}

/** One button per call result; a click records the call at once, a key press after an undo window. */
export function CallPanel({ enabled, busy, error, onRetry, onResult, attempts, pending, onUndo, onSendNow }: CallPanelProps) {
  const { t } = useTranslation();
  const sectionProps = { [CALL_SECTION_ATTRIBUTE]: '' };
  return (
    <div className="call-panel" {...sectionProps}>
      <LastCall attempts={attempts} />
      {pending && (
        <div className="message message-info call-pending" role="alert" data-testid="call-pending">
          <p>{t('nurse.call.pending', { result: t(`nurse.call.results.${pending.result}`), seconds: pending.secondsLeft })}</p>
          <button type="button" className="button button-small button-primary" onClick={onUndo} autoFocus data-testid="call-undo">
            {t('nurse.call.undo')} <kbd>Esc</kbd>
          </button>
          <button type="button" className="button button-small" onClick={onSendNow}>
            {t('nurse.call.sendNow')}
          </button>
        </div>
      )}
      <fieldset className="plain-fieldset" disabled={!enabled || busy || pending !== null} aria-describedby="call-hint">
        <legend>{t('nurse.call.title')}</legend>
        <p className="hint" id="call-hint">
          {t('nurse.call.hint')}
        </p>
        <div className="call-buttons">
          {CALL_RESULTS.map((result, i) => (
            <button
              key={result}
              type="button"
              className={`button call-button call-${result}`}
              onClick={() => onResult(result)}
              aria-keyshortcuts={`${i + 1} Alt+${i + 1}`}
              data-testid={`call-${result}`}
            >
              <kbd>{i + 1}</kbd> {t(`nurse.call.results.${result}`)}
            </button>
          ))}
        </div>
      </fieldset>
      <ActionError error={error} onRetry={onRetry} />
    </div>
  );
}

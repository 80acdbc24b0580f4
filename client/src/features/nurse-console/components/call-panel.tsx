import { useTranslation } from 'react-i18next';
import type { CallResult } from '../../../../../server/contracts/tasks.ts';
import { ActionError } from './action-error.tsx';

/** In the order of their shortcut keys 1-5. */
export const CALL_RESULTS = ['answered', 'no_answer', 'busy', 'wrong_number', 'line_failure'] as const satisfies readonly CallResult[];
type AssertNever<T extends never> = T;
export type AllCallResultsListed = AssertNever<Exclude<CallResult, (typeof CALL_RESULTS)[number]>>;

export function isCallResult(value: unknown): value is CallResult {
  return CALL_RESULTS.some((r) => r === value);
}

interface CallPanelProps {
  enabled: boolean;
  busy: boolean;
  error: unknown;
  onRetry: (() => void) | undefined;
  onResult(result: CallResult): void;
}

/** One button per call result; each records the call at once. */
export function CallPanel({ enabled, busy, error, onRetry, onResult }: CallPanelProps) {
  const { t } = useTranslation();
  return (
    <div className="call-panel">
      <fieldset className="plain-fieldset" disabled={!enabled || busy} aria-describedby="call-hint">
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

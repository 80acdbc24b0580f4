import type { TaskDetail, TaskEventDto } from '../../../../../server/contracts/tasks.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { formatClock } from '../utils/clock.ts';
import { isCallResult } from './call-panel.tsx';

const EVENT_KEY_LIST = [
  'received',
  'claimed',
  'released',
  'reassigned',
  'callAttempted',
  'escalated',
  'assessmentSaved',
  'closed',
  'cancelled',
  'outcomeAmended',
  'callbackDue',
  'waitBreached',
  'claimStale',
  'claimResumed',
  'dispatchAcknowledged',
  'dispatchUnacknowledged',
  'referralAccepted',
  'referralRejected',
  'referralCompleted',
  'referralCancelled',
  'unitAttached',
  'decisionRequired',
] as const;
type EventKey = (typeof EVENT_KEY_LIST)[number];

/** task.call_attempted -> callAttempted; null for a type this console does not know. */
function eventKey(type: string): EventKey | null {
  const camel = type.replace(/^(task|dispatch|referral)\./, (_, scope: string) => (scope === 'task' ? '' : `${scope}_`)).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return EVENT_KEY_LIST.find((k) => k === camel) ?? null;
}

interface HistoryRow {
  event: TaskEventDto;
  /** Consecutive draft saves are shown as one row. */
  count: number;
}

function rows(events: readonly TaskEventDto[]): HistoryRow[] {
  const result: HistoryRow[] = [];
  for (const event of events) {
    const last = result.at(-1);
    if (last && last.event.type === 'task.assessment_saved' && event.type === 'task.assessment_saved' && last.event.actor === event.actor) {
      result[result.length - 1] = { event, count: last.count + 1 };
    } else {
      result.push({ event, count: 1 });
    }
  }
  return result.reverse();
}

/** Call attempts and the task's events, newest first. */
export function TaskHistory({ task }: { task: TaskDetail }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <section className="card nurse-card" aria-labelledby="history-title" data-testid="history">
      <h3 id="history-title">{t('nurse.history.title')}</h3>
      <div className="history-grid">
        <div>
          <h4>{t('nurse.history.calls')}</h4>
          {task.callAttempts.length === 0 ? (
            <p className="muted small">{t('nurse.history.noCalls')}</p>
          ) : (
            <ol className="history-list" data-testid="call-attempts">
              {[...task.callAttempts].reverse().map((attempt) => (
                <li key={`${attempt.at}-${attempt.result}`}>
                  <span className="history-time">{formatClock(attempt.at, language)}</span> <strong>{t(`nurse.call.results.${attempt.result}`)}</strong>{' '}
                  <span className="muted">{attempt.by}</span>
                </li>
              ))}
            </ol>
          )}
        </div>
        <div>
          <h4>{t('nurse.history.events')}</h4>
          <ol className="history-list" data-testid="task-events">
            {rows(task.events).map(({ event, count }) => (
              <li key={event.seq}>
                <span className="history-time">{formatClock(event.at, language)}</span> <EventText event={event} />
                {count > 1 && <span className="muted"> ×{count}</span>} <span className="muted">{event.actor}</span>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </section>
  );
}

function EventText({ event }: { event: TaskEventDto }) {
  const { t } = useTranslation();
  const key = eventKey(event.type);
  if (!key) return <>{event.type}</>;
  if (key === 'callAttempted') {
    const result = event.data.result;
    return <>{t('nurse.history.event.callAttempted', { result: isCallResult(result) ? t(`nurse.call.results.${result}`) : String(result ?? '') })}</>;
  }
  if (key === 'waitBreached') return <>{t('nurse.history.event.waitBreached', { minutes: String(event.data.targetMinutes ?? '') })}</>;
  return <>{t(`nurse.history.event.${key}`)}</>;
}


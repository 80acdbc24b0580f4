import type { TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { taskName } from '../utils/task-text.ts';
import { PatientText } from './queue-panel.tsx';
import { TaskBadges } from './task-badges.tsx';
import { WaitTime } from './wait-time.tsx';

interface IdlePanelProps {
  /** The task "Next task" takes now (the first waiting one in the server's order), if any. */
  nextUp: TaskSummary | undefined;
  userId: string;
  busy: boolean;
  onNext(): void;
}

/** No task in hand: what comes next, and the one key that takes it. */
export function IdlePanel({ nextUp, userId, busy, onNext }: IdlePanelProps) {
  const { t } = useTranslation();
  return (
    <section className="nurse-idle card" aria-labelledby="idle-title" data-testid="idle">
      <h2 id="idle-title">{t('nurse.idle.title')}</h2>
      {nextUp ? (
        <>
          <p className="muted">{t('nurse.idle.nextUp')}</p>
          <div className="idle-next">
            <WaitTime receivedAt={nextUp.receivedAt} responseDueAt={nextUp.responseDueAt} large />
            <div>
              <p className="idle-next-title">
                <span className="task-code">{nextUp.taskCode}</span> {taskName(nextUp, currentLanguage()) ?? t('nurse.task.noName')}
              </p>
              <p className="muted">
                {nextUp.municipality} · {nextUp.area.name} · <PatientText age={nextUp.patientAge} sex={nextUp.patientSex} />
              </p>
              <p>{nextUp.summary}</p>
              <TaskBadges task={nextUp} userId={userId} />
            </div>
          </div>
          <button type="button" className="button button-primary button-next" disabled={busy} onClick={onNext} aria-keyshortcuts="N Alt+N">
            {t('nurse.take.next')} <kbd>N</kbd>
          </button>
        </>
      ) : (
        <p className="muted">{t('nurse.idle.body')}</p>
      )}
    </section>
  );
}

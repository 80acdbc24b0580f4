import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import type { TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { formatClock } from '../utils/clock.ts';
import { UNIT_LEVELS } from '../utils/outcome-form.ts';

/**
 * Said plainly, at the top of the task, when the EMS field commander attached a unit (the ERC's
 * unit-attached call): the task is closed as a unit dispatch and the nurse need not ask for one.
 * The view reloads on the task's event, so whoever held it sees this at once.
 */
export function FieldCommanderNotice({ task }: { task: TaskDetail }) {
  const { t } = useTranslation();
  const current = task.outcomes.find((o) => o.current);
  if (!current || current.outcome.reason !== 'field_commander') return null;
  const level = UNIT_LEVELS.find((l) => l === current.outcome.unitLevel);
  const values = {
    unit: typeof current.outcome.unit === 'string' ? current.outcome.unit : '',
    level: level ? t(`nurse.outcome.unitLevels.${level}`) : '',
    task: task.ercTaskId,
    time: formatClock(current.recordedAt, currentLanguage()),
  };
  return (
    <div className="message message-error field-commander-notice" role="alert" data-testid="field-commander-notice">
      <p>
        <strong>{current.amendsId ? t('fieldCommander.amended', values) : t('fieldCommander.notice', values)}</strong>
      </p>
    </div>
  );
}

import type { TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { ApiError } from '../../../lib/api.ts';
import { errorText, i18n, messages, type Language } from '../../../lib/i18n.ts';
import type { fi } from '../../../lib/locales/fi.ts';
import { codeName } from '../../../lib/task-code-name.ts';

/** The task code's name in the reader's language (from the code table), else ERC's label. */
export function taskName(task: Pick<TaskSummary, 'taskName' | 'taskLabel'>, language: Language): string | null {
  return codeName(task.taskName, language) ?? task.taskLabel;
}

type NurseErrorCode = keyof typeof fi.nurse.errors;

function isNurseErrorCode(code: string): code is NurseErrorCode {
  return Object.hasOwn(messages().nurse.errors, code);
}

function claimedByName(details: unknown): string {
  if (typeof details !== 'object' || details === null || !('claimedBy' in details)) return '';
  const claimedBy = details.claimedBy;
  if (typeof claimedBy !== 'object' || claimedBy === null || !('displayName' in claimedBy)) return '';
  return typeof claimedBy.displayName === 'string' ? claimedBy.displayName : '';
}

/** Who won the race for a task, from a TASK_ALREADY_CLAIMED answer; '' when not told. */
export function lostTo(err: unknown): string | null {
  return err instanceof ApiError && err.code === 'TASK_ALREADY_CLAIMED' ? claimedByName(err.details) : null;
}

/** The text for a failed task action in the reader's language; call it during render. */
export function nurseErrorText(err: unknown): string {
  if (err instanceof ApiError && isNurseErrorCode(err.code)) {
    if (err.code === 'TASK_ALREADY_CLAIMED') {
      const name = claimedByName(err.details);
      return name ? i18n.t('nurse.errors.TASK_ALREADY_CLAIMED', { name }) : i18n.t('nurse.take.claimedUnnamed');
    }
    return i18n.t(`nurse.errors.${err.code}`);
  }
  return errorText(err);
}

export interface FieldIssue {
  /** The field's name: the request path without "body.", e.g. callbackPhone or vitals.heartRate. */
  field: string;
  message: string;
}

/** The fields a VALIDATION_FAILED (or NOT_D_CLASS) answer names. */
export function fieldIssues(err: unknown): FieldIssue[] {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return [];
  const details: readonly unknown[] = err.details;
  const issues: FieldIssue[] = [];
  for (const item of details) {
    if (typeof item !== 'object' || item === null || !('path' in item) || !('message' in item)) continue;
    if (typeof item.path !== 'string' || typeof item.message !== 'string') continue;
    issues.push({ field: item.path.replace(/^body\./, ''), message: item.message });
  }
  return issues;
}

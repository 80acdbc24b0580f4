import type { TaskSummary } from '../../../server/contracts/tasks.ts';
import type { Language } from './i18n.ts';

/** The task code's name from the code table in the reader's language (fi, sv or en). */
export function codeName(names: TaskSummary['taskName'], language: Language): string | null {
  return names ? names[language] : null;
}

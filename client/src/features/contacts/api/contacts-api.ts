import type { TaskContacts } from '../../../../../server/contracts/contacts.ts';
import { api } from '../../../lib/api.ts';

/** The patient's earlier contacts and open possible duplicates (the server audits the read). */
export function getTaskContacts(taskId: string, signal: AbortSignal): Promise<TaskContacts> {
  return api<TaskContacts>(`/api/tasks/${encodeURIComponent(taskId)}/contacts`, { signal });
}

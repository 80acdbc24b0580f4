import type { LiveStats, NurseLiveStats } from '../../../../../server/contracts/stats.ts';
import type { TaskDetail, TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { ApiError, api } from '../../../lib/api.ts';

// The live board's calls to the API. The reassignment takes the action's Idempotency-Key, so that a
// retry after a network failure cannot move the task twice.

const withSignal = (signal: AbortSignal | undefined) => (signal ? { signal } : {});

/** Shift leaders get every figure; the reduced view (for nurses) lacks the staffing estimate. */
export function isFullStats(stats: LiveStats | NurseLiveStats): stats is LiveStats {
  return 'staffing' in stats;
}

/** The live load now, as the server pushes it with stats:update. */
export async function fetchLiveStats(signal?: AbortSignal): Promise<LiveStats> {
  const stats = await api<LiveStats | NurseLiveStats>('/api/stats/live', withSignal(signal));
  if (!isFullStats(stats)) throw new ApiError(403, 'FORBIDDEN', 'Only shift leaders see the full live load.');
  return stats;
}

/** Tasks held for assessment now, with their versions and claim state (no patient contact data). */
export async function listHeldTasks(signal?: AbortSignal): Promise<TaskSummary[]> {
  const { tasks } = await api<{ tasks: TaskSummary[] }>('/api/tasks', { query: { state: 'in_assessment', limit: 500 }, ...withSignal(signal) });
  return tasks;
}

/** One task with everything about it, read only (the server audits the read). */
export async function fetchTaskDetail(id: string, signal?: AbortSignal): Promise<TaskDetail> {
  const { task } = await api<{ task: TaskDetail }>(`/api/tasks/${encodeURIComponent(id)}`, withSignal(signal));
  return task;
}

export interface ReassignInput {
  /** The version the shift leader saw: a change since then is refused with STALE_VERSION. */
  version: number;
  /** Omitted: the shift leader takes the task over. */
  assigneeId?: string;
  /** Required by the server while the current claim is live. */
  reason?: string;
}

/** Gives a held task to another nurse, or to the shift leader who asks. */
export async function reassignTask(id: string, input: ReassignInput, key: string): Promise<TaskSummary> {
  const { task } = await api<{ task: TaskSummary }>(`/api/tasks/${encodeURIComponent(id)}/reassign`, {
    method: 'POST',
    body: input,
    idempotencyKey: key,
  });
  return task;
}

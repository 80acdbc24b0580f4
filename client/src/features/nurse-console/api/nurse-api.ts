import type { AreaDto, AreaList, RedFlagDto, TaskCodeDto, TaskCodeList } from '../../../../../server/contracts/reference.ts';
import type { AssessmentFields, CallResult, IntakeRequest, Outcome, TaskDetail, TaskList, TaskSummary } from '../../../../../server/contracts/tasks.ts';
import type { ClientSettings } from '../../../../../server/contracts/settings.ts';
import type { ColleagueList } from '../../../../../server/contracts/users.ts';
import { api, apiWithStatus } from '../../../lib/api.ts';

// The nurse console's calls to the API. Every call that changes something takes the action's
// Idempotency-Key, so that a retry after a network failure cannot do it twice.

const withSignal = (signal: AbortSignal | undefined) => (signal ? { signal } : {});

/** Open tasks in the server's priority order (at most the server's default limit), optionally of one area, with the totals per state. */
export function listQueue(areaId: string | null, signal?: AbortSignal): Promise<TaskList> {
  return api<TaskList>('/api/tasks', { query: { areaId }, ...withSignal(signal) });
}

export async function getTask(id: string, signal?: AbortSignal): Promise<TaskDetail> {
  const { task } = await api<{ task: TaskDetail }>(`/api/tasks/${encodeURIComponent(id)}`, withSignal(signal));
  return task;
}

const taskPath = (id: string, action: string) => `/api/tasks/${encodeURIComponent(id)}/${action}`;

async function change(path: string, key: string, body: unknown, method: 'POST' | 'PUT' = 'POST'): Promise<TaskSummary> {
  const { task } = await api<{ task: TaskSummary }>(path, { method, body, idempotencyKey: key });
  return task;
}

export const claimTask = (id: string, key: string) => change(taskPath(id, 'claim'), key, {});
export const claimNextTask = (areaId: string | null, key: string) => change('/api/tasks/next', key, areaId ? { areaId } : {});
export const releaseTask = (id: string, version: number, key: string) => change(taskPath(id, 'release'), key, { version });
export const recordCallAttempt = (id: string, result: CallResult, key: string) => change(taskPath(id, 'call-attempts'), key, { result });
export const saveAssessment = (id: string, version: number, assessment: AssessmentFields, key: string) =>
  change(taskPath(id, 'assessment'), key, { version, ...assessment }, 'PUT');
export const recordOutcome = (id: string, version: number, outcome: Outcome, key: string) => change(taskPath(id, 'outcome'), key, { version, ...outcome });

/** The holder still has the task open. */
export function sendHeartbeat(id: string): Promise<{ heartbeatAt: string; version: number }> {
  return api(taskPath(id, 'heartbeat'), { method: 'POST' });
}

/** A task read over the phone while the ERC interface is down; `created` is false when it was already received. */
export async function enterManualTask(input: IntakeRequest, key: string): Promise<{ task: TaskSummary; created: boolean }> {
  const { status, body } = await apiWithStatus<{ task: TaskSummary }>('/api/tasks/manual', { method: 'POST', body: input, idempotencyKey: key });
  return { task: body.task, created: status === 201 };
}

export async function listAreas(signal?: AbortSignal): Promise<AreaDto[]> {
  const { areas } = await api<AreaList>('/api/reference/areas', withSignal(signal));
  return areas;
}

export async function listRedFlags(signal?: AbortSignal): Promise<RedFlagDto[]> {
  const { redFlags } = await api<{ redFlags: RedFlagDto[] }>('/api/reference/red-flags', withSignal(signal));
  return redFlags;
}

export function loadSettings(signal?: AbortSignal): Promise<ClientSettings> {
  return api<ClientSettings>('/api/settings', withSignal(signal));
}

export async function listTaskCodes(signal?: AbortSignal): Promise<TaskCodeDto[]> {
  const { taskCodes } = await api<TaskCodeList>('/api/reference/task-codes', withSignal(signal));
  return taskCodes;
}

/** Replaces the outcome of a closed task, keeping the old one in the history (the closing nurse or a shift leader). */
export const amendOutcome = (id: string, version: number, reason: string, outcome: Outcome, key: string) =>
  change(taskPath(id, 'outcome/amendments'), key, { version, reason, outcome });

/** The holder hands the task to a colleague who holds none. */
export const handOverTask = (id: string, version: number, toUserId: string, key: string) => change(taskPath(id, 'handover'), key, { version, toUserId });

export async function listColleagues(signal?: AbortSignal): Promise<ColleagueList['colleagues']> {
  const { colleagues } = await api<ColleagueList>('/api/colleagues', withSignal(signal));
  return colleagues;
}

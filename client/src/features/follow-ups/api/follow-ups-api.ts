import { FOLLOW_UP_STATES } from '../../../../../server/contracts/follow-up-values.ts';
import type { FollowUpDetail, FollowUpResultValue, FollowUpSummary, FollowUpWhen } from '../../../../../server/contracts/follow-ups.ts';
import type { CallResult, TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { api } from '../../../lib/api.ts';

// The follow-up calls' requests. Every change carries the action's Idempotency-Key, so a retry after
// a network failure cannot record a call or a result twice.

const path = (id: string, action = '') => `/api/follow-ups/${encodeURIComponent(id)}${action}`;

/** The open follow-up calls, earliest due first. */
export async function listOpenFollowUps(signal: AbortSignal): Promise<FollowUpSummary[]> {
  const { followUps } = await api<{ followUps: FollowUpSummary[] }>('/api/follow-ups', { signal });
  return followUps;
}

/** A task's follow-up calls, whatever their state. */
export async function listTaskFollowUps(taskId: string, signal: AbortSignal): Promise<FollowUpSummary[]> {
  const { followUps } = await api<{ followUps: FollowUpSummary[] }>('/api/follow-ups', {
    query: { taskId, state: FOLLOW_UP_STATES.join(',') },
    signal,
  });
  return followUps;
}

export async function fetchFollowUp(id: string, signal: AbortSignal): Promise<FollowUpDetail> {
  const { followUp } = await api<{ followUp: FollowUpDetail }>(path(id), { signal });
  return followUp;
}

/** The task the follow-up checks on, with its assessment and advice (the read is audited). */
export async function fetchFollowUpTask(taskId: string, signal: AbortSignal): Promise<TaskDetail> {
  const { task } = await api<{ task: TaskDetail }>(`/api/tasks/${encodeURIComponent(taskId)}`, { signal });
  return task;
}

export interface ScheduleInput {
  when: FollowUpWhen;
  dueAt?: string;
  check: string;
  owner: 'queue' | 'me';
}

export async function scheduleFollowUp(taskId: string, input: ScheduleInput, key: string): Promise<FollowUpSummary> {
  const { followUp } = await api<{ followUp: FollowUpSummary }>(`/api/tasks/${encodeURIComponent(taskId)}/follow-ups`, { method: 'POST', body: input, idempotencyKey: key });
  return followUp;
}

async function change(id: string, action: string, body: object | undefined, key: string): Promise<FollowUpSummary> {
  const { followUp } = await api<{ followUp: FollowUpSummary }>(path(id, action), { method: 'POST', ...(body ? { body } : {}), idempotencyKey: key });
  return followUp;
}

export const claimFollowUp = (id: string, key: string) => change(id, '/claim', undefined, key);
export const releaseFollowUp = (id: string, version: number, key: string) => change(id, '/release', { version }, key);
export const recordFollowUpCall = (id: string, result: CallResult, key: string) => change(id, '/call-attempts', { result }, key);

export interface ResultInput {
  result: FollowUpResultValue;
  note?: string;
  version: number;
  unitLevel?: 'ALS' | 'BLS' | 'first_response';
  urgency?: 'A' | 'B' | 'C' | 'D';
}
export const recordFollowUpResult = (id: string, input: ResultInput, key: string) => change(id, '/result', input, key);

/** The caller still has the call open. */
export async function followUpHeartbeat(id: string): Promise<void> {
  await api(path(id, '/heartbeat'), { method: 'POST' });
}

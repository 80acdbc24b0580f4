import type { ReferralDto } from '../../../../../server/contracts/referrals.ts';
import type { CreateServiceRequest, ServiceDto } from '../../../../../server/contracts/services.ts';
import type { TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { api } from '../../../lib/api.ts';

/** The whole directory, inactive entries included (admins). */
export function listAllServices(signal: AbortSignal): Promise<{ services: ServiceDto[]; anyOpen: boolean }> {
  return api('/api/services', { query: { includeInactive: 'true' }, signal });
}

export async function saveService(input: CreateServiceRequest, existing?: { id: string; version: number }): Promise<ServiceDto> {
  const { service } = await api<{ service: ServiceDto }>(existing ? `/api/services/${encodeURIComponent(existing.id)}` : '/api/services', {
    method: existing ? 'PUT' : 'POST',
    body: existing ? { ...input, version: existing.version } : input,
  });
  return service;
}

/** Directory entries serving the municipality for one target type, open now first. */
export function listServicesFor(municipality: string, target: string, signal: AbortSignal): Promise<{ services: ServiceDto[]; anyOpen: boolean }> {
  return api('/api/services', { query: { municipality, target }, signal });
}

export async function listTaskReferrals(taskId: string, signal: AbortSignal): Promise<ReferralDto[]> {
  const { referrals } = await api<{ referrals: ReferralDto[] }>(`/api/tasks/${encodeURIComponent(taskId)}/referrals`, { signal });
  return referrals;
}

/** Closed tasks whose redirect still waits for the service's answer. */
export async function listWaitingReferrals(signal: AbortSignal): Promise<TaskSummary[]> {
  const { tasks } = await api<{ tasks: TaskSummary[] }>('/api/tasks', { query: { state: 'closed', referralState: 'requested', limit: 50 }, signal });
  return tasks;
}

export async function recordAcceptedByPhone(taskId: string, input: { acceptedBy: string; acceptedAt: string; version: number }, key: string): Promise<TaskSummary> {
  const { task } = await api<{ task: TaskSummary }>(`/api/tasks/${encodeURIComponent(taskId)}/referral/accepted-by-phone`, { method: 'POST', body: input, idempotencyKey: key });
  return task;
}

/** The service saw the patient (said on the phone): the accepted referral becomes completed. */
export async function recordReferralCompleted(taskId: string, version: number, key: string): Promise<TaskSummary> {
  const { task } = await api<{ task: TaskSummary }>(`/api/tasks/${encodeURIComponent(taskId)}/referral/completed`, { method: 'POST', body: { version }, idempotencyKey: key });
  return task;
}

/** Calls the referral off: the task returns to the queue for a new decision. */
export async function cancelReferral(taskId: string, input: { version: number; reason: string }, key: string): Promise<TaskSummary> {
  const { task } = await api<{ task: TaskSummary }>(`/api/tasks/${encodeURIComponent(taskId)}/referral/cancel`, { method: 'POST', body: input, idempotencyKey: key });
  return task;
}

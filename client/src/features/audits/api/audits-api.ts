import type { AuditDetailResponse, AuditForm, AuditList, AuditNotificationList, AuditReport, AuditResponse, SamplingResult } from '../../../../../server/contracts/audits.ts';
import { api } from '../../../lib/api.ts';

export interface AuditFilters {
  month: string;
  state: 'queued' | 'done' | '';
}

export function fetchAudits(filters: AuditFilters, signal?: AbortSignal): Promise<AuditList> {
  return api<AuditList>('/api/audits', { query: { month: filters.month, state: filters.state }, ...(signal ? { signal } : {}) });
}

export function fetchAudit(id: string, signal?: AbortSignal): Promise<AuditDetailResponse> {
  return api<AuditDetailResponse>(`/api/audits/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export function fetchNotifications(signal?: AbortSignal): Promise<AuditNotificationList> {
  return api<AuditNotificationList>('/api/audits/notifications', signal ? { signal } : {});
}

export function runSampling(idempotencyKey: string): Promise<SamplingResult> {
  return api<SamplingResult>('/api/audits/sampling', { method: 'POST', body: {}, idempotencyKey });
}

export function claimAudit(id: string, idempotencyKey: string): Promise<AuditResponse> {
  return api<AuditResponse>(`/api/audits/${id}/claim`, { method: 'POST', idempotencyKey });
}

export function saveDraft(id: string, version: number, form: AuditForm, idempotencyKey: string): Promise<AuditResponse> {
  return api<AuditResponse>(`/api/audits/${id}`, { method: 'PUT', body: { version, form }, idempotencyKey });
}

export function submitAudit(id: string, version: number, form: AuditForm, reason: string | undefined, idempotencyKey: string): Promise<AuditResponse> {
  return api<AuditResponse>(`/api/audits/${id}/submit`, { method: 'POST', body: { version, form, ...(reason ? { reason } : {}) }, idempotencyKey });
}

export function acknowledgeAudit(id: string, version: number, idempotencyKey: string): Promise<AuditResponse> {
  return api<AuditResponse>(`/api/audits/${id}/acknowledge`, { method: 'POST', body: { version }, idempotencyKey });
}

export interface AuditReportFilters {
  from: string;
  to: string;
  groupBy: 'nurse' | 'protocol' | '';
}

export function fetchAuditReport(filters: AuditReportFilters, signal?: AbortSignal): Promise<AuditReport> {
  return api<AuditReport>('/api/reports/audit', { query: { ...filters }, ...(signal ? { signal } : {}) });
}

export function auditCsvHref(filters: AuditReportFilters): string {
  const params = new URLSearchParams({ format: 'csv', from: filters.from, to: filters.to });
  if (filters.groupBy) params.set('groupBy', filters.groupBy);
  return `/api/reports/audit?${params.toString()}`;
}

import type { AuditPage } from '../../../../../server/contracts/audit.ts';
import { api } from '../../../lib/api.ts';

export interface AuditFilters {
  actor?: string;
  action?: string;
  /** ISO instants */
  from?: string;
  to?: string;
}

export const AUDIT_PAGE_SIZE = 50;

export function fetchAuditPage(filters: AuditFilters, before: number | null, signal?: AbortSignal): Promise<AuditPage> {
  return api<AuditPage>('/api/audit', {
    query: { ...filters, before, limit: AUDIT_PAGE_SIZE },
    ...(signal ? { signal } : {}),
  });
}

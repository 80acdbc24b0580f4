import type { MonthlyReport, ReportGroupBy } from '../../../../../server/contracts/reports.ts';
import { api } from '../../../lib/api.ts';

export interface ReportFilters {
  from: string;
  to: string;
  groupBy: ReportGroupBy | '';
  compare: boolean;
}

function query(filters: ReportFilters) {
  return {
    from: filters.from,
    to: filters.to,
    groupBy: filters.groupBy,
    compare: filters.compare ? 'previous_year' : undefined,
  };
}

export function fetchMonthlyReport(filters: ReportFilters, signal?: AbortSignal): Promise<MonthlyReport> {
  return api<MonthlyReport>('/api/reports/monthly', { query: query(filters), ...(signal ? { signal } : {}) });
}

/** The same report as a CSV download (the session cookie goes along on this origin). */
export function csvHref(filters: ReportFilters): string {
  const params = new URLSearchParams({ format: 'csv' });
  for (const [key, value] of Object.entries(query(filters))) if (value) params.set(key, value);
  return `/api/reports/monthly?${params.toString()}`;
}

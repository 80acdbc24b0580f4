import { MonthlyReport, MonthlyReportCsv, MonthlyReportQuery } from '../contracts/reports.ts';
import { defineRoute, type Reply, type RouteDef } from '../http/route.ts';
import { reportFileName, reportReply, reportToCsv } from './report-csv.ts';
import type { ReportsService } from './reports.service.ts';

const READERS = { kind: 'session', roles: ['manager', 'shift_leader', 'admin', 'medical_director'] } as const;

export function reportsRoutes(reports: ReportsService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/reports/monthly',
      summary: 'Monthly D-task figures: outcomes, avoided unit dispatches and their re-contacts (aggregates only)',
      tag: 'reports',
      access: READERS,
      query: MonthlyReportQuery,
      responses: {
        200: {
          description:
            'The report as JSON, or as CSV (format=csv or Accept: text/csv; see MonthlyReportCsv). Months by intake time in ' +
            'Europe/Helsinki. In `groups`, a group with fewer received tasks in a month than minGroupSize shows every count as ' +
            'the string "<minGroupSize>" and its shares and median as null; month totals are never suppressed.',
          schema: MonthlyReport.or(MonthlyReportCsv),
        },
        422: { description: 'VALIDATION_FAILED: bad month, to before from, or more than 120 months' },
      },
      async handle({ query, req }): Promise<Reply> {
        const report = await reports.monthly(query);
        return reportReply(report, { format: query.format, req }, reportToCsv, reportFileName(report));
      },
    }),
  ];
}

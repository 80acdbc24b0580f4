import { AUDIT_SECTIONS, COMPLIANCE_LEVELS, DEVIATION_GRADES } from '../contracts/audit-compliance.ts';
import { RECONTACT_REASONS, type AuditReport, type AuditReportCounts } from '../contracts/audits.ts';
import { csvDocument, numberCell, textCell } from '../reports/report-csv.ts';

const COLUMNS: [string, (c: AuditReportCounts) => number | null][] = [
  ['queued', (c) => c.queued],
  ['done', (c) => c.done],
  ...COMPLIANCE_LEVELS.map((l): [string, (c: AuditReportCounts) => number] => [l, (c) => c.byLevel[l]]),
  ...COMPLIANCE_LEVELS.map((l): [string, (c: AuditReportCounts) => number | null] => [`${l}_share`, (c) => c.shares[l]]),
  ['within_bands', (c) => (c.withinBands === null ? null : Number(c.withinBands))],
  ['triggered', (c) => c.triggered],
  ...RECONTACT_REASONS.map((r): [string, (c: AuditReportCounts) => number] => [`recontact_${r}`, (c) => c.recontactReasons[r]]),
  ...AUDIT_SECTIONS.flatMap((s) => DEVIATION_GRADES.map((g): [string, (c: AuditReportCounts) => number] => [`${s}_${g}`, (c) => c.deviationsBySection[s][g]])),
];

/**
 * The audit report as CSV, with the monthly report's conventions (byte-order mark, ";", decimal
 * comma, CRLF, one row per month and, grouped, one more per group). within_bands is 1 or 0.
 */
export function auditReportToCsv(report: AuditReport): string {
  const header = ['month', ...(report.groupBy ? [report.groupBy] : []), ...COLUMNS.map(([name]) => name)];
  const line = (month: string, group: string | null, counts: AuditReportCounts) => [
    month,
    ...(report.groupBy ? [textCell(group ?? '')] : []),
    ...COLUMNS.map(([, get]) => numberCell(get(counts))),
  ];
  const rows = [header];
  for (const month of report.months) {
    rows.push(line(month.month, null, month));
    for (const group of month.groups ?? []) rows.push(line(month.month, group.label, group));
  }
  return csvDocument(rows);
}

export function auditReportFileName(report: AuditReport): string {
  return `audit-report_${report.from}_${report.to}${report.groupBy ? `_${report.groupBy}` : ''}.csv`;
}

import type { Request } from 'express';
import type { Reply } from '../http/route.ts';
import {
  FOLLOW_UP_COUNTS,
  OUTCOME_TYPES,
  type MonthlyReport,
  type ReportCounts,
  type SuppressibleCount,
} from '../contracts/reports.ts';
import { DISPATCH_REASONS, REDIRECT_TARGETS, UNIT_LEVELS } from '../contracts/tasks.ts';

type Cell = SuppressibleCount | null;

/** The numeric columns, in order: the same for a month, a group and a previous year. */
const COLUMNS: [string, (c: ReportCounts) => Cell][] = [
  ['received', (c) => c.received],
  ['closed', (c) => c.closed],
  ['avoided', (c) => c.avoided],
  ['avoided_share', (c) => c.avoidedShare],
  ...OUTCOME_TYPES.map((o): [string, (c: ReportCounts) => Cell] => [o, (c) => c.byOutcome[o]]),
  ...REDIRECT_TARGETS.map((t): [string, (c: ReportCounts) => Cell] => [`redirect_${t}`, (c) => c.redirectsByTarget[t]]),
  ...UNIT_LEVELS.map((l): [string, (c: ReportCounts) => Cell] => [`dispatch_level_${l}`, (c) => c.dispatchesByLevel[l]]),
  ...DISPATCH_REASONS.map((r): [string, (c: ReportCounts) => Cell] => [`dispatch_reason_${r}`, (c) => c.dispatchesByReason[r]]),
  ['redirects_pending', (c) => c.redirectsPending],
  ['redirects_rejected', (c) => c.redirectsRejected],
  ...REDIRECT_TARGETS.map((t): [string, (c: ReportCounts) => Cell] => [`referral_acceptance_rate_${t}`, (c) => c.referralAcceptanceRateByTarget[t]]),
  ...REDIRECT_TARGETS.map((t): [string, (c: ReportCounts) => Cell] => [`referral_median_minutes_to_acceptance_${t}`, (c) => c.referralMedianMinutesToAcceptanceByTarget[t]]),
  ['recontact_24h', (c) => c.recontact24h],
  ['recontact_72h', (c) => c.recontact72h],
  ['recontact_24h_rate', (c) => c.recontact24hRate],
  ['recontact_72h_rate', (c) => c.recontact72hRate],
  ...FOLLOW_UP_COUNTS.map((k): [string, (c: ReportCounts) => Cell] => [`follow_ups_${k}`, (c) => c.followUps[k]]),
  ['median_minutes_to_first_call', (c) => c.medianMinutesToFirstCall],
];

/** Decimal comma: a Finnish-locale spreadsheet reads "0,25" as a number and "0.25" as text or a date. */
export function numberCell(value: Cell): string {
  if (value === null) return '';
  return typeof value === 'number' ? String(value).replace('.', ',') : value;
}

/** Quotes what needs it, and defuses text a spreadsheet would run as a formula (a group name from reference data). */
export function textCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The report as CSV for a spreadsheet: UTF-8 with a byte-order mark (so Excel reads it as UTF-8),
 * ";" between fields and a decimal comma (a Finnish-locale Excel opens it into columns directly),
 * CRLF line ends, a header row. One row per month; grouped, each month's total row (empty group)
 * is followed by one row per group. With a comparison every numeric column repeats with the prefix
 * previous_year_.
 */
export function reportToCsv(report: MonthlyReport): string {
  const compare = report.months.some((m) => m.previousYear !== undefined);
  const header = [
    'month',
    ...(report.groupBy ? [report.groupBy] : []),
    ...COLUMNS.map(([name]) => name),
    ...(compare ? COLUMNS.map(([name]) => `previous_year_${name}`) : []),
  ];
  const line = (month: string, group: string | null, counts: ReportCounts, previous: ReportCounts | undefined) => [
    month,
    ...(report.groupBy ? [textCell(group ?? '')] : []),
    ...COLUMNS.map(([, get]) => numberCell(get(counts))),
    ...(compare ? COLUMNS.map(([, get]) => (previous ? numberCell(get(previous)) : '')) : []),
  ];
  const rows = [header];
  for (const month of report.months) {
    rows.push(line(month.month, null, month, month.previousYear));
    for (const group of month.groups ?? []) rows.push(line(month.month, group.key, group, group.previousYear));
  }
  return csvDocument(rows);
}

/**
 * A report's reply: JSON, or CSV when asked by `format=csv` or by `Accept: text/csv` (without a
 * format), as a download. Never cached: reports hold current figures.
 */
export function reportReply<T>(report: T, asked: { format: 'json' | 'csv' | undefined; req: Request }, toCsv: (report: T) => string, fileName: string): Reply {
  const csv = asked.format === 'csv' || (asked.format === undefined && asked.req.accepts(['application/json', 'text/csv']) === 'text/csv');
  if (!csv) return { status: 200, body: report, headers: { 'Cache-Control': 'no-store' } };
  return {
    status: 200,
    body: toCsv(report),
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${fileName}"`, 'Cache-Control': 'no-store' },
  };
}

/** Rows as the CSV every report uses: UTF-8 with a byte-order mark, ";" between fields, CRLF line ends. */
export function csvDocument(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${rows.map((r) => r.join(';')).join('\r\n')}\r\n`;
}

export function reportFileName(report: MonthlyReport): string {
  return `d-task-report_${report.from}_${report.to}${report.groupBy ? `_${report.groupBy}` : ''}.csv`;
}

import { AUDIT_SECTIONS, COMPLIANCE_BANDS, COMPLIANCE_LEVELS, DEVIATION_GRADES } from '../contracts/audit-compliance.ts';
import { AuditForm, RECONTACT_REASONS, type AuditReport, type AuditReportCounts, type AuditReportQuery } from '../contracts/audits.ts';
import type { Db } from '../db/create-db.ts';
import { reportMonths } from '../reports/report-figures.ts';
import { monthName } from '../time/helsinki.ts';
import { reportRows, type ReportRow } from './audits.repository.ts';

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const has = <K extends string>(keys: readonly K[], value: string | null): value is K => value !== null && (keys as readonly string[]).includes(value);

function emptyCounts(): AuditReportCounts {
  return {
    queued: 0,
    done: 0,
    byLevel: zeros(COMPLIANCE_LEVELS),
    shares: { high: null, partial: null, low: null, non_compliant: null },
    withinBands: null,
    deviationsBySection: Object.fromEntries(AUDIT_SECTIONS.map((s) => [s, zeros(DEVIATION_GRADES)])) as AuditReportCounts['deviationsBySection'],
    recontactReasons: zeros(RECONTACT_REASONS),
    triggered: 0,
  };
}

function add(c: AuditReportCounts, row: ReportRow): void {
  if (row.triggered) c.triggered += 1;
  if (row.state === 'queued' || row.state === 'in_review') {
    c.queued += 1;
    return;
  }
  c.done += 1;
  if (has(COMPLIANCE_LEVELS, row.compliance)) c.byLevel[row.compliance] += 1;
  if (has(RECONTACT_REASONS, row.recontact_reason)) c.recontactReasons[row.recontact_reason] += 1;
  for (const d of AuditForm.parse(row.form).deviations) c.deviationsBySection[d.section][d.grade] += 1;
}

/** Shares of the done reviews, and whether each level below high stays within its band. */
function finish(c: AuditReportCounts): AuditReportCounts {
  if (c.done === 0) return c;
  const shares = Object.fromEntries(COMPLIANCE_LEVELS.map((l) => [l, c.byLevel[l] / c.done])) as Record<(typeof COMPLIANCE_LEVELS)[number], number>;
  const withinBands = (Object.keys(COMPLIANCE_BANDS) as (keyof typeof COMPLIANCE_BANDS)[]).every((l) => shares[l] <= COMPLIANCE_BANDS[l]);
  return { ...c, shares, withinBands };
}

/**
 * The audit dashboard: per Helsinki month of the reviewed tasks, reviews done and queued, the
 * compliance distribution against the bands, deviations by section, re-contact causes, and with
 * groupBy one row per nurse or protocol. Counted from the review rows (a few hundred a month).
 */
export function createAuditReportService(db: Db) {
  return {
    async report(query: AuditReportQuery): Promise<AuditReport> {
      const { first, last } = reportMonths(query);
      const groupBy = query.groupBy ?? null;
      const rows = await reportRows(db, query.from, query.to, groupBy);
      const months = new Map<string, { total: AuditReportCounts; groups: Map<string, { label: string; counts: AuditReportCounts }> }>();
      for (let i = first; i <= last; i++) months.set(monthName(i), { total: emptyCounts(), groups: new Map() });
      for (const row of rows) {
        const month = months.get(row.month);
        if (!month) continue;
        add(month.total, row);
        if (!groupBy) continue;
        const group = month.groups.get(row.group_key) ?? { label: row.group_label, counts: emptyCounts() };
        add(group.counts, row);
        month.groups.set(row.group_key, group);
      }
      return {
        from: query.from,
        to: query.to,
        groupBy,
        bands: { ...COMPLIANCE_BANDS },
        generatedAt: new Date().toISOString(),
        months: [...months].map(([month, { total, groups }]) => ({
          month,
          ...finish(total),
          ...(groupBy
            ? { groups: [...groups].map(([key, g]) => ({ key, label: g.label, ...finish(g.counts) })).sort((a, b) => a.label.localeCompare(b.label, 'fi')) }
            : {}),
        })),
      };
    },
  };
}
export type AuditReportService = ReturnType<typeof createAuditReportService>;

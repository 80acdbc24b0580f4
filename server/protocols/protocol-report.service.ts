import type { ReportsConfig } from '../config.ts';
import type { ProtocolReport, ProtocolReportGroup, ProtocolReportQuery } from '../contracts/protocol-report.ts';
import type { Role } from '../contracts/common.ts';
import type { Db } from '../db/create-db.ts';
import { csvDocument, numberCell, textCell } from '../reports/report-csv.ts';
import { firstDay, ratio, reportMonths, suppressionMark } from '../reports/report-figures.ts';
import { monthName } from '../time/helsinki.ts';
import { protocolDecisionCounts, type DecisionCountRow } from './protocol-report.repository.ts';
import { listTaskCodes } from './protocols.repository.ts';

/** Who sees override rates per nurse. */
const NURSE_RATE_READERS: readonly Role[] = ['manager', 'medical_director'];

interface Tally {
  assessed: number;
  downgrades: number;
  upgrades: number;
  reasons: Map<string, number>;
  matrix: Map<string, { recommended: string; chosen: string | null; tasks: number }>;
  adviceOutcomes: number;
  adviceRecorded: number;
}

const emptyTally = (): Tally => ({ assessed: 0, downgrades: 0, upgrades: 0, reasons: new Map(), matrix: new Map(), adviceOutcomes: 0, adviceRecorded: 0 });

function add(t: Tally, row: DecisionCountRow): void {
  const n = row.tasks;
  t.assessed += n;
  // Without a recommendation (or a chosen rung) there is nothing to be above or below, as for the audit trigger.
  if (row.chosen_rank !== null && row.recommended_rank !== null) {
    if (row.chosen_rank > row.recommended_rank) t.downgrades += n;
    if (row.chosen_rank < row.recommended_rank) t.upgrades += n;
  }
  if (row.override_reason) t.reasons.set(row.override_reason, (t.reasons.get(row.override_reason) ?? 0) + n);
  const key = `${row.recommended} ${row.chosen}`;
  const cell = t.matrix.get(key) ?? { recommended: row.recommended ?? '', chosen: row.chosen, tasks: 0 };
  cell.tasks += n;
  t.matrix.set(key, cell);
  if (row.advice_outcome) t.adviceOutcomes += n;
  if (row.advice_outcome && row.advice_recorded) t.adviceRecorded += n;
}

/**
 * Monthly decision-support figures per protocol: tasks assessed, recommended x chosen, downgrade
 * and upgrade rates with override reasons, advice recorded. Per-nurse rates only for managers and
 * the medical director. Small groups are suppressed exactly as in the monthly report.
 */
export function createProtocolReportService(db: Db, config: ReportsConfig) {
  const suppressed = suppressionMark(config.minGroupSize);

  function toGroup(protocolId: string, taskCodes: string[], t: Tally): ProtocolReportGroup {
    const hide = t.assessed < config.minGroupSize;
    const c = (n: number) => (hide ? suppressed : n);
    return {
      protocolId,
      taskCodes,
      assessed: c(t.assessed),
      downgrades: c(t.downgrades),
      upgrades: c(t.upgrades),
      downgradeRate: hide ? null : ratio(t.downgrades, t.assessed),
      upgradeRate: hide ? null : ratio(t.upgrades, t.assessed),
      // A suppressed group shows no reasons either: which ones occurred would tell on a small group.
      overrideReasons: hide ? {} : Object.fromEntries([...t.reasons].sort(([a], [b]) => a.localeCompare(b)).map(([reason, n]) => [reason, c(n)])),
      matrix: hide ? [] : [...t.matrix.values()].sort((a, b) => b.tasks - a.tasks),
      adviceOutcomes: c(t.adviceOutcomes),
      adviceRecorded: c(t.adviceRecorded),
      adviceRecordedShare: hide ? null : ratio(t.adviceRecorded, t.adviceOutcomes),
    };
  }

  return {
    async monthly(query: ProtocolReportQuery, role: Role): Promise<ProtocolReport> {
      const { first, last } = reportMonths(query);
      const [rows, codes] = await Promise.all([protocolDecisionCounts(db, { from: firstDay(first), to: firstDay(last + 1) }), listTaskCodes(db)]);
      const withNurses = NURSE_RATE_READERS.includes(role);
      const months = [];
      for (let m = first; m <= last; m++) {
        const month = monthName(m);
        const own = rows.filter((r) => r.month === month);
        const byProtocol = new Map<string, Tally>();
        const byNurse = new Map<string, { nurseId: string | null; nurse: string; tally: Tally }>();
        for (const row of own) {
          if (row.protocol_id === null) continue;
          const p = byProtocol.get(row.protocol_id) ?? emptyTally();
          byProtocol.set(row.protocol_id, p);
          add(p, row);
          const n = byNurse.get(row.nurse_key) ?? { nurseId: row.nurse_id, nurse: row.nurse, tally: emptyTally() };
          byNurse.set(row.nurse_key, n);
          add(n.tally, row);
        }
        months.push({
          month,
          closed: own.reduce((sum, r) => sum + r.tasks, 0),
          withoutProtocol: own.filter((r) => r.protocol_id === null).reduce((sum, r) => sum + r.tasks, 0),
          protocols: [...byProtocol]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([id, t]) => toGroup(id, codes.filter((c) => c.protocol_id === id).map((c) => c.task_code), t)),
          ...(withNurses
            ? {
                nurses: [...byNurse.values()].sort((a, b) => a.nurse.localeCompare(b.nurse, 'fi')).map(({ nurseId, nurse, tally: t }) => {
                  const hide = t.assessed < config.minGroupSize;
                  return {
                    nurseId,
                    nurse,
                    assessed: hide ? suppressed : t.assessed,
                    downgrades: hide ? suppressed : t.downgrades,
                    downgradeRate: hide ? null : ratio(t.downgrades, t.assessed),
                  };
                }),
              }
            : {}),
        });
      }
      return { from: query.from, to: query.to, minGroupSize: config.minGroupSize, generatedAt: new Date().toISOString(), months };
    },
  };
}
export type ProtocolReportService = ReturnType<typeof createProtocolReportService>;

/** The report as CSV: a month row (closed, without protocol), then one row per protocol. Per-nurse rates are not exported. */
export function protocolReportToCsv(report: ProtocolReport): string {
  const reasons = [...new Set(report.months.flatMap((m) => m.protocols.flatMap((p) => Object.keys(p.overrideReasons))))].sort();
  const header = [
    'month', 'protocol', 'task_codes', 'closed', 'without_protocol', 'assessed', 'downgrades', 'upgrades', 'downgrade_rate', 'upgrade_rate',
    'advice_outcomes', 'advice_recorded', 'advice_recorded_share', ...reasons.map((r) => `override_${r}`),
  ];
  const rows: string[][] = [header];
  for (const m of report.months) {
    rows.push([m.month, '', '', numberCell(m.closed), numberCell(m.withoutProtocol), ...header.slice(5).map(() => '')]);
    for (const p of m.protocols) {
      rows.push([
        m.month, textCell(p.protocolId), textCell(p.taskCodes.join(' ')), '', '',
        ...[p.assessed, p.downgrades, p.upgrades, p.downgradeRate, p.upgradeRate, p.adviceOutcomes, p.adviceRecorded, p.adviceRecordedShare].map(numberCell),
        // A suppressed protocol shows every count as "<N>", reasons it never had included.
        ...reasons.map((r) => numberCell(p.overrideReasons[r] ?? (typeof p.assessed === 'string' ? p.assessed : 0))),
      ]);
    }
  }
  return csvDocument(rows);
}

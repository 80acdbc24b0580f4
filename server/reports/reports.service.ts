import type { ReportsConfig } from '../config.ts';
import {
  FOLLOW_UP_COUNTS,
  OUTCOME_TYPES,
  type MonthlyReport,
  type MonthlyReportQuery,
  type OutcomeType,
  type ReportCounts,
  type ReportGroup,
  type ReportMonth,
  type SuppressibleCount,
} from '../contracts/reports.ts';
import { DISPATCH_REASONS, REDIRECT_TARGETS, UNIT_LEVELS } from '../contracts/tasks.ts';
import type { Db } from '../db/create-db.ts';
import { isAvoidedDispatch, REFERRAL_CLASSES, type ReferralClass } from '../tasks/avoided-dispatch.ts';
import { monthName } from '../time/helsinki.ts';
import { firstDay, ratio, reportMonths, suppressionMark } from './report-figures.ts';
import * as repo from './reports.repository.ts';


const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const has = <K extends string>(keys: readonly K[], value: string): value is K => (keys as readonly string[]).includes(value);

type Target = (typeof REDIRECT_TARGETS)[number];

/** What one month (of one group) adds up to, before it is shown. */
interface Tally {
  received: number;
  avoided: number;
  byOutcome: Record<OutcomeType, number>;
  redirectsByTarget: Record<(typeof REDIRECT_TARGETS)[number], number>;
  dispatchesByLevel: Record<(typeof UNIT_LEVELS)[number], number>;
  dispatchesByReason: Record<(typeof DISPATCH_REASONS)[number], number>;
  redirectsPending: number;
  redirectsRejected: number;
  /** Answered referrals of current redirects per target type. */
  referralsAccepted: Record<Target, number>;
  referralsRejected: Record<Target, number>;
  medianMinutesToAcceptance: Record<Target, number | null>;
  recontact24h: number;
  recontact72h: number;
  followUps: Record<(typeof FOLLOW_UP_COUNTS)[number], number>;
  medianMinutesToFirstCall: number | null;
}

function emptyTally(): Tally {
  return {
    received: 0,
    avoided: 0,
    byOutcome: zeros(OUTCOME_TYPES),
    redirectsByTarget: zeros(REDIRECT_TARGETS),
    dispatchesByLevel: zeros(UNIT_LEVELS),
    dispatchesByReason: zeros(DISPATCH_REASONS),
    redirectsPending: 0,
    redirectsRejected: 0,
    referralsAccepted: zeros(REDIRECT_TARGETS),
    referralsRejected: zeros(REDIRECT_TARGETS),
    medianMinutesToAcceptance: Object.fromEntries(REDIRECT_TARGETS.map((k) => [k, null])) as Record<Target, number | null>,
    recontact24h: 0,
    recontact72h: 0,
    followUps: zeros(FOLLOW_UP_COUNTS),
    medianMinutesToFirstCall: null,
  };
}

function addCounts(t: Tally, row: repo.CountRow): void {
  const n = row.tasks;
  t.received += n;
  if (row.outcome === 'open') return;
  if (has(OUTCOME_TYPES, row.outcome)) t.byOutcome[row.outcome] += n;
  if (has(REDIRECT_TARGETS, row.redirect_target)) t.redirectsByTarget[row.redirect_target] += n;
  if (has(UNIT_LEVELS, row.unit_level)) t.dispatchesByLevel[row.unit_level] += n;
  if (has(DISPATCH_REASONS, row.dispatch_reason)) t.dispatchesByReason[row.dispatch_reason] += n;
  const referral: ReferralClass = has(REFERRAL_CLASSES, row.referral) ? row.referral : '';
  if (referral === 'pending') t.redirectsPending += n;
  if (referral === 'rejected') t.redirectsRejected += n;
  if (has(REDIRECT_TARGETS, row.redirect_target)) {
    if (referral === 'accepted') t.referralsAccepted[row.redirect_target] += n;
    if (referral === 'rejected') t.referralsRejected[row.redirect_target] += n;
  }
  // An aggregate row with an outcome is a task whose current outcome is recorded (closed, or a
  // rejected redirect back for a decision, which is never avoided by the referral rule).
  if (!isAvoidedDispatch({ state: 'closed', outcomeType: row.outcome, referral })) return;
  t.avoided += n;
  // Re-contact is the safety counter-metric of avoided dispatches only.
  if (row.recontact === 24) t.recontact24h += n;
  if (row.recontact === 24 || row.recontact === 72) t.recontact72h += n;
}

/**
 * The shown counts of a tally. A suppressed (small) group shows every count as "<min" and its shares
 * and median as null: with so few tasks any of them could point at a person.
 */
function toCounts(t: Tally, suppressAs: string | null): ReportCounts {
  const closed = OUTCOME_TYPES.reduce((sum, type) => sum + t.byOutcome[type], 0);
  const decided = closed - t.byOutcome.cancelled;
  const c = (n: number): SuppressibleCount => suppressAs ?? n;
  const all = <K extends string>(record: Record<K, number>) =>
    Object.fromEntries(Object.entries<number>(record).map(([k, n]) => [k, c(n)])) as Record<K, SuppressibleCount>;
  return {
    received: c(t.received),
    closed: c(closed),
    avoided: c(t.avoided),
    avoidedShare: suppressAs ? null : ratio(t.avoided, decided),
    byOutcome: all(t.byOutcome),
    redirectsByTarget: all(t.redirectsByTarget),
    dispatchesByLevel: all(t.dispatchesByLevel),
    dispatchesByReason: all(t.dispatchesByReason),
    redirectsPending: c(t.redirectsPending),
    redirectsRejected: c(t.redirectsRejected),
    referralAcceptanceRateByTarget: Object.fromEntries(
      REDIRECT_TARGETS.map((k) => [k, suppressAs ? null : ratio(t.referralsAccepted[k], t.referralsAccepted[k] + t.referralsRejected[k])]),
    ) as Record<Target, number | null>,
    referralMedianMinutesToAcceptanceByTarget: Object.fromEntries(REDIRECT_TARGETS.map((k) => [k, suppressAs ? null : t.medianMinutesToAcceptance[k]])) as Record<Target, number | null>,
    cancelled: c(t.byOutcome.cancelled),
    recontact24h: c(t.recontact24h),
    recontact72h: c(t.recontact72h),
    recontact24hRate: suppressAs ? null : ratio(t.recontact24h, t.avoided),
    recontact72hRate: suppressAs ? null : ratio(t.recontact72h, t.avoided),
    followUps: all(t.followUps),
    medianMinutesToFirstCall: suppressAs ? null : t.medianMinutesToFirstCall,
  };
}

/** Tallies per "month key" of one dimension, from its count and wait aggregates. */
async function tallies(db: Db, dimension: repo.StatDimension, range: repo.MonthRange): Promise<Map<string, Tally>> {
  const [counts, medians, accepts, followUps] = await Promise.all([
    repo.monthlyCounts(db, dimension, range),
    repo.monthlyMedianWaits(db, dimension, range),
    repo.monthlyMedianAccepts(db, dimension, range),
    repo.monthlyFollowUpCounts(db, dimension, range),
  ]);
  const byId = new Map<string, Tally>();
  const tally = (month: string, key: string): Tally => {
    const id = `${month} ${key}`;
    let t = byId.get(id);
    if (!t) byId.set(id, (t = emptyTally()));
    return t;
  };
  for (const row of counts) addCounts(tally(row.month, row.key), row);
  for (const row of medians) tally(row.month, row.key).medianMinutesToFirstCall = row.median;
  for (const row of followUps) {
    const t = tally(row.month, row.key);
    for (const k of FOLLOW_UP_COUNTS) t.followUps[k] += row[k];
  }
  for (const row of accepts) if (has(REDIRECT_TARGETS, row.target)) tally(row.month, row.key).medianMinutesToAcceptance[row.target] = row.median;
  return byId;
}

export function createReportsService(db: Db, config: ReportsConfig) {
  const suppressed = suppressionMark(config.minGroupSize);
  const groupCounts = (t: Tally | undefined): ReportCounts => {
    const tally = t ?? emptyTally();
    return toCounts(tally, tally.received < config.minGroupSize ? suppressed : null);
  };

  return {
    /**
     * The monthly report from the aggregates (never from task rows; follow-up counts from the few follow-up rows): months by intake time in
     * Helsinki, optionally grouped and compared with the year before. Holds no task, number or text.
     */
    async monthly(query: MonthlyReportQuery): Promise<MonthlyReport> {
      const { first, last } = reportMonths(query);
      const compare = query.compare === 'previous_year';
      const range = { from: firstDay(compare ? first - 12 : first), to: firstDay(last + 1) };
      const [totals, groups, names] = await Promise.all([
        tallies(db, 'all', range),
        query.groupBy ? tallies(db, query.groupBy, range) : undefined,
        query.groupBy ? repo.groupNames(db, query.groupBy) : undefined,
      ]);

      const groupsOf = (month: number): ReportGroup[] => {
        if (!groups || !names) return [];
        const prefix = `${monthName(month)} `;
        const keys = [...groups.keys()].filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
        return keys
          .map((key) => ({
            key: names.get(key) ?? key,
            ...groupCounts(groups.get(prefix + key)),
            ...(compare ? { previousYear: groupCounts(groups.get(`${monthName(month - 12)} ${key}`)) } : {}),
          }))
          .sort((a, b) => a.key.localeCompare(b.key, 'fi'));
      };

      const months: ReportMonth[] = [];
      for (let m = first; m <= last; m++) {
        months.push({
          month: monthName(m),
          ...toCounts(totals.get(`${monthName(m)} `) ?? emptyTally(), null),
          ...(compare ? { previousYear: toCounts(totals.get(`${monthName(m - 12)} `) ?? emptyTally(), null) } : {}),
          ...(query.groupBy ? { groups: groupsOf(m) } : {}),
        });
      }
      return {
        from: query.from,
        to: query.to,
        groupBy: query.groupBy ?? null,
        minGroupSize: config.minGroupSize,
        generatedAt: new Date().toISOString(),
        months,
      };
    },
  };
}
export type ReportsService = ReturnType<typeof createReportsService>;

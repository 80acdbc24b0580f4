import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';
import type { ReportGroupBy } from '../contracts/reports.ts';

export type StatDimension = 'all' | ReportGroupBy;

/** Half-open range of month starts (Helsinki months): [from, to). */
export interface MonthRange {
  from: string;
  to: string;
}

export interface CountRow {
  month: string;
  key: string;
  outcome: string;
  redirect_target: string;
  unit_level: string;
  dispatch_reason: string;
  referral: string;
  recontact: number;
  tasks: number;
}

/**
 * Task counts per month, key and outcome detail, from the aggregate rows of one dimension plus the
 * delta rows the scheduler has not folded yet, in one statement: exact at every moment.
 */
export async function monthlyCounts(db: Executor, dimension: StatDimension, range: MonthRange): Promise<CountRow[]> {
  const { rows } = await sql<CountRow>`
    select to_char(month, 'YYYY-MM') as month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact, sum(tasks)::int as tasks
    from (
      select month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact, tasks from task_month_stat
      where dimension = ${dimension} and month >= ${range.from}::date and month < ${range.to}::date
      union all
      select month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact, tasks from task_month_stat_delta
      where dimension = ${dimension} and month >= ${range.from}::date and month < ${range.to}::date
    ) s
    group by month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact
    having sum(tasks) <> 0`.execute(db);
  return rows;
}

export interface FollowUpCountRow {
  month: string;
  key: string;
  scheduled: number;
  done: number;
  worse: number;
  unreachable: number;
  overdue: number;
}

/**
 * Follow-up calls per month (of their task's intake, in Helsinki) and key, counted from the
 * follow-up rows themselves: they are few (a share of advised tasks) and reached through the task
 * range, so no trigger-kept aggregate is needed.
 */
export async function monthlyFollowUpCounts(db: Executor, dimension: StatDimension, range: MonthRange): Promise<FollowUpCountRow[]> {
  const { rows } = await sql<FollowUpCountRow>`
    select to_char(task_helsinki_month(t.received_at), 'YYYY-MM') as month, k.key,
      count(*)::int as scheduled,
      (count(*) filter (where f.state in ('stable', 'worse', 'unreachable')))::int as done,
      (count(*) filter (where f.state = 'worse'))::int as worse,
      (count(*) filter (where f.state = 'unreachable'))::int as unreachable,
      (count(*) filter (where f.overdue_flagged_at is not null))::int as overdue
    from follow_up f
    join task t on t.id = f.task_id
    cross join lateral task_stat_keys(t) k
    where k.dimension = ${dimension}
      and t.received_at >= (${range.from}::timestamp at time zone 'Europe/Helsinki')
      and t.received_at < (${range.to}::timestamp at time zone 'Europe/Helsinki')
    group by 1, 2`.execute(db);
  return rows;
}

export interface MedianRow {
  month: string;
  key: string;
  /** The redirect target type (minutes to acceptance); '' for minutes to first call. */
  target: string;
  median: number;
}

/**
 * Medians per month and key (and target type) read off a minutes histogram of one dimension
 * (aggregate plus unfolded deltas, in one statement): the value at 0-based position p is the
 * smallest minute whose running total exceeds p; with an even count the mean of positions (n-1)/2
 * and n/2.
 */
async function histogramMedians(db: Executor, table: 'task_wait_stat' | 'task_accept_stat', dimension: StatDimension, range: MonthRange): Promise<MedianRow[]> {
  const target = table === 'task_accept_stat' ? sql`target` : sql`''`;
  const rows = (source: string) => sql`
    select month, key, ${target} as target, minutes, tasks from ${sql.table(source)}
    where dimension = ${dimension} and month >= ${range.from}::date and month < ${range.to}::date`;
  const { rows: medians } = await sql<MedianRow>`
    with c as (
      select month, key, target, minutes, sum(tasks)::integer as tasks
      from (${rows(table)} union all ${rows(`${table}_delta`)}) s
      group by month, key, target, minutes
      having sum(tasks) <> 0
    ),
    h as (
      select month, key, target, minutes,
        sum(tasks) over (partition by month, key, target order by minutes) as running,
        sum(tasks) over (partition by month, key, target) as total
      from c
    )
    select to_char(month, 'YYYY-MM') as month, key, target,
      ((min(minutes) filter (where running > (total - 1) / 2) + min(minutes) filter (where running > total / 2)) / 2.0)::float8 as median
    from h group by month, key, target`.execute(db);
  return medians;
}

/** Median whole minutes from intake to the first call. */
export const monthlyMedianWaits = (db: Executor, dimension: StatDimension, range: MonthRange) => histogramMedians(db, 'task_wait_stat', dimension, range);
/** Median whole minutes from referral to acceptance, per redirect target type. */
export const monthlyMedianAccepts = (db: Executor, dimension: StatDimension, range: MonthRange) => histogramMedians(db, 'task_accept_stat', dimension, range);

/** Display keys for aggregate keys: area and municipality names by id (task codes are their own key). */
export async function groupNames(db: Executor, dimension: ReportGroupBy): Promise<Map<string, string>> {
  if (dimension === 'task_code') return new Map();
  const rows = await db.selectFrom(dimension).select(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * Recomputes re-contact links and the aggregates from the tasks (see the reports migration); the
 * delta tables are left empty.
 */
export async function rebuildReportAggregates(db: Executor): Promise<void> {
  await sql`select task_stats_rebuild()`.execute(db);
}

/**
 * Moves the committed delta rows into the aggregate tables (see the task_stat_deltas migration);
 * returns how many delta rows it folded. Readers are exact before and after.
 */
export async function foldReportDeltas(db: Executor): Promise<number> {
  const { rows } = await sql<{ folded: number }>`select task_stats_fold() as folded`.execute(db);
  return rows[0]?.folded ?? 0;
}

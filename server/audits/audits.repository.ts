import { sql, type RawBuilder, type UpdateObject } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';
import type { AuditListQuery, AuditReason } from '../contracts/audits.ts';
import type { Database } from '../db/create-db.ts';

/**
 * Tasks that can be reviewed, as `t` with their reviewed nurse: closed by a user's decision (not
 * cancelled by the ERC, not imported history). The nurse is who recorded the task's first outcome;
 * amendments (a shift leader's, say) do not change whose call it was.
 */
const REVIEWABLE = sql`task t
  join task_outcome first on first.task_id = t.id and first.amends_id is null
  join app_user nurse on nurse.id = first.recorded_by_id
  where t.state = 'closed' and t.outcome_type <> 'cancelled' and t.source <> 'import'`;

/** The first instant of a Helsinki month ('YYYY-MM-01' date) in SQL. */
const monthStart = (month: string) => sql`(${month}::date::timestamp at time zone 'Europe/Helsinki')`;
const monthEnd = (month: string) => sql`((${month}::date + interval '1 month')::timestamp at time zone 'Europe/Helsinki')`;

export interface QueuedReview {
  id: string;
  task_id: string;
  nurse_id: string;
  reasons: string[];
  state: string;
  version: number;
}

/**
 * Adds every reviewable task received within `lookbackDays` that meets `condition` (SQL over `t`)
 * with `reason`, once: a task already queued only gains the reason, and the UNIQUE task_id with the
 * conditional upsert makes concurrent runs (two nodes, a person asking at the same moment) add each
 * task exactly once. Returns the reviews added or changed.
 */
export async function queueTriggered(db: Executor, reason: AuditReason, condition: RawBuilder<boolean>, lookbackDays: number): Promise<QueuedReview[]> {
  const { rows } = await sql<QueuedReview>`
    insert into audit_review as r (task_id, nurse_id, month, reasons)
    select t.id, first.recorded_by_id, task_helsinki_month(t.received_at), array[${reason}]::text[]
    from ${REVIEWABLE}
      and t.received_at >= now() - make_interval(days => ${lookbackDays})
      and (${condition})
      and not exists (select 1 from audit_review q where q.task_id = t.id and ${reason} = any(q.reasons))
    on conflict (task_id) do update set reasons = r.reasons || excluded.reasons, updated_at = now()
      where not (excluded.reasons <@ r.reasons)
    returning r.id, r.task_id, r.nurse_id, r.reasons, r.state, r.version`.execute(db);
  return rows;
}

/** Reviewable tasks of a Helsinki month ('YYYY-MM'), with their nurse: the candidates of the sample. */
export async function sampleCandidates(db: Executor, month: string): Promise<{ taskId: string; nurseId: string }[]> {
  const first = `${month}-01`;
  const { rows } = await sql<{ taskId: string; nurseId: string }>`
    select t.id as "taskId", first.recorded_by_id as "nurseId"
    from ${REVIEWABLE}
      and t.received_at >= ${monthStart(first)} and t.received_at < ${monthEnd(first)}`.execute(db);
  return rows;
}

/** Claims the month's draw; undefined when it was drawn before (by anyone, on any node). */
export function beginSampleRun(db: Executor, run: { month: string; rate: number; minimum: number; drawnBy: string }) {
  return db
    .insertInto('audit_sample_run')
    .values({ month: `${run.month}-01`, rate: run.rate, minimum: run.minimum, drawn_by: run.drawnBy })
    .onConflict((oc) => oc.column('month').doNothing())
    .returning('month')
    .executeTakeFirst();
}

export async function finishSampleRun(db: Executor, month: string, tasks: number): Promise<void> {
  await db.updateTable('audit_sample_run').set({ tasks }).where('month', '=', sql<Date>`${`${month}-01`}::date`).execute();
}

/** Queues the drawn tasks with the reason random_sample (a task already queued gains the reason). */
export async function queueSampled(db: Executor, month: string, drawn: readonly { taskId: string; nurseId: string }[]): Promise<QueuedReview[]> {
  const queued: QueuedReview[] = [];
  for (let i = 0; i < drawn.length; i += 1000) {
    const rows = await db
      .insertInto('audit_review')
      .values(drawn.slice(i, i + 1000).map((d) => ({ task_id: d.taskId, nurse_id: d.nurseId, month: `${month}-01`, reasons: sql<string[]>`array['random_sample']::text[]` })))
      .onConflict((oc) =>
        oc
          .column('task_id')
          .doUpdateSet({ reasons: sql<string[]>`audit_review.reasons || excluded.reasons`, updated_at: sql<Date>`now()` })
          .where(sql<boolean>`not (excluded.reasons <@ audit_review.reasons)`),
      )
      .returning(['id', 'task_id', 'nurse_id', 'reasons', 'state', 'version'])
      .execute();
    queued.push(...rows);
  }
  return queued;
}

/**
 * Paces the trigger scan across nodes: true for the one caller that finds the last scan at least
 * `minutes` old, and records this one.
 */
export async function takeScanTurn(db: Executor, minutes: number): Promise<boolean> {
  const row = await db
    .updateTable('audit_scan_state')
    .set({ last_scan_at: sql<Date>`now()` })
    .where((eb) => eb.or([eb('last_scan_at', 'is', null), eb('last_scan_at', '<=', sql<Date>`now() - make_interval(mins => ${minutes})`)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

function selectReviews(db: Executor) {
  return db
    .selectFrom('audit_review as r')
    .innerJoin('task as t', 't.id', 'r.task_id')
    .innerJoin('app_user as nurse', 'nurse.id', 'r.nurse_id')
    .leftJoin('app_user as reviewer', 'reviewer.id', 'r.reviewer_id')
    .selectAll('r')
    .select(['t.erc_task_id', 't.task_code', 't.received_at', 'nurse.display_name as nurse_name', 'reviewer.display_name as reviewer_name'])
    .select(sql<string>`to_char(r.month, 'YYYY-MM')`.as('year_month'));
}
export type ReviewRow = Awaited<ReturnType<ReturnType<typeof selectReviews>['executeTakeFirstOrThrow']>>;

/** Reviews by filter; `nurseId` restricts to one nurse's reviews that have a result. */
export function listReviews(db: Executor, q: AuditListQuery & { nurseId?: string }) {
  let query = selectReviews(db).orderBy('t.received_at', 'desc').orderBy('r.id').limit(q.limit);
  if (q.month) query = query.where('r.month', '=', sql<Date>`${`${q.month}-01`}::date`);
  if (q.state === 'queued') query = query.where('r.state', 'in', ['queued', 'in_review']);
  if (q.state === 'done' || q.nurseId) query = query.where('r.state', 'in', ['submitted', 'acknowledged']);
  if (q.nurseId) query = query.where('r.nurse_id', '=', q.nurseId);
  return query.execute();
}

export function findReview(db: Executor, id: string) {
  return selectReviews(db).where('r.id', '=', id).executeTakeFirst();
}

export function lockReview(db: Executor, id: string) {
  return db.selectFrom('audit_review').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}
export type LockedReview = NonNullable<Awaited<ReturnType<typeof lockReview>>>;

/**
 * Claims a queued review unless the reviewer handled the task (recorded an outcome or a call on
 * it): settled in one conditional update, so of concurrent claims exactly one wins.
 */
export function claimReview(db: Executor, id: string, reviewerId: string) {
  return db
    .updateTable('audit_review as r')
    .set({ state: 'in_review', reviewer_id: reviewerId, claimed_at: sql<Date>`now()`, version: sql<number>`r.version + 1`, updated_at: sql<Date>`now()` })
    .where('r.id', '=', id)
    .where('r.state', '=', 'queued')
    .where(sql<boolean>`not ${handledBy(sql`r.task_id`, reviewerId)}`)
    .returning(['r.id', 'r.version'])
    .executeTakeFirst();
}

/** SQL: the user handled the task (its reviewed nurse, or recorded an outcome or a call on it). */
function handledBy(taskId: RawBuilder<unknown>, userId: string): RawBuilder<boolean> {
  return sql<boolean>`(exists (select 1 from task_outcome o where o.task_id = ${taskId} and o.recorded_by_id = ${userId})
    or exists (select 1 from task_call_attempt a where a.task_id = ${taskId} and a.attempted_by = ${userId}))`;
}

export async function userHandledTask(db: Executor, taskId: string, userId: string): Promise<boolean> {
  const { rows } = await sql<{ handled: boolean }>`select ${handledBy(sql`${taskId}::uuid`, userId)} as handled`.execute(db);
  return rows[0]?.handled === true;
}

export function updateReview(db: Executor, id: string, changes: UpdateObject<Database, 'audit_review'>) {
  return db
    .updateTable('audit_review')
    .set({ ...changes, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returning(['id', 'version', 'state'])
    .executeTakeFirstOrThrow();
}

export function insertSubmission(
  db: Executor,
  s: { reviewId: string; form: object; compliance: string; critical: boolean; byId: string; byName: string; amendsId: string | null; amendmentReason: string | null },
) {
  return db
    .insertInto('audit_submission')
    .values({
      review_id: s.reviewId,
      form: JSON.stringify(s.form),
      compliance: s.compliance,
      critical: s.critical,
      submitted_by_id: s.byId,
      submitted_by_name: s.byName,
      amends_id: s.amendsId,
      amendment_reason: s.amendmentReason,
    })
    .returning(['id', 'submitted_at'])
    .executeTakeFirstOrThrow();
}

export function listSubmissions(db: Executor, reviewId: string) {
  return db.selectFrom('audit_submission').selectAll().where('review_id', '=', reviewId).orderBy('submitted_at').orderBy('id').execute();
}

export function insertNotification(db: Executor, reviewId: string, submissionId: string) {
  return db.insertInto('audit_notification').values({ review_id: reviewId, submission_id: submissionId }).returning('id').executeTakeFirstOrThrow();
}

export function listNotifications(db: Executor, limit: number) {
  return db
    .selectFrom('audit_notification as n')
    .innerJoin('audit_submission as s', 's.id', 'n.submission_id')
    .innerJoin('audit_review as r', 'r.id', 'n.review_id')
    .innerJoin('task as t', 't.id', 'r.task_id')
    .innerJoin('app_user as nurse', 'nurse.id', 'r.nurse_id')
    .select(['n.id', 'n.review_id', 'n.created_at', 's.form', 's.submitted_by_name', 't.erc_task_id', 'r.nurse_id', 'nurse.display_name as nurse_name'])
    .orderBy('n.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Later tasks from the same callback number within 72 h of the task's receivedAt (no numbers read). */
export function listRecontacts(db: Executor, taskId: string) {
  return db
    .selectFrom('task as t')
    .innerJoin('task as l', (j) =>
      j
        .onRef('l.callback_phone_hash', '=', 't.callback_phone_hash')
        .on(sql<boolean>`l.received_at > t.received_at and l.received_at <= t.received_at + interval '72 hours'`),
    )
    .select(['l.erc_task_id', 'l.received_at', 'l.task_code', 'l.outcome_type', sql<number>`extract(epoch from l.received_at - t.received_at) / 3600`.as('hours_after')])
    .where('t.id', '=', taskId)
    .orderBy('l.received_at')
    .execute();
}

export interface ReportRow {
  month: string;
  group_key: string;
  group_label: string;
  state: string;
  compliance: string | null;
  recontact_reason: string | null;
  triggered: boolean;
  form: unknown;
}

/**
 * One row per review of the months (with its current result's form), for the report to count.
 * Reviews are a few hundred a month, so they are counted in the service, not aggregated by triggers.
 */
export async function reportRows(db: Executor, from: string, to: string, groupBy: 'nurse' | 'protocol' | null): Promise<ReportRow[]> {
  const group =
    groupBy === 'nurse'
      ? sql`r.nurse_id::text as group_key, nurse.display_name as group_label`
      : groupBy === 'protocol'
        ? sql`coalesce(t.protocol_id, 'none') as group_key, coalesce(t.protocol_id, 'none') as group_label`
        : sql`'' as group_key, '' as group_label`;
  const { rows } = await sql<ReportRow>`
    select to_char(r.month, 'YYYY-MM') as month, ${group}, r.state, r.compliance, r.recontact_reason,
      exists (select 1 from unnest(r.reasons) x where x <> 'random_sample') as triggered, s.form
    from audit_review r
    join task t on t.id = r.task_id
    join app_user nurse on nurse.id = r.nurse_id
    left join audit_submission s on s.id = r.current_submission_id
    where r.month >= ${`${from}-01`}::date and r.month <= ${`${to}-01`}::date`.execute(db);
  return rows;
}

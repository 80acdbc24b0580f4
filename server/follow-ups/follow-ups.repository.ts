import { sql, type UpdateObject } from 'kysely';
import type { Database } from '../db/create-db.ts';
import type { Executor } from '../audit/audit.repository.ts';
import { hasLiveSessionSql } from '../claims/claims.repository.ts';
import { OPEN_FOLLOW_UP_STATES, type FollowUpState } from '../contracts/follow-ups.ts';

/** Follow-up rows joined with the names the queue shows. */
function selectFollowUps(db: Executor) {
  return db
    .selectFrom('follow_up')
    .innerJoin('task', 'task.id', 'follow_up.task_id')
    .innerJoin('task_outcome', 'task_outcome.id', 'follow_up.outcome_id')
    .innerJoin('municipality', 'municipality.id', 'task.municipality_id')
    .innerJoin('area', 'area.id', 'task.area_id')
    .leftJoin('task_code', 'task_code.code', 'task.task_code')
    .leftJoin('app_user as holder', 'holder.id', 'follow_up.claimed_by')
    .leftJoin('app_user as owner', 'owner.id', 'follow_up.owner_id')
    .selectAll('follow_up')
    .select([
      'task.erc_task_id',
      'task.task_code',
      'task.area_id',
      'task_outcome.type as outcome_type',
      'municipality.name as municipality_name',
      'area.name as area_name',
      'task_code.name_fi as code_name_fi',
      'task_code.name_sv as code_name_sv',
      'task_code.name_en as code_name_en',
      'holder.display_name as holder_name',
      'owner.display_name as owner_name',
    ]);
}
export type FollowUpSummaryRow = Awaited<ReturnType<ReturnType<typeof selectFollowUps>['executeTakeFirstOrThrow']>>;

export function findFollowUpSummary(db: Executor, id: string) {
  return selectFollowUps(db).where('follow_up.id', '=', id).executeTakeFirst();
}

/** The queue view: by due time, earliest first (overdue ones are simply the earliest). */
export function listFollowUps(db: Executor, filter: { states: readonly FollowUpState[]; taskId?: string; limit: number }) {
  let query = selectFollowUps(db).where('follow_up.state', 'in', filter.states).orderBy('follow_up.due_at').orderBy('follow_up.id').limit(filter.limit);
  if (filter.taskId) query = query.where('follow_up.task_id', '=', filter.taskId);
  return query.execute();
}

export function insertFollowUp(
  db: Executor,
  row: { taskId: string; outcomeId: string; dueAt: Date; check: string; ownerId: string | null; scheduledById: string; scheduledByName: string },
) {
  return db
    .insertInto('follow_up')
    .values({
      task_id: row.taskId,
      outcome_id: row.outcomeId,
      due_at: row.dueAt,
      check_text: row.check,
      owner_id: row.ownerId,
      scheduled_by_id: row.scheduledById,
      scheduled_by_name: row.scheduledByName,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

export function lockFollowUp(db: Executor, id: string) {
  return db.selectFrom('follow_up').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}
export type FollowUpRow = NonNullable<Awaited<ReturnType<typeof lockFollowUp>>>;

/** The task a follow-up belongs to, without locking anything (so the task can be locked first). */
export async function findFollowUpTaskId(db: Executor, id: string): Promise<string | undefined> {
  return (await db.selectFrom('follow_up').select('task_id').where('id', '=', id).executeTakeFirst())?.task_id;
}

/**
 * Claims a scheduled follow-up that is due (within `earlyMinutes`) and is the shared queue's or the
 * user's own: succeeds for exactly one caller whatever the concurrency; undefined: it was not so.
 */
export function claimFollowUp(db: Executor, id: string, userId: string, earlyMinutes: number) {
  return db
    .updateTable('follow_up')
    .set({
      state: 'in_call',
      claimed_by: userId,
      claimed_at: sql<Date>`now()`,
      heartbeat_at: sql<Date>`now()`,
      stale_flagged_at: null,
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('state', '=', 'scheduled')
    .where(sql<boolean>`due_at - make_interval(mins => ${earlyMinutes}) <= now()`)
    .where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', userId)]))
    .returning(['id', 'task_id'])
    .executeTakeFirst();
}

/** Applies a change and moves the version on; call with the row locked or the condition in `where`. */
export function updateFollowUp(db: Executor, id: string, changes: UpdateObject<Database, 'follow_up'>) {
  return db
    .updateTable('follow_up')
    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .returning(['id', 'version', 'state', 'task_id'])
    .executeTakeFirstOrThrow();
}

/** Marks the holder's client alive and clears a stale flag; the version stays (not an edit). */
export function touchFollowUpHeartbeat(db: Executor, id: string) {
  return db
    .updateTable('follow_up')
    .set({ heartbeat_at: sql<Date>`now()`, stale_flagged_at: null })
    .where('id', '=', id)
    .returning(['heartbeat_at', 'version'])
    .executeTakeFirstOrThrow();
}

export function insertFollowUpCallAttempt(db: Executor, attempt: { followUpId: string; result: string; userId: string }) {
  return db.insertInto('follow_up_call_attempt').values({ follow_up_id: attempt.followUpId, result: attempt.result, attempted_by: attempt.userId }).execute();
}

export function listFollowUpCallAttempts(db: Executor, id: string) {
  return db
    .selectFrom('follow_up_call_attempt')
    .innerJoin('app_user', 'app_user.id', 'follow_up_call_attempt.attempted_by')
    .select(['follow_up_call_attempt.result', 'follow_up_call_attempt.attempted_at', 'app_user.display_name'])
    .where('follow_up_id', '=', id)
    .orderBy('attempted_at')
    .execute();
}

/** Appends to the result history (append-only: a trigger refuses updates and deletes). */
export function insertFollowUpResult(db: Executor, row: { followUpId: string; result: string; note: string | null; byId: string | null; byName: string }) {
  return db
    .insertInto('follow_up_result')
    .values({ follow_up_id: row.followUpId, result: row.result, note: row.note, recorded_by_id: row.byId, recorded_by_name: row.byName })
    .execute();
}

export function listFollowUpResults(db: Executor, id: string) {
  return db.selectFrom('follow_up_result').selectAll().where('follow_up_id', '=', id).orderBy('recorded_at').orderBy('id').execute();
}

/** Locks the task's open follow-ups (the task row is locked first by the caller), in id order. */
export function lockOpenFollowUpsOfTask(db: Executor, taskId: string) {
  return db
    .selectFrom('follow_up')
    .select(['id', 'claimed_by'])
    .where('task_id', '=', taskId)
    .where('state', 'in', OPEN_FOLLOW_UP_STATES)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/**
 * Puts back every follow-up called by these users who no longer have a live session, as session
 * ends do for tasks. The caller holds their claimant locks. Returns each with who held it.
 */
export async function returnFollowUpsOfGoneHolders(db: Executor, userIds: readonly string[], idleMinutes: number) {
  if (userIds.length === 0) return [];
  return db
    .updateTable('follow_up')
    .set({ state: 'scheduled', claimed_by: null, claimed_at: null, heartbeat_at: null, stale_flagged_at: null, version: sql`version + 1`, updated_at: sql`now()` })
    .from(
      db
        .selectFrom('follow_up as f')
        .select(['f.id as gone_id', 'f.claimed_by as gone_holder'])
        .where('f.state', '=', 'in_call')
        .where('f.claimed_by', 'in', userIds)
        .where(sql<boolean>`not ${hasLiveSessionSql('f.claimed_by', idleMinutes)}`)
        .orderBy('f.id')
        .forUpdate()
        .as('gone'),
    )
    .whereRef('follow_up.id', '=', 'gone.gone_id')
    .where('follow_up.state', '=', 'in_call')
    .returning(['follow_up.id', 'follow_up.task_id', 'gone.gone_holder'])
    .execute();
}

/**
 * Scheduled follow-ups still not called `overdueMinutes` after they were due: flagged once. The
 * conditional update is the whole guarantee, on one node or many.
 */
export function flagOverdueFollowUps(db: Executor, overdueMinutes: number) {
  // Rows are locked in id order (as an amendment cancelling a task's follow-ups does), skipping any
  // a command holds now: two follow-ups of one task never deadlock, and a skipped one is flagged next tick.
  const overdue = db
    .selectFrom('follow_up')
    .select('id')
    .where('state', '=', 'scheduled')
    .where('overdue_flagged_at', 'is', null)
    .where(sql<boolean>`due_at + make_interval(mins => ${overdueMinutes}) <= now()`)
    .orderBy('id')
    .forUpdate()
    .skipLocked();
  return db
    .updateTable('follow_up')
    .set({ overdue_flagged_at: sql`now()`, updated_at: sql`now()` })
    .where('id', 'in', overdue)
    .where('state', '=', 'scheduled')
    .where('overdue_flagged_at', 'is', null)
    .returning(['id', 'task_id', 'due_at'])
    .execute();
}

/**
 * Follow-up calls whose caller's client went silent for `staleSeconds`: flagged once (a heartbeat
 * clears the flag), in id order and skipping rows a command holds, like the overdue rule.
 */
export function flagStaleFollowUpClaims(db: Executor, staleSeconds: number) {
  const stale = db
    .selectFrom('follow_up')
    .select('id')
    .where('state', '=', 'in_call')
    .where('stale_flagged_at', 'is', null)
    .where(sql<boolean>`heartbeat_at < now() - make_interval(secs => ${staleSeconds})`)
    .orderBy('id')
    .forUpdate()
    .skipLocked();
  return db
    .updateTable('follow_up')
    .set({ stale_flagged_at: sql`now()`, updated_at: sql`now()` })
    .where('id', 'in', stale)
    .where('state', '=', 'in_call')
    .returning(['id', 'task_id', 'claimed_by'])
    .execute();
}

/** Whether `taskId`'s current outcome is this one and it is advice or a redirect (what a follow-up checks on). */
export function findFollowableOutcome(db: Executor, taskId: string) {
  return db
    .selectFrom('task')
    .innerJoin('task_outcome', 'task_outcome.id', 'task.current_outcome_id')
    .select(['task_outcome.id', 'task_outcome.type'])
    .where('task.id', '=', taskId)
    .executeTakeFirst();
}

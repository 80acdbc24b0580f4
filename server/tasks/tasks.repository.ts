import { sql, type UpdateObject } from 'kysely';
import type { Database } from '../db/create-db.ts';
import type { Executor } from '../audit/audit.repository.ts';
import type { TaskState } from '../contracts/tasks.ts';
import type { OutcomeDecision } from '../protocols/decision.ts';
import type { LifecycleConfig } from '../config.ts';
import { queueTimeSql } from './response-target.ts';

/**
 * The queue order, for the list and for "next" alike: escalated tasks and tasks back for a new
 * decision (a rejected or unanswered referral) first, then by the time the next call is due
 * (call-backs) or the task arrived (new tasks; a C-task as if it had arrived earlier by the
 * difference of the response limits, see queueTimeSql), oldest first.
 */
function queueOrder(config: LifecycleConfig) {
  return sql`(task.escalated_at is null and task.decision_required_at is null), ${queueTimeSql(config)}`;
}

/** Task rows joined with the names the queue shows. */
export function selectTaskSummaries(db: Executor) {
  return db
    .selectFrom('task')
    .innerJoin('municipality', 'municipality.id', 'task.municipality_id')
    .innerJoin('area', 'area.id', 'task.area_id')
    .leftJoin('task_code', 'task_code.code', 'task.task_code')
    .leftJoin('app_user as holder', 'holder.id', 'task.claimed_by')
    .selectAll('task')
    .select([
      'municipality.name as municipality_name',
      'area.name as area_name',
      'task_code.name_fi as code_name_fi',
      'task_code.name_sv as code_name_sv',
      'task_code.name_en as code_name_en',
      'holder.display_name as holder_name',
    ]);
}

export type TaskSummaryRow = Awaited<ReturnType<ReturnType<typeof selectTaskSummaries>['executeTakeFirstOrThrow']>>;

export function findTaskSummary(db: Executor, id: string) {
  return selectTaskSummaries(db).where('task.id', '=', id).executeTakeFirst();
}

export function listTaskSummaries(
  db: Executor,
  filter: { states: readonly TaskState[]; areaId?: string; referralState?: string; limit: number },
  config: LifecycleConfig,
) {
  let query = selectTaskSummaries(db)
    .where('task.state', 'in', filter.states)
    .orderBy(filter.states.every((st) => st === 'closed') ? sql`task.closed_at desc` : queueOrder(config))
    .orderBy('task.received_at')
    .limit(filter.limit);
  if (filter.areaId) query = query.where('task.area_id', '=', filter.areaId);
  if (filter.referralState) query = query.where('task.referral_state', '=', filter.referralState);
  return query.execute();
}

/** How many tasks are in each state under the same filter as the list, however many the list shows. */
export function countTasksByState(db: Executor, filter: { states: readonly TaskState[]; areaId?: string; referralState?: string }) {
  let query = db
    .selectFrom('task')
    .select(['state', sql<number>`count(*)::int`.as('count')])
    .where('state', 'in', filter.states)
    .groupBy('state');
  if (filter.areaId) query = query.where('area_id', '=', filter.areaId);
  if (filter.referralState) query = query.where('referral_state', '=', filter.referralState);
  return query.execute();
}

export function findMunicipalityByName(db: Executor, name: string) {
  return db
    .selectFrom('municipality')
    .innerJoin('area', 'area.id', 'municipality.area_id')
    .select(['municipality.id', 'municipality.area_id'])
    .where(sql<boolean>`lower(municipality.name) = lower(${name})`)
    .where('municipality.active', '=', true)
    .where('area.active', '=', true)
    .executeTakeFirst();
}

export async function isKnownTaskCode(db: Executor, code: string): Promise<boolean> {
  const row = await db.selectFrom('task_code').select('code').where('code', '=', code).where('active', '=', true).executeTakeFirst();
  return row !== undefined;
}

export function findTaskByErcId(db: Executor, ercTaskId: string) {
  return db.selectFrom('task').selectAll().where('erc_task_id', '=', ercTaskId).executeTakeFirst();
}

export function lockTask(db: Executor, id: string) {
  return db.selectFrom('task').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export type TaskRow = NonNullable<Awaited<ReturnType<typeof lockTask>>>;

/** What a claim writes: the holder, a fresh heartbeat, and a new version. */
function claimChanges(userId: string) {
  return {
    state: 'in_assessment',
    claimed_by: userId,
    claimed_at: sql<Date>`now()`,
    heartbeat_at: sql<Date>`now()`,
    stale_flagged_at: null,
    version: sql<number>`version + 1`,
    updated_at: sql<Date>`now()`,
  };
}

/**
 * Claims a waiting task for a user: succeeds for exactly one caller, whatever the concurrency;
 * undefined means the task was not waiting.
 */
export function claimTask(db: Executor, id: string, userId: string) {
  return db
    .updateTable('task')
    .set(claimChanges(userId))
    .where('id', '=', id)
    .where('state', 'in', ['queued', 'callback_pending'])
    .returning(['id', 'version', 'state'])
    .executeTakeFirst();
}

/** Claims the top of the queue; SKIP LOCKED gives concurrent callers different tasks. */
export function claimNextTask(db: Executor, userId: string, areaId: string | undefined, config: LifecycleConfig) {
  let next = db
    .selectFrom('task')
    .select('id')
    .where('state', 'in', ['queued', 'callback_pending'])
    .orderBy(queueOrder(config))
    .orderBy('received_at')
    .limit(1)
    .forUpdate()
    .skipLocked();
  if (areaId) next = next.where('area_id', '=', areaId);
  return db
    .updateTable('task')
    .set(claimChanges(userId))
    .where('id', '=', (eb) => eb.selectFrom(next.as('n')).select('n.id'))
    .where('state', 'in', ['queued', 'callback_pending'])
    .returning(['id', 'version', 'state'])
    .executeTakeFirst();
}

/**
 * Locks the user's row for the rest of the transaction (FOR NO KEY UPDATE: rows referring to the user
 * may still be written), so one user's claims take turns and "holds at most one task" is checked on
 * settled state.
 */
export function lockClaimant(db: Executor, userId: string) {
  return db.selectFrom('app_user').select('id').where('id', '=', userId).forNoKeyUpdate().executeTakeFirst();
}

/** Whether the session still exists: a claim that waited on a session end must not outlive it. */
export async function sessionExists(db: Executor, sessionId: string): Promise<boolean> {
  return (await db.selectFrom('user_session').select('id').where('id', '=', sessionId).executeTakeFirst()) !== undefined;
}

/** A task the user holds, other than `exceptId`, if any. */
export function findHeldTask(db: Executor, userId: string, exceptId?: string) {
  let query = db.selectFrom('task').select(['id', 'erc_task_id']).where('claimed_by', '=', userId).where('state', '=', 'in_assessment');
  if (exceptId) query = query.where('id', '!=', exceptId);
  return query.orderBy('claimed_at').limit(1).executeTakeFirst();
}

/**
 * Puts back in the queue every task held by these users who no longer have a live session (one
 * ended by logout, idle time or deactivation), as a call-back when one is due. The assessment draft
 * stays on the task for whoever takes it next. Returns each task with the user who held it.
 */
export async function returnTasksOfGoneHolders(db: Executor, userIds: readonly string[], idleMinutes: number) {
  if (userIds.length === 0) return [];
  const held = await db
    .selectFrom('task')
    .select(['id', 'claimed_by'])
    .where('state', '=', 'in_assessment')
    .where('claimed_by', 'in', userIds)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('user_session')
            .select('user_session.id')
            .whereRef('user_session.user_id', '=', 'task.claimed_by')
            .where('user_session.last_seen_at', '>', sql<Date>`now() - make_interval(mins => ${idleMinutes})`),
        ),
      ),
    )
    .orderBy('id')
    .forUpdate()
    .execute();
  const returned = [];
  for (const task of held) {
    const row = await db
      .updateTable('task')
      .set({
        state: sql`case when callback_due_at is null then 'queued' else 'callback_pending' end`,
        claimed_by: null,
        claimed_at: null,
        heartbeat_at: null,
        stale_flagged_at: null,
        version: sql`version + 1`,
        updated_at: sql`now()`,
      })
      .where('id', '=', task.id)
      .where('state', '=', 'in_assessment')
      .returning(['id', 'version', 'state'])
      .executeTakeFirst();
    if (row && task.claimed_by) returned.push({ task: row, from: task.claimed_by });
  }
  return returned;
}

/** Applies a change and moves the version on; call with the row locked or the condition in `where`. */
export function updateTask(db: Executor, id: string, changes: UpdateObject<Database, 'task'>) {
  return db
    .updateTable('task')
    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .returning(['id', 'version', 'state'])
    .executeTakeFirstOrThrow();
}

/** Marks the holder's client alive and clears a stale flag; the version stays (not an edit). */
export function touchHeartbeat(db: Executor, id: string) {
  return db
    .updateTable('task')
    .set({ heartbeat_at: sql<Date>`now()`, stale_flagged_at: null })
    .where('id', '=', id)
    .returning(['id', 'version', 'state', 'heartbeat_at'])
    .executeTakeFirstOrThrow();
}

/** The fields an event needs, for changes that do not touch the task row itself. */
export function findTaskHead(db: Executor, id: string) {
  return db.selectFrom('task').select(['id', 'version', 'state']).where('id', '=', id).executeTakeFirstOrThrow();
}

export function insertCallAttempt(db: Executor, attempt: { taskId: string; result: string; userId: string }) {
  return db.insertInto('task_call_attempt').values({ task_id: attempt.taskId, result: attempt.result, attempted_by: attempt.userId }).execute();
}

export function listCallAttempts(db: Executor, taskId: string) {
  return db
    .selectFrom('task_call_attempt')
    .innerJoin('app_user', 'app_user.id', 'task_call_attempt.attempted_by')
    .select(['task_call_attempt.result', 'task_call_attempt.attempted_at', 'app_user.display_name'])
    .where('task_id', '=', taskId)
    .orderBy('attempted_at')
    .execute();
}

export function insertOutcome(
  db: Executor,
  outcome: {
    taskId: string;
    type: string;
    details: object;
    recordedById: string | null;
    recordedByName: string;
    amendsId?: string;
    amendmentReason?: string;
    decision?: OutcomeDecision | null;
  },
) {
  const decision = outcome.decision;
  return db
    .insertInto('task_outcome')
    .values({
      task_id: outcome.taskId,
      type: outcome.type,
      details: JSON.stringify(outcome.details),
      recorded_by_id: outcome.recordedById,
      recorded_by_name: outcome.recordedByName,
      amends_id: outcome.amendsId ?? null,
      amendment_reason: outcome.amendmentReason ?? null,
      ...(decision
        ? {
            protocol_id: decision.protocolId,
            protocol_version: decision.protocolVersion,
            recommended_disposition: decision.recommended,
            chosen_disposition: decision.chosen,
            override_reason: decision.overrideReason,
            advice_id: decision.adviceId,
            advice_language: decision.adviceLanguage,
          }
        : {}),
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

export function listOutcomes(db: Executor, taskId: string) {
  return db.selectFrom('task_outcome').selectAll().where('task_id', '=', taskId).orderBy('recorded_at').orderBy('id').execute();
}

export function findOutcome(db: Executor, id: string) {
  return db.selectFrom('task_outcome').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Display names of these accounts (active or not: history keeps naming who acted). */
export async function displayNames(db: Executor, usernames: readonly string[]): Promise<Map<string, string>> {
  if (usernames.length === 0) return new Map();
  const rows = await db.selectFrom('app_user').select(['username', 'display_name']).where('username', 'in', usernames).execute();
  return new Map(rows.map((r) => [r.username, r.display_name]));
}

export function findActiveUser(db: Executor, id: string) {
  return db.selectFrom('app_user').select(['id', 'role', 'display_name']).where('id', '=', id).where('active', '=', true).executeTakeFirst();
}

export async function activeRedFlagIds(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('red_flag').select('id').where('active', '=', true).execute();
  return new Set(rows.map((r) => r.id));
}

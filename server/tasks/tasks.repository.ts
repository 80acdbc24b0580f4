import { sql, type InsertQueryBuilder, type QueryCreator, type Selectable, type UpdateObject, type UpdateQueryBuilder } from 'kysely';
import type { Database } from '../db/create-db.ts';
import { constantExpressionSql, prepared, type PreparedStatement, type Slots } from '../db/prepared.ts';
import type { Executor } from '../audit/audit.repository.ts';
import { hasLiveSessionSql } from '../claims/claims.repository.ts';
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

// What a summary shows (toTaskSummary), and the intake's content hash (a resend is compared on it).
const SUMMARY_COLUMNS = [
  'task.id', 'task.erc_task_id', 'task.state', 'task.version', 'task.source', 'task.received_at', 'task.urgency', 'task.task_code', 'task.task_label',
  'task.task_code_known', 'task.area_id', 'task.patient_age', 'task.patient_sex', 'task.summary', 'task.claimed_by', 'task.claimed_at', 'task.heartbeat_at',
  'task.callback_due_at', 'task.failed_call_attempts', 'task.first_call_at', 'task.answered_at', 'task.escalated_at', 'task.escalation_reason',
  'task.breach_level', 'task.outcome_type', 'task.closed_at', 'task.referral_state', 'task.decision_required_at', 'task.decision_reason', 'task.intake_hash',
] as const;

/**
 * Task rows joined with the names the queue shows. `db` may bring a `task` of its own: a
 * data-modifying CTE of that name (see summariesOfChanged), whose rows then get the names.
 */
export function selectTaskSummaries(db: QueryCreator<Database>) {
  return db
    .selectFrom('task')
    .innerJoin('municipality', 'municipality.id', 'task.municipality_id')
    .innerJoin('area', 'area.id', 'task.area_id')
    .leftJoin('task_code', 'task_code.code', 'task.task_code')
    .leftJoin('app_user as holder', 'holder.id', 'task.claimed_by')
    // Not the whole row: no assessment or phone number to carry and parse for every task of a
    // queue list or every command's answer.
    .select(SUMMARY_COLUMNS)
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

/** The summary with the patient's data and assessment: the task view. */
export function findTaskDetailRow(db: Executor, id: string) {
  return selectTaskSummaries(db)
    .select(['task.address', 'task.callback_phone', 'task.assessment', 'task.recommendation', 'task.current_outcome_id'])
    .where('task.id', '=', id)
    .executeTakeFirst();
}

export function findTaskSummaryByErcId(db: Executor, ercTaskId: string) {
  return selectTaskSummaries(db).where('task.erc_task_id', '=', ercTaskId).executeTakeFirst();
}

/** A statement that writes task rows and returns them whole (`returningAll()`). */
type TaskWrite = InsertQueryBuilder<Database, 'task', Selectable<Database['task']>> | UpdateQueryBuilder<Database, 'task', 'task', Selectable<Database['task']>>;

/**
 * Runs a write of task rows and answers with their summaries in the same statement: the written rows
 * stand in for `task` (a CTE shadows the table), so the names are joined without reading again.
 */
function summariesOfChanged(db: Executor, write: (qc: QueryCreator<Database>) => TaskWrite) {
  // The CTE's rows are task rows, so the query creator it gives is one over the same tables.
  return selectTaskSummaries(db.with('task', write) as unknown as QueryCreator<Database>);
}

export interface IntakeValues {
  ercTaskId: string;
  intakeHash: string;
  source: string;
  urgency: string;
  taskCode: string;
  taskLabel: string | null;
  receivedAt: Date;
  municipality: string;
  address: string | null;
  callbackPhone: string;
  callbackPhoneHash: string;
  patientAge: number | null;
  patientSex: string | null;
  summary: string;
}

const intakeInsert = prepared((db, t: Slots<IntakeValues>) =>
  summariesOfChanged(db, (qc) =>
    qc
      .insertInto('task')
      .columns([
        'erc_task_id', 'intake_hash', 'source', 'urgency', 'task_code', 'task_label', 'task_code_known', 'received_at', 'municipality_id', 'area_id',
        'address', 'callback_phone', 'callback_phone_hash', 'patient_age', 'patient_sex', 'summary', 'state',
      ])
      .expression((eb) =>
        eb
          .selectFrom('municipality')
          .innerJoin('area', 'area.id', 'municipality.area_id')
          .select([
            sql<string>`${t.ercTaskId}::text`.as('erc_task_id'),
            sql<string>`${t.intakeHash}::text`.as('intake_hash'),
            sql<string>`${t.source}::text`.as('source'),
            sql<string>`${t.urgency}::text`.as('urgency'),
            sql<string>`${t.taskCode}::text`.as('task_code'),
            sql<string | null>`${t.taskLabel}::text`.as('task_label'),
            eb.exists(eb.selectFrom('task_code').select('task_code.code').where('task_code.code', '=', t.taskCode).where('task_code.active', '=', true)).as('task_code_known'),
            sql<Date>`${t.receivedAt}::timestamptz`.as('received_at'),
            'municipality.id as municipality_id',
            'municipality.area_id as area_id',
            sql<string | null>`${t.address}::text`.as('address'),
            sql<string>`${t.callbackPhone}::text`.as('callback_phone'),
            sql<string>`${t.callbackPhoneHash}::text`.as('callback_phone_hash'),
            sql<number | null>`${t.patientAge}::int`.as('patient_age'),
            sql<string | null>`${t.patientSex}::text`.as('patient_sex'),
            sql<string>`${t.summary}::text`.as('summary'),
            sql<string>`'queued'`.as('state'),
          ])
          .where(sql<boolean>`lower(municipality.name) = lower(${t.municipality})`)
          .where('municipality.active', '=', true)
          .where('area.active', '=', true),
      )
      .onConflict((oc) => oc.column('erc_task_id').doNothing())
      .returningAll(),
  ),
);

/**
 * Inserts a task taken in, in one statement that also settles what intake used to look up first:
 * the municipality (active, in an active area; matched without regard to case) gives the area, the
 * task code's being known is read from the active codes, and an ercTaskId received before inserts
 * nothing (the unique constraint; a concurrent delivery of the same id waits for the first). Answers
 * with the new task's summary, or undefined when nothing was inserted (a resend, or no such municipality).
 */
export async function insertIntakeTask(db: Executor, t: IntakeValues) {
  return intakeInsert.first(db, t);
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

export function findTaskByErcId(db: Executor, ercTaskId: string) {
  return db.selectFrom('task').selectAll().where('erc_task_id', '=', ercTaskId).executeTakeFirst();
}

// Not prepared on the server: its `select *` would change its result type when a migration adds a
// column, which PostgreSQL refuses for a prepared statement on every node still running.
const lockTaskRow = prepared((db, p: Slots<{ id: string }>) => db.selectFrom('task').selectAll().where('id', '=', p.id).forUpdate(), { serverPrepared: false });

export async function lockTask(db: Executor, id: string) {
  return lockTaskRow.first(db, { id });
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

const claim = prepared((db, p: Slots<{ id: string; userId: string }>) =>
  summariesOfChanged(db, (qc) =>
    qc.updateTable('task').set(claimChanges(p.userId)).where('id', '=', p.id).where('state', 'in', ['queued', 'callback_pending']).returningAll(),
  ),
);

/**
 * Claims a waiting task for a user: succeeds for exactly one caller, whatever the concurrency;
 * undefined means the task was not waiting.
 */
export async function claimTask(db: Executor, id: string, userId: string) {
  return claim.first(db, { id, userId });
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
  return summariesOfChanged(db, (qc) =>
    qc
      .updateTable('task')
      .set(claimChanges(userId))
      .where('id', '=', (eb) => eb.selectFrom(next.as('n')).select('n.id'))
      .where('state', 'in', ['queued', 'callback_pending'])
      .returningAll(),
  ).executeTakeFirst();
}

const lockClaimantRow = prepared((db, p: Slots<{ userId: string }>) => db.selectFrom('app_user').select('id').where('id', '=', p.userId).forNoKeyUpdate());

/**
 * Locks the user's row for the rest of the transaction (FOR NO KEY UPDATE: rows referring to the user
 * may still be written), so one user's claims take turns and "holds at most one task" is checked on
 * settled state.
 */
export async function lockClaimant(db: Executor, userId: string) {
  return lockClaimantRow.first(db, { userId });
}

/**
 * Puts back in the queue every task held by these users who no longer have a live session (one
 * ended by logout, idle time or deactivation), as a call-back when one is due. The assessment draft
 * stays on the task for whoever takes it next. Returns each task with the user who held it.
 */
export async function returnTasksOfGoneHolders(db: Executor, userIds: readonly string[], idleMinutes: number) {
  if (userIds.length === 0) return [];
  // One statement: the held tasks are locked in id order, put back, and returned with who held them.
  const rows = await db
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
    .from(
      db
        .selectFrom('task as t')
        .select(['t.id as gone_id', 't.claimed_by as gone_holder'])
        .where('t.state', '=', 'in_assessment')
        .where('t.claimed_by', 'in', userIds)
        .where(sql<boolean>`not ${hasLiveSessionSql('t.claimed_by', idleMinutes)}`)
        .orderBy('t.id')
        .forUpdate()
        .as('gone'),
    )
    .whereRef('task.id', '=', 'gone.gone_id')
    .where('task.state', '=', 'in_assessment')
    .returning(['task.id', 'task.version', 'task.state', 'gone.gone_holder'])
    .execute();
  return rows.flatMap(({ gone_holder, ...task }) => (gone_holder ? [{ task, from: gone_holder }] : []));
}

type TaskChanges = UpdateObject<Database, 'task'>;

/**
 * Task updates compiled once per shape: which columns change, and which of them to an SQL
 * expression (now()) rather than a value. The call sites write a few dozen shapes.
 */
const updatesByShape = new Map<string, PreparedStatement<Record<string, unknown>, TaskSummaryRow>>();

function taskUpdate(changes: TaskChanges) {
  const columns = Object.keys(changes).filter((c) => changes[c as keyof TaskChanges] !== undefined).sort() as (keyof TaskChanges & string)[];
  const expressions = new Map(columns.flatMap((c) => {
    const text = constantExpressionSql(changes[c]);
    return text === undefined ? [] : [[c, text] as const];
  }));
  const shape = columns.map((c) => (expressions.has(c) ? `${c}=${expressions.get(c)}` : c)).join(',');
  let statement = updatesByShape.get(shape);
  if (!statement) {
    statement = prepared((db, p: Slots<Record<string, unknown>>) =>
      summariesOfChanged(db, (qc) =>
        qc
          .updateTable('task')
          .set(Object.fromEntries(columns.map((c) => [c, expressions.has(c) ? changes[c] : p[c]])) as TaskChanges)
          .set({ version: sql`version + 1`, updated_at: sql`now()` })
          .where('id', '=', p['__id'] as string)
          .returningAll(),
      ),
    );
    updatesByShape.set(shape, statement);
  }
  return { statement, values: Object.fromEntries(columns.filter((c) => !expressions.has(c)).map((c) => [c, changes[c]])) };
}

/**
 * Applies a change and moves the version on; call with the row locked. Answers with the task's
 * summary after the change, so a command need not read it again. Values are plain values or
 * sql`...` without bound values of its own (such as now()); anything else throws (taskUpdate).
 */
export async function updateTask(db: Executor, id: string, changes: TaskChanges): Promise<TaskSummaryRow> {
  const { statement, values } = taskUpdate(changes);
  const row = await statement.first(db, { ...values, __id: id });
  // Every caller holds the task's row lock: a missing row is a bug, not a request's error.
  if (!row) throw new Error(`task ${id} vanished while locked`);
  return row;
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

const callAttempt = prepared((db, p: Slots<{ taskId: string; result: string; userId: string }>) =>
  db.insertInto('task_call_attempt').values({ task_id: p.taskId, result: p.result, attempted_by: p.userId }),
);

export async function insertCallAttempt(db: Executor, attempt: { taskId: string; result: string; userId: string }): Promise<void> {
  await callAttempt.execute(db, attempt);
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

interface OutcomeValues {
  taskId: string;
  type: string;
  details: string;
  recordedById: string | null;
  recordedByName: string;
  amendsId: string | null;
  amendmentReason: string | null;
  protocolId: string | null;
  protocolVersion: number | null;
  recommended: string | null;
  chosen: string | null;
  overrideReason: string | null;
  adviceId: string | null;
  adviceLanguage: string | null;
}

const outcomeInsert = prepared((db, p: Slots<OutcomeValues>) =>
  db
    .insertInto('task_outcome')
    .values({
      task_id: p.taskId, type: p.type, details: p.details, recorded_by_id: p.recordedById, recorded_by_name: p.recordedByName,
      amends_id: p.amendsId, amendment_reason: p.amendmentReason, protocol_id: p.protocolId, protocol_version: p.protocolVersion,
      recommended_disposition: p.recommended, chosen_disposition: p.chosen, override_reason: p.overrideReason, advice_id: p.adviceId, advice_language: p.adviceLanguage,
    })
    .returning('id'),
);

export async function insertOutcome(
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
  const { rows } = await outcomeInsert.execute(db, {
    taskId: outcome.taskId,
    type: outcome.type,
    details: JSON.stringify(outcome.details),
    recordedById: outcome.recordedById,
    recordedByName: outcome.recordedByName,
    amendsId: outcome.amendsId ?? null,
    amendmentReason: outcome.amendmentReason ?? null,
    protocolId: decision?.protocolId ?? null,
    protocolVersion: decision?.protocolVersion ?? null,
    recommended: decision?.recommended ?? null,
    chosen: decision?.chosen ?? null,
    overrideReason: decision?.overrideReason ?? null,
    adviceId: decision?.adviceId ?? null,
    adviceLanguage: decision?.adviceLanguage ?? null,
  });
  return rows[0]!;
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

import { sql, type Insertable } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';
import type { Database } from '../db/create-db.ts';

/** Rows per INSERT: keeps each statement well under PostgreSQL's 65,535 parameters. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Active municipalities by lower-case name, as intake matches them. */
export async function activeMunicipalitiesByName(db: Executor): Promise<Map<string, { id: string; areaId: string }>> {
  const rows = await db.selectFrom('municipality').select(['id', 'name', 'area_id']).where('active', '=', true).execute();
  return new Map(rows.map((r) => [r.name.toLowerCase(), { id: r.id, areaId: r.area_id }]));
}

export async function activeTaskCodes(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('task_code').select('code').where('active', '=', true).execute();
  return new Set(rows.map((r) => r.code));
}

/** intake_hash by ercTaskId for those of `ids` that exist. */
export async function intakeHashesByErcId(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const part of chunks(ids)) {
    const rows = await db.selectFrom('task').select(['erc_task_id', 'intake_hash']).where('erc_task_id', 'in', part).execute();
    for (const r of rows) found.set(r.erc_task_id, r.intake_hash);
  }
  return found;
}

/** Serialises imports, so two of them never decide "new" about the same ercTaskId at once. */
export async function lockImports(db: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('task.import'))`.execute(db);
}

export interface ImportedTaskRow {
  task: Insertable<Database['task']> & { erc_task_id: string; intake_hash: string; received_at: Date };
  outcome: { type: string; details: string; recordedAt: Date };
  /** A redirect's referral, accepted: as the row says, or assumed (history from before referrals). */
  referral?: { targetType: string; targetName: string; acceptedAt: Date; acceptedBy: string | null; assumed: boolean };
}

/**
 * Writes closed tasks with their outcome rows, in the given order (the caller sorts newest first,
 * the order in which the aggregate triggers take their month locks). Returns how many were new: a
 * task whose ercTaskId appeared meanwhile (a live intake) is left as it is.
 */
export async function insertClosedTasks(
  db: Executor,
  rows: readonly ImportedTaskRow[],
  recordedBy: { id: string; name: string },
): Promise<{ created: number; assumedAccepted: number }> {
  let created = 0;
  let assumedAccepted = 0;
  for (const part of chunks(rows)) {
    const inserted = await db
      .insertInto('task')
      .values(part.map((r) => r.task))
      .onConflict((oc) => oc.column('erc_task_id').doNothing())
      .returning(['id', 'erc_task_id'])
      .execute();
    if (inserted.length === 0) continue;
    const idByErc = new Map(inserted.map((r) => [r.erc_task_id, r.id]));
    const outcomes = await db
      .insertInto('task_outcome')
      .values(
        part.flatMap((r) => {
          const taskId = idByErc.get(r.task.erc_task_id);
          if (!taskId) return [];
          return [{ task_id: taskId, type: r.outcome.type, details: r.outcome.details, recorded_by_id: recordedBy.id, recorded_by_name: recordedBy.name, recorded_at: r.outcome.recordedAt }];
        }),
      )
      .returning(['id', 'task_id'])
      .execute();
    const outcomeByTask = new Map(outcomes.map((o) => [o.task_id, o.id]));
    const referrals = part.flatMap((r) => {
      const taskId = idByErc.get(r.task.erc_task_id);
      const outcomeId = taskId && outcomeByTask.get(taskId);
      return r.referral && taskId && outcomeId ? [{ taskId, outcomeId, ...r.referral }] : [];
    });
    if (referrals.length > 0) {
      const written = await db
        .insertInto('referral')
        .values(referrals.map((r) => ({
          task_id: r.taskId,
          outcome_id: r.outcomeId,
          target_type: r.targetType,
          target_name: r.targetName,
          state: 'accepted',
          requested_at: r.acceptedAt,
          accepted_at: r.acceptedAt,
          accepted_by: r.acceptedBy,
          answered_via: 'import',
        })))
        .returning(['id', 'accepted_at', 'accepted_by'])
        .execute();
      await db
        .insertInto('referral_state_change')
        .values(written.map((w) => ({ referral_id: w.id, state: 'accepted', at: w.accepted_at ?? new Date(), by_name: recordedBy.name, via: 'import', accepted_by: w.accepted_by, accepted_at: w.accepted_at })))
        .execute();
      assumedAccepted += referrals.filter((r) => r.assumed).length;
    }
    // The outcome row needs the task first, the task points at its outcome: set the pointer last
    // (the aggregate trigger then counts the redirect target or dispatch level and reason).
    await sql`update task set current_outcome_id = o.id
      from task_outcome o
      where o.task_id = task.id and task.id = any(${inserted.map((r) => r.id)}::uuid[])`.execute(db);
    created += inserted.length;
  }
  return { created, assumedAccepted };
}

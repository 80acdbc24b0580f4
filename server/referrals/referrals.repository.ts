import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

export function insertReferral(
  db: Executor,
  r: { taskId: string; outcomeId: string; serviceId: string | null; targetType: string; targetName: string },
) {
  return db
    .insertInto('referral')
    .values({ task_id: r.taskId, outcome_id: r.outcomeId, service_id: r.serviceId, target_type: r.targetType, target_name: r.targetName, state: 'requested' })
    .returning(['id', 'requested_at'])
    .executeTakeFirstOrThrow();
}

/** One append-only history row; the referral's current state is set in the same transaction. */
export function insertStateChange(
  db: Executor,
  c: { referralId: string; state: string; byName: string; via: string; acceptedBy?: string | null; acceptedAt?: Date | null; reason?: string | null },
) {
  return db
    .insertInto('referral_state_change')
    .values({
      referral_id: c.referralId,
      state: c.state,
      by_name: c.byName,
      via: c.via,
      accepted_by: c.acceptedBy ?? null,
      accepted_at: c.acceptedAt ?? null,
      reason: c.reason ?? null,
    })
    .execute();
}

export function findReferral(db: Executor, id: string) {
  return db.selectFrom('referral').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Lock the task row first, then this: the order every referral change takes. */
export function lockReferral(db: Executor, id: string) {
  return db.selectFrom('referral').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}
export type ReferralRow = NonNullable<Awaited<ReturnType<typeof lockReferral>>>;

export function lockReferralOfOutcome(db: Executor, outcomeId: string) {
  return db.selectFrom('referral').selectAll().where('outcome_id', '=', outcomeId).forUpdate().executeTakeFirst();
}

/** Moves a referral on from `from`; undefined when it was no longer in that state. */
export function moveReferral(
  db: Executor,
  id: string,
  from: readonly string[],
  changes: { state: string; accepted_at?: Date; accepted_by?: string; answered_via?: string; reject_reason?: string },
) {
  return db
    .updateTable('referral')
    .set({ ...changes, version: sql`version + 1` })
    .where('id', '=', id)
    .where('state', 'in', from)
    .returningAll()
    .executeTakeFirst();
}

export function listReferralsOfTask(db: Executor, taskId: string) {
  return db.selectFrom('referral').selectAll().where('task_id', '=', taskId).orderBy('requested_at').orderBy('id').execute();
}

export function listStateChanges(db: Executor, referralIds: readonly string[]) {
  if (referralIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('referral_state_change').selectAll().where('referral_id', 'in', referralIds).orderBy('at').orderBy('id').execute();
}

/** What a receiving service reads about the patients referred to it. */
export function listIncoming(db: Executor, serviceId: string, state: string) {
  return db
    .selectFrom('referral as r')
    .innerJoin('task as t', 't.id', 'r.task_id')
    .innerJoin('municipality as m', 'm.id', 't.municipality_id')
    .innerJoin('task_outcome as o', 'o.id', 'r.outcome_id')
    .select([
      'r.id',
      'r.state',
      'r.target_type',
      'r.requested_at',
      't.erc_task_id',
      'm.name as municipality',
      't.address',
      't.callback_phone',
      't.patient_age',
      't.patient_sex',
      't.summary',
      sql<string>`coalesce(o.details->>'rationale', '')`.as('rationale'),
    ])
    .where('r.service_id', '=', serviceId)
    .where('r.state', '=', state)
    .orderBy('r.requested_at')
    .limit(500)
    .execute();
}

/** Pending referrals older than the answer limit: the scheduler returns their tasks. */
export function listTimedOut(db: Executor, minutes: number) {
  return db
    .selectFrom('referral')
    .select(['id', 'task_id'])
    .where('state', '=', 'requested')
    .where(sql<boolean>`requested_at <= now() - make_interval(mins => ${minutes})`)
    .orderBy('requested_at')
    .limit(200)
    .execute();
}

import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

function selectDispatchRequests(db: Executor) {
  return db
    .selectFrom('dispatch_request as d')
    .innerJoin('task', 'task.id', 'd.task_id')
    .innerJoin('municipality', 'municipality.id', 'task.municipality_id')
    .selectAll('d')
    .select(['task.erc_task_id', 'task.address', 'municipality.name as municipality_name']);
}

export type DispatchRow = Awaited<ReturnType<ReturnType<typeof selectDispatchRequests>['executeTakeFirstOrThrow']>>;

export function listDispatchRequests(db: Executor, status: 'open' | 'all') {
  let q = selectDispatchRequests(db).orderBy('d.requested_at');
  if (status === 'open') q = q.where('d.acknowledged_at', 'is', null).where('d.superseded_at', 'is', null);
  return q.limit(1000).execute();
}

export function listDispatchRequestsForTask(db: Executor, taskId: string) {
  return selectDispatchRequests(db).where('d.task_id', '=', taskId).orderBy('d.requested_at').execute();
}

export function findDispatchRequest(db: Executor, id: string) {
  return selectDispatchRequests(db).where('d.id', '=', id).executeTakeFirst();
}

export function insertDispatchRequest(
  db: Executor,
  r: { taskId: string; outcomeId: string; unitLevel: string; urgency: string; reason: string },
) {
  return db
    .insertInto('dispatch_request')
    .values({ task_id: r.taskId, outcome_id: r.outcomeId, unit_level: r.unitLevel, urgency: r.urgency, reason: r.reason })
    .execute();
}

/** Withdraws every standing dispatch request of a task; returns them (acknowledged ones need attention). */
export function supersedeDispatchRequests(db: Executor, taskId: string, byOutcomeId: string) {
  return db
    .updateTable('dispatch_request')
    .set({ superseded_at: sql`now()`, superseded_by_outcome_id: byOutcomeId })
    .where('task_id', '=', taskId)
    .where('superseded_at', 'is', null)
    .returning(['id', 'acknowledged_at'])
    .execute();
}

/** Records the ERC's confirmation once; undefined when it was already confirmed. */
export function acknowledgeDispatchRequest(db: Executor, id: string, integrationId: string) {
  return db
    .updateTable('dispatch_request')
    .set({ acknowledged_at: sql`now()`, acknowledged_by: integrationId })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .returning(['acknowledged_at', 'requested_at', 'task_id'])
    .executeTakeFirst();
}

export function lockDispatchRequest(db: Executor, id: string) {
  return db.selectFrom('dispatch_request').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

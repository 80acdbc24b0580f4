import { sql, type OperationNodeSource } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

export type Audience = 'all' | 'shift_leader';

export interface NewTaskEvent {
  taskId: string;
  type: string;
  version: number;
  state: string;
  audience: Audience;
  actorName: string;
  data?: Record<string, string | number | boolean | null>;
}

/**
 * Appends events with the next numbers, in the order given, in one statement (with `alongside`, a
 * write that belongs with them, such as their audit rows): the counter row moves on by their number
 * and stays locked until the transaction ends, so numbers are gapless and commit in order; call this
 * last in a transaction to hold it briefly. Returns the numbers in that order.
 */
export async function appendEvents(db: Executor, events: readonly NewTaskEvent[], alongside?: OperationNodeSource): Promise<number[]> {
  if (events.length === 0) return [];
  const n = events.length;
  const column = <T>(pick: (e: NewTaskEvent) => T) => events.map(pick);
  const { rows } = await sql<{ seq: string }>`
    with ${alongside ? sql`alongside as (${alongside}), ` : sql``}counter as (update event_counter set seq = seq + ${n} returning seq)
    insert into task_event (seq, task_id, type, version, state, audience, actor_name, data)
    select counter.seq - ${n} + e.ord, e.task_id, e.type, e.version, e.state, e.audience, e.actor_name, e.data
    from counter, unnest(
      ${column((e) => e.taskId)}::uuid[], ${column((e) => e.type)}::text[], ${column((e) => e.version)}::int[],
      ${column((e) => e.state)}::text[], ${column((e) => e.audience)}::text[], ${column((e) => e.actorName)}::text[],
      ${column((e) => JSON.stringify(e.data ?? {}))}::jsonb[]
    ) with ordinality as e(task_id, type, version, state, audience, actor_name, data, ord)
    returning seq`.execute(db);
  return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
}

export function listEventsSince(db: Executor, since: number, limit: number, audiences: readonly Audience[]) {
  return db
    .selectFrom('task_event')
    .selectAll()
    .where('seq', '>', String(since))
    .where('audience', 'in', audiences)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export function listTaskEvents(db: Executor, taskId: string, audiences: readonly Audience[]) {
  return db.selectFrom('task_event').selectAll().where('task_id', '=', taskId).where('audience', 'in', audiences).orderBy('seq').execute();
}

export type EventRow = Awaited<ReturnType<typeof listTaskEvents>>[number];

export async function lastEventSeq(db: Executor): Promise<number> {
  const row = await db.selectFrom('event_counter').select('seq').executeTakeFirstOrThrow();
  return Number(row.seq);
}

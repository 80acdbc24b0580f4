import { sql } from 'kysely';
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
 * Appends an event with the next number. The counter row stays locked until the transaction ends,
 * so numbers are gapless and commit in order; call this last in a transaction to hold it briefly.
 */
export async function appendEvent(db: Executor, event: NewTaskEvent): Promise<number> {
  const { seq } = await db
    .updateTable('event_counter')
    .set({ seq: sql`seq + 1` })
    .returning('seq')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('task_event')
    .values({
      seq,
      task_id: event.taskId,
      type: event.type,
      version: event.version,
      state: event.state,
      audience: event.audience,
      actor_name: event.actorName,
      data: JSON.stringify(event.data ?? {}),
    })
    .execute();
  return Number(seq);
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

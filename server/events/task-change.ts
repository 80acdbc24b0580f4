import type { Database, Db } from '../db/create-db.ts';
import type { Transaction } from 'kysely';
import { auditBatch, type AuditRecord } from '../audit/audit.repository.ts';
import type { TaskChangedEvent } from '../contracts/realtime.ts';
import type { TaskState } from '../contracts/tasks.ts';
import type { Actor, RequestContext } from '../http/actor.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { appendEvents, type Audience } from './events.repository.ts';

export interface PublishedTaskEvent extends TaskChangedEvent {
  audience: Audience;
}

export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.username;
    case 'integration':
      return `integration:${actor.name}`;
    case 'cli':
      return `cli:${actor.name}`;
    case 'system':
    case 'anonymous':
      return actor.kind;
  }
}

export interface TaskChange {
  task: { id: string; version: number; state: string };
  type: string;
  audience?: Audience;
  data?: Record<string, string | number | boolean | null>;
  audit: Omit<AuditRecord, 'targetType' | 'targetId'>;
}

export interface ChangeRecorder {
  /**
   * Records one task change. The audit and event rows are written when `work` has finished, still
   * inside its transaction: the event counter is then always the last lock a transaction takes, so
   * it is held for a moment only and never while waiting for a task row.
   */
  record(change: TaskChange): void;
}

/**
 * Runs `work` in one transaction in which every recorded task change gets its event row and audit
 * row; after the commit, and only then, tells the connected clients what changed.
 */
export async function runTaskTransaction<T>(
  db: Db,
  publisher: Publisher,
  actor: Actor,
  ctx: RequestContext,
  work: (trx: Transaction<Database>, changes: ChangeRecorder) => Promise<T>,
): Promise<T> {
  const published: PublishedTaskEvent[] = [];
  const result = await db.transaction().execute(async (trx) => {
    const recorded: TaskChange[] = [];
    const value = await work(trx, { record: (change) => void recorded.push(change) });
    if (recorded.length === 0) return value;
    const events = recorded.map(({ task, type, audience = 'all', data }) => ({
      taskId: task.id,
      type,
      version: task.version,
      state: task.state,
      audience,
      actorName: actorName(actor),
      ...(data ? { data } : {}),
    }));
    // The audit rows go in the events' statement: one round trip less while the locks are held.
    const audit = auditBatch(actor, ctx, recorded.map(({ task, audit }) => ({ ...audit, targetType: 'task', targetId: task.id })));
    const seqs = await appendEvents(trx, events, audit);
    events.forEach(({ taskId, type, version, state, audience }, i) => {
      published.push({ seq: seqs[i]!, taskId, type, version, state: state as TaskState, audience });
    });
    return value;
  });
  publisher.taskChanged(published);
  return result;
}

import type { Database, Db } from '../db/create-db.ts';
import type { Transaction } from 'kysely';
import { insertAudit, type AuditRecord } from '../audit/audit.repository.ts';
import type { TaskChangedEvent } from '../contracts/realtime.ts';
import type { TaskState } from '../contracts/tasks.ts';
import type { Actor, RequestContext } from '../http/actor.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { appendEvent, type Audience } from './events.repository.ts';

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
  /** Writes the event row and the audit row of one task change, inside the caller's transaction. */
  record(change: TaskChange): Promise<void>;
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
    const recorder: ChangeRecorder = {
      async record({ task, type, audience = 'all', data, audit }) {
        await insertAudit(trx, actor, ctx, { ...audit, targetType: 'task', targetId: task.id });
        const seq = await appendEvent(trx, {
          taskId: task.id,
          type,
          version: task.version,
          state: task.state,
          audience,
          actorName: actorName(actor),
          ...(data ? { data } : {}),
        });
        published.push({ seq, taskId: task.id, type, version: task.version, state: task.state as TaskState, audience });
      },
    };
    return work(trx, recorder);
  });
  publisher.taskChanged(published);
  return result;
}

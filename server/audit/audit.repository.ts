import { sql, type Transaction } from 'kysely';
import type { AuditQuery } from '../contracts/audit.ts';
import type { Database, Db } from '../db/create-db.ts';
import type { Actor, RequestContext } from '../http/actor.ts';

export type Executor = Db | Transaction<Database>;

export interface AuditRecord {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, string | number | boolean | null | string[]>;
}

function actorColumns(actor: Actor): { actor_id: string | null; actor_name: string; actor_role: string } {
  switch (actor.kind) {
    case 'user':
      return { actor_id: actor.id, actor_name: actor.username, actor_role: actor.role };
    case 'integration':
      return { actor_id: actor.id, actor_name: `integration:${actor.name}`, actor_role: 'integration' };
    case 'cli':
      return { actor_id: null, actor_name: `cli:${actor.name}`, actor_role: 'cli' };
    case 'system':
      return { actor_id: null, actor_name: 'system', actor_role: 'system' };
    case 'anonymous':
      return { actor_id: null, actor_name: 'anonymous', actor_role: 'anonymous' };
  }
}

/** Audit rows of one actor and request, to be written beside the change they record (appendEvents). */
export interface AuditBatch {
  who: ReturnType<typeof actorColumns>;
  requestId: string | null;
  clientIp: string | null;
  records: readonly AuditRecord[];
}

export function auditBatch(actor: Actor, ctx: RequestContext, records: readonly AuditRecord[]): AuditBatch {
  return { who: actorColumns(actor), requestId: ctx.requestId, clientIp: ctx.clientIp, records };
}

/**
 * Appends one audit row. Call it with the same transaction as the change it records, so the change
 * and its record commit or vanish together. Never put patient data in `details`.
 */
export async function insertAudit(db: Executor, actor: Actor, ctx: RequestContext, record: AuditRecord): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      ...actorColumns(actor),
      action: record.action,
      target_type: record.targetType ?? null,
      target_id: record.targetId ?? null,
      request_id: ctx.requestId,
      client_ip: ctx.clientIp,
      details: JSON.stringify(record.details ?? {}),
    })
    .execute();
}

/** Newest first, keyset-paged by id. */
export function listAudit(db: Executor, q: AuditQuery) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (q.actor) query = query.where('actor_name', '=', q.actor);
  if (q.action) {
    query = q.action.endsWith('.')
      ? query.where(sql<boolean>`starts_with(action, ${q.action})`)
      : query.where('action', '=', q.action);
  }
  if (q.target) query = query.where('target_id', '=', q.target);
  if (q.from) query = query.where('at', '>=', new Date(q.from));
  if (q.to) query = query.where('at', '<', new Date(q.to));
  if (q.before) query = query.where('id', '<', String(q.before));
  return query.execute();
}

import { sql } from 'kysely';
import type { AuditBatch, Executor } from '../audit/audit.repository.ts';
import { prepared, type Slots } from '../db/prepared.ts';

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

interface AppendParams {
  n: number;
  /** NewTaskEvent rows as JSON: task_id, type, version, state, audience, actor_name, data. */
  events: string;
  actorId: string | null;
  actorName: string;
  actorRole: string;
  requestId: string | null;
  clientIp: string | null;
  /** Audit records as JSON: action, target_type, target_id, details. */
  audit: string;
}

// One prepared statement for every task change, whatever the number of events and audit rows. The
// rows come as JSON, not as arrays: PostgreSQL sizes unnest() of an array it is given, so it would
// plan this statement again at every run instead of keeping its generic plan.
const append = prepared((_qc, p: Slots<AppendParams>) => sql<{ seq: string }>`
  with audit as (
    insert into audit_log (actor_id, actor_name, actor_role, action, target_type, target_id, request_id, client_ip, details)
    select ${p.actorId}::uuid, ${p.actorName}::text, ${p.actorRole}::text, a.action, a.target_type, a.target_id, ${p.requestId}::text, ${p.clientIp}::text, a.details
    from rows from (jsonb_to_recordset(${p.audit}::jsonb) as (action text, target_type text, target_id text, details jsonb))
      with ordinality as a(action, target_type, target_id, details, ord)
    order by a.ord
  ), counter as (update event_counter set seq = seq + ${p.n}::int returning seq)
  insert into task_event (seq, task_id, type, version, state, audience, actor_name, data)
  select counter.seq - ${p.n}::int + e.ord, e.task_id, e.type, e.version, e.state, e.audience, e.actor_name, e.data
  from counter, rows from (jsonb_to_recordset(${p.events}::jsonb)
      as (task_id uuid, type text, version int, state text, audience text, actor_name text, data jsonb))
    with ordinality as e(task_id, type, version, state, audience, actor_name, data, ord)
  returning seq`,
  { endsTransaction: true },
);

/**
 * Appends events with the next numbers, in the order given, and their audit rows, in one statement:
 * the counter row moves on by their number and stays locked until the transaction ends, so numbers
 * are gapless and commit in order. It must be the last statement of its transaction: on PostgreSQL
 * the COMMIT goes out right behind it (db/prepared.ts, endsTransaction), so the counter row is held
 * only while PostgreSQL commits. Returns the numbers in that order.
 */
export async function appendEvents(db: Executor, events: readonly NewTaskEvent[], audit: AuditBatch): Promise<number[]> {
  if (events.length === 0) return [];
  const { rows } = await append.execute(db, {
    n: events.length,
    events: JSON.stringify(events.map((e) => ({
      task_id: e.taskId, type: e.type, version: e.version, state: e.state, audience: e.audience, actor_name: e.actorName, data: e.data ?? {},
    }))),
    actorId: audit.who.actor_id,
    actorName: audit.who.actor_name,
    actorRole: audit.who.actor_role,
    requestId: audit.requestId,
    clientIp: audit.clientIp,
    audit: JSON.stringify(audit.records.map((r) => ({ action: r.action, target_type: r.targetType ?? null, target_id: r.targetId ?? null, details: r.details ?? {} }))),
  });
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

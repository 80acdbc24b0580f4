import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';
import { prepared, type Slots } from '../db/prepared.ts';

/** What a user holds, or nothing: a task or a follow-up call, named by its ERC task id. */
export type HeldRow = { kind: 'task' | 'follow_up'; id: string; erc_task_id: string };

/**
 * The task or follow-up call the user holds, other than the ones excepted: a task before a
 * follow-up, then the longest held. One subquery, so a claim can ask it in the same statement as
 * its session check.
 */
function heldItem(userId: string, except: { taskId?: string | null | undefined; followUpId?: string | null | undefined }) {
  return sql<HeldRow>`
    (select 'task' as kind, t.id, t.erc_task_id, t.claimed_at, 0 as rank from task t
      where t.claimed_by = ${userId} and t.state = 'in_assessment' and t.id is distinct from ${except.taskId ?? null}::uuid
     union all
     select 'follow_up', f.id, t.erc_task_id, f.claimed_at, 1 from follow_up f join task t on t.id = f.task_id
      where f.claimed_by = ${userId} and f.state = 'in_call' and f.id is distinct from ${except.followUpId ?? null}::uuid
     order by rank, claimed_at
     limit 1)`;
}

/** The task or follow-up the user holds, other than the ones excepted, if any. */
export async function findHeldItem(db: Executor, userId: string, except: { taskId?: string; followUpId?: string } = {}): Promise<HeldRow | undefined> {
  const result = await sql<HeldRow>`select h.kind, h.id, h.erc_task_id from ${heldItem(userId, except)} as h`.execute(db);
  return result.rows[0];
}

/**
 * In one statement: whether the session still exists (a claim that waited on a session end must not
 * outlive it) and what the user holds other than the excepted item. Run it after lockClaimant, as a
 * statement of its own, so it sees what a session end that held the lock committed.
 */
export async function claimantCheck(db: Executor, userId: string, sessionId: string, except: { taskId?: string; followUpId?: string }) {
  const row = await claimantCheckStatement.first(db, { userId, sessionId, taskId: except.taskId ?? null, followUpId: except.followUpId ?? null });
  return {
    sessionLive: row?.session_live ?? false,
    held: row?.kind && row.id && row.erc_task_id ? { kind: row.kind, id: row.id, erc_task_id: row.erc_task_id } : undefined,
  };
}

// Part of every claim and every command on a held task: compiled once (db/prepared.ts).
const claimantCheckStatement = prepared((_db, p: Slots<{ userId: string; sessionId: string; taskId: string | null; followUpId: string | null }>) =>
  sql<{ session_live: boolean; kind: HeldRow['kind'] | null; id: string | null; erc_task_id: string | null }>`
    select exists (select 1 from user_session s where s.id = ${p.sessionId}) as session_live, h.kind, h.id, h.erc_task_id
    from (select 1) as one left join lateral ${heldItem(p.userId, { taskId: p.taskId, followUpId: p.followUpId })} as h on true`,
);

/**
 * Whether the user in `userColumn` (a column reference such as 'task.claimed_by') has a session that
 * has not been idle past the limit: the one definition of "logged in" for claims, handovers and the
 * list of colleagues.
 */
export function hasLiveSessionSql(userColumn: string, idleMinutes: number) {
  return sql<boolean>`exists (select 1 from user_session s where s.user_id = ${sql.ref(userColumn)} and s.last_seen_at > now() - make_interval(mins => ${idleMinutes}))`;
}

/** Whether the user has a session that has not been idle past the limit. */
export async function hasLiveSession(db: Executor, userId: string, idleMinutes: number): Promise<boolean> {
  const row = await db.selectFrom('app_user').select(hasLiveSessionSql('app_user.id', idleMinutes).as('live')).where('id', '=', userId).executeTakeFirst();
  return row?.live === true;
}

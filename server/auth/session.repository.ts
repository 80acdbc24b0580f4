import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';
import { prepared, type Slots } from '../db/prepared.ts';

export function insertSession(db: Executor, id: string, userId: string) {
  return db.insertInto('user_session').values({ id, user_id: userId }).execute();
}

/** The session and its user, if the session exists, is not idle past the limit, and the user is active. */
// Read by every request of a logged-in user: compiled once (db/prepared.ts).
const liveSession = prepared((db, p: Slots<{ id: string; idleMinutes: number }>) =>
  db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.id as sessionId', 's.last_seen_at', 'u.id as userId', 'u.username', 'u.display_name', 'u.role'])
    .where('s.id', '=', p.id)
    .where('u.active', '=', true)
    .where('s.last_seen_at', '>', sql<Date>`now() - make_interval(mins => ${p.idleMinutes}::int)`),
);

export async function findLiveSession(db: Executor, id: string, idleMinutes: number) {
  return liveSession.first(db, { id, idleMinutes });
}

/** Marks the session as used; skipped while it was marked in the last minute, to spare writes. */
export function touchSession(db: Executor, id: string) {
  return db
    .updateTable('user_session')
    .set({ last_seen_at: sql`now()` })
    .where('id', '=', id)
    .where('last_seen_at', '<', sql<Date>`now() - interval '1 minute'`)
    .execute();
}

/** Ends one session; returns whose it was, or undefined when it had already ended. */
export async function deleteSession(db: Executor, id: string): Promise<string | undefined> {
  const row = await db.deleteFrom('user_session').where('id', '=', id).returning('user_id').executeTakeFirst();
  return row?.user_id;
}

/** Ends every session of a user; returns their ids so live sockets can be closed after commit. */
export async function deleteUserSessions(db: Executor, userId: string): Promise<string[]> {
  const rows = await db.deleteFrom('user_session').where('user_id', '=', userId).returning('id').execute();
  return rows.map((r) => r.id);
}

/** Ends sessions idle past the limit; returns them so their sockets can be closed after commit and their users' tasks returned. */
export function deleteIdleSessions(db: Executor, idleMinutes: number) {
  return db
    .deleteFrom('user_session')
    .where('last_seen_at', '<=', sql<Date>`now() - make_interval(mins => ${idleMinutes})`)
    .returning(['id', 'user_id'])
    .execute();
}

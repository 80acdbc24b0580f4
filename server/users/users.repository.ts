import { sql } from 'kysely';
import type { Role } from '../contracts/common.ts';
import type { Executor } from '../audit/audit.repository.ts';
import { hasLiveSessionSql } from '../claims/claims.repository.ts';

export function findUserByUsername(db: Executor, username: string) {
  return db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findUserById(db: Executor, id: string) {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks the row for the rest of the transaction, so concurrent admin edits apply one after another. */
export function lockUserById(db: Executor, id: string) {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Active nurses and shift leaders with a session not idle past the limit (who can take a task now). */
export function listLoggedInClinicalUsers(db: Executor, idleMinutes: number) {
  return db
    .selectFrom('app_user')
    .select(['id', 'display_name', 'role'])
    .where('active', '=', true)
    .where('role', 'in', ['nurse', 'shift_leader'])
    .where(hasLiveSessionSql('app_user.id', idleMinutes))
    .orderBy('display_name')
    .execute();
}

export function listUsers(db: Executor) {
  return db.selectFrom('app_user').selectAll().orderBy('username').execute();
}

export type UserRow = NonNullable<Awaited<ReturnType<typeof findUserById>>>;

/** Inserts a user; undefined when the username is taken (settled by the unique constraint). */
export function insertUser(
  db: Executor,
  user: { username: string; displayName: string; role: Role; passwordHash: string },
) {
  return db
    .insertInto('app_user')
    .values({ username: user.username, display_name: user.displayName, role: user.role, password_hash: user.passwordHash })
    .onConflict((oc) => oc.column('username').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function updateUser(
  db: Executor,
  id: string,
  changes: { role?: Role; active?: boolean; passwordHash?: string; displayName?: string },
) {
  return db
    .updateTable('app_user')
    .set({
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
      ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
      // A new password also lifts a lock: the admin who resets it has verified the person.
      ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash, failed_logins: 0, locked_until: null } : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('app_user')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db.selectFrom('app_user').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Claims one login attempt, counted as a failure until a success clears it, atomically and only
 * while the account is neither throttled nor locked; undefined when it is. Concurrent attempts take
 * the row lock in turn and each re-checks the lock the previous one set, so at most `slowdownAfter`
 * passwords of a burst are verified. From `slowdownAfter` failures on, each further one makes the
 * next attempt wait twice as long; at `lockAfter` the account locks for `lockMinutes`.
 */
export function claimLoginAttempt(
  db: Executor,
  id: string,
  policy: { slowdownAfter: number; lockAfter: number; lockMinutes: number },
) {
  return db
    .updateTable('app_user')
    .set({
      failed_logins: sql`failed_logins + 1`,
      locked_until: sql`case
        when failed_logins + 1 >= ${policy.lockAfter} then now() + make_interval(mins => ${policy.lockMinutes})
        when failed_logins + 1 >= ${policy.slowdownAfter}
          then now() + make_interval(secs => power(2, failed_logins + 1 - ${policy.slowdownAfter}))
        else null end`,
    })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', sql<Date>`now()`)]))
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirst();
}

export function recordSuccessfulLogin(db: Executor, id: string) {
  return db
    .updateTable('app_user')
    .set({ failed_logins: 0, locked_until: null, last_login_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

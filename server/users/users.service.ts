import { sql } from 'kysely';
import type { AdminUserDto, ColleagueList, CreateUserRequest, UpdateUserRequest } from '../contracts/users.ts';
import { Role } from '../contracts/common.ts';
import type { Db } from '../db/create-db.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import { hashPassword } from '../auth/secrets.ts';
import { deleteUserSessions } from '../auth/session.repository.ts';
import { runTaskTransaction } from '../events/task-change.ts';
import { returnTasksOfEndedSessions } from '../tasks/session-end.ts';
import type { Actor, RequestContext, UserActor } from '../http/actor.ts';
import { AppError, notFound } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { countActiveAdmins, insertUser, listLoggedInClinicalUsers, listUsers, lockUserById, updateUser, type UserRow } from './users.repository.ts';

export function toAdminUserDto(row: UserRow): AdminUserDto {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: Role.parse(row.role),
    active: row.active,
    lockedUntil: row.locked_until && row.locked_until > new Date() ? row.locked_until.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  };
}

export function createUsersService(db: Db, publisher: Publisher, idleMinutes: number) {
  return {
    async list(): Promise<AdminUserDto[]> {
      return (await listUsers(db)).map(toAdminUserDto);
    },

    /** The logged-in nurses and shift leaders other than the asking user (to hand a task to). */
    async colleagues(actor: UserActor): Promise<ColleagueList['colleagues']> {
      const rows = await listLoggedInClinicalUsers(db, idleMinutes);
      return rows.filter((r) => r.id !== actor.id).map((r) => ({ id: r.id, displayName: r.display_name, role: r.role === 'shift_leader' ? 'shift_leader' : 'nurse' }));
    },

    /** Creates a user; 409 USERNAME_TAKEN when the name exists (settled by the unique constraint). */
    async create(input: CreateUserRequest, actor: Actor, ctx: RequestContext): Promise<AdminUserDto> {
      const passwordHash = await hashPassword(input.password);
      const row = await db.transaction().execute(async (trx) => {
        const created = await insertUser(trx, { ...input, passwordHash });
        if (!created) throw new AppError(409, 'USERNAME_TAKEN', `The username "${input.username}" is already in use.`);
        await insertAudit(trx, actor, ctx, {
          action: 'user.create',
          targetType: 'user',
          targetId: created.id,
          details: { username: created.username, role: created.role },
        });
        return created;
      });
      return toAdminUserDto(row);
    },

    /**
     * Changes role, name, active flag or password under a row lock. Deactivation and a password
     * reset end the user's sessions everywhere (a deactivated user's tasks go back to the queue); a
     * role change makes their sockets reconnect.
     * The last active admin can be neither demoted nor deactivated.
     */
    async update(id: string, input: UpdateUserRequest, actor: Actor, ctx: RequestContext): Promise<AdminUserDto> {
      const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
      const { row, endedSessions, roleChanged } = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        // Serialise admin changes so two admins cannot each demote "the other last admin".
        await sql`select pg_advisory_xact_lock(hashtext('app_user.admins'))`.execute(trx);
        const before = await lockUserById(trx, id);
        if (!before) throw notFound('User');
        if (actor.kind === 'user' && actor.id === id && input.active === false) {
          throw new AppError(409, 'CANNOT_DEACTIVATE_SELF', 'You cannot deactivate your own account.');
        }
        const losesAdmin = before.role === 'admin' && before.active && (input.active === false || (input.role !== undefined && input.role !== 'admin'));
        if (losesAdmin && (await countActiveAdmins(trx)) <= 1) {
          throw new AppError(409, 'LAST_ADMIN', 'This is the last active admin: create another admin first.');
        }
        const after = await updateUser(trx, id, { ...input, passwordHash });
        const endSessions = input.active === false || passwordHash !== undefined;
        const ended = endSessions ? await deleteUserSessions(trx, id) : [];
        // A password reset ends the sessions too: their tasks go back like a deactivated user's.
        if (endSessions) await returnTasksOfEndedSessions(trx, changes, [id], input.active === false ? 'deactivated' : 'password_reset', idleMinutes);
        const changed = {
          ...(input.role !== undefined && input.role !== before.role ? { role: `${before.role}->${input.role}` } : {}),
          ...(input.active !== undefined && input.active !== before.active ? { active: input.active } : {}),
          ...(input.displayName !== undefined && input.displayName !== before.display_name ? { displayName: true } : {}),
          ...(passwordHash !== undefined ? { passwordReset: true } : {}),
        };
        await insertAudit(trx, actor, ctx, {
          action: 'user.update',
          targetType: 'user',
          targetId: id,
          details: { username: after.username, ...changed, sessionsEnded: ended.length },
        });
        return { row: after, endedSessions: ended, roleChanged: 'role' in changed || 'displayName' in changed };
      });
      publisher.sessionsEnded(endedSessions, input.active === false ? 'deactivated' : 'password_changed');
      if (roleChanged) publisher.userChanged(id);
      return toAdminUserDto(row);
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;

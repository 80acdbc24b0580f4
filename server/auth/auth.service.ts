import type { Config } from '../config.ts';
import type { LoginRequest, UserDto } from '../contracts/auth.ts';
import { Role } from '../contracts/common.ts';
import type { Db } from '../db/create-db.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import type { AnonymousActor, IntegrationActor, RequestContext, UserActor } from '../http/actor.ts';
import { AppError } from '../http/errors.ts';
import type { LoginObserver } from '../metrics/metrics.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { findUserByUsername, lockUserById, recordFailedLogin, recordSuccessfulLogin } from '../users/users.repository.ts';
import { findActiveKeyByHash, touchKey } from '../integration-keys/integration-keys.repository.ts';
import { runTaskTransaction } from '../events/task-change.ts';
import { returnTasksOfEndedSessions } from '../tasks/session-end.ts';
import { randomToken, tokenDigest, verifyPassword } from './secrets.ts';
import { deleteSession, findLiveSession, insertSession, touchSession } from './session.repository.ts';

const ANONYMOUS: AnonymousActor = { kind: 'anonymous' };

function secondsUntil(date: Date): number {
  return Math.max(1, Math.ceil((date.getTime() - Date.now()) / 1000));
}

function lockedError(lockedUntil: Date, failedLogins: number, lockAfter: number): AppError {
  const retryAfterSeconds = secondsUntil(lockedUntil);
  return failedLogins >= lockAfter
    ? new AppError(429, 'ACCOUNT_LOCKED', `Too many failed logins: the account is locked for ${Math.ceil(retryAfterSeconds / 60)} min. An admin can unlock it by resetting the password.`, { retryAfterSeconds })
    : new AppError(429, 'LOGIN_THROTTLED', `Too many failed logins: wait ${retryAfterSeconds} s before trying again.`, { retryAfterSeconds });
}

export function createAuthService(db: Db, config: Config, publisher: Publisher, observe: LoginObserver) {
  return {
    /**
     * Checks the password and opens a new server-side session. The caller's previous session, if
     * any, is ended (no session fixation). Failures count towards slow-down and lock-out in SQL, so
     * the limit holds across nodes.
     */
    async login(input: LoginRequest, previousToken: string | undefined, ctx: RequestContext): Promise<{ user: UserDto; token: string }> {
      const user = await findUserByUsername(db, input.username.toLowerCase());
      if (user?.locked_until && user.locked_until > new Date()) {
        await insertAudit(db, ANONYMOUS, ctx, { action: 'auth.login_refused', targetType: 'user', targetId: user.id, details: { username: user.username, reason: 'locked' } });
        observe.failed(user.failed_logins >= config.login.lockAfter ? 'locked' : 'throttled');
        throw lockedError(user.locked_until, user.failed_logins, config.login.lockAfter);
      }
      const valid = await verifyPassword(user?.password_hash, input.password);
      if (!user || !valid || !user.active) {
        const counted = await db.transaction().execute(async (trx) => {
          const result = user && user.active && !valid ? await recordFailedLogin(trx, user.id, config.login) : undefined;
          await insertAudit(trx, ANONYMOUS, ctx, {
            action: 'auth.login_failed',
            ...(user ? { targetType: 'user', targetId: user.id } : {}),
            details: { username: input.username.slice(0, 64), failedLogins: result?.failed_logins ?? null },
          });
          return result;
        });
        observe.failed('invalid_credentials');
        if (counted?.locked_until && counted.failed_logins >= config.login.lockAfter) {
          observe.lockedOut();
          throw lockedError(counted.locked_until, counted.failed_logins, config.login.lockAfter);
        }
        throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong username or password.');
      }
      const token = randomToken();
      const actor: UserActor = { kind: 'user', id: user.id, username: user.username, displayName: user.display_name, role: Role.parse(user.role), sessionId: tokenDigest(token) };
      const endedPrevious = await db.transaction().execute(async (trx) => {
        // Concurrent guesses all passed the lock check above before any failure was counted: look
        // again under the row lock, so a lock set meanwhile also stops a right guess.
        const current = await lockUserById(trx, user.id);
        if (current?.locked_until && current.locked_until > new Date()) {
          throw lockedError(current.locked_until, current.failed_logins, config.login.lockAfter);
        }
        const ended = previousToken ? await deleteSession(trx, tokenDigest(previousToken)) : false;
        await insertSession(trx, actor.sessionId, user.id);
        await recordSuccessfulLogin(trx, user.id);
        await insertAudit(trx, actor, ctx, { action: 'auth.login', targetType: 'user', targetId: user.id });
        return ended;
      });
      if (endedPrevious && previousToken) publisher.sessionsEnded([tokenDigest(previousToken)], 'logout');
      return { user: { id: user.id, username: user.username, displayName: user.display_name, role: actor.role }, token };
    },

    /**
     * Ends this session on the server and closes every socket that uses it, on any node. Tasks the
     * user held go back to the queue in the same transaction, unless another session of theirs lives.
     */
    async logout(actor: UserActor, ctx: RequestContext): Promise<void> {
      await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        await deleteSession(trx, actor.sessionId);
        await insertAudit(trx, actor, ctx, { action: 'auth.logout', targetType: 'user', targetId: actor.id });
        await returnTasksOfEndedSessions(trx, changes, [actor.id], 'logout', config.session.idleMinutes);
      });
      publisher.sessionsEnded([actor.sessionId], 'logout');
    },

    /** The acting user of a session cookie, or undefined when it is unknown, idle past the limit or deactivated. */
    async userForToken(token: string | undefined): Promise<UserActor | undefined> {
      if (!token) return undefined;
      const id = tokenDigest(token);
      const row = await findLiveSession(db, id, config.session.idleMinutes);
      if (!row) return undefined;
      if (Date.now() - row.last_seen_at.getTime() > 60_000) await touchSession(db, id);
      return { kind: 'user', id: row.userId, username: row.username, displayName: row.display_name, role: Role.parse(row.role), sessionId: row.sessionId };
    },

    /** The integration behind a bearer key, or undefined when the key is unknown or revoked. */
    async integrationForKey(key: string | undefined): Promise<IntegrationActor | undefined> {
      if (!key) return undefined;
      const row = await findActiveKeyByHash(db, tokenDigest(key));
      if (!row) return undefined;
      if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) await touchKey(db, row.id);
      return { kind: 'integration', id: row.id, name: row.name };
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

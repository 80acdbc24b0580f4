import type { Config } from '../config.ts';
import type { LoginRequest, UserDto } from '../contracts/auth.ts';
import { Role } from '../contracts/common.ts';
import type { Db } from '../db/create-db.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import type { AnonymousActor, IntegrationActor, RequestContext, UserActor } from '../http/actor.ts';
import { AppError } from '../http/errors.ts';
import type { LoginObserver } from '../metrics/metrics.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { claimLoginAttempt, findUserByUsername, recordSuccessfulLogin } from '../users/users.repository.ts';
import type { KeyCache } from '../integration-keys/key-cache.ts';
import { touchKey } from '../integration-keys/integration-keys.repository.ts';
import { runTaskTransaction } from '../events/task-change.ts';
import { returnTasksOfEndedSessions } from '../tasks/session-end.ts';
import { randomToken, tokenDigest, verifyPassword } from './secrets.ts';
import { deleteSession, findLiveSession, insertSession, touchSession } from './session.repository.ts';

const ANONYMOUS: AnonymousActor = { kind: 'anonymous' };

// One answer for every refused login: a wrong password, an unknown or inactive user, and an account
// that is throttled or locked (even for the right password). Anything else tells an attacker which
// names exist or which guess was right.
const invalidCredentials = () =>
  new AppError(401, 'INVALID_CREDENTIALS', 'Wrong username or password. After repeated failures an account pauses logins for a while.');

export function createAuthService(db: Db, config: Config, publisher: Publisher, observe: LoginObserver, keys: KeyCache) {
  let passwordVerifications = 0;
  return {
    /**
     * Checks the password and opens a new server-side session. The caller's previous session, if
     * any, is ended (no session fixation). Each attempt on an account is counted as a failure in SQL
     * before the password is verified, and only while the account is not throttled or locked, so
     * concurrent guesses on any number of nodes never verify more passwords than the lock allows; a
     * success clears the count.
     */
    async login(input: LoginRequest, previousToken: string | undefined, ctx: RequestContext): Promise<{ user: UserDto; token: string }> {
      const user = await findUserByUsername(db, input.username.toLowerCase());
      const admitted = user?.active ? await claimLoginAttempt(db, user.id, config.login) : undefined;
      // Without an admitted attempt a dummy hash is verified, so refusals take as long as wrong passwords.
      const valid = await verifyPassword(admitted ? user?.password_hash : undefined, input.password);
      if (admitted) passwordVerifications++;
      if (!user || !admitted || !valid) {
        const refused = Boolean(user?.active && !admitted);
        await insertAudit(db, ANONYMOUS, ctx, {
          action: refused ? 'auth.login_refused' : 'auth.login_failed',
          ...(user ? { targetType: 'user', targetId: user.id } : {}),
          details: { username: input.username.slice(0, 64), failedLogins: admitted?.failed_logins ?? null, ...(refused ? { reason: 'throttled' } : {}) },
        });
        if (refused && user) observe.failed(user.failed_logins >= config.login.lockAfter ? 'locked' : 'throttled');
        else observe.failed('invalid_credentials');
        // The failure that reached the lock.
        if (admitted && admitted.failed_logins === config.login.lockAfter) observe.lockedOut();
        throw invalidCredentials();
      }
      const token = randomToken();
      const actor: UserActor = { kind: 'user', id: user.id, username: user.username, displayName: user.display_name, role: Role.parse(user.role), sessionId: tokenDigest(token) };
      const endedPrevious = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const previousUser = previousToken ? await deleteSession(trx, tokenDigest(previousToken)) : undefined;
        await insertSession(trx, actor.sessionId, user.id);
        await recordSuccessfulLogin(trx, user.id);
        await insertAudit(trx, actor, ctx, { action: 'auth.login', targetType: 'user', targetId: user.id });
        // A colleague logging in over her session in the same browser ends it as a logout would; the
        // same nurse logging in again keeps her task (the new session is already live).
        if (previousUser) await returnTasksOfEndedSessions(trx, changes, [previousUser], 'logout', config.session.idleMinutes);
        return previousUser !== undefined;
      });
      if (endedPrevious && previousToken) publisher.sessionsEnded([tokenDigest(previousToken)], 'logout');
      return { user: { id: user.id, username: user.username, displayName: user.display_name, role: actor.role }, token };
    },

    /** How many passwords this node has verified against a stored hash (dummy checks not counted). */
    passwordVerifications: () => passwordVerifications,

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
      const row = await keys.activeKey(tokenDigest(key));
      if (!row) return undefined;
      if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
        await touchKey(db, row.id);
        // The cached row too, or every request would stamp it again.
        row.last_used_at = new Date();
      }
      return { kind: 'integration', id: row.id, name: row.name, scope: row.scope === 'referrals' ? 'referrals' : 'erc', serviceId: row.service_id };
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

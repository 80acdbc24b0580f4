import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import { generatePassword, hashPassword } from '../auth/secrets.ts';
import { SYSTEM, NO_REQUEST } from '../http/actor.ts';
import { countUsers, insertUser } from './users.repository.ts';

/**
 * On a database with no users, creates the admin `admin`. Returns the generated password when none
 * was configured (the caller prints it once), or null when nothing was created. Safe when several
 * nodes start at once: they queue on a transaction-scoped advisory lock.
 */
export async function ensureFirstAdmin(db: Db, configuredPassword: string | undefined): Promise<{ created: boolean; password: string | null }> {
  const password = configuredPassword ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('first-admin'))`.execute(trx);
    if ((await countUsers(trx)) > 0) return { created: false, password: null };
    const admin = await insertUser(trx, { username: 'admin', displayName: 'Administrator', role: 'admin', passwordHash });
    if (!admin) return { created: false, password: null };
    await insertAudit(trx, SYSTEM, NO_REQUEST, { action: 'user.create', targetType: 'user', targetId: admin.id, details: { username: 'admin', role: 'admin', firstAdmin: true } });
    return { created: true, password: configuredPassword ? null : password };
  });
}

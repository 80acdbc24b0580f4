import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

export function insertKey(db: Executor, key: { name: string; prefix: string; keyHash: string; createdBy: string | null; scope: string; serviceId: string | null }) {
  return db
    .insertInto('integration_key')
    .values({ name: key.name, prefix: key.prefix, key_hash: key.keyHash, created_by: key.createdBy, scope: key.scope, service_id: key.serviceId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listKeys(db: Executor) {
  return db.selectFrom('integration_key').selectAll().orderBy('created_at', 'desc').execute();
}

export type KeyRow = Awaited<ReturnType<typeof listKeys>>[number];

export function findActiveKeyByHash(db: Executor, keyHash: string) {
  return db
    .selectFrom('integration_key')
    .select(['id', 'name', 'last_used_at', 'scope', 'service_id'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export function touchKey(db: Executor, id: string) {
  return db.updateTable('integration_key').set({ last_used_at: sql`now()` }).where('id', '=', id).execute();
}

/** Revokes once: undefined when the key does not exist or was already revoked. */
export function revokeKey(db: Executor, id: string) {
  return db
    .updateTable('integration_key')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function findKey(db: Executor, id: string) {
  return db.selectFrom('integration_key').selectAll().where('id', '=', id).executeTakeFirst();
}

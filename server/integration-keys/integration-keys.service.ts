import type { CreateIntegrationKeyRequest, CreatedIntegrationKey, IntegrationKeyDto } from '../contracts/integration-keys.ts';
import { findService } from '../services/services.repository.ts';
import { changeCached, type CacheInvalidation } from '../db/cache-invalidation.ts';
import type { Db } from '../db/create-db.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import { randomToken, tokenDigest } from '../auth/secrets.ts';
import type { Actor, RequestContext } from '../http/actor.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import { findKey, insertKey, listKeys, revokeKey, type KeyRow } from './integration-keys.repository.ts';

const KEY_PREFIX = 'dtk_';

export function toIntegrationKeyDto(row: KeyRow): IntegrationKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope === 'referrals' ? 'referrals' : 'erc',
    serviceId: row.service_id,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

export function createIntegrationKeysService(db: Db, caches: CacheInvalidation) {
  return {
    async list(): Promise<IntegrationKeyDto[]> {
      return (await listKeys(db)).map(toIntegrationKeyDto);
    },

    /** Creates a key and returns it once; only its sha-256 is stored. */
    async create(input: CreateIntegrationKeyRequest, actor: Actor, ctx: RequestContext): Promise<CreatedIntegrationKey> {
      const { name, scope } = input;
      const serviceId = input.serviceId ?? null;
      if (serviceId !== null && !(await findService(db, serviceId))) throw validationError([{ path: 'body.serviceId', message: 'No such directory entry' }]);
      const key = `${KEY_PREFIX}${randomToken()}`;
      const row = await db.transaction().execute(async (trx) => {
        const created = await insertKey(trx, {
          name,
          prefix: key.slice(0, KEY_PREFIX.length + 6),
          keyHash: tokenDigest(key),
          createdBy: actor.kind === 'user' ? actor.id : null,
          scope,
          serviceId,
        });
        await insertAudit(trx, actor, ctx, { action: 'integration_key.create', targetType: 'integration_key', targetId: created.id, details: { name, scope, serviceId } });
        return created;
      });
      return { id: row.id, name: row.name, key };
    },

    /** Revokes a key at once for every node (announced to their key caches at the commit); 409 when it was already revoked. */
    async revoke(id: string, actor: Actor, ctx: RequestContext): Promise<IntegrationKeyDto> {
      return changeCached(db, caches, 'integration_keys', async (trx) => {
        const revoked = await revokeKey(trx, id);
        if (!revoked) {
          const existing = await findKey(trx, id);
          if (!existing) throw notFound('Integration key');
          throw new AppError(409, 'ALREADY_REVOKED', 'This integration key was already revoked.');
        }
        await insertAudit(trx, actor, ctx, { action: 'integration_key.revoke', targetType: 'integration_key', targetId: id, details: { name: revoked.name } });
        return toIntegrationKeyDto(revoked);
      });
    },
  };
}
export type IntegrationKeysService = ReturnType<typeof createIntegrationKeysService>;

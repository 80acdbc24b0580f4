import type { CacheInvalidation } from '../db/cache-invalidation.ts';
import { notifiedCache } from '../db/cache-invalidation.ts';
import type { Db } from '../db/create-db.ts';
import { findActiveKeyByHash } from './integration-keys.repository.ts';

/**
 * Active integration keys by their digest, kept on each node so an ERC request does not read its key
 * every time. A revocation is announced at its commit and forgotten on every node (at once on the
 * node that made it); an unknown digest is always looked up, so a new key works at once everywhere.
 */
export function createKeyCache(db: Db, invalidation: CacheInvalidation) {
  const keys = notifiedCache(invalidation, 'integration_keys', (digest: string) => findActiveKeyByHash(db, digest));
  return { activeKey: (digest: string) => keys.get(digest) };
}
export type KeyCache = ReturnType<typeof createKeyCache>;

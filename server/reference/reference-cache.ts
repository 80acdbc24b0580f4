import type { CacheInvalidation } from '../db/cache-invalidation.ts';
import { notifiedCache } from '../db/cache-invalidation.ts';
import type { Db } from '../db/create-db.ts';
import { activeRedFlagIds } from './reference.repository.ts';

/**
 * Reference data a command consults on every request, kept on each node until an admin changes it
 * (announced at the commit; see changeCached). Intake needs none of it: its insert settles the
 * municipality and the task code in SQL.
 */
export function createReferenceCache(db: Db, invalidation: CacheInvalidation) {
  const redFlags = notifiedCache(invalidation, 'reference', async (_key: 'red_flags') => activeRedFlagIds(db));
  return {
    /** The ids of the active red flags. */
    async activeRedFlagIds(): Promise<ReadonlySet<string>> {
      return (await redFlags.get('red_flags')) ?? new Set();
    },
  };
}
export type ReferenceCache = ReturnType<typeof createReferenceCache>;

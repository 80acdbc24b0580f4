import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Executor } from '../audit/audit.repository.ts';
import type { Logger } from '../logger.ts';
import type { Database, Db, DbHandle } from './create-db.ts';

const CHANNEL = 'dtask_cache';

/** What a node may keep in memory, by what an admin changes. */
export const CacheTopic = z.enum(['reference', 'integration_keys']);
export type CacheTopic = z.infer<typeof CacheTopic>;

/**
 * Tells every node that `topic` changed. pg_notify is delivered when the transaction commits (and
 * never if it rolls back), so call it inside the transaction that makes the change.
 */
export async function announceChange(db: Executor, topic: CacheTopic): Promise<void> {
  await sql`select pg_notify(${CHANNEL}, ${topic})`.execute(db);
}

/**
 * The state of this node's caches: a generation per topic that moves on with every change heard (on
 * any node) and with every reconnect of the listener (a change may have been missed meanwhile).
 * While the listener is down nothing may be served from memory.
 */
export interface CacheInvalidation {
  /** Whether memory may be trusted now (the listener is connected). */
  live(): boolean;
  generation(topic: CacheTopic): number;
  /** This node made a change: its own caches forget at once, before the notification comes back. */
  changed(topic: CacheTopic): void;
  stop(): Promise<void>;
}

export async function startCacheInvalidation(handle: Pick<DbHandle, 'listen'>, logger: Logger): Promise<CacheInvalidation> {
  const generations = new Map<CacheTopic, number>(CacheTopic.options.map((t) => [t, 0]));
  const bump = (topic: CacheTopic) => generations.set(topic, (generations.get(topic) ?? 0) + 1);
  let live = false;
  const stop = await handle.listen(CHANNEL, {
    notified(payload) {
      const topic = CacheTopic.safeParse(payload);
      if (topic.success) bump(topic.data);
      else for (const t of CacheTopic.options) bump(t);
    },
    connected() {
      for (const t of CacheTopic.options) bump(t);
      live = true;
    },
    disconnected() {
      if (live) logger.warn('cache listener lost its connection: caches bypassed until it is back');
      live = false;
      for (const t of CacheTopic.options) bump(t);
    },
  });
  return {
    live: () => live,
    generation: (topic) => generations.get(topic) ?? 0,
    changed: bump,
    stop,
  };
}

/** How long an entry may be served without a fresh read at most, should a notification be lost silently. */
export const CACHE_MAX_AGE_MS = 60_000;

/**
 * Values kept per key while they are valid: until a change of `topic` is heard, the listener drops
 * or CACHE_MAX_AGE_MS passes. Misses are not kept (a new entry is found at once). A load that a
 * change overtook is served to its caller but not kept.
 */
export function notifiedCache<K, V>(invalidation: CacheInvalidation, topic: CacheTopic, load: (key: K) => Promise<V | undefined>) {
  const entries = new Map<K, { value: V; generation: number; loadedAt: number }>();
  return {
    async get(key: K): Promise<V | undefined> {
      const generation = invalidation.generation(topic);
      const live = invalidation.live();
      const entry = entries.get(key);
      if (live && entry && entry.generation === generation && Date.now() - entry.loadedAt < CACHE_MAX_AGE_MS) return entry.value;
      entries.delete(key);
      const value = await load(key);
      if (live && value !== undefined && invalidation.generation(topic) === generation && invalidation.live()) {
        entries.set(key, { value, generation, loadedAt: Date.now() });
      }
      return value;
    },
  };
}

/**
 * Runs a change of what `topic` caches in one transaction that also announces it: other nodes hear
 * of it at the commit, and this node's caches forget it before the caller answers.
 */
export async function changeCached<T>(db: Db, invalidation: CacheInvalidation, topic: CacheTopic, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  const result = await db.transaction().execute(async (trx) => {
    const value = await work(trx);
    await announceChange(trx, topic);
    return value;
  });
  invalidation.changed(topic);
  return result;
}

import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

export function findCongestionMode(db: Executor) {
  return db.selectFrom('congestion_mode').selectAll().executeTakeFirstOrThrow();
}

/** Reads the mode and holds a share lock to the end of the transaction: a switch waits for it, and it for a switch. */
export async function congestionActiveLocked(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('congestion_mode').select('active').forShare().executeTakeFirstOrThrow();
  return row.active;
}

/**
 * Switches the mode to `active` when it is not so already: one conditional update, so of two
 * concurrent switches to the same state on any nodes exactly one changes it. Undefined: no change.
 */
export function switchCongestionMode(db: Executor, active: boolean, byName: string) {
  return db
    .updateTable('congestion_mode')
    .set({ active, version: sql`version + 1`, changed_at: sql`now()`, changed_by_name: byName })
    .where('active', '=', !active)
    .returningAll()
    .executeTakeFirst();
}

/** The append-only history row of a switch. */
export function insertCongestionChange(db: Executor, c: { active: boolean; version: number; byId: string; byName: string; reason: string | null }) {
  return db
    .insertInto('congestion_mode_change')
    .values({ active: c.active, version: c.version, by_id: c.byId, by_name: c.byName, reason: c.reason })
    .execute();
}

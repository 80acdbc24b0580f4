import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

export type IdempotencyBegin =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/** How long a request may hold its key unanswered before a retry may take it over (a node died mid-request). */
const LEASE_SECONDS = 30;

/**
 * Claims (scope, key) for one request. The primary key settles races: of two concurrent requests
 * with the same key one runs, the other sees it in progress; a later retry replays the stored answer.
 * A key left unanswered by a request that died (node killed, database lost) is taken over after
 * the lease; the change itself is guarded by its own rules (state, version, ercTaskId).
 */
export async function beginIdempotent(db: Executor, scope: string, key: string, requestHash: string): Promise<IdempotencyBegin> {
  const inserted = await db
    .insertInto('idempotency_record')
    .values({ scope, key, request_hash: requestHash })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return { kind: 'new' };
  const takenOver = await db
    .updateTable('idempotency_record')
    .set({ created_at: sql`now()` })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('request_hash', '=', requestHash)
    .where('status', 'is', null)
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${LEASE_SECONDS})`)
    .returning('key')
    .executeTakeFirst();
  if (takenOver) return { kind: 'new' };
  const row = await db.selectFrom('idempotency_record').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
  if (row.request_hash !== requestHash) return { kind: 'mismatch' };
  if (row.status === null) return { kind: 'in_progress' };
  return { kind: 'replay', status: row.status, body: row.body };
}

export async function completeIdempotent(db: Executor, scope: string, key: string, status: number, body: unknown): Promise<void> {
  await db
    .updateTable('idempotency_record')
    .set({ status, body: body === undefined ? null : JSON.stringify(body) })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/** Forgets a key whose request failed on our side, so the client's retry runs again. */
export async function abandonIdempotent(db: Executor, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_record').where('scope', '=', scope).where('key', '=', key).where('status', 'is', null).execute();
}

import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/create-db.ts';
import type { ChangeRecorder } from '../events/task-change.ts';
import { actorName } from '../events/task-change.ts';
import type { Actor } from '../http/actor.ts';
import { insertFollowUpResult, lockOpenFollowUpsOfTask, updateFollowUp } from './follow-ups.repository.ts';

/**
 * The task's outcome was amended away from advice or a redirect (a unit was sent after all): its
 * open follow-ups have nothing left to check and are cancelled, with a history row and an event
 * each. The caller holds the task row lock (task first, then its follow-ups, as every follow-up
 * change locks).
 */
export async function cancelOpenFollowUps(
  trx: Transaction<Database>,
  changes: ChangeRecorder,
  actor: Actor,
  task: { id: string; version: number; state: string },
): Promise<void> {
  for (const followUp of await lockOpenFollowUpsOfTask(trx, task.id)) {
    await updateFollowUp(trx, followUp.id, { state: 'cancelled', claimed_by: null, claimed_at: null, heartbeat_at: null, stale_flagged_at: null, result_at: sql<Date>`now()` });
    await insertFollowUpResult(trx, { followUpId: followUp.id, result: 'cancelled', note: null, byId: actor.kind === 'user' ? actor.id : null, byName: actorName(actor) });
    const data = { followUpId: followUp.id, result: 'cancelled', from: followUp.claimed_by };
    changes.record({ task, type: 'follow_up.result', data, audit: { action: 'follow_up.result', details: data } });
  }
}

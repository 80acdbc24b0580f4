import type { Transaction } from 'kysely';
import type { Database } from '../db/create-db.ts';
import type { ChangeRecorder } from '../events/task-change.ts';
import { returnFollowUpsOfGoneHolders } from '../follow-ups/follow-ups.repository.ts';
import { findTaskHead, lockClaimant, returnTasksOfGoneHolders } from './tasks.repository.ts';

export type SessionEndReason = 'logout' | 'idle' | 'deactivated' | 'password_reset';

/**
 * A session ended: the tasks and follow-up calls its user held go back to the queue at once (unless
 * another session of theirs is still live), so no patient waits behind a claim nobody works on. Each return is a
 * `task.released` event for every screen and a `task.holder_left` flag for shift leaders, both
 * saying why; the assessment draft stays on the task. Call inside the transaction that ends the session.
 */
export async function returnTasksOfEndedSessions(
  trx: Transaction<Database>,
  changes: ChangeRecorder,
  userIds: readonly string[],
  reason: SessionEndReason,
  idleMinutes: number,
): Promise<number> {
  const users = [...new Set(userIds)].sort();
  // The claimant lock a claim takes (in id order, so two session ends never deadlock): a claim in
  // flight either committed before this (and its task is returned now) or waits and then sees the
  // session gone.
  for (const id of users) await lockClaimant(trx, id);
  const returned = await returnTasksOfGoneHolders(trx, users, idleMinutes);
  for (const { task, from } of returned) {
    const data = { from, sessionEnded: reason };
    changes.record({ task, type: 'task.released', data, audit: { action: 'task.release', details: data } });
    changes.record({ task, type: 'task.holder_left', audience: 'shift_leader', data, audit: { action: 'task.holder_left', details: data } });
  }
  const followUps = await returnFollowUpsOfGoneHolders(trx, users, idleMinutes);
  for (const followUp of followUps) {
    const data = { followUpId: followUp.id, from: followUp.gone_holder, sessionEnded: reason };
    changes.record({ task: await findTaskHead(trx, followUp.task_id), type: 'follow_up.released', data, audit: { action: 'follow_up.release', details: data } });
  }
  return returned.length + followUps.length;
}

import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { DecisionReason, RecordedOutcome } from '../contracts/tasks.ts';
import type { Database } from '../db/create-db.ts';
import { actorName, type ChangeRecorder } from '../events/task-change.ts';
import type { Actor } from '../http/actor.ts';
import { AppError, validationError } from '../http/errors.ts';
import { findService } from '../services/services.repository.ts';
import { updateTask } from '../tasks/tasks.repository.ts';
import * as repo from './referrals.repository.ts';

type Trx = Transaction<Database>;

/**
 * The referral side of recording an outcome, inside its transaction (the task row is locked): the
 * referral of the outcome being replaced, if still requested or accepted, is cancelled; a redirect
 * gets a new referral in state requested (to its directory entry, or to the free-text handoffTo).
 * Returns the state the task's `referral_state` takes.
 */
export async function referralForOutcome(
  trx: Trx,
  actor: Actor,
  input: { taskId: string; outcomeId: string; outcome: RecordedOutcome; replacedOutcomeId: string | null },
): Promise<'requested' | null> {
  if (input.replacedOutcomeId) {
    const previous = await repo.lockReferralOfOutcome(trx, input.replacedOutcomeId);
    if (previous && (await repo.moveReferral(trx, previous.id, ['requested', 'accepted'], { state: 'cancelled' }))) {
      await repo.insertStateChange(trx, { referralId: previous.id, state: 'cancelled', byName: actorName(actor), via: 'console', reason: 'outcome_replaced' });
    }
  }
  const outcome = input.outcome;
  if (outcome.type !== 'redirect') return null;
  let serviceId: string | null = null;
  let targetName = outcome.handoffTo;
  if (outcome.serviceId !== undefined) {
    const service = await findService(trx, outcome.serviceId);
    if (!service || !service.active) throw validationError([{ path: 'body.serviceId', message: 'No active directory entry with this id' }]);
    if (service.target_type !== outcome.target) {
      throw validationError([{ path: 'body.serviceId', message: `The entry is of type ${service.target_type}, not ${outcome.target}` }]);
    }
    serviceId = service.id;
    targetName = service.name;
  }
  const referral = await repo.insertReferral(trx, { taskId: input.taskId, outcomeId: input.outcomeId, serviceId, targetType: outcome.target, targetName });
  await repo.insertStateChange(trx, { referralId: referral.id, state: 'requested', byName: actorName(actor), via: 'console' });
  return 'requested';
}

export const referralNotPending = (state: string) =>
  new AppError(409, 'REFERRAL_NOT_PENDING', `The referral is ${state}, not waiting for an answer.`, { state });

/** Records acceptance of a requested referral (the task row is locked) and moves the task's counts. */
export async function acceptReferral(
  trx: Trx,
  changes: ChangeRecorder,
  actor: Actor,
  referral: repo.ReferralRow,
  answer: { acceptedBy: string; acceptedAt: Date; via: 'phone' | 'api' },
): Promise<'accepted'> {
  const moved = await repo.moveReferral(trx, referral.id, ['requested'], { state: 'accepted', accepted_at: answer.acceptedAt, accepted_by: answer.acceptedBy, answered_via: answer.via });
  if (!moved) throw referralNotPending(referral.state);
  await repo.insertStateChange(trx, { referralId: referral.id, state: 'accepted', byName: actorName(actor), via: answer.via, acceptedBy: answer.acceptedBy, acceptedAt: answer.acceptedAt });
  const minutes = Math.max(0, Math.floor((answer.acceptedAt.getTime() - referral.requested_at.getTime()) / 60_000));
  const task = await updateTask(trx, referral.task_id, { referral_state: 'accepted', referral_accept_minutes: minutes });
  const data = { referralId: referral.id, via: answer.via };
  changes.record({ task, type: 'referral.accepted', data, audit: { action: 'referral.accept', details: data } });
  return 'accepted';
}

/**
 * The referral fell through (rejected, unanswered or cancelled): the task returns to the queue
 * flagged for a new decision (the centre owns the patient again) and its next outcome amends the
 * redirect. Records the referral's event, then `task.decision_required`. The task row is locked.
 */
async function returnForDecision(
  trx: Trx,
  changes: ChangeRecorder,
  referral: repo.ReferralRow,
  fell: { state: 'rejected' | 'cancelled'; decisionReason: DecisionReason; event: string; action: string; data: Record<string, string> },
): Promise<void> {
  const task = await updateTask(trx, referral.task_id, {
    state: 'queued',
    referral_state: fell.state,
    decision_required_at: sql<Date>`now()`,
    decision_reason: fell.decisionReason,
    closed_at: null,
  });
  changes.record({ task, type: fell.event, data: fell.data, audit: { action: fell.action, details: fell.data } });
  changes.record({ task, type: 'task.decision_required', data: { reason: fell.decisionReason }, audit: { action: 'task.decision_required', details: { reason: fell.decisionReason } } });
}

/** A rejected or unanswered referral: rejected, and the task returns for a new decision. The task row is locked. */
export async function rejectReferral(
  trx: Trx,
  changes: ChangeRecorder,
  actor: Actor,
  referral: repo.ReferralRow,
  answer: { reason: string; via: 'api' | 'scheduler'; decisionReason: DecisionReason },
): Promise<'rejected'> {
  const moved = await repo.moveReferral(trx, referral.id, ['requested'], { state: 'rejected', answered_via: answer.via, reject_reason: answer.reason });
  if (!moved) throw referralNotPending(referral.state);
  await repo.insertStateChange(trx, { referralId: referral.id, state: 'rejected', byName: actorName(actor), via: answer.via, reason: answer.reason });
  const data = { referralId: referral.id, via: answer.via };
  await returnForDecision(trx, changes, referral, { state: 'rejected', decisionReason: answer.decisionReason, event: 'referral.rejected', action: 'referral.reject', data });
  return 'rejected';
}

/**
 * accepted -> completed: the service has seen the patient. The redirect stays an avoided dispatch
 * (completed counts as accepted). 409 REFERRAL_NOT_ACCEPTED from any other state. The task row is locked.
 */
export async function completeReferral(trx: Trx, changes: ChangeRecorder, actor: Actor, referral: repo.ReferralRow, via: 'api' | 'console'): Promise<'completed'> {
  const moved = await repo.moveReferral(trx, referral.id, ['accepted'], { state: 'completed' });
  if (!moved) throw new AppError(409, 'REFERRAL_NOT_ACCEPTED', `The referral is ${referral.state}: only an accepted referral can be completed.`, { state: referral.state });
  await repo.insertStateChange(trx, { referralId: referral.id, state: 'completed', byName: actorName(actor), via });
  const task = await updateTask(trx, referral.task_id, { referral_state: 'completed' });
  const data = { referralId: referral.id, via };
  changes.record({ task, type: 'referral.completed', data, audit: { action: 'referral.complete', details: data } });
  return 'completed';
}

/**
 * requested or accepted -> cancelled: the referral is called off (by the service, which can no
 * longer take the patient, or by the centre). Nobody has the patient then, so the task returns to
 * the queue for a new decision, as after a rejection. 409 REFERRAL_NOT_OPEN from any other state.
 * The task row is locked.
 */
export async function cancelReferral(trx: Trx, changes: ChangeRecorder, actor: Actor, referral: repo.ReferralRow, answer: { reason: string; via: 'api' | 'console' }): Promise<'cancelled'> {
  const moved = await repo.moveReferral(trx, referral.id, ['requested', 'accepted'], { state: 'cancelled' });
  if (!moved) throw new AppError(409, 'REFERRAL_NOT_OPEN', `The referral is ${referral.state}: only a requested or accepted referral can be cancelled.`, { state: referral.state });
  await repo.insertStateChange(trx, { referralId: referral.id, state: 'cancelled', byName: actorName(actor), via: answer.via, reason: answer.reason });
  const data = { referralId: referral.id, via: answer.via };
  await returnForDecision(trx, changes, referral, { state: 'cancelled', decisionReason: 'referral_cancelled', event: 'referral.cancelled', action: 'referral.cancel', data });
  return 'cancelled';
}

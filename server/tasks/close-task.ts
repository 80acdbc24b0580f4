import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { RecordedOutcome } from '../contracts/tasks.ts';
import type { Database } from '../db/create-db.ts';
import type { ChangeRecorder } from '../events/task-change.ts';
import { actorName } from '../events/task-change.ts';
import type { Actor } from '../http/actor.ts';
import type { OutcomeDecision } from '../protocols/decision.ts';
import { referralForOutcome } from '../referrals/referral-lifecycle.ts';
import { cancelOpenFollowUps } from '../follow-ups/cancel-follow-ups.ts';
import { insertDispatchRequest, supersedeDispatchRequests } from './dispatch.repository.ts';
import { insertOutcome, updateTask } from './tasks.repository.ts';

function outcomeData(outcome: RecordedOutcome): Record<string, string> {
  switch (outcome.type) {
    case 'dispatch_unit':
      return { outcomeType: outcome.type, unitLevel: outcome.unitLevel, urgency: outcome.urgency, reason: outcome.reason };
    case 'phone_advice':
      return { outcomeType: outcome.type, advice: outcome.advice };
    case 'redirect':
      return { outcomeType: outcome.type, target: outcome.target };
    case 'cancelled':
      return { outcomeType: outcome.type };
  }
}

/** What events and audit rows say of the decision support (codes only, never the override note). */
function decisionData(decision: OutcomeDecision): Record<string, string> {
  return {
    protocol: `${decision.protocolId}/${decision.protocolVersion}`,
    recommended: decision.recommended,
    chosen: decision.chosen ?? 'unmapped',
    ...(decision.overrideReason ? { overrideReason: decision.overrideReason } : {}),
  };
}

/**
 * Records an outcome row and points the task at it: closing it, or (with `amends`) replacing the
 * current outcome of a closed task. A unit dispatch creates the dispatch request for the ERC in the
 * same transaction; an amendment withdraws the request of the outcome it replaces. A redirect
 * creates its referral (requested), and a replaced outcome's open referral is cancelled; an
 * amendment to a unit dispatch cancels the task's open follow-up calls. Free text (rationale,
 * notes) goes to the outcome row, never to events or audit. Returns the new outcome's id.
 */
export async function recordOutcome(
  trx: Transaction<Database>,
  changes: ChangeRecorder,
  actor: Actor,
  taskId: string,
  outcome: RecordedOutcome,
  amends?: { outcomeId: string; reason: string; reopened?: boolean },
  decision?: OutcomeDecision | null,
): Promise<string> {
  const { id: outcomeId } = await insertOutcome(trx, {
    taskId,
    type: outcome.type,
    details: outcome,
    recordedById: actor.kind === 'user' || actor.kind === 'integration' ? actor.id : null,
    recordedByName: actorName(actor),
    ...(amends ? { amendsId: amends.outcomeId, amendmentReason: amends.reason } : {}),
    decision: decision ?? null,
  });
  const referralState = await referralForOutcome(trx, actor, { taskId, outcomeId, outcome, replacedOutcomeId: amends?.outcomeId ?? null });
  // A task back for a new decision closes again: its new outcome amends the rejected redirect.
  const closes = !amends || amends.reopened === true;
  const task = await updateTask(trx, taskId, {
    state: 'closed',
    outcome_type: outcome.type,
    current_outcome_id: outcomeId,
    referral_state: referralState,
    referral_accept_minutes: null,
    decision_required_at: null,
    decision_reason: null,
    ...(closes ? { closed_at: sql<Date>`now()`, claimed_by: null, claimed_at: null, heartbeat_at: null, callback_due_at: null } : {}),
  });
  // An amendment withdraws the dispatch request of the outcome it replaces: one task, one unit.
  const superseded = amends ? await supersedeDispatchRequests(trx, taskId, outcomeId) : [];
  if (outcome.type === 'dispatch_unit') await insertDispatchRequest(trx, { taskId, outcomeId, ...outcome });
  for (const request of superseded) {
    // The ERC had already confirmed it: a unit may be on its way; shift leaders must know at once.
    const data = { dispatchRequestId: request.id, acknowledged: request.acknowledged_at !== null };
    changes.record({ task, type: 'dispatch.superseded', data, audit: { action: 'dispatch.supersede', details: data } });
  }
  if (amends && outcome.type !== 'phone_advice' && outcome.type !== 'redirect') await cancelOpenFollowUps(trx, changes, actor, task);
  const data = { ...outcomeData(outcome), ...(decision ? decisionData(decision) : {}) };
  const amended = amends !== undefined && !closes;
  changes.record({
    task,
    type: amended ? 'task.outcome_amended' : outcome.type === 'cancelled' ? 'task.cancelled' : 'task.closed',
    data,
    audit: { action: amended ? 'task.outcome_amend' : outcome.type === 'cancelled' ? 'task.cancel' : 'task.outcome', details: data },
  });
  return outcomeId;
}

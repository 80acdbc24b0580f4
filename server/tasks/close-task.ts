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
import { insertOutcome, updateTask, type TaskSummaryRow } from './tasks.repository.ts';

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
 * notes) goes to the outcome row, never to events or audit. Answers with the task's summary and
 * the new outcome's id.
 */
export async function recordOutcome(
  trx: Transaction<Database>,
  changes: ChangeRecorder,
  actor: Actor,
  taskId: string,
  outcome: RecordedOutcome,
  amends?: { outcomeId: string; reason: string; reopened?: boolean },
  decision?: OutcomeDecision | null,
): Promise<{ task: TaskSummaryRow; outcomeId: string }> {
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
  // The field commander's unit was attached by the ERC itself: a second request would send two units.
  if (outcome.type === 'dispatch_unit' && outcome.reason !== 'field_commander') await insertDispatchRequest(trx, { taskId, outcomeId, ...outcome });
  for (const request of superseded) {
    // The ERC had already confirmed it: a unit may be on its way; shift leaders must know at once.
    const data = { dispatchRequestId: request.id, acknowledged: request.acknowledged_at !== null };
    changes.record({ task, type: 'dispatch.superseded', data, audit: { action: 'dispatch.supersede', details: data } });
  }
  if (amends && outcome.type !== 'phone_advice' && outcome.type !== 'redirect') await cancelOpenFollowUps(trx, changes, actor, task);
  const data = { ...outcomeData(outcome), ...(decision ? decisionData(decision) : {}) };
  changes.record({ task, ...closeEvent(outcome, amends !== undefined && !closes, data) });
  return { task, outcomeId };
}

/**
 * A task back for a new decision (its referral fell through) is closed again by amending the
 * redirect: what the next outcome amends, or undefined for a task that never had one.
 */
export function reopenedAmends(task: { current_outcome_id: string | null; decision_reason: string | null }) {
  return task.current_outcome_id && task.decision_reason ? { outcomeId: task.current_outcome_id, reason: task.decision_reason, reopened: true } : undefined;
}

type EventData = Record<string, string | boolean>;

/** The event of an outcome: the field commander's unit has one of its own, so the holder's screen can say so plainly. */
function closeEvent(outcome: RecordedOutcome, amended: boolean, data: EventData): { type: string; data: EventData; audit: { action: string; details: EventData } } {
  if (outcome.type === 'dispatch_unit' && outcome.reason === 'field_commander') {
    const attached = { ...data, unit: outcome.unit, amended };
    return { type: 'task.unit_attached', data: attached, audit: { action: 'task.unit_attached', details: attached } };
  }
  if (amended) return { type: 'task.outcome_amended', data, audit: { action: 'task.outcome_amend', details: data } };
  if (outcome.type === 'cancelled') return { type: 'task.cancelled', data, audit: { action: 'task.cancel', details: data } };
  return { type: 'task.closed', data, audit: { action: 'task.outcome', details: data } };
}

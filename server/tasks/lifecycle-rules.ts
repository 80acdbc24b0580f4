import type { LifecycleConfig } from '../config.ts';
import type { AssessmentFields, CallResult, Outcome } from '../contracts/tasks.ts';
import { AppError } from '../http/errors.ts';
import { safetyDeadline } from './response-target.ts';

export type EscalationReason = 'wrong_number' | 'unreachable_attempts' | 'response_limit';

const MINUTE = 60_000;

export interface FailedCallDecision {
  failedCallAttempts: number;
  callbackDueAt: Date;
  /** Set when this failure fires the safety net (and the task was not escalated before). */
  escalate: EscalationReason | null;
}

/**
 * What an unanswered call means. A wrong number cannot be called again; N failures, or a next call
 * that would fall after the safety deadline, fire the safety net: a patient who cannot be reached
 * always gets a unit.
 */
export function decideAfterFailedCall(
  task: { failedCallAttempts: number; receivedAt: Date; urgency: string; escalated: boolean },
  result: Exclude<CallResult, 'answered'>,
  config: LifecycleConfig,
  now: Date,
): FailedCallDecision {
  const failedCallAttempts = task.failedCallAttempts + 1;
  const callbackDueAt = new Date(now.getTime() + config.callbackMinutes * MINUTE);
  let escalate: EscalationReason | null = null;
  if (result === 'wrong_number') escalate = 'wrong_number';
  else if (failedCallAttempts >= config.maxFailedCalls) escalate = 'unreachable_attempts';
  else if (callbackDueAt >= safetyDeadline(task, config)) escalate = 'response_limit';
  return { failedCallAttempts, callbackDueAt, escalate: task.escalated ? null : escalate };
}

/**
 * Refuses an outcome the task's state of care does not allow. An escalated task closes as a unit
 * dispatch; its reason must be "unreachable" unless the patient was reached after all, when the
 * nurse gives the true reason (reports count unreachable patients from it). Phone advice and redirects
 * need an answered call.
 */
export function assertOutcomeAllowed(
  task: { escalated: boolean; reached: boolean; assessment: AssessmentFields | null },
  outcome: Outcome,
): void {
  if (task.escalated && (outcome.type !== 'dispatch_unit' || (!task.reached && outcome.reason !== 'unreachable'))) {
    throw new AppError(422, 'ESCALATED_REQUIRES_DISPATCH', task.reached
      ? 'The safety net fired for this task: it must be closed as a unit dispatch.'
      : 'The patient could not be reached: this task must be closed as a unit dispatch with reason "unreachable".');
  }
  // Advice or a redirect is a decision made with the patient on the line; without a call it is a guess.
  if (!task.reached && outcome.type !== 'dispatch_unit') {
    throw new AppError(422, 'NO_ANSWERED_CALL', 'Phone advice and redirects need an answered call: record the call first, or send a unit.');
  }
  const redFlags = task.assessment?.redFlags ?? [];
  if (redFlags.length > 0 && outcome.type !== 'dispatch_unit') {
    throw new AppError(422, 'RED_FLAG_REQUIRES_DISPATCH', `The assessment has red flags (${redFlags.join(', ')}): only a unit dispatch can close this task.`, { redFlags });
  }
}

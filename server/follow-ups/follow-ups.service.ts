import { sql, type Transaction } from 'kysely';
import type { LifecycleConfig } from '../config.ts';
import type { FollowUpDetail, FollowUpQuery, FollowUpResultRequest, FollowUpSummary, ScheduleFollowUpRequest } from '../contracts/follow-ups.ts';
import { OPEN_FOLLOW_UP_STATES } from '../contracts/follow-ups.ts';
import type { CallResult } from '../contracts/tasks.ts';
import type { Database, Db } from '../db/create-db.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import { activeAssignee, assertHandsFree, assertReasonForLiveClaim, holderError, isClaimStale } from '../claims/claimable.ts';
import { actorName, runTaskTransaction, type ChangeRecorder } from '../events/task-change.ts';
import type { Actor, RequestContext, UserActor } from '../http/actor.ts';
import { AppError, notFound, staleVersion, validationError } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { recordOutcome } from '../tasks/close-task.ts';
import { findTaskHead, lockTask } from '../tasks/tasks.repository.ts';
import { loadFollowUpDetail, loadFollowUpSummary, toFollowUpSummary } from './follow-up-dto.ts';
import { decideAfterFailedFollowUpCall, followUpDueAt, MAX_CHOSEN_DAYS, unreachablePolicyMet } from './follow-up-rules.ts';
import * as repo from './follow-ups.repository.ts';

type Trx = Transaction<Database>;
const CLAIM_CLEARED = { claimed_by: null, claimed_at: null, heartbeat_at: null, stale_flagged_at: null } as const;

/**
 * The reopened clinical decision of a follow-up (`worse`, or `unreachable` when the policy sends a
 * unit): the task's current outcome is amended to a unit dispatch, which makes the one dispatch
 * request to the ERC through the usual path. The protocol is not run again: its answers describe
 * the first call, not the deterioration. The caller holds the task and the follow-up row locks.
 */
async function amendToDispatch(
  trx: Trx,
  changes: ChangeRecorder,
  actor: Actor,
  followUp: repo.FollowUpRow,
  dispatch: { unitLevel: FollowUpResultRequest['unitLevel']; urgency: FollowUpResultRequest['urgency']; reason: 'deteriorated_at_follow_up' | 'unreachable'; note?: string | undefined },
): Promise<void> {
  const task = await lockTask(trx, followUp.task_id);
  if (!task?.current_outcome_id || task.state !== 'closed') {
    throw new AppError(409, 'TASK_NOT_CLOSED', 'The task is open again (back for a new decision): record the dispatch on the task itself.');
  }
  const { outcomeId } = await recordOutcome(
    trx,
    changes,
    actor,
    task.id,
    { type: 'dispatch_unit', unitLevel: dispatch.unitLevel, urgency: dispatch.urgency, reason: dispatch.reason, ...(dispatch.note ? { note: dispatch.note } : {}) },
    { outcomeId: task.current_outcome_id, reason: dispatch.reason },
    null,
  );
  await repo.updateFollowUp(trx, followUp.id, { dispatch_outcome_id: outcomeId });
}

export function createFollowUpsService(db: Db, config: LifecycleConfig, publisher: Publisher, sessionIdleMinutes: number) {
  const summary = (id: string) => loadFollowUpSummary(db, id, config);
  const followUpConfig = config.followUp;

  /**
   * Locks the follow-up and checks that the actor may work on it now: it is open, the actor is
   * calling it (a shift leader may act on any open one, except where only the caller can), and,
   * when given, the version is the current one.
   */
  async function lockForCall(trx: Trx, id: string, actor: UserActor, opts: { version?: number; requireHolder: boolean }): Promise<repo.FollowUpRow> {
    const followUp = await repo.lockFollowUp(trx, id);
    if (!followUp) throw notFound('Follow-up');
    if (followUp.state !== 'scheduled' && followUp.state !== 'in_call') {
      throw new AppError(409, 'FOLLOW_UP_DONE', `This follow-up is already done (${followUp.state}).`);
    }
    if (opts.requireHolder || actor.role !== 'shift_leader') {
      if (followUp.state !== 'in_call') throw new AppError(409, 'FOLLOW_UP_NOT_CLAIMED', 'Take the follow-up before working on it.');
      if (followUp.claimed_by !== actor.id) throw await holderError(trx, followUp.claimed_by, 'FOLLOW_UP_ALREADY_CLAIMED', 'follow-up call');
    }
    if (opts.version !== undefined && opts.version !== followUp.version) throw staleVersion('follow-up', followUp.version);
    return followUp;
  }

  /**
   * Records a follow-up change as an event and audit row on its task's stream. Free text (a reason)
   * goes in `auditOnly`: events reach every screen, the audit row only those who may read it.
   */
  async function record(
    trx: Trx,
    changes: ChangeRecorder,
    taskId: string,
    change: { type: string; action: string; data: Record<string, string | number | boolean | null>; auditOnly?: Record<string, string | null>; audience?: 'shift_leader' },
  ) {
    const task = await findTaskHead(trx, taskId);
    const audit = { action: change.action, details: { ...change.data, ...change.auditOnly } };
    changes.record({ task, type: change.type, data: change.data, ...(change.audience ? { audience: change.audience } : {}), audit });
  }

  return {
    /** The queue view: follow-ups (open by default) by due time, earliest first. */
    async list(query: FollowUpQuery): Promise<FollowUpSummary[]> {
      const states = query.state ?? OPEN_FOLLOW_UP_STATES;
      const rows = await repo.listFollowUps(db, { states, limit: query.limit, ...(query.taskId ? { taskId: query.taskId } : {}) });
      return rows.map((row) => toFollowUpSummary(row, config));
    },

    /** One follow-up with what to check, its calls and results (patient data: the read is audited). */
    async detail(id: string, actor: UserActor, ctx: RequestContext): Promise<FollowUpDetail> {
      const followUp = await loadFollowUpDetail(db, id, config);
      await insertAudit(db, actor, ctx, { action: 'follow_up.read', targetType: 'task', targetId: followUp.taskId, details: { followUpId: id } });
      return followUp;
    },

    /**
     * Schedules a follow-up call on a closed task whose current outcome is phone advice or a
     * redirect (409 FOLLOW_UP_NOT_ALLOWED otherwise). The task row lock orders it with amendments.
     */
    async schedule(taskId: string, input: ScheduleFollowUpRequest, actor: UserActor, ctx: RequestContext): Promise<FollowUpSummary> {
      if (input.when !== 'at' && input.dueAt !== undefined) throw validationError([{ path: 'body.dueAt', message: 'Only with when=at' }]);
      const dueAt = followUpDueAt(input.when, input.dueAt, new Date());
      if (!dueAt) throw validationError([{ path: 'body.dueAt', message: `Required with when=at: a time in the future, at most ${MAX_CHOSEN_DAYS} days ahead` }]);
      const id = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const task = await lockTask(trx, taskId);
        if (!task) throw notFound('Task');
        const outcome = await repo.findFollowableOutcome(trx, taskId);
        if (task.state !== 'closed' || !outcome || (outcome.type !== 'phone_advice' && outcome.type !== 'redirect')) {
          throw new AppError(409, 'FOLLOW_UP_NOT_ALLOWED', 'A follow-up call follows phone advice or a redirect: this task has neither as its outcome.');
        }
        const { id: followUpId } = await repo.insertFollowUp(trx, {
          taskId,
          outcomeId: outcome.id,
          dueAt,
          check: input.check,
          ownerId: input.owner === 'me' ? actor.id : null,
          scheduledById: actor.id,
          scheduledByName: actor.username,
        });
        await record(trx, changes, taskId, { type: 'follow_up.scheduled', action: 'follow_up.schedule', data: { followUpId, dueAt: dueAt.toISOString(), owner: input.owner } });
        return followUpId;
      });
      return summary(id);
    },

    /**
     * Exclusive: of any number of concurrent claims exactly one wins (a conditional update on the
     * follow-up's state); the others get 409 naming the caller. One thing in hand per user, across
     * tasks and follow-ups (ALREADY_HOLDING_TASK). Not before FOLLOW_UP_EARLY_MINUTES ahead of its
     * due time (FOLLOW_UP_NOT_DUE); one owned by a nurse is hers (FOLLOW_UP_OWNED).
     */
    async claim(id: string, actor: UserActor, ctx: RequestContext): Promise<FollowUpSummary> {
      await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        await assertHandsFree(trx, actor, { followUpId: id });
        const claimed = await repo.claimFollowUp(trx, id, actor.id, followUpConfig.earlyMinutes);
        if (claimed) {
          await record(trx, changes, claimed.task_id, { type: 'follow_up.claimed', action: 'follow_up.claim', data: { followUpId: id } });
          return;
        }
        const followUp = await repo.lockFollowUp(trx, id);
        if (!followUp) throw notFound('Follow-up');
        if (followUp.state === 'in_call') {
          // Claiming what one already holds (a retried request) is not an error.
          if (followUp.claimed_by === actor.id) return;
          throw await holderError(trx, followUp.claimed_by, 'FOLLOW_UP_ALREADY_CLAIMED', 'follow-up call');
        }
        if (followUp.state !== 'scheduled') throw new AppError(409, 'FOLLOW_UP_DONE', `This follow-up is already done (${followUp.state}).`);
        if (followUp.owner_id && followUp.owner_id !== actor.id) {
          throw new AppError(409, 'FOLLOW_UP_OWNED', 'Another nurse promised this call: a shift leader can reassign it.', { ownerId: followUp.owner_id });
        }
        const claimableFrom = new Date(followUp.due_at.getTime() - followUpConfig.earlyMinutes * 60_000);
        throw new AppError(409, 'FOLLOW_UP_NOT_DUE', `This call is due at ${followUp.due_at.toISOString()}; it can be taken from ${claimableFrom.toISOString()}.`, {
          dueAt: followUp.due_at.toISOString(),
          claimableFrom: claimableFrom.toISOString(),
        });
      });
      return summary(id);
    },

    /** Puts a held follow-up back in the queue, due as before. */
    async release(id: string, version: number, reason: string | undefined, actor: UserActor, ctx: RequestContext): Promise<FollowUpSummary> {
      await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const followUp = await lockForCall(trx, id, actor, { version, requireHolder: false });
        if (followUp.state !== 'in_call') throw new AppError(409, 'FOLLOW_UP_NOT_CLAIMED', 'Nobody is calling this follow-up.');
        await repo.updateFollowUp(trx, id, { state: 'scheduled', ...CLAIM_CLEARED });
        const data = { followUpId: id, from: followUp.claimed_by };
        await record(trx, changes, followUp.task_id, { type: 'follow_up.released', action: 'follow_up.release', data, auditOnly: { reason: reason ?? null } });
      });
      return summary(id);
    },

    /** The caller's client still has the follow-up open; the version stays (not an edit). */
    async heartbeat(id: string, actor: UserActor, ctx: RequestContext): Promise<{ heartbeatAt: string; version: number }> {
      return runTaskTransaction(db, publisher, actor, ctx, async (trx) => {
        await lockForCall(trx, id, actor, { requireHolder: true });
        const row = await repo.touchFollowUpHeartbeat(trx, id);
        return { heartbeatAt: row.heartbeat_at!.toISOString(), version: row.version };
      });
    },

    /** A shift leader gives a follow-up to someone (by default themself); a live claim needs a reason. */
    async reassign(
      id: string,
      input: { version: number; assigneeId?: string | undefined; reason?: string | undefined },
      actor: UserActor,
      ctx: RequestContext,
    ): Promise<FollowUpSummary> {
      await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const assigneeId = input.assigneeId ?? actor.id;
        await activeAssignee(trx, assigneeId, actor, sessionIdleMinutes);
        const followUp = await lockForCall(trx, id, actor, { version: input.version, requireHolder: false });
        const liveClaim = followUp.state === 'in_call' && !isClaimStale(true, followUp.heartbeat_at, config);
        assertReasonForLiveClaim(liveClaim, input.reason);
        await repo.updateFollowUp(trx, id, { state: 'in_call', claimed_by: assigneeId, claimed_at: sql<Date>`now()`, heartbeat_at: sql<Date>`now()`, stale_flagged_at: null });
        const data = { followUpId: id, from: followUp.claimed_by, to: assigneeId };
        await record(trx, changes, followUp.task_id, { type: 'follow_up.reassigned', action: 'follow_up.reassign', data, auditOnly: { reason: input.reason ?? null } });
      });
      return summary(id);
    },

    /**
     * Records a call. Answered: the nurse goes on to the result. Unanswered: back to the queue with
     * the next call due, until the unreachable policy is met; then the nurse keeps it to record
     * `unreachable` (or `worse`).
     */
    async callAttempt(id: string, result: CallResult, actor: UserActor, ctx: RequestContext): Promise<FollowUpSummary> {
      await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const followUp = await lockForCall(trx, id, actor, { requireHolder: true });
        await repo.insertFollowUpCallAttempt(trx, { followUpId: id, result, userId: actor.id });
        if (result === 'answered') {
          await record(trx, changes, followUp.task_id, { type: 'follow_up.call_attempted', action: 'follow_up.call_attempt', data: { followUpId: id, result } });
          return;
        }
        const decision = decideAfterFailedFollowUpCall(
          { failedCallAttempts: followUp.failed_call_attempts, firstFailedCallAt: followUp.first_failed_call_at },
          followUpConfig,
          new Date(),
        );
        await repo.updateFollowUp(trx, id, {
          failed_call_attempts: decision.failedCallAttempts,
          first_failed_call_at: decision.firstFailedCallAt,
          // Due again later: overdue counts from the new time, and is flagged again if that call is missed too.
          ...(decision.policyMet ? {} : { state: 'scheduled', due_at: decision.nextDueAt, overdue_flagged_at: null, ...CLAIM_CLEARED }),
        });
        const data = { followUpId: id, result, failedCallAttempts: decision.failedCallAttempts, unreachablePolicyMet: decision.policyMet, nextDueAt: decision.policyMet ? null : decision.nextDueAt.toISOString() };
        await record(trx, changes, followUp.task_id, { type: 'follow_up.call_attempted', action: 'follow_up.call_attempt', data });
      });
      return summary(id);
    },

    /**
     * The result, appended to the follow-up's history. `stable` closes it. `worse` reopens the
     * clinical decision: the task's outcome is amended to a unit dispatch (reason
     * deteriorated_at_follow_up), making exactly one dispatch request: the task and follow-up row
     * locks and the state condition let one of any concurrent results through. `unreachable` needs
     * the policy met (422 FOLLOW_UP_ATTEMPTS_REQUIRED), escalates to shift leaders, and sends a unit
     * when FOLLOW_UP_UNREACHABLE_DISPATCH is set.
     */
    async result(id: string, input: FollowUpResultRequest, actor: UserActor, ctx: RequestContext): Promise<FollowUpSummary> {
      await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const taskId = await repo.findFollowUpTaskId(trx, id);
        if (!taskId) throw notFound('Follow-up');
        // Task first, then the follow-up: the order of amendments and scheduling.
        await lockTask(trx, taskId);
        const followUp = await lockForCall(trx, id, actor, { version: input.version, requireHolder: true });
        const policyMet = unreachablePolicyMet({ failedCallAttempts: followUp.failed_call_attempts, firstFailedCallAt: followUp.first_failed_call_at }, followUpConfig, new Date());
        if (input.result === 'unreachable' && !policyMet) {
          throw new AppError(422, 'FOLLOW_UP_ATTEMPTS_REQUIRED', `Unreachable needs ${followUpConfig.unreachableAttempts} unanswered calls over at least ${followUpConfig.unreachableMinutes} minutes.`, {
            failedCallAttempts: followUp.failed_call_attempts,
            requiredAttempts: followUpConfig.unreachableAttempts,
            requiredMinutes: followUpConfig.unreachableMinutes,
          });
        }
        const escalate = input.result === 'unreachable';
        await repo.updateFollowUp(trx, id, { state: input.result, ...CLAIM_CLEARED, result_at: sql<Date>`now()`, ...(escalate ? { escalated_at: sql<Date>`now()` } : {}) });
        await repo.insertFollowUpResult(trx, { followUpId: id, result: input.result, note: input.note ?? null, byId: actor.id, byName: actorName(actor) });
        await record(trx, changes, taskId, { type: 'follow_up.result', action: 'follow_up.result', data: { followUpId: id, result: input.result } });
        if (escalate) {
          await record(trx, changes, taskId, { type: 'follow_up.escalated', action: 'follow_up.escalate', audience: 'shift_leader', data: { followUpId: id, reason: 'unreachable', dispatch: followUpConfig.unreachableDispatch } });
        }
        if (input.result === 'worse') {
          await amendToDispatch(trx, changes, actor, followUp, { unitLevel: input.unitLevel, urgency: input.urgency, reason: 'deteriorated_at_follow_up', note: input.note });
        } else if (escalate && followUpConfig.unreachableDispatch) {
          await amendToDispatch(trx, changes, actor, followUp, { unitLevel: input.unitLevel, urgency: input.urgency, reason: 'unreachable' });
        }
      });
      return summary(id);
    },
  };
}
export type FollowUpsService = ReturnType<typeof createFollowUpsService>;

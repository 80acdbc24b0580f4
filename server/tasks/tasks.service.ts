import { sql, type Transaction } from 'kysely';
import type { LifecycleConfig } from '../config.ts';
import type {
  AssessmentFields,
  CallResult,
  Outcome,
  TaskDetail,
  TaskList as TaskListDto,
  TaskQuery,
  TaskState,
  TaskSummary,
} from '../contracts/tasks.ts';
import type { Database, Db } from '../db/create-db.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import { audiencesFor } from '../events/audience.ts';
import { runTaskTransaction } from '../events/task-change.ts';
import type { RequestContext, UserActor } from '../http/actor.ts';
import { AppError, notFound, staleVersion, validationError } from '../http/errors.ts';
import { activeAssignee, activeClinician, alreadyHolding, assertHandsFree, assertReasonForLiveClaim, findHeldItem, holderError as claimHolderError, lockLoggedInColleague } from '../claims/claimable.ts';
import type { Publisher } from '../realtime/publisher.ts';
import type { ReferenceCache } from '../reference/reference-cache.ts';
import { decideOutcome, recommendationForSave } from '../protocols/decision.ts';
import { recordOutcome, reopenedAmends } from './close-task.ts';
import { assertOutcomeAllowed, decideAfterFailedCall } from './lifecycle-rules.ts';
import { isStale, loadTaskSummary, parseAssessment, toTaskSummary } from './task-dto.ts';
import { loadTaskDetail } from './task-detail.ts';
import * as repo from './tasks.repository.ts';

const OPEN_STATES: readonly TaskState[] = ['queued', 'in_assessment', 'callback_pending'];
type Trx = Transaction<Database>;

export function createTasksService(db: Db, config: LifecycleConfig, publisher: Publisher, sessionIdleMinutes: number, reference: ReferenceCache) {
  const summary = (id: string) => loadTaskSummary(db, id, config);

  const holderError = (trx: Trx, task: repo.TaskRow) => claimHolderError(trx, task.claimed_by, 'TASK_ALREADY_CLAIMED', 'task');

  /**
   * Locks the task and checks that the actor may work on it now: it is open, the actor holds it
   * (a shift leader may act on any open task), and, when given, the version is the current one.
   */
  async function lockForWork(
    trx: Trx,
    id: string,
    actor: UserActor,
    opts: { version?: number; requireHolder: boolean },
  ): Promise<repo.TaskRow> {
    const task = await repo.lockTask(trx, id);
    if (!task) throw notFound('Task');
    if (task.state === 'closed') throw new AppError(409, 'TASK_CLOSED', 'This task is already closed.');
    // A shift leader may act on any open task, except where only the holder can (calls, heartbeats).
    if (opts.requireHolder || actor.role !== 'shift_leader') {
      if (task.state !== 'in_assessment') throw new AppError(409, 'TASK_NOT_CLAIMED', 'Take the task before working on it.');
      if (task.claimed_by !== actor.id) throw await holderError(trx, task);
    }
    if (opts.version !== undefined && opts.version !== task.version) throw staleVersion('task', task.version);
    return task;
  }



  return {
    /** The tasks (at most `limit`) and the totals per state under the same filter, so counts never follow the cap. */
    async list(query: TaskQuery): Promise<TaskListDto> {
      const states = query.state === undefined ? OPEN_STATES : Array.isArray(query.state) ? query.state : [query.state];
      const filter = {
        states,
        ...(query.areaId ? { areaId: query.areaId } : {}),
        ...(query.referralState ? { referralState: query.referralState } : {}),
      };
      const [rows, counts] = await Promise.all([repo.listTaskSummaries(db, { ...filter, limit: query.limit }, config), repo.countTasksByState(db, filter)]);
      const count = (state: TaskState) => counts.find((c) => c.state === state)?.count ?? 0;
      return {
        tasks: rows.map((r) => toTaskSummary(r, config)),
        totals: {
          queued: count('queued'),
          in_assessment: count('in_assessment'),
          callback_pending: count('callback_pending'),
          closed: count('closed'),
          all: counts.reduce((sum, c) => sum + c.count, 0),
        },
      };
    },

    /** Everything about a task, patient data included: every read leaves an audit row. */
    async detail(id: string, actor: UserActor, ctx: RequestContext): Promise<TaskDetail> {
      const task = await loadTaskDetail(db, id, audiencesFor(actor.role), config);
      if (!task) throw notFound('Task');
      await insertAudit(db, actor, ctx, { action: 'task.read', targetType: 'task', targetId: id });
      return task;
    },

    /**
     * Exclusive: of any number of concurrent claims exactly one wins; the others get 409 naming the
     * holder. A user who holds another task gets 409 ALREADY_HOLDING_TASK.
     */
    async claim(id: string, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      const claimed = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        await assertHandsFree(trx, actor, { taskId: id });
        const row = await repo.claimTask(trx, id, actor.id);
        if (row) {
          changes.record({ task: row, type: 'task.claimed', audit: { action: 'task.claim' } });
          return row;
        }
        const task = await repo.lockTask(trx, id);
        if (!task) throw notFound('Task');
        if (task.state === 'closed') throw new AppError(409, 'TASK_CLOSED', 'This task is already closed.');
        // Claiming what one already holds (a retried request) is not an error.
        if (task.claimed_by !== actor.id) throw await holderError(trx, task);
        return undefined;
      });
      return claimed ? toTaskSummary(claimed, config) : summary(id);
    },

    /**
     * Claims the top of the queue (optionally within an area); concurrent callers never get the same
     * task. A user who holds a task gets 409 ALREADY_HOLDING_TASK.
     */
    async next(areaId: string | undefined, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      const claimed = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        await assertHandsFree(trx, actor);
        const row = await repo.claimNextTask(trx, actor.id, areaId, config);
        if (!row) return undefined;
        changes.record({ task: row, type: 'task.claimed', data: { next: true }, audit: { action: 'task.claim', details: { next: true } } });
        return row;
      });
      if (!claimed) throw new AppError(404, 'QUEUE_EMPTY', 'No task is waiting.');
      return toTaskSummary(claimed, config);
    },

    /** Puts a held task back in the queue (as a call-back when one is due). */
    async release(id: string, version: number, reason: string | undefined, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      const updated = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const task = await lockForWork(trx, id, actor, { version, requireHolder: false });
        if (task.state !== 'in_assessment') throw new AppError(409, 'TASK_NOT_CLAIMED', 'Nobody holds this task.');
        const updated = await repo.updateTask(trx, id, {
          state: task.callback_due_at ? 'callback_pending' : 'queued',
          claimed_by: null,
          claimed_at: null,
          heartbeat_at: null,
          stale_flagged_at: null,
        });
        const data = { from: task.claimed_by };
        changes.record({ task: updated, type: 'task.released', data, audit: { action: 'task.release', details: { ...data, reason: reason ?? null } } });
        return updated;
      });
      return toTaskSummary(updated, config);
    },

    /** The holder's client says it still has the task open; clears a stale flag. */
    async heartbeat(id: string, actor: UserActor, ctx: RequestContext): Promise<{ heartbeatAt: string; version: number }> {
      return runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const task = await lockForWork(trx, id, actor, { requireHolder: true });
        // A heartbeat is not an edit: it keeps the version, so the holder's next save is not stale.
        const row = await repo.touchHeartbeat(trx, id);
        if (task.stale_flagged_at) {
          changes.record({ task: row, type: 'task.claim_resumed', audience: 'shift_leader', audit: { action: 'task.claim_resumed' } });
        }
        return { heartbeatAt: row.heartbeat_at!.toISOString(), version: row.version };
      });
    },

    /** A shift leader moves a task to someone (by default themself); a live claim needs a reason. */
    async reassign(
      id: string,
      input: { version: number; assigneeId?: string | undefined; reason?: string | undefined },
      actor: UserActor,
      ctx: RequestContext,
    ): Promise<TaskSummary> {
      const updated = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const assigneeId = input.assigneeId ?? actor.id;
        await activeAssignee(trx, assigneeId, actor, sessionIdleMinutes);
        const task = await lockForWork(trx, id, actor, { version: input.version, requireHolder: false });
        const liveClaim = task.state === 'in_assessment' && !isStale(task, config);
        assertReasonForLiveClaim(liveClaim, input.reason);
        const updated = await repo.updateTask(trx, id, {
          state: 'in_assessment',
          claimed_by: assigneeId,
          claimed_at: sql<Date>`now()`,
          heartbeat_at: sql<Date>`now()`,
          stale_flagged_at: null,
        });
        const data = { from: task.claimed_by, to: assigneeId, wasStale: task.state === 'in_assessment' && !liveClaim };
        changes.record({ task: updated, type: 'task.reassigned', data, audit: { action: 'task.reassign', details: { ...data, reason: input.reason ?? null } } });
        return updated;
      });
      return toTaskSummary(updated, config);
    },

    /**
     * The holder hands her task to a colleague (say, before logging out). The colleague must be an
     * active nurse or shift leader holding no task (409 ALREADY_HOLDING_TASK naming theirs). The
     * colleague's row is locked before the task, the same order as a claim, so the two never deadlock.
     */
    async handover(id: string, input: { version: number; toUserId: string }, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      const updated = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const notYou = 'Not an active nurse or shift leader other than you';
        if (input.toUserId === actor.id) throw validationError([{ path: 'body.toUserId', message: notYou }]);
        const target = await activeClinician(trx, input.toUserId, 'body.toUserId', notYou);
        await lockLoggedInColleague(trx, target, sessionIdleMinutes);
        await lockForWork(trx, id, actor, { version: input.version, requireHolder: true });
        const held = await findHeldItem(trx, target.id, { taskId: id });
        if (held) throw alreadyHolding(held, target.display_name);
        const updated = await repo.updateTask(trx, id, { claimed_by: target.id, claimed_at: sql<Date>`now()`, heartbeat_at: sql<Date>`now()`, stale_flagged_at: null });
        const data = { from: actor.id, to: target.id };
        changes.record({ task: updated, type: 'task.handed_over', data, audit: { action: 'task.handover', details: data } });
        return updated;
      });
      return toTaskSummary(updated, config);
    },

    /**
     * Records a call. Answered: the nurse goes on with the assessment. Unanswered: the task goes back
     * to the queue with its next call due, unless the safety net fires, in which case the nurse keeps
     * it to record the unit dispatch and shift leaders are told.
     */
    async callAttempt(id: string, result: CallResult, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      const updated = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const task = await lockForWork(trx, id, actor, { requireHolder: true });
        await repo.insertCallAttempt(trx, { taskId: id, result, userId: actor.id });
        const firstCall = task.first_call_at ? {} : { first_call_at: sql<Date>`now()` };
        if (result === 'answered') {
          const updated = await repo.updateTask(trx, id, { ...firstCall, answered_at: task.answered_at ?? sql<Date>`now()`, callback_due_at: null });
          changes.record({ task: updated, type: 'task.call_attempted', data: { result }, audit: { action: 'task.call_attempt', details: { result } } });
          return updated;
        }
        const decision = decideAfterFailedCall(
          { failedCallAttempts: task.failed_call_attempts, receivedAt: task.received_at, urgency: task.urgency, escalated: task.escalated_at !== null },
          result,
          config,
          new Date(),
        );
        const escalated = decision.escalate !== null || task.escalated_at !== null;
        const updated = await repo.updateTask(trx, id, {
          ...firstCall,
          failed_call_attempts: decision.failedCallAttempts,
          ...(decision.escalate ? { escalated_at: sql<Date>`now()`, escalation_reason: decision.escalate } : {}),
          ...(escalated
            ? { callback_due_at: null }
            : { state: 'callback_pending', callback_due_at: decision.callbackDueAt, callback_due_flagged_at: null, claimed_by: null, claimed_at: null, heartbeat_at: null, stale_flagged_at: null }),
        });
        const data = { result, failedCallAttempts: decision.failedCallAttempts, callbackDueAt: escalated ? null : decision.callbackDueAt.toISOString() };
        changes.record({ task: updated, type: 'task.call_attempted', data, audit: { action: 'task.call_attempt', details: data } });
        if (decision.escalate) {
          changes.record({
            task: updated,
            type: 'task.escalated',
            data: { reason: decision.escalate },
            audit: { action: 'task.escalate', details: { reason: decision.escalate } },
          });
        }
        return updated;
      });
      return toTaskSummary(updated, config);
    },

    /** Saves the assessment draft (any time while the task is held). */
    async saveAssessment(id: string, version: number, assessment: AssessmentFields, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      const known = await reference.activeRedFlagIds();
      const unknown = assessment.redFlags.filter((f) => !known.has(f));
      if (unknown.length > 0) throw validationError(unknown.map((f) => ({ path: 'body.redFlags', message: `Unknown red flag "${f}"` })));
      const updated = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const task = await lockForWork(trx, id, actor, { version, requireHolder: false });
        const recommendation = await recommendationForSave(trx, task, assessment);
        const updated = await repo.updateTask(trx, id, {
          assessment: JSON.stringify(assessment),
          protocol_id: recommendation?.protocolId ?? null,
          protocol_version: recommendation?.protocolVersion ?? null,
          recommendation: recommendation ? JSON.stringify(recommendation) : null,
        });
        const data = { redFlags: assessment.redFlags.length, ...(recommendation ? { recommended: recommendation.disposition } : {}) };
        changes.record({ task: updated, type: 'task.assessment_saved', data, audit: { action: 'task.assessment_save', details: data } });
        return updated;
      });
      return toTaskSummary(updated, config);
    },

    /** Closes the task with its one outcome; a unit dispatch also creates the ERC's dispatch request. */
    async recordOutcome(id: string, version: number, outcome: Outcome, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      const closed = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const task = await lockForWork(trx, id, actor, { version, requireHolder: false });
        const assessment = parseAssessment(task.assessment);
        assertOutcomeAllowed({ escalated: task.escalated_at !== null, reached: task.answered_at !== null, assessment }, outcome);
        const decision = await decideOutcome(trx, task, assessment, outcome);
        // Back for a new decision (its referral was rejected): the new outcome amends the redirect.
        return (await recordOutcome(trx, changes, actor, id, outcome, reopenedAmends(task), decision)).task;
      });
      return toTaskSummary(closed, config);
    },

    /**
     * Replaces the outcome of a closed task with a new one, keeping the old as history. Allowed to
     * the one who recorded the current outcome and to shift leaders.
     */
    async amendOutcome(id: string, input: { version: number; reason: string; outcome: Outcome }, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      const amended = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const task = await repo.lockTask(trx, id);
        if (!task) throw notFound('Task');
        if (task.state !== 'closed' || !task.current_outcome_id) throw new AppError(409, 'TASK_NOT_CLOSED', 'Only a closed task has an outcome to amend.');
        if (task.outcome_type === 'cancelled') throw new AppError(409, 'TASK_CANCELLED', 'A task cancelled by the ERC has no outcome to amend.');
        if (input.version !== task.version) throw staleVersion('task', task.version);
        const current = await repo.findOutcome(trx, task.current_outcome_id);
        if (actor.role !== 'shift_leader' && current.recorded_by_id !== actor.id) {
          throw new AppError(403, 'NOT_OUTCOME_AUTHOR', 'Only the nurse who recorded the outcome, or a shift leader, may amend it.');
        }
        const assessment = parseAssessment(task.assessment);
        assertOutcomeAllowed({ escalated: task.escalated_at !== null, reached: task.answered_at !== null, assessment }, input.outcome);
        const decision = await decideOutcome(trx, task, assessment, input.outcome);
        return (await recordOutcome(trx, changes, actor, id, input.outcome, { outcomeId: current.id, reason: input.reason }, decision)).task;
      });
      return toTaskSummary(amended, config);
    },
  };
}
export type TasksService = ReturnType<typeof createTasksService>;

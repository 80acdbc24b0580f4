import type { LifecycleConfig } from '../config.ts';
import type { FieldCommanderOutcome, TaskSummary, UnitAttachedRequest } from '../contracts/tasks.ts';
import { Urgency } from '../contracts/reference.ts';
import type { Db } from '../db/create-db.ts';
import { runTaskTransaction } from '../events/task-change.ts';
import type { IntegrationActor, RequestContext } from '../http/actor.ts';
import { AppError, notFound } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { recordOutcome, reopenedAmends } from './close-task.ts';
import { listDispatchRequestsForTask } from './dispatch.repository.ts';
import { loadTaskSummary } from './task-dto.ts';
import { findOutcome, findTaskByErcId, lockTask } from './tasks.repository.ts';

/** What the stored outcome says its dispatch reason is ('' for other outcomes). */
function dispatchReason(details: unknown): string {
  return typeof details === 'object' && details !== null && 'reason' in details && typeof details.reason === 'string' ? details.reason : '';
}

/**
 * The EMS field commander attached a unit to a task (the ERC tells us). The unit is already the
 * ERC's: the task closes as a unit dispatch with reason `field_commander` and no dispatch request.
 */
export function createFieldCommanderService(db: Db, config: LifecycleConfig, publisher: Publisher) {
  return {
    /**
     * Under the task's row lock, so a nurse's outcome at the same moment comes strictly before or after:
     * - open task (waiting, held, or back for a new decision): closes it; the holder's claim ends and
     *   every screen (hers first of all) gets `task.unit_attached`;
     * - closed with phone advice or a redirect: the unit went anyway, so the outcome is amended to the
     *   field commander's dispatch (an open referral is cancelled); the task counts as a dispatch;
     * - closed as the field commander's dispatch already: nothing changes (a repeated call);
     * - closed as the nurse's unit dispatch: 409 TASK_ALREADY_DISPATCHED naming its request (the ERC
     *   acknowledges that request; nothing is recorded twice);
     * - cancelled by the ERC: 409 TASK_CANCELLED.
     */
    async unitAttached(ercTaskId: string, input: UnitAttachedRequest, actor: IntegrationActor, ctx: RequestContext): Promise<TaskSummary> {
      const id = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const found = await findTaskByErcId(trx, ercTaskId);
        const task = found && (await lockTask(trx, found.id));
        if (!task) throw notFound(`Task ${ercTaskId}`);
        const outcome: FieldCommanderOutcome = {
          type: 'dispatch_unit',
          unitLevel: input.unitLevel,
          urgency: input.urgency ?? Urgency.parse(task.urgency),
          reason: 'field_commander',
          unit: input.unit,
        };
        if (task.state !== 'closed') {
          // Back for a new decision (its referral fell through): the unit amends the redirect, as a nurse's outcome would.
          await recordOutcome(trx, changes, actor, task.id, outcome, reopenedAmends(task));
          return task.id;
        }
        if (task.outcome_type === 'cancelled' || !task.current_outcome_id) {
          throw new AppError(409, 'TASK_CANCELLED', `Task ${ercTaskId} was cancelled by the ERC; a unit attached to it is the ERC's own task now.`);
        }
        const current = await findOutcome(trx, task.current_outcome_id);
        if (task.outcome_type === 'dispatch_unit') {
          if (dispatchReason(current.details) === 'field_commander') return task.id;
          const request = (await listDispatchRequestsForTask(trx, task.id)).find((r) => r.outcome_id === current.id);
          throw new AppError(409, 'TASK_ALREADY_DISPATCHED', `Task ${ercTaskId} already closed as a unit dispatch requested by the nurse: acknowledge that dispatch request instead.`, {
            dispatchRequestId: request?.id ?? null,
          });
        }
        await recordOutcome(trx, changes, actor, task.id, outcome, { outcomeId: current.id, reason: 'field_commander' });
        return task.id;
      });
      return loadTaskSummary(db, id, config);
    },
  };
}
export type FieldCommanderService = ReturnType<typeof createFieldCommanderService>;

import { createHash } from 'node:crypto';
import type { LifecycleConfig } from '../config.ts';
import type { IntakeRequest, TaskSummary } from '../contracts/tasks.ts';
import type { Db } from '../db/create-db.ts';
import { congestionAdmits, assertIntakeUrgency, notInCongestionMode } from '../congestion/congestion.service.ts';
import { runTaskTransaction } from '../events/task-change.ts';
import type { Actor, RequestContext } from '../http/actor.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import type { PhoneHasher } from '../reports/phone-hash.ts';
import { recordOutcome } from './close-task.ts';
import { loadTaskSummary, toTaskSummary } from './task-dto.ts';
import { findTaskByErcId, findTaskSummaryByErcId, insertIntakeTask, lockTask } from './tasks.repository.ts';

/** The content of an intake, normalised, so a resend with the same content is recognised as such. */
export function intakeHash(input: IntakeRequest): string {
  const canonical = {
    ercTaskId: input.ercTaskId,
    urgency: input.urgency,
    taskCode: input.taskCode,
    taskLabel: input.taskLabel ?? null,
    receivedAt: new Date(input.receivedAt).toISOString(),
    municipality: input.municipality.toLowerCase(),
    address: input.address ?? null,
    callbackPhone: input.callbackPhone,
    patientAge: input.patientAge ?? null,
    patientSex: input.patientSex ?? null,
    summary: input.summary,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export type IntakeSource = 'erc' | 'manual';

export function createIntakeService(db: Db, config: LifecycleConfig, publisher: Publisher, phoneHasher: PhoneHasher) {
  const summary = (id: string) => loadTaskSummary(db, id, config);

  return {
    /**
     * Takes a D-task into the queue exactly once per ercTaskId. Same id and content again: the
     * existing task (created false), no event. Same id, other content: 409 DUPLICATE_ERC_TASK.
     * A rejected intake writes nothing.
     */
    async intake(input: IntakeRequest, source: IntakeSource, actor: Actor, ctx: RequestContext): Promise<{ task: TaskSummary; created: boolean }> {
      assertIntakeUrgency(input.urgency);
      const receivedAt = new Date(input.receivedAt).getTime();
      if (receivedAt > Date.now() + config.clockSkewSeconds * 1000) {
        throw validationError([{ path: 'body.receivedAt', message: `Lies in the future (more than ${config.clockSkewSeconds} s ahead of this server's clock)` }]);
      }
      if (receivedAt < Date.now() - config.receivedMaxAgeHours * 3_600_000) {
        throw validationError([{ path: 'body.receivedAt', message: `Lies more than ${config.receivedMaxAgeHours} h in the past (older tasks come in through the history import)` }]);
      }
      const hash = intakeHash(input);
      // Reports match re-contacts on this keyed hash, never on the number.
      const hashPhone = await phoneHasher.keyed();
      // One statement inserts the task and answers with its summary; the municipality, the task
      // code and an earlier delivery of the id are settled inside it (insertIntakeTask).
      let admitted = true;
      const inserted = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        admitted = await congestionAdmits(trx, input.urgency);
        if (!admitted) return undefined;
        const task = await insertIntakeTask(trx, {
          ercTaskId: input.ercTaskId,
          intakeHash: hash,
          source,
          urgency: input.urgency,
          taskCode: input.taskCode,
          taskLabel: input.taskLabel ?? null,
          receivedAt: new Date(input.receivedAt),
          municipality: input.municipality,
          address: input.address ?? null,
          callbackPhone: input.callbackPhone,
          callbackPhoneHash: hashPhone(input.callbackPhone),
          patientAge: input.patientAge ?? null,
          patientSex: input.patientSex ?? null,
          summary: input.summary,
        });
        if (!task) return undefined;
        const data = { source, taskCode: input.taskCode, taskCodeKnown: task.task_code_known };
        changes.record({ task, type: 'task.received', data, audit: { action: 'task.intake', details: { ...data, ercTaskId: input.ercTaskId } } });
        return task;
      });
      if (inserted) return { task: toTaskSummary(inserted, config), created: true };
      // Nothing inserted: received before (answered as then, unless the content differs, even for a
      // C-task taken while congestion mode was on), a C-task outside congestion mode, or an unknown
      // municipality. A concurrent delivery of the same id has committed by now.
      const existing = await findTaskSummaryByErcId(db, input.ercTaskId);
      if (!existing && !admitted) throw notInCongestionMode();
      if (!existing) throw validationError([{ path: 'body.municipality', message: `Unknown municipality "${input.municipality}"` }]);
      if (existing.intake_hash !== hash) {
        throw new AppError(409, 'DUPLICATE_ERC_TASK', `Task ${input.ercTaskId} was already received with different content.`, { taskId: existing.id });
      }
      return { task: toTaskSummary(existing, config), created: false };
    },

    /** The ERC withdraws a task: it closes as cancelled (never an avoided dispatch). Repeating it is harmless. */
    async cancel(ercTaskId: string, reason: string, actor: Actor, ctx: RequestContext): Promise<TaskSummary> {
      const id = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const found = await findTaskByErcId(trx, ercTaskId);
        if (!found) throw notFound(`Task ${ercTaskId}`);
        const task = await lockTask(trx, found.id);
        if (!task) throw notFound(`Task ${ercTaskId}`);
        if (task.state === 'closed') {
          if (task.outcome_type === 'cancelled') return task.id;
          throw new AppError(409, 'TASK_CLOSED', `Task ${ercTaskId} is already closed with the outcome ${task.outcome_type}.`);
        }
        await recordOutcome(trx, changes, actor, task.id, { type: 'cancelled', reason });
        return task.id;
      });
      return summary(id);
    },
  };
}
export type IntakeService = ReturnType<typeof createIntakeService>;

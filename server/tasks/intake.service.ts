import { createHash } from 'node:crypto';
import type { LifecycleConfig } from '../config.ts';
import type { IntakeRequest, TaskSummary } from '../contracts/tasks.ts';
import type { Db } from '../db/create-db.ts';
import { pgCode } from '../db/errors.ts';
import { assertCongestionAdmits, assertIntakeUrgency } from '../congestion/congestion.service.ts';
import { runTaskTransaction } from '../events/task-change.ts';
import type { Actor, RequestContext } from '../http/actor.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import type { PhoneHasher } from '../reports/phone-hash.ts';
import { recordOutcome } from './close-task.ts';
import { loadTaskSummary } from './task-dto.ts';
import { findMunicipalityByName, findTaskByErcId, isKnownTaskCode, lockTask } from './tasks.repository.ts';

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
      const municipality = await findMunicipalityByName(db, input.municipality);
      if (!municipality) throw validationError([{ path: 'body.municipality', message: `Unknown municipality "${input.municipality}"` }]);
      const hash = intakeHash(input);
      const existingAnswer = async () => {
        const existing = await findTaskByErcId(db, input.ercTaskId);
        if (!existing) return undefined;
        if (existing.intake_hash !== hash) {
          throw new AppError(409, 'DUPLICATE_ERC_TASK', `Task ${input.ercTaskId} was already received with different content.`, { taskId: existing.id });
        }
        return { task: await summary(existing.id), created: false };
      };
      const earlier = await existingAnswer();
      if (earlier) return earlier;

      const codeKnown = await isKnownTaskCode(db, input.taskCode);
      // Reports match re-contacts on this keyed hash, never on the number.
      const hashPhone = await phoneHasher.keyed();
      try {
        const id = await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
          await assertCongestionAdmits(trx, input.urgency);
          const task = await trx
            .insertInto('task')
            .values({
              erc_task_id: input.ercTaskId,
              intake_hash: hash,
              source,
              urgency: input.urgency,
              task_code: input.taskCode,
              task_label: input.taskLabel ?? null,
              task_code_known: codeKnown,
              received_at: new Date(input.receivedAt),
              municipality_id: municipality.id,
              area_id: municipality.area_id,
              address: input.address ?? null,
              callback_phone: input.callbackPhone,
              callback_phone_hash: hashPhone(input.callbackPhone),
              patient_age: input.patientAge ?? null,
              patient_sex: input.patientSex ?? null,
              summary: input.summary,
              state: 'queued',
            })
            .returning(['id', 'version', 'state'])
            .executeTakeFirstOrThrow();
          const data = { source, taskCode: input.taskCode, taskCodeKnown: codeKnown };
          changes.record({ task, type: 'task.received', data, audit: { action: 'task.intake', details: { ...data, ercTaskId: input.ercTaskId } } });
          return task.id;
        });
        return { task: await summary(id), created: true };
      } catch (err) {
        // Two deliveries of the same task raced: the unique constraint let one in; answer as for a resend.
        if (pgCode(err) === '23505') {
          const raced = await existingAnswer();
          if (raced) return raced;
        }
        throw err;
      }
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

import { z } from 'zod';
import type { LifecycleConfig } from '../config.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import type { IncomingReferral, ReferralDto } from '../contracts/referrals.ts';
import { PatientSex, REDIRECT_TARGETS, ReferralState, type TaskSummary } from '../contracts/tasks.ts';
import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/create-db.ts';
import { runTaskTransaction, type ChangeRecorder } from '../events/task-change.ts';
import type { IntegrationActor, RequestContext, UserActor } from '../http/actor.ts';
import { AppError, notFound, staleVersion, validationError } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { loadTaskSummary } from '../tasks/task-dto.ts';
import { lockTask } from '../tasks/tasks.repository.ts';
import { acceptReferral, cancelReferral, completeReferral, referralNotPending, rejectReferral } from './referral-lifecycle.ts';
import * as repo from './referrals.repository.ts';

const Target = z.enum(REDIRECT_TARGETS);
const Via = z.enum(['phone', 'api', 'scheduler', 'import']);
const HistoryVia = z.enum(['phone', 'api', 'scheduler', 'import', 'console']);

export function createReferralsService(db: Db, config: LifecycleConfig, publisher: Publisher) {
  const acceptDueAt = (requestedAt: Date) => new Date(requestedAt.getTime() + config.referralAcceptMinutes * 60_000).toISOString();

  /**
   * Runs a service's answer: the task row is locked before the referral (the order every referral
   * change takes), and a referral of another service is "not found" to this key.
   */
  async function answerAsService(id: string, actor: IntegrationActor, ctx: RequestContext, answer: (referral: repo.ReferralRow, trx: Transaction<Database>, changes: ChangeRecorder) => Promise<ReferralState>) {
    const found = await repo.findReferral(db, id);
    if (!found || found.service_id === null || found.service_id !== actor.serviceId) throw notFound('Referral');
    return runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
      await lockTask(trx, found.task_id);
      const referral = await repo.lockReferral(trx, id);
      if (!referral) throw notFound('Referral');
      // Each answer either moves the referral to its own state or throws: no need to read it again.
      return { id, state: await answer(referral, trx, changes) };
    });
  }

  /**
   * Runs a console user's change of the current redirect's referral: the task row is locked, its
   * version checked, then its referral locked. 409 `noReferral` when it has none.
   */
  async function changeAsConsole(
    taskId: string,
    version: number,
    actor: UserActor,
    ctx: RequestContext,
    change: (referral: repo.ReferralRow, trx: Transaction<Database>, changes: ChangeRecorder) => Promise<ReferralState>,
    noReferral = { code: 'REFERRAL_NOT_OPEN', message: 'This task has no referral to change.' },
  ) {
    await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
      const task = await lockTask(trx, taskId);
      if (!task) throw notFound('Task');
      if (task.version !== version) throw staleVersion('task', task.version);
      const referral = task.current_outcome_id ? await repo.lockReferralOfOutcome(trx, task.current_outcome_id) : undefined;
      if (!referral) throw new AppError(409, noReferral.code, noReferral.message, { state: null });
      await change(referral, trx, changes);
    });
    return loadTaskSummary(db, taskId, config);
  }

  return {
    /** The referrals of one task with their history, oldest first. */
    async listForTask(taskId: string): Promise<ReferralDto[]> {
      const rows = await repo.listReferralsOfTask(db, taskId);
      const changes = await repo.listStateChanges(db, rows.map((r) => r.id));
      return rows.map((r) => ({
        id: r.id,
        taskId: r.task_id,
        state: ReferralState.parse(r.state),
        targetType: Target.parse(r.target_type),
        targetName: r.target_name,
        serviceId: r.service_id,
        requestedAt: r.requested_at.toISOString(),
        acceptedAt: r.accepted_at?.toISOString() ?? null,
        acceptedBy: r.accepted_by,
        answeredVia: r.answered_via === null ? null : Via.parse(r.answered_via),
        rejectReason: r.reject_reason,
        acceptDueAt: acceptDueAt(r.requested_at),
        history: changes
          .filter((c) => c.referral_id === r.id)
          .map((c) => ({
            state: ReferralState.parse(c.state),
            at: c.at.toISOString(),
            by: c.by_name,
            via: HistoryVia.parse(c.via),
            acceptedBy: c.accepted_by,
            acceptedAt: c.accepted_at?.toISOString() ?? null,
            reason: c.reason,
          })),
      }));
    },

    /** What is waiting for the key's service (patient data: the read is audited). */
    async incoming(state: ReferralState, actor: IntegrationActor, ctx: RequestContext): Promise<IncomingReferral[]> {
      if (!actor.serviceId) return [];
      const rows = await repo.listIncoming(db, actor.serviceId, state);
      await insertAudit(db, actor, ctx, { action: 'referral.read', targetType: 'service', targetId: actor.serviceId, details: { state, count: rows.length } });
      return rows.map((r) => ({
        id: r.id,
        state: ReferralState.parse(r.state),
        ercTaskId: r.erc_task_id,
        targetType: Target.parse(r.target_type),
        requestedAt: r.requested_at.toISOString(),
        acceptDueAt: acceptDueAt(r.requested_at),
        municipality: r.municipality,
        address: r.address,
        callbackPhone: r.callback_phone,
        patientAge: r.patient_age,
        patientSex: r.patient_sex === null ? null : PatientSex.parse(r.patient_sex),
        summary: r.summary,
        rationale: r.rationale,
      }));
    },

    /** The receiving service accepts through the API; 409 REFERRAL_NOT_PENDING unless still requested. */
    accept(id: string, acceptedBy: string | undefined, actor: IntegrationActor, ctx: RequestContext) {
      return answerAsService(id, actor, ctx, (referral, trx, changes) =>
        acceptReferral(trx, changes, actor, referral, { acceptedBy: acceptedBy ?? actor.name, acceptedAt: new Date(), via: 'api' }),
      );
    },

    /** The receiving service rejects: the task returns to the queue for a new decision at once. */
    reject(id: string, reason: string, actor: IntegrationActor, ctx: RequestContext) {
      return answerAsService(id, actor, ctx, (referral, trx, changes) => rejectReferral(trx, changes, actor, referral, { reason, via: 'api', decisionReason: 'referral_rejected' }));
    },

    /** The service has seen the patient: accepted -> completed; 409 REFERRAL_NOT_ACCEPTED otherwise. */
    complete(id: string, actor: IntegrationActor, ctx: RequestContext) {
      return answerAsService(id, actor, ctx, (referral, trx, changes) => completeReferral(trx, changes, actor, referral, 'api'));
    },

    /** The service can no longer take the patient: cancelled, and the task returns for a new decision; 409 REFERRAL_NOT_OPEN unless requested or accepted. */
    cancel(id: string, reason: string, actor: IntegrationActor, ctx: RequestContext) {
      return answerAsService(id, actor, ctx, (referral, trx, changes) => cancelReferral(trx, changes, actor, referral, { reason, via: 'api' }));
    },

    /** A nurse or shift leader records that the service saw the patient (said on the phone). */
    completedByConsole(taskId: string, version: number, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      return changeAsConsole(taskId, version, actor, ctx, (referral, trx, changes) => completeReferral(trx, changes, actor, referral, 'console'));
    },

    /** A nurse or shift leader calls the referral off: the task returns to the queue for a new decision. */
    cancelByConsole(taskId: string, input: { version: number; reason: string }, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      return changeAsConsole(taskId, input.version, actor, ctx, (referral, trx, changes) => cancelReferral(trx, changes, actor, referral, { reason: input.reason, via: 'console' }));
    },

    /** The nurse records that the service accepted on the phone (the usual case). */
    async acceptedByPhone(taskId: string, input: { acceptedBy: string; acceptedAt: string; version: number }, actor: UserActor, ctx: RequestContext): Promise<TaskSummary> {
      const acceptedAt = new Date(input.acceptedAt);
      if (acceptedAt.getTime() > Date.now() + config.clockSkewSeconds * 1000) throw validationError([{ path: 'body.acceptedAt', message: 'Lies in the future' }]);
      return changeAsConsole(
        taskId,
        input.version,
        actor,
        ctx,
        (referral, trx, changes) => {
          if (referral.state !== 'requested') throw referralNotPending(referral.state);
          // People write the time to the minute: an acceptance in the referral's own minute is fine.
          if (acceptedAt.getTime() < Math.floor(referral.requested_at.getTime() / 60_000) * 60_000) {
            throw validationError([{ path: 'body.acceptedAt', message: 'Before the referral was made' }]);
          }
          return acceptReferral(trx, changes, actor, referral, { acceptedBy: input.acceptedBy, acceptedAt, via: 'phone' });
        },
        { code: 'REFERRAL_NOT_PENDING', message: 'This task has no referral waiting for an answer.' },
      );
    },
  };
}
export type ReferralsService = ReturnType<typeof createReferralsService>;

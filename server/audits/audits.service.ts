import { sql, type Transaction } from 'kysely';
import type { AuditConfig, LifecycleConfig } from '../config.ts';
import { complianceLevel } from '../contracts/audit-compliance.ts';
import {
  AuditForm,
  AuditState,
  RECONTACT_TRIGGERS,
  type AuditDetail,
  type AuditListQuery,
  type AuditNotification,
  type AuditPermissions,
  type AuditReason,
  type AuditSummary,
  type SamplingResult,
} from '../contracts/audits.ts';
import type { Role } from '../contracts/common.ts';
import type { AuditChangedEvent } from '../contracts/realtime.ts';
import type { Database, Db } from '../db/create-db.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import { actorName } from '../events/task-change.ts';
import type { Actor, RequestContext, UserActor } from '../http/actor.ts';
import { AppError, notFound, staleVersion, validationError } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { storedSecret } from '../reports/phone-hash.ts';
import { loadTaskDetail } from '../tasks/task-detail.ts';
import { helsinkiMonth, monthIndex, monthName } from '../time/helsinki.ts';
import * as repo from './audits.repository.ts';
import { toAuditSummary, toSubmissionDto } from './audit-dto.ts';
import { drawSample } from './sampling.ts';
import { AUDIT_TRIGGERS } from './triggers.ts';

type Trx = Transaction<Database>;
const SAMPLE_KEY_NAME = 'audit_sample_key';
const ALL_AUDIENCES = ['all', 'shift_leader'] as const;

/** Who may do what with reviews, from the configured reviewer roles. */
export function auditRoles(config: AuditConfig) {
  const reviewers: readonly Role[] = config.reviewerRoles;
  // Managers, the medical director and reviewers see every result.
  const seeAll: readonly Role[] = [...new Set<Role>(['manager', 'medical_director', ...reviewers])];
  // Nurses (and shift leaders who are not reviewers) see their own reviews.
  const readers: readonly Role[] = [...new Set<Role>(['nurse', 'shift_leader', ...seeAll])];
  // The dashboard, per-nurse breakdown included, is for managers and the medical director.
  return { reviewers, seeAll, readers, notify: config.notifyRoles, reportReaders: ['manager', 'medical_director'] as readonly Role[] };
}

/** One month's seeded draw: everything the scheduler and an on-demand request share. */
export interface SamplingRun {
  triggered: repo.QueuedReview[];
  sampled: repo.QueuedReview[] | null;
  sampledCount: number | null;
}

/**
 * Adds the triggered reviews (every trigger, over the lookback window) and, with `month`, draws that
 * month's sample if nobody has drawn it yet. Inside the caller's transaction; writes an audit row per
 * review queued. Exactly once per task and reason, however many run at once (see queueTriggered).
 */
export async function runSampling(trx: Trx, actor: Actor, ctx: RequestContext, config: AuditConfig, month: string | undefined): Promise<SamplingRun> {
  const triggered: repo.QueuedReview[] = [];
  for (const trigger of AUDIT_TRIGGERS) triggered.push(...(await repo.queueTriggered(trx, trigger.reason, trigger.condition, config.lookbackDays)));
  let sampled: repo.QueuedReview[] | null = null;
  let sampledCount: number | null = null;
  if (month && (await repo.beginSampleRun(trx, { month, rate: config.sampleRate, minimum: config.sampleMinimum, drawnBy: actorName(actor) }))) {
    const key = config.sampleKey ?? (await storedSecret(trx, SAMPLE_KEY_NAME));
    const drawn = drawSample(await repo.sampleCandidates(trx, month), key, month, { rate: config.sampleRate, minimum: config.sampleMinimum });
    sampled = await repo.queueSampled(trx, month, drawn);
    sampledCount = drawn.length;
    await repo.finishSampleRun(trx, month, drawn.length);
    await insertAudit(trx, actor, ctx, { action: 'audit.sample', details: { month, tasks: drawn.length, rate: config.sampleRate, minimum: config.sampleMinimum } });
  }
  for (const review of [...triggered, ...(sampled ?? [])]) {
    await insertAudit(trx, actor, ctx, { action: 'audit.queue', targetType: 'audit_review', targetId: review.id, details: { taskId: review.task_id, reasons: review.reasons } });
  }
  return { triggered, sampled, sampledCount };
}

/** The month the scheduler draws: the one before last, until a day has passed since the last one ended (late closures). */
export function monthDueForSample(now: Date): string {
  return monthName(monthIndex(helsinkiMonth(new Date(now.getTime() - 24 * 3600 * 1000))) - 1);
}

export function createAuditsService(db: Db, config: AuditConfig, lifecycle: LifecycleConfig, publisher: Publisher) {
  const roles = auditRoles(config);
  const permissions = (actor: UserActor): AuditPermissions => ({
    review: roles.reviewers.includes(actor.role),
    seeAll: roles.seeAll.includes(actor.role),
    notified: roles.notify.includes(actor.role),
  });

  /** After commit: to those who see every review, and to the reviewed nurse once it has a result (never that it was chosen). */
  function publish(event: AuditChangedEvent, nurseId?: string): void {
    const told = nurseId !== undefined && (event.state === 'submitted' || event.state === 'acknowledged');
    publisher.auditChanged([{ event, roles: roles.seeAll, userIds: told ? [nurseId] : [] }]);
  }

  async function summary(id: string): Promise<AuditSummary> {
    const row = await repo.findReview(db, id);
    if (!row) throw notFound('Review');
    return toAuditSummary(row);
  }

  /** Locks the review and checks that the actor holds it (in review) and the version is current. */
  async function lockHeld(trx: Trx, id: string, actor: UserActor, version: number): Promise<repo.LockedReview> {
    const review = await repo.lockReview(trx, id);
    if (!review) throw notFound('Review');
    if (review.state === 'queued') throw new AppError(409, 'AUDIT_NOT_CLAIMED', 'Take the review before working on it.');
    if (review.state === 'in_review' && review.reviewer_id !== actor.id) throw new AppError(409, 'AUDIT_ALREADY_CLAIMED', 'Another reviewer has this review.');
    if (version !== review.version) throw staleVersion('review', review.version);
    return review;
  }

  return {
    permissions,

    /** Reviewers, managers (and the medical director) see every review; anyone else only her own results. */
    async list(query: AuditListQuery, actor: UserActor): Promise<{ audits: AuditSummary[]; permissions: AuditPermissions }> {
      const p = permissions(actor);
      const rows = await repo.listReviews(db, p.seeAll ? query : { ...query, nurseId: actor.id });
      return { audits: rows.map(toAuditSummary), permissions: p };
    },

    /** The review with the task as it was (read-only); reading it is audited. */
    async detail(id: string, actor: UserActor, ctx: RequestContext): Promise<{ audit: AuditDetail; permissions: AuditPermissions }> {
      const p = permissions(actor);
      const row = await repo.findReview(db, id);
      // Someone else's review, or her own still without a result, does not exist for a nurse.
      if (!row || (!p.seeAll && (row.nurse_id !== actor.id || row.state === 'queued' || row.state === 'in_review'))) throw notFound('Review');
      const [task, submissions, recontacts] = await Promise.all([
        loadTaskDetail(db, row.task_id, [...ALL_AUDIENCES], lifecycle),
        repo.listSubmissions(db, id),
        repo.listRecontacts(db, row.task_id),
      ]);
      if (!task) throw notFound('Task');
      await insertAudit(db, actor, ctx, { action: 'audit.read', targetType: 'audit_review', targetId: id });
      return {
        audit: {
          ...toAuditSummary(row),
          draft: p.review && row.draft !== null ? AuditForm.parse(row.draft) : null,
          submissions: submissions.map((s) => toSubmissionDto(s, row.current_submission_id)),
          task,
          recontacts: recontacts.map((r) => ({
            ercTaskId: r.erc_task_id,
            receivedAt: r.received_at.toISOString(),
            hoursAfter: Math.round(Number(r.hours_after) * 10) / 10,
            taskCode: r.task_code,
            outcomeType: r.outcome_type,
          })),
        },
        permissions: p,
      };
    },

    /** Exclusive, and never one's own task: settled by one conditional update. */
    async claim(id: string, actor: UserActor, ctx: RequestContext): Promise<AuditSummary> {
      const claimed = await db.transaction().execute(async (trx) => {
        const row = await repo.claimReview(trx, id, actor.id);
        if (!row) {
          const review = await repo.lockReview(trx, id);
          if (!review) throw notFound('Review');
          if (review.state === 'in_review' && review.reviewer_id === actor.id) return undefined; // a retried claim
          if (review.state !== 'queued') throw new AppError(409, 'AUDIT_ALREADY_CLAIMED', 'This review is taken or done already.', { state: review.state });
          throw new AppError(403, 'OWN_TASK', 'You handled this task: another reviewer must review it.');
        }
        await insertAudit(trx, actor, ctx, { action: 'audit.claim', targetType: 'audit_review', targetId: id });
        return row;
      });
      if (claimed) publish({ auditId: id, type: 'audit.claimed', state: 'in_review', version: claimed.version });
      return summary(id);
    },

    /** Saves the reviewer's draft (any time while she holds the review). */
    async saveDraft(id: string, input: { version: number; form: AuditForm }, actor: UserActor, ctx: RequestContext): Promise<AuditSummary> {
      const row = await db.transaction().execute(async (trx) => {
        const review = await lockHeld(trx, id, actor, input.version);
        if (review.state !== 'in_review') throw new AppError(409, 'AUDIT_SUBMITTED', 'This review is submitted: amend it instead.');
        const updated = await repo.updateReview(trx, id, { draft: JSON.stringify(input.form) });
        await insertAudit(trx, actor, ctx, { action: 'audit.draft_save', targetType: 'audit_review', targetId: id, details: { deviations: input.form.deviations.length } });
        return updated;
      });
      publish({ auditId: id, type: 'audit.draft_saved', state: 'in_review', version: row.version });
      return summary(id);
    },

    /**
     * Submits the result: a new history row with the compliance level computed from the grades.
     * On a submitted review this is an amendment (a reason is required; the old result stays) and
     * the nurse acknowledges again. A critical deviation notifies the medical director.
     */
    async submit(id: string, input: { version: number; form: AuditForm; reason?: string | undefined }, actor: UserActor, ctx: RequestContext): Promise<AuditSummary> {
      const result = await db.transaction().execute(async (trx) => {
        const review = await lockHeld(trx, id, actor, input.version);
        const amending = review.state !== 'in_review';
        if (amending) {
          if (!input.reason) throw new AppError(422, 'REASON_REQUIRED', 'Say why the submitted review is amended.', [{ path: 'body.reason', message: 'Required to amend' }]);
          if (await repo.userHandledTask(trx, review.task_id, actor.id)) throw new AppError(403, 'OWN_TASK', 'You handled this task: another reviewer must review it.');
        }
        const needsRecontact = review.reasons.some((r) => RECONTACT_TRIGGERS.includes(r as AuditReason));
        if (needsRecontact && input.form.recontactReason === null) {
          throw new AppError(422, 'RECONTACT_REASON_REQUIRED', 'A review triggered by a re-contact must say what the re-contact was related to.', [
            { path: 'body.form.recontactReason', message: 'Required for this review' },
          ]);
        }
        const compliance = complianceLevel(input.form.deviations.map((d) => d.grade));
        const critical = input.form.deviations.some((d) => d.grade === 'critical');
        const submission = await repo.insertSubmission(trx, {
          reviewId: id,
          form: input.form,
          compliance,
          critical,
          byId: actor.id,
          byName: actor.username,
          amendsId: amending ? review.current_submission_id : null,
          amendmentReason: amending ? input.reason! : null,
        });
        const updated = await repo.updateReview(trx, id, {
          state: 'submitted',
          draft: null,
          current_submission_id: submission.id,
          compliance,
          critical,
          recontact_reason: input.form.recontactReason,
          submitted_at: submission.submitted_at,
        });
        const notification = critical ? await repo.insertNotification(trx, id, submission.id) : undefined;
        const details = { compliance, critical, deviations: input.form.deviations.length, ...(amending ? { reason: input.reason! } : {}) };
        await insertAudit(trx, actor, ctx, { action: amending ? 'audit.amend' : 'audit.submit', targetType: 'audit_review', targetId: id, details });
        return { updated, amending, notification, nurseId: review.nurse_id };
      });
      publish({ auditId: id, type: result.amending ? 'audit.amended' : 'audit.submitted', state: 'submitted', version: result.updated.version }, result.nurseId);
      const audit = await summary(id);
      if (result.notification) publisher.auditCritical({ auditId: id, notificationId: result.notification.id, ercTaskId: audit.ercTaskId }, roles.notify);
      return audit;
    },

    /** The reviewed nurse confirms she has read the current result. */
    async acknowledge(id: string, version: number, actor: UserActor, ctx: RequestContext): Promise<AuditSummary> {
      const updated = await db.transaction().execute(async (trx) => {
        const review = await repo.lockReview(trx, id);
        if (!review || review.nurse_id !== actor.id || review.state === 'queued' || review.state === 'in_review') {
          // Not hers (or not yet a result): the same answer as for no review at all.
          throw notFound('Review');
        }
        if (review.state === 'acknowledged' && review.acknowledged_submission_id === review.current_submission_id) return undefined;
        if (version !== review.version) throw staleVersion('review', review.version);
        const row = await repo.updateReview(trx, id, { state: 'acknowledged', acknowledged_at: sql<Date>`now()`, acknowledged_submission_id: review.current_submission_id });
        await insertAudit(trx, actor, ctx, { action: 'audit.acknowledge', targetType: 'audit_review', targetId: id, details: { submissionId: review.current_submission_id } });
        return row;
      });
      if (updated) publish({ auditId: id, type: 'audit.acknowledged', state: 'acknowledged', version: updated.version }, actor.id);
      return summary(id);
    },

    /** Runs the triggers now and, for a finished month, draws its sample if nobody has. */
    async sample(month: string | undefined, actor: UserActor, ctx: RequestContext): Promise<SamplingResult> {
      if (month && monthIndex(month) >= monthIndex(helsinkiMonth(new Date()))) {
        throw validationError([{ path: 'body.month', message: 'The month is not over yet: its sample is drawn when it has ended' }]);
      }
      const run = await db.transaction().execute(async (trx) => runSampling(trx, actor, ctx, config, month));
      publishQueued(publisher, roles.seeAll, run);
      return { triggered: run.triggered.length, sampled: run.sampledCount };
    },

    async notifications(): Promise<AuditNotification[]> {
      const rows = await repo.listNotifications(db, 200);
      return rows.map((r) => ({
        id: r.id,
        auditId: r.review_id,
        ercTaskId: r.erc_task_id,
        nurse: { id: r.nurse_id, displayName: r.nurse_name },
        reviewer: r.submitted_by_name,
        at: r.created_at.toISOString(),
        deviations: AuditForm.parse(r.form).deviations.filter((d) => d.grade === 'critical'),
      }));
    },
  };
}
export type AuditsService = ReturnType<typeof createAuditsService>;

/** Tells those who see all reviews about newly queued ones (after commit). */
export function publishQueued(publisher: Publisher, seeAll: readonly Role[], run: SamplingRun): void {
  const queued = [...run.triggered, ...(run.sampled ?? [])];
  publisher.auditChanged(queued.map((r) => ({ event: { auditId: r.id, type: 'audit.queued', state: AuditState.parse(r.state), version: r.version }, roles: seeAll, userIds: [] })));
}

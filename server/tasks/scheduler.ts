import { sql, type Transaction } from 'kysely';
import type { Config, LifecycleConfig } from '../config.ts';
import type { Database, Db } from '../db/create-db.ts';
import { runTaskTransaction, type ChangeRecorder } from '../events/task-change.ts';
import { NO_REQUEST, SYSTEM } from '../http/actor.ts';
import type { Logger } from '../logger.ts';
import type { RuleObserver } from '../metrics/metrics.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { deleteIdleSessions } from '../auth/session.repository.ts';
import { returnTasksOfEndedSessions } from './session-end.ts';
import { rejectReferral } from '../referrals/referral-lifecycle.ts';
import { listTimedOut, lockReferral } from '../referrals/referrals.repository.ts';
import { safetyDeadlineSql } from './response-target.ts';
import { findTaskHead, lockTask } from './tasks.repository.ts';
import { flagOverdueFollowUps, flagStaleFollowUpClaims } from '../follow-ups/follow-ups.repository.ts';
import { takeScanTurn } from '../audits/audits.repository.ts';
import { auditRoles, monthDueForSample, publishQueued, runSampling } from '../audits/audits.service.ts';
import { foldReportDeltas } from '../reports/reports.repository.ts';

type Trx = Transaction<Database>;

// One lock id for "the scheduler tick": any node may run a tick, never two at once.
const SCHEDULER_LOCK = 0x64746b31; // "dtk1"

/** Unreached patients close to their class's response limit: the safety net sends a unit. */
async function escalateNearDeadline(trx: Trx, changes: ChangeRecorder, config: LifecycleConfig): Promise<number> {
  const rows = await trx
    .updateTable('task')
    .set({ escalated_at: sql`now()`, escalation_reason: 'response_limit', version: sql`version + 1`, updated_at: sql`now()` })
    .where('state', 'in', ['queued', 'callback_pending', 'in_assessment'])
    .where('escalated_at', 'is', null)
    .where('answered_at', 'is', null)
    .where(sql<boolean>`${safetyDeadlineSql(config)} <= now()`)
    .returning(['id', 'version', 'state'])
    .execute();
  for (const task of rows) {
    changes.record({ task, type: 'task.escalated', data: { reason: 'response_limit' }, audit: { action: 'task.escalate', details: { reason: 'response_limit' } } });
  }
  return rows.length;
}

/** Call-backs whose latest call time has come: flagged once, so the queue and shift leaders see them. */
async function flagDueCallbacks(trx: Trx, changes: ChangeRecorder): Promise<number> {
  const rows = await trx
    .updateTable('task')
    .set({ callback_due_flagged_at: sql`now()`, updated_at: sql`now()` })
    .where('state', '=', 'callback_pending')
    .where('callback_due_flagged_at', 'is', null)
    .where('callback_due_at', '<=', sql<Date>`now()`)
    .returning(['id', 'version', 'state'])
    .execute();
  for (const task of rows) changes.record({ task, type: 'task.callback_due', audit: { action: 'task.callback_due' } });
  return rows.length;
}

/** Claims whose client went silent: shown as stale to shift leaders; never released by the system. */
async function flagStaleClaims(trx: Trx, changes: ChangeRecorder, config: LifecycleConfig): Promise<number> {
  const rows = await trx
    .updateTable('task')
    .set({ stale_flagged_at: sql`now()`, updated_at: sql`now()` })
    .where('state', '=', 'in_assessment')
    .where('stale_flagged_at', 'is', null)
    .where(sql<boolean>`heartbeat_at < now() - make_interval(secs => ${config.claimStaleSeconds})`)
    .returning(['id', 'version', 'state', 'claimed_by'])
    .execute();
  for (const task of rows) {
    changes.record({ task, type: 'task.claim_stale', audience: 'shift_leader', data: { holder: task.claimed_by }, audit: { action: 'task.claim_stale' } });
  }
  // A follow-up call held by a silent client is the same risk: somebody holds the patient, nobody calls.
  const followUps = await flagStaleFollowUpClaims(trx, config.claimStaleSeconds);
  for (const followUp of followUps) {
    const data = { followUpId: followUp.id, holder: followUp.claimed_by };
    changes.record({ task: await findTaskHead(trx, followUp.task_id), type: 'follow_up.claim_stale', audience: 'shift_leader', data, audit: { action: 'follow_up.claim_stale', details: data } });
  }
  return rows.length + followUps.length;
}

/**
 * Waiting-time targets crossed by tasks still waiting (or held but not yet reached): an event each
 * time a task passes into a higher target.
 */
async function flagWaitBreaches(trx: Trx, changes: ChangeRecorder, config: LifecycleConfig): Promise<number> {
  const targets = config.waitTargetsMinutes;
  const levelSql = sql<number>`(${sql.join(targets.map((m) => sql`(received_at + make_interval(mins => ${m}) <= now())::int`), sql` + `)})`;
  const rows = await trx
    .updateTable('task')
    .set({ breach_level: levelSql, updated_at: sql`now()` })
    .where((eb) => eb.or([eb('state', 'in', ['queued', 'callback_pending']), eb.and([eb('state', '=', 'in_assessment'), eb('answered_at', 'is', null)])]))
    .where(sql<boolean>`${levelSql} > breach_level`)
    .returning(['id', 'version', 'state', 'breach_level'])
    .execute();
  for (const task of rows) {
    const minutes = targets[task.breach_level - 1] ?? null;
    changes.record({ task, type: 'task.wait_breached', data: { level: task.breach_level, targetMinutes: minutes }, audit: { action: 'task.wait_breach', details: { targetMinutes: minutes } } });
  }
  return rows.length;
}

/** Dispatch requests the ERC has not acknowledged in time: flagged to shift leaders once. */
async function flagUnacknowledgedDispatches(trx: Trx, changes: ChangeRecorder, config: LifecycleConfig): Promise<number> {
  const rows = await trx
    .updateTable('dispatch_request')
    .set({ overdue_flagged_at: sql`now()` })
    .where('acknowledged_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('overdue_flagged_at', 'is', null)
    .where(sql<boolean>`requested_at < now() - make_interval(mins => ${config.dispatchAckMinutes})`)
    .returning(['id', 'task_id'])
    .execute();
  for (const request of rows) {
    const task = await findTaskHead(trx, request.task_id);
    changes.record({ task, type: 'dispatch.unacknowledged', audience: 'shift_leader', data: { dispatchRequestId: request.id }, audit: { action: 'dispatch.unacknowledged', details: { dispatchRequestId: request.id } } });
  }
  return rows.length;
}

/**
 * Referrals nobody answered within REFERRAL_ACCEPT_MINUTES: rejected by the system, and their tasks
 * return to the queue for a new decision. Task row first, then the referral, as every referral
 * change locks; the state condition makes a second pass (or node) find nothing left to do.
 */
async function returnUnansweredReferrals(trx: Trx, changes: ChangeRecorder, config: LifecycleConfig): Promise<number> {
  let returned = 0;
  for (const candidate of await listTimedOut(trx, config.referralAcceptMinutes)) {
    await lockTask(trx, candidate.task_id);
    const referral = await lockReferral(trx, candidate.id);
    if (referral?.state !== 'requested') continue;
    const reason = `No answer within ${config.referralAcceptMinutes} min`;
    await rejectReferral(trx, changes, SYSTEM, referral, { reason, via: 'scheduler', decisionReason: 'referral_timeout' });
    returned++;
  }
  return returned;
}

/**
 * Follow-up calls still waiting FOLLOW_UP_OVERDUE_MINUTES after they were due: flagged to shift
 * leaders once (a promised call never silently expires); the conditional update is the guarantee.
 */
async function flagOverdueFollowUpCalls(trx: Trx, changes: ChangeRecorder, config: LifecycleConfig): Promise<number> {
  const rows = await flagOverdueFollowUps(trx, config.followUp.overdueMinutes);
  for (const followUp of rows) {
    const data = { followUpId: followUp.id, dueAt: followUp.due_at.toISOString() };
    changes.record({ task: await findTaskHead(trx, followUp.task_id), type: 'follow_up.overdue', audience: 'shift_leader', data, audit: { action: 'follow_up.overdue', details: data } });
  }
  return rows.length;
}

export interface TickResult {
  ran: boolean;
  escalated: number;
  callbacksDue: number;
  staleClaims: number;
  waitBreaches: number;
  unacknowledgedDispatches: number;
  referralsUnanswered: number;
  followUpsOverdue: number;
  idleSessionsEnded: number;
  auditReviewsQueued: number;
  /** Report aggregate delta rows folded (not logged as an action: it is bookkeeping every tick). */
  reportDeltasFolded: number;
}

type Rule = (trx: Trx, changes: ChangeRecorder) => Promise<number>;

/**
 * One pass of the background rules, as the `system` actor, on one node at a time. Each rule runs in
 * its own short transaction under its own advisory lock, the safety net first, so a failing or slow
 * rule never holds back or rolls back another. Every rule is a conditional update on state in the
 * database: a pass after a restart, or a second node's pass right after, finds exactly what is left.
 * Flags (due, stale, breach, unacknowledged) do not move the task's version: they change nothing a
 * nurse edits, so they must not turn her next save into a STALE_VERSION.
 */
export async function runSchedulerTick(db: Db, publisher: Publisher, fullConfig: Config, observe: RuleObserver = () => undefined): Promise<TickResult> {
  const config = fullConfig.lifecycle;
  const rules: [keyof Omit<TickResult, 'ran'>, Rule][] = [
    ['escalated', (trx, changes) => escalateNearDeadline(trx, changes, config)],
    ['callbacksDue', flagDueCallbacks],
    ['staleClaims', (trx, changes) => flagStaleClaims(trx, changes, config)],
    ['waitBreaches', (trx, changes) => flagWaitBreaches(trx, changes, config)],
    ['unacknowledgedDispatches', (trx, changes) => flagUnacknowledgedDispatches(trx, changes, config)],
    ['referralsUnanswered', (trx, changes) => returnUnansweredReferrals(trx, changes, config)],
    ['followUpsOverdue', (trx, changes) => flagOverdueFollowUpCalls(trx, changes, config)],
  ];
  const result: TickResult = { ran: false, escalated: 0, callbacksDue: 0, staleClaims: 0, waitBreaches: 0, unacknowledgedDispatches: 0, referralsUnanswered: 0, followUpsOverdue: 0, idleSessionsEnded: 0, auditReviewsQueued: 0, reportDeltasFolded: 0 };
  for (const [index, [name, rule]] of rules.entries()) {
    const start = performance.now();
    let held = false;
    result[name] = await runTaskTransaction(db, publisher, SYSTEM, NO_REQUEST, async (trx, changes) => {
      held = await tryLock(trx, index);
      if (!held) return 0;
      result.ran = true;
      return rule(trx, changes);
    });
    observe(name, (performance.now() - start) / 1000, held);
  }
  const start = performance.now();
  let held = false;
  const idle = await runTaskTransaction(db, publisher, SYSTEM, NO_REQUEST, async (trx, changes) => {
    held = await tryLock(trx, rules.length);
    if (!held) return [];
    await trx.deleteFrom('idempotency_record').where('created_at', '<', sql<Date>`now() - interval '24 hours'`).execute();
    const ended = await deleteIdleSessions(trx, fullConfig.session.idleMinutes);
    await returnTasksOfEndedSessions(trx, changes, ended.map((s) => s.user_id), 'idle', fullConfig.session.idleMinutes);
    return ended.map((s) => s.id);
  });
  publisher.sessionsEnded(idle, 'idle');
  result.idleSessionsEnded = idle.length;
  observe('idleSessionsEnded', (performance.now() - start) / 1000, held);
  const auditStart = performance.now();
  const audit = await scanForAudits(db, publisher, fullConfig, rules.length + 1);
  result.auditReviewsQueued = audit.queued;
  observe('auditReviewsQueued', (performance.now() - auditStart) / 1000, audit.ran);
  const foldStart = performance.now();
  const folded = await db.transaction().execute(async (trx) => ((await tryLock(trx, rules.length + 2)) ? foldReportDeltas(trx) : undefined));
  result.reportDeltasFolded = folded ?? 0;
  observe('reportDeltasFolded', (performance.now() - foldStart) / 1000, folded !== undefined);
  return result;
}

/**
 * Every AUDIT_SCAN_MINUTES (paced in the database, so across nodes): the review triggers, and the
 * random sample of the month that has ended (once per month). Under its own lock, like the rules.
 */
async function scanForAudits(db: Db, publisher: Publisher, config: Config, lock: number): Promise<{ queued: number; ran: boolean }> {
  const run = await db.transaction().execute(async (trx) => {
    if (!(await tryLock(trx, lock)) || !(await takeScanTurn(trx, config.audit.scanMinutes))) return undefined;
    return runSampling(trx, SYSTEM, NO_REQUEST, config.audit, monthDueForSample(new Date()));
  });
  if (!run) return { queued: 0, ran: false };
  publishQueued(publisher, auditRoles(config.audit).seeAll, run);
  return { queued: run.triggered.length + (run.sampled?.length ?? 0), ran: true };
}

async function tryLock(trx: Trx, rule: number): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${SCHEDULER_LOCK}, ${rule}) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

/** Runs ticks on an interval until stopped; a slow tick delays the next, a failed one is logged and retried. */
export function startScheduler(db: Db, publisher: Publisher, config: Config, logger: Logger, observe: RuleObserver): { stop(): Promise<void> } {
  let current: Promise<void> | undefined;
  const tick = async () => {
    try {
      const result = await runSchedulerTick(db, publisher, config, observe);
      // Every count in the result, so a new rule is logged without touching this line; folding the
      // report deltas is bookkeeping, not an action.
      const { reportDeltasFolded: _bookkeeping, ...actions } = result;
      const acted = Object.values(actions).reduce<number>((sum, v) => (typeof v === 'number' ? sum + v : sum), 0);
      if (acted > 0) logger.info({ scheduler: actions }, 'scheduler acted');
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'scheduler tick failed');
    } finally {
      current = undefined;
    }
  };
  const timer = setInterval(() => {
    current ??= tick();
  }, config.scheduler.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}

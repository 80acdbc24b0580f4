import type { LifecycleConfig } from '../config.ts';
import { FollowUpState, type FollowUpDetail, type FollowUpSummary } from '../contracts/follow-ups.ts';
import { CallResult } from '../contracts/tasks.ts';
import type { Executor } from '../audit/audit.repository.ts';
import { isClaimStale } from '../claims/claimable.ts';
import { notFound } from '../http/errors.ts';
import * as repo from './follow-ups.repository.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const MINUTE = 60_000;

export function toFollowUpSummary(row: repo.FollowUpSummaryRow, config: LifecycleConfig): FollowUpSummary {
  return {
    id: row.id,
    taskId: row.task_id,
    ercTaskId: row.erc_task_id,
    taskCode: row.task_code,
    taskName: row.code_name_fi && row.code_name_en ? { fi: row.code_name_fi, sv: row.code_name_sv ?? row.code_name_fi, en: row.code_name_en } : null,
    municipality: row.municipality_name,
    area: { id: row.area_id, name: row.area_name },
    outcomeId: row.outcome_id,
    outcomeType: row.outcome_type === 'redirect' ? 'redirect' : 'phone_advice',
    state: FollowUpState.parse(row.state),
    version: row.version,
    dueAt: row.due_at.toISOString(),
    claimableFrom: new Date(row.due_at.getTime() - config.followUp.earlyMinutes * MINUTE).toISOString(),
    owner: row.owner_id ? { id: row.owner_id, displayName: row.owner_name ?? '' } : null,
    scheduledAt: row.scheduled_at.toISOString(),
    scheduledBy: row.scheduled_by_name,
    claimedBy: row.claimed_by ? { id: row.claimed_by, displayName: row.holder_name ?? '' } : null,
    claimedAt: iso(row.claimed_at),
    heartbeatAt: iso(row.heartbeat_at),
    stale: isClaimStale(row.state === 'in_call', row.heartbeat_at, config),
    failedCallAttempts: row.failed_call_attempts,
    firstFailedCallAt: iso(row.first_failed_call_at),
    overdueFlaggedAt: iso(row.overdue_flagged_at),
    escalatedAt: iso(row.escalated_at),
    resultAt: iso(row.result_at),
    dispatchOutcomeId: row.dispatch_outcome_id,
  };
}

export async function loadFollowUpSummary(db: Executor, id: string, config: LifecycleConfig): Promise<FollowUpSummary> {
  const row = await repo.findFollowUpSummary(db, id);
  if (!row) throw notFound('Follow-up');
  return toFollowUpSummary(row, config);
}

export async function loadFollowUpDetail(db: Executor, id: string, config: LifecycleConfig): Promise<FollowUpDetail> {
  const row = await repo.findFollowUpSummary(db, id);
  if (!row) throw notFound('Follow-up');
  const [attempts, results] = await Promise.all([repo.listFollowUpCallAttempts(db, id), repo.listFollowUpResults(db, id)]);
  return {
    ...toFollowUpSummary(row, config),
    check: row.check_text,
    callAttempts: attempts.map((a) => ({ result: CallResult.parse(a.result), attemptedAt: a.attempted_at.toISOString(), attemptedBy: a.display_name })),
    results: results.map((r) => ({
      result: r.result === 'stable' || r.result === 'worse' || r.result === 'unreachable' ? r.result : 'cancelled',
      note: r.note,
      recordedAt: r.recorded_at.toISOString(),
      recordedBy: r.recorded_by_name,
    })),
  };
}

import { z } from 'zod';
import type { LifecycleConfig } from '../config.ts';
import { AssessmentFields, DecisionReason, PatientSex, ReferralState, TaskState, type TaskEventDto, type TaskSummary } from '../contracts/tasks.ts';
import { Urgency } from '../contracts/reference.ts';
import type { EventRow } from '../events/events.repository.ts';
import type { Executor } from '../audit/audit.repository.ts';
import { notFound } from '../http/errors.ts';
import { isClaimStale } from '../claims/claimable.ts';
import { responseDueAt } from './response-target.ts';
import { findTaskSummary, type TaskSummaryRow } from './tasks.repository.ts';

const Source = z.enum(['erc', 'manual', 'import']);
const OutcomeType = z.enum(['dispatch_unit', 'phone_advice', 'redirect', 'cancelled']);
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A claim is stale when its holder's client stopped sending heartbeats: shown, never released silently. */
export function isStale(row: { state: string; heartbeat_at: Date | null }, config: LifecycleConfig, now = Date.now()): boolean {
  return isClaimStale(row.state === 'in_assessment', row.heartbeat_at, config, now);
}

export function toTaskSummary(row: TaskSummaryRow, config: LifecycleConfig): TaskSummary {
  return {
    id: row.id,
    ercTaskId: row.erc_task_id,
    state: TaskState.parse(row.state),
    version: row.version,
    source: Source.parse(row.source),
    receivedAt: row.received_at.toISOString(),
    urgency: Urgency.parse(row.urgency),
    taskCode: row.task_code,
    taskLabel: row.task_label,
    taskName: row.code_name_fi && row.code_name_en ? { fi: row.code_name_fi, sv: row.code_name_sv ?? row.code_name_fi, en: row.code_name_en } : null,
    taskCodeKnown: row.task_code_known,
    municipality: row.municipality_name,
    area: { id: row.area_id, name: row.area_name },
    patientAge: row.patient_age,
    patientSex: row.patient_sex === null ? null : PatientSex.parse(row.patient_sex),
    summary: row.summary,
    claimedBy: row.claimed_by && row.holder_name ? { id: row.claimed_by, displayName: row.holder_name } : null,
    claimedAt: iso(row.claimed_at),
    heartbeatAt: iso(row.heartbeat_at),
    stale: isStale(row, config),
    callbackDueAt: iso(row.callback_due_at),
    failedCallAttempts: row.failed_call_attempts,
    firstCallAt: iso(row.first_call_at),
    answeredAt: iso(row.answered_at),
    escalatedAt: iso(row.escalated_at),
    escalationReason: row.escalation_reason,
    breachLevel: row.breach_level,
    responseDueAt: responseDueAt({ receivedAt: row.received_at, urgency: row.urgency }, config).toISOString(),
    outcomeType: row.outcome_type === null ? null : OutcomeType.parse(row.outcome_type),
    closedAt: iso(row.closed_at),
    referralState: row.referral_state === null ? null : ReferralState.parse(row.referral_state),
    decisionRequiredAt: iso(row.decision_required_at),
    decisionReason: row.decision_reason === null ? null : DecisionReason.parse(row.decision_reason),
  };
}

export function parseAssessment(value: unknown) {
  return value === null || value === undefined ? null : AssessmentFields.parse(value);
}

export function toTaskEventDto(row: EventRow): TaskEventDto {
  return {
    seq: Number(row.seq),
    taskId: row.task_id,
    type: row.type,
    version: row.version,
    state: TaskState.parse(row.state),
    at: row.at.toISOString(),
    actor: row.actor_name,
    data: typeof row.data === 'object' && row.data !== null && !Array.isArray(row.data) ? row.data : {},
  };
}

/** One task as the queue shows it, read after a change has committed; 404 when there is none. */
export async function loadTaskSummary(db: Executor, id: string, config: LifecycleConfig): Promise<TaskSummary> {
  const row = await findTaskSummary(db, id);
  if (!row) throw notFound('Task');
  return toTaskSummary(row, config);
}

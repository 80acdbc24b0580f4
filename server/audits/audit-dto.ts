import { AuditForm, AuditReason, AuditState, ComplianceLevel, RecontactReason, type AuditSubmissionDto, type AuditSummary } from '../contracts/audits.ts';
import type { ReviewRow } from './audits.repository.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toAuditSummary(row: ReviewRow): AuditSummary {
  const state = AuditState.parse(row.state);
  return {
    id: row.id,
    taskId: row.task_id,
    ercTaskId: row.erc_task_id,
    taskCode: row.task_code,
    receivedAt: row.received_at.toISOString(),
    month: row.year_month,
    nurse: { id: row.nurse_id, displayName: row.nurse_name },
    reasons: row.reasons.map((r) => AuditReason.parse(r)),
    state,
    version: row.version,
    reviewer: row.reviewer_id && row.reviewer_name ? { id: row.reviewer_id, displayName: row.reviewer_name } : null,
    compliance: row.compliance === null ? null : ComplianceLevel.parse(row.compliance),
    critical: row.critical,
    recontactReason: row.recontact_reason === null ? null : RecontactReason.parse(row.recontact_reason),
    submittedAt: iso(row.submitted_at),
    acknowledgedAt: state === 'acknowledged' ? iso(row.acknowledged_at) : null,
    createdAt: row.created_at.toISOString(),
  };
}

export function toSubmissionDto(
  row: { id: string; form: unknown; compliance: string; critical: boolean; submitted_by_name: string; submitted_at: Date; amends_id: string | null; amendment_reason: string | null },
  currentId: string | null,
): AuditSubmissionDto {
  return {
    id: row.id,
    form: AuditForm.parse(row.form),
    compliance: ComplianceLevel.parse(row.compliance),
    critical: row.critical,
    submittedBy: row.submitted_by_name,
    submittedAt: row.submitted_at.toISOString(),
    amendsId: row.amends_id,
    amendmentReason: row.amendment_reason,
    current: row.id === currentId,
  };
}

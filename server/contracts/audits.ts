import { z } from 'zod';
import { AUDIT_SECTIONS, COMPLIANCE_LEVELS, DEVIATION_GRADES } from './audit-compliance.ts';
import { IsoDateTime, Uuid, text } from './common.ts';
import { YearMonth } from './reports.ts';
import { TaskDetail, Version } from './tasks.ts';

export const AUDIT_STATES = ['queued', 'in_review', 'submitted', 'acknowledged'] as const;
export const AuditState = z.enum(AUDIT_STATES).meta({ id: 'AuditState' });
export type AuditState = z.infer<typeof AuditState>;

/**
 * Why a task was chosen for review. `random_sample`: the month's seeded sample of the nurse's
 * tasks; the others are triggers, always added.
 */
export const AUDIT_REASONS = [
  'random_sample',
  'recontact_72h',
  'dispatch_24h',
  'downgrade_override',
  'follow_up_worse',
  'referral_rejected',
] as const;
export const AuditReason = z.enum(AUDIT_REASONS).meta({ id: 'AuditReason' });
export type AuditReason = z.infer<typeof AuditReason>;

/** The triggers that are re-contacts: their reviews must classify the re-contact. */
export const RECONTACT_TRIGGERS: readonly AuditReason[] = ['recontact_72h', 'dispatch_24h'];

/** The Dutch 72 h re-contact framework's four causes. */
export const RECONTACT_REASONS = ['illness_related', 'patient_related', 'professional_related', 'unrelated'] as const;
export const RecontactReason = z.enum(RECONTACT_REASONS).meta({ id: 'RecontactReason' });
export type RecontactReason = z.infer<typeof RecontactReason>;

export const AuditSection = z.enum(AUDIT_SECTIONS).meta({ id: 'AuditSection' });
export const DeviationGrade = z.enum(DEVIATION_GRADES).meta({ id: 'DeviationGrade' });
export const ComplianceLevel = z.enum(COMPLIANCE_LEVELS).meta({ id: 'ComplianceLevel' });

export const Deviation = z
  .strictObject({ section: AuditSection, grade: DeviationGrade, note: text(1000).pipe(z.string().min(1)) })
  .meta({ id: 'AuditDeviation' });

/** The review form: deviations by section, each graded; feedback to the nurse; the re-contact cause. */
export const AuditForm = z
  .strictObject({
    deviations: z.array(Deviation).max(60).default([]),
    feedback: text(4000).default(''),
    recontactReason: RecontactReason.nullable().default(null).describe('Required to submit a review triggered by a re-contact'),
  })
  .meta({ id: 'AuditForm' });
export type AuditForm = z.output<typeof AuditForm>;

export const AuditDraftRequest = z.strictObject({ version: Version, form: AuditForm }).meta({ id: 'AuditDraftRequest' });
export const AuditSubmitRequest = z
  .strictObject({ version: Version, form: AuditForm, reason: text(1000).pipe(z.string().min(1)).optional().describe('Required when amending a submitted review') })
  .meta({ id: 'AuditSubmitRequest' });
export const AuditVersionRequest = z.strictObject({ version: Version }).meta({ id: 'AuditVersionRequest' });
export const AuditIdParams = z.strictObject({ id: Uuid });

export const AuditListQuery = z
  .strictObject({
    month: YearMonth.optional().describe('Reviews of tasks received in this Helsinki month'),
    state: z.enum(['queued', 'done']).optional().describe('queued: queued or in review; done: submitted or acknowledged'),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .meta({ id: 'AuditListQuery' });
export type AuditListQuery = z.output<typeof AuditListQuery>;

export const SamplingRequest = z
  .strictObject({ month: YearMonth.optional().describe('Also draw this finished month\'s random sample, if not drawn yet') })
  .meta({ id: 'AuditSamplingRequest' });

const Person = z.object({ id: Uuid, displayName: z.string() });

export const AuditSummary = z
  .object({
    id: Uuid,
    taskId: Uuid,
    ercTaskId: z.string(),
    taskCode: z.string(),
    receivedAt: IsoDateTime,
    month: z.string().describe('YYYY-MM, Europe/Helsinki, of the task'),
    nurse: Person.describe('Whose decision is reviewed'),
    reasons: z.array(AuditReason),
    state: AuditState,
    version: z.number().int(),
    reviewer: Person.nullable(),
    compliance: ComplianceLevel.nullable(),
    critical: z.boolean().describe('The current result has a critical deviation'),
    recontactReason: RecontactReason.nullable(),
    submittedAt: IsoDateTime.nullable(),
    acknowledgedAt: IsoDateTime.nullable(),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'AuditSummary' });
export type AuditSummary = z.infer<typeof AuditSummary>;

export const AuditPermissions = z
  .object({
    review: z.boolean().describe('This user may claim, grade and submit reviews'),
    seeAll: z.boolean().describe('This user sees every review; otherwise only her own'),
    notified: z.boolean().describe('This user is told of critical deviations (GET /api/audits/notifications, audit:critical)'),
  })
  .meta({ id: 'AuditPermissions' });
export type AuditPermissions = z.infer<typeof AuditPermissions>;

export const AuditList = z.object({ audits: z.array(AuditSummary), permissions: AuditPermissions }).meta({ id: 'AuditList' });
export type AuditList = z.infer<typeof AuditList>;

export const AuditSubmissionDto = z
  .object({
    id: Uuid,
    form: AuditForm,
    compliance: ComplianceLevel,
    critical: z.boolean(),
    submittedBy: z.string(),
    submittedAt: IsoDateTime,
    amendsId: Uuid.nullable(),
    amendmentReason: z.string().nullable(),
    current: z.boolean(),
  })
  .meta({ id: 'AuditSubmission' });
export type AuditSubmissionDto = z.infer<typeof AuditSubmissionDto>;

export const Recontact = z
  .object({
    ercTaskId: z.string(),
    receivedAt: IsoDateTime,
    hoursAfter: z.number().describe('From this task\'s receivedAt'),
    taskCode: z.string(),
    outcomeType: z.string().nullable(),
  })
  .meta({ id: 'AuditRecontact' });

export const AuditDetail = AuditSummary.extend({
  draft: AuditForm.nullable(),
  submissions: z.array(AuditSubmissionDto),
  task: TaskDetail.describe('The task as it was: assessment, calls, outcomes with amendments, its whole event history'),
  recontacts: z.array(Recontact).describe('Later tasks from the same callback number within 72 h (matched on the keyed hash)'),
}).meta({ id: 'AuditDetail' });
export type AuditDetail = z.infer<typeof AuditDetail>;

export const AuditResponse = z.object({ audit: AuditSummary }).meta({ id: 'AuditResponse' });
export type AuditResponse = z.infer<typeof AuditResponse>;
export const AuditDetailResponse = z.object({ audit: AuditDetail, permissions: AuditPermissions }).meta({ id: 'AuditDetailResponse' });
export type AuditDetailResponse = z.infer<typeof AuditDetailResponse>;

export const SamplingResult = z
  .object({
    triggered: z.number().int().describe('Reviews added or given a new reason by the triggers'),
    sampled: z.number().int().nullable().describe('Tasks drawn for the month; null when no month was asked or it was drawn before'),
  })
  .meta({ id: 'AuditSamplingResult' });
export type SamplingResult = z.infer<typeof SamplingResult>;

export const AuditNotification = z
  .object({ id: Uuid, auditId: Uuid, ercTaskId: z.string(), nurse: Person, reviewer: z.string(), at: IsoDateTime, deviations: z.array(Deviation) })
  .meta({ id: 'AuditNotification' });
export const AuditNotificationList = z.object({ notifications: z.array(AuditNotification) }).meta({ id: 'AuditNotificationList' });
export type AuditNotificationList = z.infer<typeof AuditNotificationList>;
export type AuditNotification = z.infer<typeof AuditNotification>;

// ---- The audit report (dashboard) ------------------------------------------------------------

export const AUDIT_REPORT_GROUP_BY = ['nurse', 'protocol'] as const;
export const AuditReportQuery = z
  .strictObject({
    from: YearMonth,
    to: YearMonth,
    groupBy: z.enum(AUDIT_REPORT_GROUP_BY).optional().describe('nurse: per reviewed nurse (managers and the medical director only); protocol: per protocol the task was assessed with ("none" without one)'),
    format: z.enum(['json', 'csv']).optional(),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'Must not be before from' })
  .meta({ id: 'AuditReportQuery' });
export type AuditReportQuery = z.output<typeof AuditReportQuery>;

const levelCounts = z.object(Object.fromEntries(COMPLIANCE_LEVELS.map((l) => [l, z.number().int()])) as Record<(typeof COMPLIANCE_LEVELS)[number], z.ZodNumber>);
const levelShares = z.object(Object.fromEntries(COMPLIANCE_LEVELS.map((l) => [l, z.number().min(0).max(1).nullable()])) as Record<(typeof COMPLIANCE_LEVELS)[number], z.ZodNullable<z.ZodNumber>>);
const gradeCounts = z.object(Object.fromEntries(DEVIATION_GRADES.map((g) => [g, z.number().int()])) as Record<(typeof DEVIATION_GRADES)[number], z.ZodNumber>);

export const AuditReportCounts = z
  .object({
    queued: z.number().int().describe('Reviews of the month not yet submitted (queued or in review)'),
    done: z.number().int().describe('Submitted or acknowledged'),
    byLevel: levelCounts.describe('Done reviews by the compliance level of their current result'),
    shares: levelShares.describe('byLevel / done; null when none done'),
    withinBands: z.boolean().nullable().describe('Every share within its band (partial ≤ 10 %, low ≤ 10 %, non-compliant ≤ 7 %); null when none done'),
    deviationsBySection: z.object(Object.fromEntries(AUDIT_SECTIONS.map((s) => [s, gradeCounts])) as Record<(typeof AUDIT_SECTIONS)[number], typeof gradeCounts>),
    recontactReasons: z.object(Object.fromEntries(RECONTACT_REASONS.map((r) => [r, z.number().int()])) as Record<(typeof RECONTACT_REASONS)[number], z.ZodNumber>),
    triggered: z.number().int().describe('Reviews with at least one trigger reason'),
  })
  .meta({ id: 'AuditReportCounts' });
export type AuditReportCounts = z.infer<typeof AuditReportCounts>;

export const AuditReportGroup = AuditReportCounts.extend({ key: z.string(), label: z.string() }).meta({ id: 'AuditReportGroup' });
export const AuditReportMonth = AuditReportCounts.extend({ month: z.string(), groups: z.array(AuditReportGroup).optional() }).meta({ id: 'AuditReportMonth' });
export type AuditReportMonth = z.infer<typeof AuditReportMonth>;

export const AuditReport = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(AUDIT_REPORT_GROUP_BY).nullable(),
    bands: z.object({ partial: z.number(), low: z.number(), non_compliant: z.number() }),
    generatedAt: IsoDateTime,
    months: z.array(AuditReportMonth),
  })
  .meta({ id: 'AuditReport', description: 'Review results per Helsinki month of the reviewed tasks; no patient data.' });
export type AuditReport = z.infer<typeof AuditReport>;
export const AuditReportCsv = z.string().meta({ id: 'AuditReportCsv', description: 'The same table as CSV, conventions as MonthlyReportCsv' });

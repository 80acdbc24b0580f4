import { z } from 'zod';
import { IsoDateTime, Uuid, name, text } from './common.ts';
import { AdviceGiven, Override, ProtocolAnswers, RecommendationDto } from './protocols.ts';
import { TaskCodeValue, Urgency } from './reference.ts';

export const TASK_STATES = ['queued', 'in_assessment', 'callback_pending', 'closed'] as const;
export const TaskState = z.enum(TASK_STATES).meta({ id: 'TaskState' });
export type TaskState = z.infer<typeof TaskState>;

export const PatientSex = z.enum(['female', 'male', 'other', 'unknown']);

/** Finnish national (0401234567) or international (+358401234567); spaces, dashes and brackets are ignored. */
export const PhoneNumber = z
  .string()
  .max(40)
  .transform((s) => s.replace(/[\s\-()]/g, ''))
  .pipe(z.string().regex(/^(\+[1-9]\d{6,14}|0\d{5,12})$/, 'Not a phone number: use +358401234567 or 0401234567'))
  .transform((s) => (s.startsWith('+') ? s : `+358${s.slice(1)}`));

export const ErcTaskId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'Letters, digits and . _ : / - only');

/** What the emergency response centre sends for one D-task (and what a nurse types in when ERC's interface is down). */
export const IntakeRequest = z
  .strictObject({
    ercTaskId: ErcTaskId,
    urgency: Urgency,
    taskCode: TaskCodeValue,
    taskLabel: text(200).optional(),
    receivedAt: IsoDateTime,
    municipality: name(80).pipe(z.string().min(1)),
    address: text(200).optional(),
    callbackPhone: PhoneNumber,
    patientAge: z.number().int().min(0).max(130).optional(),
    patientSex: PatientSex.optional(),
    summary: text(2000).pipe(z.string().min(1)),
  })
  .meta({ id: 'IntakeRequest' });
export type IntakeRequest = z.output<typeof IntakeRequest>;

export const CancelRequest = z.strictObject({ reason: text(500).pipe(z.string().min(1)) }).meta({ id: 'CancelRequest' });
export const ErcTaskIdParams = z.strictObject({ ercTaskId: ErcTaskId });
export const TaskIdParams = z.strictObject({ id: Uuid });

export const Version = z.number().int().min(1);

export const CALL_RESULTS = ['answered', 'no_answer', 'busy', 'wrong_number', 'line_failure'] as const;
export const CallResult = z.enum(CALL_RESULTS);
export type CallResult = z.infer<typeof CallResult>;
export const CallAttemptRequest = z.strictObject({ result: CallResult }).meta({ id: 'CallAttemptRequest' });

const measure = (min: number, max: number) => z.number().min(min).max(max).optional();
export const Vitals = z
  .strictObject({
    heartRate: measure(20, 250),
    respiratoryRate: measure(4, 60),
    systolicBp: measure(50, 300),
    diastolicBp: measure(20, 200),
    spo2: measure(50, 100),
    temperature: measure(30, 44),
    bloodGlucose: measure(0.5, 50),
    consciousness: z.enum(['alert', 'voice', 'pain', 'unresponsive']).optional(),
  })
  .meta({ id: 'Vitals' });

const Identifier = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'An identifier such as home_care_client');

export const AssessmentFields = z.strictObject({
  chiefComplaint: text(500).optional(),
  onset: text(200).optional(),
  redFlags: z.array(Identifier).max(20).default([]).describe('Red-flag ids; see GET /api/reference/red-flags'),
  vitals: Vitals.default({}),
  currentServices: z.array(Identifier).max(20).default([]).describe('e.g. home_care_client, social_services_client'),
  notes: text(4000).optional(),
  protocol: ProtocolAnswers.optional().describe('The protocol answers; without them the task is assessed without a protocol'),
});
export type AssessmentFields = z.output<typeof AssessmentFields>;
export const AssessmentRequest = AssessmentFields.extend({ version: Version }).meta({ id: 'AssessmentRequest' });

export const UNIT_LEVELS = ['ALS', 'BLS', 'first_response'] as const;
/** The reasons a nurse gives for a unit dispatch. */
export const NURSE_DISPATCH_REASONS = ['unreachable', 'clinical_need', 'red_flag', 'no_suitable_alternative', 'patient_request', 'other'] as const;
/**
 * Every reason a unit dispatch can have: the nurse's; `deteriorated_at_follow_up`, recorded by a
 * follow-up call's `worse` result; and `field_commander`, recorded only by the ERC's unit-attached
 * call (the EMS field commander attached a unit; no dispatch request is made).
 */
export const DISPATCH_REASONS = [...NURSE_DISPATCH_REASONS, 'deteriorated_at_follow_up', 'field_commander'] as const;
export const ADVICE_KINDS = ['self_care', 'contact_health_centre', 'call_back_if_worse'] as const;
export const REDIRECT_TARGETS = [
  'home_care',
  'home_hospital',
  'social_emergency',
  'social_services',
  'mental_health_substance',
  'health_centre',
  'other',
] as const;

/** Decision support on every outcome type: why it is less acute than recommended, and the advice read out. */
const decisionFields = { override: Override.optional(), adviceGiven: AdviceGiven.optional() };

export const DispatchUnitOutcome = z
  .strictObject({
    type: z.literal('dispatch_unit'),
    unitLevel: z.enum(UNIT_LEVELS),
    urgency: Urgency.describe('Kept at D or raised'),
    reason: z.enum(NURSE_DISPATCH_REASONS),
    note: text(1000).optional(),
    ...decisionFields,
  })
  .meta({ id: 'DispatchUnitOutcome' });
export const PhoneAdviceOutcome = z
  .strictObject({
    type: z.literal('phone_advice'),
    advice: z.enum(ADVICE_KINDS),
    rationale: text(2000).pipe(z.string().min(1)),
    ...decisionFields,
  })
  .meta({ id: 'PhoneAdviceOutcome' });
export const REFERRAL_STATES = ['requested', 'accepted', 'rejected', 'completed', 'cancelled'] as const;
export const ReferralState = z.enum(REFERRAL_STATES).meta({ id: 'ReferralState' });
export type ReferralState = z.infer<typeof ReferralState>;
/** Why a closed task came back to the queue: the centre owns the patient again. */
export const DecisionReason = z.enum(['referral_rejected', 'referral_timeout', 'referral_cancelled']);
export type DecisionReason = z.infer<typeof DecisionReason>;

export const RedirectOutcome = z
  .strictObject({
    type: z.literal('redirect'),
    target: z.enum(REDIRECT_TARGETS),
    serviceId: Uuid.optional().describe('The service directory entry referred to (its target type must be `target`); without it a referral to the free-text handoffTo'),
    handoffTo: text(200).pipe(z.string().min(1)).describe('The receiving service or person; a referral to it is created in state requested'),
    rationale: text(2000).pipe(z.string().min(1)),
    ...decisionFields,
  })
  .meta({ id: 'RedirectOutcome' });
export const Outcome = z.discriminatedUnion('type', [DispatchUnitOutcome, PhoneAdviceOutcome, RedirectOutcome]).meta({ id: 'Outcome' });
export type Outcome = z.output<typeof Outcome>;
export const CancelledOutcome = z.object({ type: z.literal('cancelled'), reason: z.string() });
/** The EMS field commander attached a unit (the ERC's unit-attached call): a unit dispatch the ERC already made. */
export const FieldCommanderOutcome = z.object({
  type: z.literal('dispatch_unit'),
  unitLevel: z.enum(UNIT_LEVELS),
  urgency: Urgency,
  reason: z.literal('field_commander'),
  unit: z.string(),
});
export type FieldCommanderOutcome = z.output<typeof FieldCommanderOutcome>;
/** A unit dispatch a follow-up call's result records (`worse`, or `unreachable` when the policy sends a unit). */
export type FollowUpDispatchOutcome = Omit<z.output<typeof DispatchUnitOutcome>, 'reason'> & { reason: 'deteriorated_at_follow_up' | 'unreachable' };
export type RecordedOutcome = Outcome | z.output<typeof CancelledOutcome> | FieldCommanderOutcome | FollowUpDispatchOutcome;

export const UnitAttachedRequest = z
  .strictObject({
    unit: text(40).pipe(z.string().min(1)).describe("The attached unit's call sign, e.g. OUL121"),
    unitLevel: z.enum(UNIT_LEVELS),
    urgency: Urgency.optional().describe("The urgency the unit goes with; default: the task's class"),
  })
  .meta({ id: 'UnitAttachedRequest' });
export type UnitAttachedRequest = z.output<typeof UnitAttachedRequest>;

export const OutcomeRequest = z
  .discriminatedUnion('type', [
    DispatchUnitOutcome.extend({ version: Version }),
    PhoneAdviceOutcome.extend({ version: Version }),
    RedirectOutcome.extend({ version: Version }),
  ])
  .meta({ id: 'OutcomeRequest' });
export type OutcomeRequest = z.output<typeof OutcomeRequest>;

export const AmendmentRequest = z
  .strictObject({ version: Version, reason: text(1000).pipe(z.string().min(1)), outcome: Outcome })
  .meta({ id: 'AmendmentRequest' });

export const VersionRequest = z.strictObject({ version: Version, reason: text(500).optional() }).meta({ id: 'VersionRequest' });
export const ReassignRequest = z
  .strictObject({
    version: Version,
    assigneeId: Uuid.optional().describe('Default: the shift leader who asks (take over)'),
    reason: text(500).optional().describe('Required when the current claim is live (not stale)'),
  })
  .meta({ id: 'ReassignRequest' });

export const HandoverRequest = z
  .strictObject({ version: Version, toUserId: Uuid.describe('An active nurse or shift leader who holds no task') })
  .meta({ id: 'HandoverRequest' });

export const TaskQuery = z
  .strictObject({
    state: z
      .union([TaskState, z.string().transform((s, ctx) => {
        const parts = s.split(',');
        const parsed = z.array(TaskState).safeParse(parts);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: `Unknown state in "${s}"` });
          return z.NEVER;
        }
        return parsed.data;
      })])
      .optional()
      .describe('One state or a comma list; default: every open state'),
    areaId: Uuid.optional(),
    referralState: ReferralState.optional().describe("Only tasks whose current redirect's referral is in this state (with state=closed: waiting for acceptance)"),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .meta({ id: 'TaskQuery' });
export type TaskQuery = z.output<typeof TaskQuery>;

const UserRef = z.object({ id: Uuid, displayName: z.string() }).meta({ id: 'UserRef' });

/** A task as the queue shows it: no phone number or address. */
export const TaskSummary = z
  .object({
    id: Uuid,
    ercTaskId: z.string(),
    state: TaskState,
    version: z.number().int(),
    source: z.enum(['erc', 'manual', 'import']),
    receivedAt: IsoDateTime,
    urgency: Urgency,
    taskCode: z.string(),
    taskLabel: z.string().nullable(),
    taskName: z.object({ fi: z.string(), sv: z.string(), en: z.string() }).nullable().describe('The code table\'s names (sv falls back to fi)'),
    taskCodeKnown: z.boolean(),
    municipality: z.string(),
    area: z.object({ id: Uuid, name: z.string() }),
    patientAge: z.number().int().nullable(),
    patientSex: PatientSex.nullable(),
    summary: z.string(),
    claimedBy: UserRef.nullable(),
    claimedAt: IsoDateTime.nullable(),
    heartbeatAt: IsoDateTime.nullable(),
    stale: z.boolean(),
    callbackDueAt: IsoDateTime.nullable(),
    failedCallAttempts: z.number().int(),
    firstCallAt: IsoDateTime.nullable(),
    answeredAt: IsoDateTime.nullable().describe('The first answered call: phone advice and redirects need one'),
    escalatedAt: IsoDateTime.nullable(),
    escalationReason: z.string().nullable(),
    breachLevel: z.number().int(),
    responseDueAt: IsoDateTime.describe("receivedAt + the response limit of the task's class (D: RESPONSE_LIMIT_MINUTES; C, taken in congestion mode: C_RESPONSE_LIMIT_MINUTES)"),
    outcomeType: z.enum(['dispatch_unit', 'phone_advice', 'redirect', 'cancelled']).nullable(),
    closedAt: IsoDateTime.nullable(),
    referralState: ReferralState.nullable().describe("The state of the current redirect's referral"),
    decisionRequiredAt: IsoDateTime.nullable().describe('Returned to the queue for a new decision (its referral was rejected or unanswered)'),
    decisionReason: DecisionReason.nullable(),
  })
  .meta({ id: 'TaskSummary' });
export type TaskSummary = z.infer<typeof TaskSummary>;

const Count = z.number().int().min(0);
export const TaskList = z
  .object({
    tasks: z.array(TaskSummary).describe('At most `limit` tasks, in queue order'),
    totals: z
      .object({ queued: Count, in_assessment: Count, callback_pending: Count, closed: Count, all: Count })
      .describe('Tasks per state under the same filter (states, area), however many `tasks` holds'),
  })
  .meta({ id: 'TaskList' });
export type TaskList = z.infer<typeof TaskList>;

export const OutcomeRecordDto = z
  .object({
    id: Uuid,
    outcome: z.record(z.string(), z.unknown()),
    recordedBy: z.string(),
    recordedAt: IsoDateTime,
    amendsId: Uuid.nullable(),
    amendmentReason: z.string().nullable(),
    current: z.boolean(),
    decision: z
      .object({
        protocolId: z.string(),
        protocolVersion: z.number().int(),
        recommended: z.string(),
        chosen: z.string().nullable(),
        overrideReason: z.string().nullable(),
        adviceId: z.string().nullable(),
        adviceLanguage: z.string().nullable(),
      })
      .nullable()
      .describe('The protocol decision this outcome was checked against (null: assessed without a protocol)'),
  })
  .meta({ id: 'OutcomeRecord' });

export const DispatchRequestDto = z
  .object({
    id: Uuid,
    taskId: Uuid,
    ercTaskId: z.string(),
    unitLevel: z.enum(UNIT_LEVELS),
    urgency: Urgency,
    reason: z.string(),
    municipality: z.string(),
    address: z.string().nullable(),
    requestedAt: IsoDateTime,
    acknowledgedAt: IsoDateTime.nullable(),
    secondsToAcknowledge: z.number().nullable(),
    overdue: z.boolean(),
    supersededAt: IsoDateTime.nullable().describe('Withdrawn: an amended outcome replaced the decision (no unit, or a new request instead)'),
  })
  .meta({ id: 'DispatchRequest' });
export type DispatchRequestDto = z.infer<typeof DispatchRequestDto>;
export const DispatchRequestList = z.object({ dispatchRequests: z.array(DispatchRequestDto) }).meta({ id: 'DispatchRequestList' });
export const DispatchRequestQuery = z.strictObject({ status: z.enum(['open', 'all']).default('open') });

export const TaskEventDto = z
  .object({
    seq: z.number().int(),
    taskId: Uuid,
    type: z.string(),
    version: z.number().int(),
    state: TaskState,
    at: IsoDateTime,
    actor: z.string().describe('Who acted: a display name, an integration key\'s name, or "system"'),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TaskEvent' });
export type TaskEventDto = z.infer<typeof TaskEventDto>;

/** Everything about one task: reading it is audited. */
export const TaskDetail = TaskSummary.extend({
  address: z.string().nullable(),
  callbackPhone: z.string(),
  assessment: AssessmentFields.nullable(),
  recommendation: RecommendationDto.nullable().describe('Recomputed by the server on every assessment save'),
  callAttempts: z.array(z.object({ result: CallResult, at: IsoDateTime, by: z.string() })),
  outcomes: z.array(OutcomeRecordDto),
  dispatchRequests: z.array(DispatchRequestDto),
  events: z.array(TaskEventDto),
}).meta({ id: 'TaskDetail' });
export type TaskDetail = z.infer<typeof TaskDetail>;

export const TaskResponse = z.object({ task: TaskSummary }).meta({ id: 'TaskResponse' });
export const TaskDetailResponse = z.object({ task: TaskDetail }).meta({ id: 'TaskDetailResponse' });

export const EventsQuery = z
  .strictObject({
    since: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .meta({ id: 'EventsQuery' });
export const EventsPage = z
  .object({ events: z.array(TaskEventDto), lastSeq: z.number().int().describe('The newest event number there is; resume from it'), hasMore: z.boolean() })
  .meta({ id: 'EventsPage' });
export type EventsPage = z.infer<typeof EventsPage>;

export const HeartbeatResponse = z.object({ heartbeatAt: IsoDateTime, version: z.number().int() }).meta({ id: 'HeartbeatResponse' });

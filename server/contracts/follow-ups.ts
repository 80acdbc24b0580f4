import { z } from 'zod';
import { IsoDateTime, text, Uuid } from './common.ts';
import { Urgency } from './reference.ts';
import { CallResult, UNIT_LEVELS, Version } from './tasks.ts';
import { FOLLOW_UP_RESULTS, FOLLOW_UP_STATES, FOLLOW_UP_WHEN } from './follow-up-values.ts';

export { FOLLOW_UP_RESULTS, FOLLOW_UP_STATES, FOLLOW_UP_WHEN };

// Follow-up calls (safety netting): a call back to the patient after phone advice or a redirect,
// claimable like a task. States: scheduled -> in_call -> stable | worse | unreachable; cancelled
// when the task's outcome is amended away from advice or redirect.

export const FollowUpState = z.enum(FOLLOW_UP_STATES).meta({ id: 'FollowUpState' });
export type FollowUpState = z.infer<typeof FollowUpState>;
export const OPEN_FOLLOW_UP_STATES: readonly FollowUpState[] = ['scheduled', 'in_call'];

export const FollowUpResultValue = z.enum(FOLLOW_UP_RESULTS).meta({ id: 'FollowUpResultValue' });
export type FollowUpResultValue = z.infer<typeof FollowUpResultValue>;

export const FollowUpWhen = z.enum(FOLLOW_UP_WHEN).meta({ id: 'FollowUpWhen' });
export type FollowUpWhen = z.infer<typeof FollowUpWhen>;

export const FollowUpIdParams = z.strictObject({ id: Uuid });

export const ScheduleFollowUpRequest = z
  .strictObject({
    when: FollowUpWhen,
    dueAt: IsoDateTime.optional().describe('Required with when=at: a moment in the next 7 days'),
    check: text(1000).pipe(z.string().min(1)).describe('What to check on the call'),
    owner: z.enum(['queue', 'me']).default('queue').describe('The shared queue (default) or the nurse who schedules it'),
  })
  .meta({ id: 'ScheduleFollowUpRequest' });
export type ScheduleFollowUpRequest = z.output<typeof ScheduleFollowUpRequest>;

export const FollowUpCallAttemptRequest = z.strictObject({ result: CallResult }).meta({ id: 'FollowUpCallAttemptRequest' });

export const FollowUpResultRequest = z
  .strictObject({
    result: FollowUpResultValue,
    note: text(2000).optional(),
    version: Version,
    unitLevel: z.enum(UNIT_LEVELS).default('BLS').describe('With worse: the unit requested (default BLS)'),
    urgency: Urgency.default('D').describe('With worse: the dispatch urgency (default D)'),
  })
  .meta({ id: 'FollowUpResultRequest' });
export type FollowUpResultRequest = z.output<typeof FollowUpResultRequest>;

export const FollowUpQuery = z
  .strictObject({
    state: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(FollowUpState).min(1))
      .optional()
      .describe('One state or a comma list; default: the open ones (scheduled, in_call)'),
    taskId: Uuid.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .meta({ id: 'FollowUpQuery' });
export type FollowUpQuery = z.output<typeof FollowUpQuery>;

const Person = z.object({ id: Uuid, displayName: z.string() });

/** A follow-up as the queue shows it: no free text, no phone number. */
export const FollowUpSummary = z
  .object({
    id: Uuid,
    taskId: Uuid,
    ercTaskId: z.string(),
    taskCode: z.string(),
    taskName: z.object({ fi: z.string(), sv: z.string(), en: z.string() }).nullable(),
    municipality: z.string(),
    area: z.object({ id: Uuid, name: z.string() }),
    outcomeId: Uuid.describe('The advice or redirect outcome the call checks on'),
    outcomeType: z.enum(['phone_advice', 'redirect']),
    state: FollowUpState,
    version: z.number().int(),
    dueAt: IsoDateTime,
    /** Claimable from this moment (FOLLOW_UP_EARLY_MINUTES before dueAt). */
    claimableFrom: IsoDateTime,
    owner: Person.nullable().describe('null: the shared queue'),
    scheduledAt: IsoDateTime,
    scheduledBy: z.string(),
    claimedBy: Person.nullable(),
    claimedAt: IsoDateTime.nullable(),
    heartbeatAt: IsoDateTime.nullable(),
    stale: z.boolean(),
    failedCallAttempts: z.number().int(),
    firstFailedCallAt: IsoDateTime.nullable(),
    overdueFlaggedAt: IsoDateTime.nullable(),
    escalatedAt: IsoDateTime.nullable(),
    resultAt: IsoDateTime.nullable(),
    dispatchOutcomeId: Uuid.nullable(),
  })
  .meta({ id: 'FollowUpSummary' });
export type FollowUpSummary = z.infer<typeof FollowUpSummary>;

export const FollowUpResultEntry = z.object({
  result: z.enum(['stable', 'worse', 'unreachable', 'cancelled']),
  note: z.string().nullable(),
  recordedAt: IsoDateTime,
  recordedBy: z.string(),
});

/** One follow-up with what to check, its calls and its result history (patient data: the read is audited). */
export const FollowUpDetail = FollowUpSummary.extend({
  check: z.string(),
  callAttempts: z.array(z.object({ result: CallResult, attemptedAt: IsoDateTime, attemptedBy: z.string() })),
  results: z.array(FollowUpResultEntry),
}).meta({ id: 'FollowUpDetail' });
export type FollowUpDetail = z.infer<typeof FollowUpDetail>;

export const FollowUpList = z.object({ followUps: z.array(FollowUpSummary) }).meta({ id: 'FollowUpList' });
export const FollowUpResponse = z.object({ followUp: FollowUpSummary }).meta({ id: 'FollowUpResponse' });
export const FollowUpDetailResponse = z.object({ followUp: FollowUpDetail }).meta({ id: 'FollowUpDetailResponse' });

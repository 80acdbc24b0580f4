import { z } from 'zod';
import { IsoDateTime, Uuid, text } from './common.ts';
import { PatientSex, REDIRECT_TARGETS, ReferralState, Version } from './tasks.ts';

export const ReferralStateChange = z
  .object({
    state: ReferralState,
    at: IsoDateTime,
    by: z.string(),
    via: z.enum(['phone', 'api', 'scheduler', 'import', 'console']),
    acceptedBy: z.string().nullable(),
    acceptedAt: IsoDateTime.nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'ReferralStateChange' });

/** A referral as the console shows it with its task. */
export const ReferralDto = z
  .object({
    id: Uuid,
    taskId: Uuid,
    state: ReferralState,
    targetType: z.enum(REDIRECT_TARGETS),
    targetName: z.string(),
    serviceId: Uuid.nullable(),
    requestedAt: IsoDateTime,
    acceptedAt: IsoDateTime.nullable(),
    acceptedBy: z.string().nullable(),
    answeredVia: z.enum(['phone', 'api', 'scheduler', 'import']).nullable(),
    rejectReason: z.string().nullable(),
    acceptDueAt: IsoDateTime.describe('Unanswered by then (REFERRAL_ACCEPT_MINUTES), the task returns for a new decision'),
    history: z.array(ReferralStateChange),
  })
  .meta({ id: 'Referral' });
export type ReferralDto = z.infer<typeof ReferralDto>;

/** What the receiving service reads: the patient it is asked to take, and how to reach them. */
export const IncomingReferral = z
  .object({
    id: Uuid,
    state: ReferralState,
    ercTaskId: z.string(),
    targetType: z.enum(REDIRECT_TARGETS),
    requestedAt: IsoDateTime,
    acceptDueAt: IsoDateTime,
    municipality: z.string(),
    address: z.string().nullable(),
    callbackPhone: z.string(),
    patientAge: z.number().int().nullable(),
    patientSex: PatientSex.nullable(),
    summary: z.string(),
    rationale: z.string().describe("The nurse's reason for the referral"),
  })
  .meta({ id: 'IncomingReferral' });
export type IncomingReferral = z.infer<typeof IncomingReferral>;

export const IncomingReferralQuery = z.strictObject({ state: ReferralState.default('requested') }).meta({ id: 'IncomingReferralQuery' });
export const ReferralList = z.object({ referrals: z.array(ReferralDto) }).meta({ id: 'ReferralList' });
export const IncomingReferralList = z.object({ referrals: z.array(IncomingReferral) }).meta({ id: 'IncomingReferralList' });
export const ReferralIdParams = z.strictObject({ id: Uuid });

export const AcceptReferralRequest = z
  .strictObject({ acceptedBy: text(200).pipe(z.string().min(1)).optional().describe('Who at the service accepted; default the key name') })
  .meta({ id: 'AcceptReferralRequest' });
export const RejectReferralRequest = z.strictObject({ reason: text(500).pipe(z.string().min(1)) }).meta({ id: 'RejectReferralRequest' });
export const ReferralAnswer = z.object({ referral: z.object({ id: Uuid, state: ReferralState }) }).meta({ id: 'ReferralAnswer' });

export const AcceptedByPhoneRequest = z
  .strictObject({
    acceptedBy: text(200).pipe(z.string().min(1)).describe('Who at the service accepted the patient on the phone'),
    acceptedAt: IsoDateTime,
    version: Version,
  })
  .meta({ id: 'AcceptedByPhoneRequest' });

export const CancelReferralRequest = z
  .strictObject({ reason: text(500).pipe(z.string().min(1)).describe('Why the referral is called off') })
  .meta({ id: 'CancelReferralRequest' });
/** The console's side: a nurse or shift leader records what the service said on the phone. */
export const ReferralCompletedRequest = z.strictObject({ version: Version }).meta({ id: 'ReferralCompletedRequest' });
export const ReferralCancelRequest = z
  .strictObject({ version: Version, reason: text(500).pipe(z.string().min(1)) })
  .meta({ id: 'ReferralCancelRequest' });

import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.ts';
import { ADVICE_KINDS, REDIRECT_TARGETS, ReferralState, TaskState } from './tasks.ts';

/** How far back the desk looks for earlier contacts, and the window of the "Nth contact" badge. */
export const CONTACT_HISTORY_DAYS = 30;
export const CONTACT_BADGE_DAYS = 7;

/** Another task, named without any patient data. */
const OtherTask = z.object({
  taskId: Uuid,
  ercTaskId: z.string(),
  receivedAt: IsoDateTime,
  state: TaskState,
  taskCode: z.string(),
});

/** An earlier task from the same callback number: what was decided, never the number itself. */
export const EarlierContact = OtherTask.extend({
  taskName: z.object({ fi: z.string(), en: z.string() }).nullable(),
  outcomeType: z.enum(['dispatch_unit', 'phone_advice', 'redirect', 'cancelled']).nullable(),
  advice: z.enum(ADVICE_KINDS).nullable().describe('The advice given, when the outcome was phone advice'),
  redirectTarget: z.enum(REDIRECT_TARGETS).nullable().describe('Where the patient was redirected, when the outcome was a redirect'),
  referralState: ReferralState.nullable().describe("The redirect's referral: requested, accepted, rejected, ..."),
  pendingFollowUp: z
    .object({ dueAt: IsoDateTime, overdue: z.boolean() })
    .nullable()
    .describe('The earliest follow-up call of that task still to be made (scheduled or being called), if any'),
}).meta({ id: 'EarlierContact' });
export type EarlierContact = z.infer<typeof EarlierContact>;

/** Another open task that may be the same call delivered twice by the ERC. */
export const OpenDuplicate = OtherTask.extend({ samePhone: z.boolean(), sameAddress: z.boolean() }).meta({ id: 'OpenDuplicate' });
export type OpenDuplicate = z.infer<typeof OpenDuplicate>;

export const TaskContacts = z
  .object({
    contacts: z.array(EarlierContact).describe(`Earlier tasks from the same callback number within ${CONTACT_HISTORY_DAYS} days before this one, newest first`),
    contactsInBadgeWindow: z
      .number()
      .int()
      .min(1)
      .describe(`This task's place among the tasks from its number in the ${CONTACT_BADGE_DAYS} days up to its receivedAt (3 = "3rd contact in 7 days")`),
    badgeWindowDays: z.number().int(),
    openDuplicates: z.array(OpenDuplicate).describe('Other open tasks from the same number, or the same address in the same municipality'),
  })
  .meta({ id: 'TaskContacts' });
export type TaskContacts = z.infer<typeof TaskContacts>;

import { z } from 'zod';
import { insertAudit } from '../audit/audit.repository.ts';
import { CONTACT_BADGE_DAYS, type EarlierContact, type TaskContacts } from '../contracts/contacts.ts';
import { ADVICE_KINDS, REDIRECT_TARGETS, ReferralState, TaskState } from '../contracts/tasks.ts';
import type { Db } from '../db/create-db.ts';
import type { RequestContext, UserActor } from '../http/actor.ts';
import { notFound } from '../http/errors.ts';
import * as repo from './contacts.repository.ts';

const OutcomeType = z.enum(['dispatch_unit', 'phone_advice', 'redirect', 'cancelled']);
// The outcome row's details as recorded; only the coded fields are shown (free text stays in the task).
const OutcomeCodes = z.object({ advice: z.enum(ADVICE_KINDS).optional(), target: z.enum(REDIRECT_TARGETS).optional() });

function toEarlierContact(row: repo.EarlierContactRow): EarlierContact {
  const codes = OutcomeCodes.safeParse(row.outcome_details);
  const outcomeType = row.outcome_type === null ? null : OutcomeType.parse(row.outcome_type);
  return {
    taskId: row.id,
    ercTaskId: row.erc_task_id,
    receivedAt: row.received_at.toISOString(),
    state: TaskState.parse(row.state),
    taskCode: row.task_code,
    taskName: row.name_fi && row.name_en ? { fi: row.name_fi, en: row.name_en } : null,
    outcomeType,
    advice: outcomeType === 'phone_advice' && codes.success ? (codes.data.advice ?? null) : null,
    redirectTarget: outcomeType === 'redirect' && codes.success ? (codes.data.target ?? null) : null,
    referralState: row.referral_state === null ? null : ReferralState.parse(row.referral_state),
    pendingFollowUp: row.follow_up_due_at === null ? null : { dueAt: new Date(row.follow_up_due_at).toISOString(), overdue: row.follow_up_overdue },
  };
}

export function createContactsService(db: Db) {
  return {
    /**
     * The patient's earlier contacts and possible duplicates of this task, matched on the keyed
     * callback hash (and the address for duplicates): no other task's number or address is read
     * into the answer. Every read leaves an audit row, as reading the task does.
     */
    async forTask(taskId: string, actor: UserActor, ctx: RequestContext): Promise<TaskContacts> {
      const key = await repo.findContactKey(db, taskId);
      if (!key) throw notFound('Task');
      const hash = key.callback_phone_hash;
      const [rows, duplicates] = await Promise.all([
        hash === null ? Promise.resolve([]) : repo.listEarlierContacts(db, { ...key, callback_phone_hash: hash }),
        repo.listOpenDuplicates(db, key),
      ]);
      const badgeFrom = key.received_at.getTime() - CONTACT_BADGE_DAYS * 86_400_000;
      const contacts = rows.map(toEarlierContact);
      const result: TaskContacts = {
        contacts,
        contactsInBadgeWindow: 1 + rows.filter((r) => r.received_at.getTime() > badgeFrom).length,
        badgeWindowDays: CONTACT_BADGE_DAYS,
        openDuplicates: duplicates.map((d) => ({
          taskId: d.id,
          ercTaskId: d.erc_task_id,
          receivedAt: d.received_at.toISOString(),
          state: TaskState.parse(d.state),
          taskCode: d.task_code,
          samePhone: d.same_phone,
          sameAddress: d.same_address,
        })),
      };
      await insertAudit(db, actor, ctx, {
        action: 'task.contacts_read',
        targetType: 'task',
        targetId: taskId,
        details: { contacts: contacts.length, openDuplicates: result.openDuplicates.length },
      });
      return result;
    },
  };
}
export type ContactsService = ReturnType<typeof createContactsService>;

import { sql, type RawBuilder } from 'kysely';
import type { AuditReason } from '../contracts/audits.ts';

/**
 * A condition that always queues a task for review: SQL over the closed, reviewable task `t`
 * (see queueTriggered). Adding a trigger is one more entry here; the scan, the exactly-once insert,
 * the audit rows and the notifications are shared.
 */
export interface AuditTrigger {
  reason: Exclude<AuditReason, 'random_sample'>;
  condition: RawBuilder<boolean>;
}

/** Phone advice or a redirect: the decisions that kept a unit from going, whatever became of a referral. */
const ADVICE_OR_REDIRECT = sql<boolean>`t.outcome_type in ('phone_advice', 'redirect')`;

export const AUDIT_TRIGGERS: readonly AuditTrigger[] = [
  {
    // The same number called again within (0, 72 h] of receivedAt: the re-contact link the
    // reports' triggers keep (task.next_contact_at, matched on the keyed phone hash).
    reason: 'recontact_72h',
    condition: sql<boolean>`${ADVICE_OR_REDIRECT} and t.next_contact_at is not null`,
  },
  {
    // A later task from the same number within (0, 24 h] that ended in a unit dispatch.
    reason: 'dispatch_24h',
    condition: sql<boolean>`${ADVICE_OR_REDIRECT} and exists (
      select 1 from task l
      where l.callback_phone_hash = t.callback_phone_hash
        and l.received_at > t.received_at and l.received_at <= t.received_at + interval '24 hours'
        and l.outcome_type = 'dispatch_unit')`,
  },
  {
    // An outcome (first or amended) less acute than the protocol's recommendation, by the
    // disposition ladder (rank 1 is the most acute): a documented override, always reviewed.
    reason: 'downgrade_override',
    condition: sql<boolean>`exists (
      select 1 from task_outcome o
      join disposition recommended on recommended.id = o.recommended_disposition
      join disposition chosen on chosen.id = o.chosen_disposition
      where o.task_id = t.id and chosen.rank > recommended.rank)`,
  },
  {
    // A follow-up call found the patient worse: the advice or redirect is looked at again.
    reason: 'follow_up_worse',
    condition: sql<boolean>`exists (select 1 from follow_up f where f.task_id = t.id and f.state = 'worse')`,
  },
  {
    // A redirect the receiving service rejected or never answered (the scheduler rejects it after
    // REFERRAL_ACCEPT_MINUTES): the task came back for a new decision, and that path is reviewed.
    reason: 'referral_rejected',
    condition: sql<boolean>`exists (select 1 from referral r where r.task_id = t.id and r.state = 'rejected')`,
  },
];

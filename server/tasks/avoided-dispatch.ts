import { sql, type RawBuilder } from 'kysely';

/**
 * The referral of a redirect as counts see it: accepted (or completed after acceptance), rejected
 * (or cancelled before an answer), or still pending; '' when the outcome is not a redirect. The
 * aggregate triggers store the same classes (task_referral_class() in the referrals migration).
 */
export const REFERRAL_CLASSES = ['', 'pending', 'accepted', 'rejected'] as const;
export type ReferralClass = (typeof REFERRAL_CLASSES)[number];

export function referralClass(outcomeType: string | null, referralState: string | null): ReferralClass {
  if (outcomeType !== 'redirect') return '';
  if (referralState === 'accepted' || referralState === 'completed') return 'accepted';
  if (referralState === 'rejected' || referralState === 'cancelled') return 'rejected';
  return 'pending';
}

/**
 * The one definition of an avoided unit dispatch: a closed task whose current outcome is phone
 * advice, or a redirect whose referral the receiving service accepted. A redirect counts only from
 * its acceptance: before it, the centre still owns the patient, and a rejection brings the task back.
 * Every count, live or monthly, uses this rule (or its SQL form below).
 */
export function isAvoidedDispatch(task: { state: string; outcomeType: string | null; referral: ReferralClass }): boolean {
  if (task.state !== 'closed') return false;
  return task.outcomeType === 'phone_advice' || (task.outcomeType === 'redirect' && task.referral === 'accepted');
}

/** SQL boolean over a `task` row alias: the same rule for queries that count. */
export function avoidedDispatchSql(alias = 'task'): RawBuilder<boolean> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<boolean>`(${col('state')} = 'closed' and (${col('outcome_type')} = 'phone_advice'
    or (${col('outcome_type')} = 'redirect' and ${col('referral_state')} in ('accepted', 'completed'))))`;
}

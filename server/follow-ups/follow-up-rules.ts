import type { FollowUpConfig } from '../config.ts';
import type { FollowUpWhen } from '../contracts/follow-ups.ts';
import { helsinkiDate, helsinkiTime } from '../time/helsinki.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How far ahead a chosen time may lie: a follow-up is a call about this contact, not a booking. */
export const MAX_CHOSEN_DAYS = 7;

/** 08:00 on that Helsinki calendar day ('YYYY-MM-DD'), winter or summer time. */
function helsinkiEight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  for (const offsetHours of [2, 3]) {
    const candidate = new Date(Date.UTC(y, m - 1, d, 8) - offsetHours * HOUR);
    if (helsinkiTime(candidate) === '08:00' && helsinkiDate(candidate) === day) return candidate;
  }
  throw new Error(`No Helsinki 08:00 on ${day}`);
}

/** The next 08:00 in Helsinki after `now` (today's if it is still before eight, else tomorrow's). */
export function nextHelsinkiMorning(now: Date): Date {
  const today = helsinkiEight(helsinkiDate(now));
  // Today's eight plus 28 h is about noon of the next Helsinki day, whatever the DST change.
  return today > now ? today : helsinkiEight(helsinkiDate(new Date(today.getTime() + 28 * HOUR)));
}

/** The due time of a follow-up scheduled at `now`; undefined: `when: 'at'` without a usable dueAt. */
export function followUpDueAt(when: FollowUpWhen, dueAt: string | undefined, now: Date): Date | undefined {
  switch (when) {
    case 'in_1h':
      return new Date(now.getTime() + HOUR);
    case 'in_2h':
      return new Date(now.getTime() + 2 * HOUR);
    case 'in_4h':
      return new Date(now.getTime() + 4 * HOUR);
    case 'next_morning':
      return nextHelsinkiMorning(now);
    case 'at': {
      if (dueAt === undefined) return undefined;
      const at = new Date(dueAt);
      return at.getTime() > now.getTime() && at.getTime() <= now.getTime() + MAX_CHOSEN_DAYS * 24 * HOUR ? at : undefined;
    }
  }
}

export interface FailedFollowUpCall {
  failedCallAttempts: number;
  firstFailedCallAt: Date;
  /** The policy is met: the nurse keeps the call to record `unreachable` (or `worse`). */
  policyMet: boolean;
  /** Otherwise the follow-up goes back to the queue, due again at this time. */
  nextDueAt: Date;
}

/**
 * The unreachable policy: FOLLOW_UP_UNREACHABLE_ATTEMPTS unanswered calls spanning at least
 * FOLLOW_UP_UNREACHABLE_MINUTES from the first to the last. Until then each unanswered call puts
 * the follow-up back with the next call spread evenly over the span (never sooner than a minute).
 */
export function decideAfterFailedFollowUpCall(
  followUp: { failedCallAttempts: number; firstFailedCallAt: Date | null },
  config: FollowUpConfig,
  now: Date,
): FailedFollowUpCall {
  const failedCallAttempts = followUp.failedCallAttempts + 1;
  const firstFailedCallAt = followUp.firstFailedCallAt ?? now;
  const spanEnd = new Date(firstFailedCallAt.getTime() + config.unreachableMinutes * MINUTE);
  const policyMet = unreachablePolicyMet({ failedCallAttempts, firstFailedCallAt }, config, now);
  const gap = config.unreachableAttempts > 1 ? Math.max(1, Math.ceil(config.unreachableMinutes / (config.unreachableAttempts - 1))) : 1;
  const nextDueAt = failedCallAttempts >= config.unreachableAttempts ? spanEnd : new Date(now.getTime() + gap * MINUTE);
  return { failedCallAttempts, firstFailedCallAt, policyMet, nextDueAt };
}

/** Whether `unreachable` may be recorded now (the same policy, for the result route). */
export function unreachablePolicyMet(followUp: { failedCallAttempts: number; firstFailedCallAt: Date | null }, config: FollowUpConfig, now: Date): boolean {
  return (
    followUp.failedCallAttempts >= config.unreachableAttempts &&
    followUp.firstFailedCallAt !== null &&
    now.getTime() >= followUp.firstFailedCallAt.getTime() + config.unreachableMinutes * MINUTE
  );
}

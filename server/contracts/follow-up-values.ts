// The follow-up call's value lists, without zod: the browser's first load imports them (the queue
// and the live board), and the schemas in follow-ups.ts are built from these same lists.

export const FOLLOW_UP_STATES = ['scheduled', 'in_call', 'stable', 'worse', 'unreachable', 'cancelled'] as const;
export const FOLLOW_UP_RESULTS = ['stable', 'worse', 'unreachable'] as const;
/** When the call is due: +1 h, +2 h, +4 h from now, the next 08:00 in Helsinki, or `dueAt`. */
export const FOLLOW_UP_WHEN = ['in_1h', 'in_2h', 'in_4h', 'next_morning', 'at'] as const;

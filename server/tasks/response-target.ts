import { sql, type RawBuilder } from 'kysely';
import type { LifecycleConfig } from '../config.ts';

/**
 * The response target of a task's urgency class, the one source for every deadline, the queue
 * order and the safety net. D is the console's own class (RESPONSE_LIMIT_MINUTES); C-tasks come in
 * only in congestion mode and get the C target (C_RESPONSE_LIMIT_MINUTES). A task keeps its class
 * for life, so a C-task queued in congestion keeps the C target after the mode is switched off.
 */
export function responseTarget(urgency: string, config: LifecycleConfig): { limitMinutes: number; marginMinutes: number } {
  return urgency === 'C'
    ? { limitMinutes: config.cResponseLimitMinutes, marginMinutes: config.cSafetyMarginMinutes }
    : { limitMinutes: config.responseLimitMinutes, marginMinutes: config.safetyMarginMinutes };
}

const MINUTE = 60_000;

/** When the patient must have been reached (the class's response limit from receivedAt). */
export function responseDueAt(task: { receivedAt: Date; urgency: string }, config: LifecycleConfig): Date {
  return new Date(task.receivedAt.getTime() + responseTarget(task.urgency, config).limitMinutes * MINUTE);
}

/** The latest moment to have reached the patient before a unit must go anyway. */
export function safetyDeadline(task: { receivedAt: Date; urgency: string }, config: LifecycleConfig): Date {
  const target = responseTarget(task.urgency, config);
  return new Date(task.receivedAt.getTime() + (target.limitMinutes - target.marginMinutes) * MINUTE);
}

/** Minutes by the class of the `task` row in the query, as SQL. */
function minutesByClass(d: number, c: number): RawBuilder<number> {
  return sql<number>`(case when task.urgency = 'C' then ${c}::int else ${d}::int end)`;
}

/** safetyDeadline() in SQL over the `task` row in the query: what the scheduler's safety net compares with now(). */
export function safetyDeadlineSql(config: LifecycleConfig): RawBuilder<Date> {
  const d = responseTarget('D', config);
  const c = responseTarget('C', config);
  const minutes = minutesByClass(d.limitMinutes - d.marginMinutes, c.limitMinutes - c.marginMinutes);
  return sql<Date>`(task.received_at + make_interval(mins => ${minutes}))`;
}

/**
 * The time a waiting task is ranked by in the queue: a call-back by the time its next call is due,
 * a new task by when it arrived, where a C-task counts as having arrived earlier by the difference
 * of the two response limits. So tasks of both classes are ranked by how close their response limit
 * is: a C-task received now (30 min left) comes before a D-task received 60 min ago (60 min left).
 */
export function queueTimeSql(config: LifecycleConfig): RawBuilder<Date> {
  const lead = minutesByClass(0, config.responseLimitMinutes - config.cResponseLimitMinutes);
  return sql<Date>`coalesce(task.callback_due_at, task.received_at - make_interval(mins => ${lead}))`;
}

import { sql, type RawBuilder } from 'kysely';

/**
 * The one definition of an avoided unit dispatch: a closed task whose final outcome is phone advice
 * or a redirect. Every count, live or monthly, uses these two forms of the same list.
 */
export const AVOIDED_OUTCOME_TYPES = ['phone_advice', 'redirect'] as const;

export function isAvoidedDispatch(task: { state: string; outcomeType: string | null }): boolean {
  return task.state === 'closed' && (AVOIDED_OUTCOME_TYPES as readonly (string | null)[]).includes(task.outcomeType);
}

/** SQL boolean over a `task` row alias: the same rule for queries that count. */
export function avoidedDispatchSql(alias = 'task'): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${alias}.state`)} = 'closed' and ${sql.ref(`${alias}.outcome_type`)} in (${sql.join(AVOIDED_OUTCOME_TYPES.map((t) => sql.lit(t)))}))`;
}

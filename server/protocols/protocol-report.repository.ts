import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

/**
 * Closed (not cancelled) tasks by Helsinki intake month and what their current outcome recorded of
 * the protocol decision, counted per combination. Ranks come from the ladder; an outcome no rung
 * maps to counts as the least acute.
 */
export function protocolDecisionCounts(db: Executor, range: { from: string; to: string }) {
  return sql<{
    month: string;
    protocol_id: string | null;
    recommended: string | null;
    chosen: string | null;
    recommended_rank: number | null;
    chosen_rank: number | null;
    override_reason: string | null;
    advice_outcome: boolean;
    advice_recorded: boolean;
    nurse_key: string;
    nurse_id: string | null;
    nurse: string;
    tasks: number;
  }>`
    select to_char(t.received_at at time zone 'Europe/Helsinki', 'YYYY-MM') as month,
      o.protocol_id, o.recommended_disposition as recommended, o.chosen_disposition as chosen,
      dr.rank as recommended_rank, dc.rank as chosen_rank,
      o.override_reason, o.type in ('phone_advice', 'redirect') as advice_outcome, o.advice_id is not null as advice_recorded,
      -- Grouped by account: two nurses may share a display name, and a renamed nurse stays one row.
      coalesce(o.recorded_by_id::text, 'name:' || o.recorded_by_name) as nurse_key, o.recorded_by_id as nurse_id,
      coalesce(u.display_name, o.recorded_by_name) as nurse, count(*)::int as tasks
    from task t
    join task_outcome o on o.id = t.current_outcome_id
    left join disposition dr on dr.id = o.recommended_disposition
    left join disposition dc on dc.id = o.chosen_disposition
    left join app_user u on u.id = o.recorded_by_id
    where t.state = 'closed' and o.type <> 'cancelled'
      and t.received_at >= (${range.from}::timestamp at time zone 'Europe/Helsinki')
      and t.received_at < (${range.to}::timestamp at time zone 'Europe/Helsinki')
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  `
    .execute(db)
    .then((r) => r.rows);
}
export type DecisionCountRow = Awaited<ReturnType<typeof protocolDecisionCounts>>[number];

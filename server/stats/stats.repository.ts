import { sql, type QueryCreator } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';
import type { Database } from '../db/create-db.ts';
import { prepared, type Slots } from '../db/prepared.ts';
import type { TaskFacts } from './load-model.ts';

function selectFacts(db: QueryCreator<Database>) {
  return db
    .selectFrom('task as t')
    .leftJoin('task_outcome as o', 'o.id', 't.current_outcome_id')
    .leftJoin('app_user as u', 'u.id', 't.claimed_by')
    .select([
      't.id',
      't.erc_task_id',
      't.state',
      't.area_id',
      't.received_at',
      't.first_call_at',
      't.answered_at',
      't.escalated_at',
      't.decision_required_at',
      't.claimed_by',
      'u.display_name as holder_name',
      'u.role as holder_role',
      't.heartbeat_at',
      't.outcome_type',
      't.referral_state',
      sql<string | null>`o.details->>'target'`.as('redirect_target'),
      't.closed_at',
      sql<Date | null>`(select min(e.at) from task_event e where e.task_id = t.id and e.type = 'task.claimed')`.as('first_claimed_at'),
    ])
    // Imported history never reaches the live board.
    .where('t.source', '<>', 'import');
}

type FactsRow = Awaited<ReturnType<ReturnType<typeof selectFacts>['execute']>>[number];

function toFacts(r: FactsRow): TaskFacts {
  return {
    id: r.id,
    ercTaskId: r.erc_task_id,
    state: r.state,
    areaId: r.area_id,
    receivedAt: r.received_at,
    firstCallAt: r.first_call_at,
    answeredAt: r.answered_at,
    escalated: r.escalated_at !== null,
    decisionRequired: r.decision_required_at !== null,
    claimedBy: r.claimed_by && r.holder_name && r.holder_role ? { id: r.claimed_by, displayName: r.holder_name, role: r.holder_role } : null,
    heartbeatAt: r.heartbeat_at,
    outcomeType: r.outcome_type,
    referralState: r.referral_state,
    redirectTarget: r.redirect_target,
    closedAt: r.closed_at ? new Date(r.closed_at) : null,
    firstClaimedAt: r.first_claimed_at ? new Date(r.first_claimed_at) : null,
  };
}

/** Every task today's board needs: open ones, and those received, called or closed recently. */
export async function loadBoardFacts(db: Executor, since: Date): Promise<TaskFacts[]> {
  const rows = await selectFacts(db)
    .where((eb) =>
      eb.or([
        eb('t.state', '<>', 'closed'),
        eb('t.received_at', '>=', since),
        eb('t.closed_at', '>=', since),
        eb('t.first_call_at', '>=', since),
      ]),
    )
    .execute();
  return rows.map(toFacts);
}

/**
 * In one statement: the facts of every task touched by events after `since`, and the newest event
 * number (the live board's only read after a commit). Events are numbered in commit order without
 * gaps (the counter row is locked until commit), so nothing below the answer's seq can still appear.
 */
export async function factsChangedSince(db: Executor, since: number): Promise<{ facts: TaskFacts[]; lastSeq: number }> {
  const { rows } = await changedFacts.execute(db, { since: String(since) });
  const lastSeq = rows[0]?.last_seq;
  if (lastSeq === null || lastSeq === undefined) return { facts: [], lastSeq: since };
  return { facts: rows.filter((r): r is typeof r & FactsRow => r.id !== null).map(toFacts), lastSeq: Number(lastSeq) };
}

// Run after every commit on a node: compiled once, planned each time for its `since` (db/prepared.ts).
const changedFacts = prepared((db, p: Slots<{ since: string }>) =>
  db
    .with('facts', (qb) => selectFacts(qb).where('t.id', 'in', (eb) => eb.selectFrom('task_event').select('task_id').where('seq', '>', p.since)))
    .selectFrom((eb) => eb.selectFrom('task_event').select((e) => e.fn.max('seq').as('last_seq')).where('seq', '>', p.since).as('m'))
    .leftJoin('facts as f', (join) => join.onTrue())
    .selectAll('f')
    .select('m.last_seq'),
  { serverPrepared: false },
);

export function listActiveAreas(db: Executor) {
  return db.selectFrom('area').select(['id', 'name']).where('active', '=', true).orderBy('name').execute();
}

/**
 * Arrivals per local quarter-hour on the same weekday over the 4 previous weeks, averaged: the
 * baseline the board draws today's arrivals against.
 */
export async function weekdayAverages(db: Executor, now: Date): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('task')
    .select([
      sql<string>`to_char(date_trunc('hour', received_at at time zone 'Europe/Helsinki') + floor(extract(minute from received_at at time zone 'Europe/Helsinki') / 15) * interval '15 minutes', 'HH24:MI')`.as('bucket'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('received_at', '>=', sql<Date>`${now}::timestamptz - interval '29 days'`)
    .where(sql<boolean>`(received_at at time zone 'Europe/Helsinki')::date in (
      select ((${now}::timestamptz at time zone 'Europe/Helsinki')::date - 7 * w) from generate_series(1, 4) w)`)
    .groupBy('bucket')
    .execute();
  return new Map(rows.map((r) => [r.bucket, r.n / 4]));
}

/**
 * Tasks waiting in the queue at each quarter-hour of the last 12 hours, rebuilt from the event
 * stream (each event carries the state it left the task in). The points fall on fixed clock times,
 * so every node computes the same trend, and a restart loses nothing.
 */
export async function queueTrend(db: Executor, now: Date): Promise<{ at: string; waiting: number }[]> {
  const { rows } = await sql<{ at: Date; waiting: number }>`
    select b.at, (
      select count(*)::int from (
        select distinct on (e.task_id) e.state
        from task_event e
        where e.at <= b.at and e.at > b.at - interval '1 day'
        order by e.task_id, e.seq desc
      ) latest where latest.state in ('queued', 'callback_pending')
    ) as waiting
    from generate_series(
      date_trunc('hour', ${now}::timestamptz) - interval '12 hours',
      ${now}::timestamptz,
      interval '15 minutes'
    ) as b(at)
    order by b.at`.execute(db);
  return rows.map((r) => ({ at: new Date(r.at).toISOString(), waiting: r.waiting }));
}

import { sql } from 'kysely';
import type { Db } from '../db/create-db.ts';

/**
 * What the database says at scrape time, so every node reports the same figures whichever node
 * wrote the rows. Each query reads an index or a small table: open tasks through `task_open_idx`,
 * dispatch requests through the unacknowledged ones only.
 */
export async function readDatabaseGauges(db: Db) {
  const [open, areas, oldest, dispatch, seq] = await Promise.all([
    db
      .selectFrom('task')
      .innerJoin('area', 'area.id', 'task.area_id')
      .where('task.state', '<>', 'closed')
      .select(['task.state', 'area.name as area', (eb) => eb.fn.countAll<string>().as('count')])
      .groupBy(['task.state', 'area.name'])
      .execute(),
    db.selectFrom('area').select('name').where('active', '=', true).execute(),
    // A patient is waiting until reached: open and not yet answered, whoever holds the task.
    db
      .selectFrom('task')
      .where('state', '<>', 'closed')
      .where('answered_at', 'is', null)
      .select(sql<number | null>`extract(epoch from now() - min(received_at))::float8`.as('seconds'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('dispatch_request')
      .where('acknowledged_at', 'is', null)
      .where('superseded_at', 'is', null)
      .select([
        (eb) => eb.fn.countAll<string>().as('waiting'),
        sql<string>`count(*) filter (where overdue_flagged_at is not null)`.as('overdue'),
      ])
      .executeTakeFirstOrThrow(),
    db.selectFrom('event_counter').select('seq').executeTakeFirstOrThrow(),
  ]);
  return {
    open: open.map((r) => ({ state: r.state, area: r.area, count: Number(r.count) })),
    activeAreas: areas.map((r) => r.name),
    oldestWaitSeconds: Math.max(0, oldest.seconds ?? 0),
    dispatchWaiting: Number(dispatch.waiting),
    dispatchOverdue: Number(dispatch.overdue),
    lastSeq: Number(seq.seq),
  };
}

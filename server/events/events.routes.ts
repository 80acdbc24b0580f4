import { EventsPage, EventsQuery } from '../contracts/tasks.ts';
import type { Db } from '../db/create-db.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import { toTaskEventDto } from '../tasks/task-dto.ts';
import { audiencesFor } from './audience.ts';
import { lastEventSeq, listEventsSince } from './events.repository.ts';

export function eventsRoutes(db: Db): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/events',
      summary: 'Task events after a sequence number, oldest first: how a client catches up after (re)connecting',
      tag: 'events',
      access: { kind: 'session', roles: ['nurse', 'shift_leader'] },
      query: EventsQuery,
      responses: { 200: { description: 'Events the role may see', schema: EventsPage } },
      async handle({ query, actor }) {
        const audiences = audiencesFor(actor.role);
        // Read the high-water mark first: events listed are then never newer than lastSeq claims.
        const lastSeq = await lastEventSeq(db);
        const rows = await listEventsSince(db, query.since, query.limit, audiences);
        const events = rows.map(toTaskEventDto).filter((e) => e.seq <= lastSeq);
        return { status: 200, body: { events, lastSeq, hasMore: rows.length === query.limit } };
      },
    }),
  ];
}

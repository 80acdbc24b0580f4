import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/create-db.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';

const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
const Readiness = z
  .object({ status: z.enum(['ready', 'not_ready']), database: z.enum(['up', 'down']), pendingMigrations: z.array(z.string()) })
  .meta({ id: 'Readiness' });

export function healthRoutes(db: Db): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      summary: 'The process is alive',
      tag: 'health',
      access: { kind: 'public' },
      responses: { 200: { description: 'Alive', schema: Health } },
      handle: () => ({ status: 200, body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      summary: 'The database is reachable and the schema is current',
      tag: 'health',
      access: { kind: 'public' },
      responses: { 200: { description: 'Ready', schema: Readiness }, 503: { description: 'Not ready', schema: Readiness } },
      async handle() {
        try {
          await sql`select 1`.execute(db);
          const pending = await pendingMigrations(db);
          const ready = pending.length === 0;
          return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', database: 'up', pendingMigrations: pending } };
        } catch (err) {
          if (!isDatabaseUnavailable(err)) throw err;
          return { status: 503, body: { status: 'not_ready', database: 'down', pendingMigrations: [] } };
        }
      },
    }),
  ];
}

import { LiveStats, NurseLiveStats } from '../contracts/stats.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import { forNurses } from './load-model.ts';
import type { LiveStatsService } from './live-stats.service.ts';

export function statsRoutes(liveStats: LiveStatsService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/stats/live',
      summary: 'The live load now (shift leaders: everything; nurses: the queue figures). Socket.IO pushes the same as stats:update',
      tag: 'stats',
      access: { kind: 'session', roles: ['shift_leader', 'nurse'] },
      responses: { 200: { description: 'LiveStats for shift leaders, NurseLiveStats for nurses', schema: LiveStats.or(NurseLiveStats) } },
      async handle({ actor }) {
        const stats = await liveStats.current();
        return { status: 200, body: actor.role === 'shift_leader' ? stats : forNurses(stats) };
      },
    }),
  ];
}

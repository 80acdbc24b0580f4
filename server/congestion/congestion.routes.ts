import { ROLES } from '../contracts/common.ts';
import { CongestionModeRequest, CongestionModeResponse } from '../contracts/congestion.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { CongestionService } from './congestion.service.ts';

export function congestionRoutes(congestion: CongestionService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/congestion-mode',
      summary: 'Whether congestion mode is on (every screen shows it)',
      tag: 'congestion',
      access: { kind: 'session', roles: ROLES },
      responses: { 200: { description: 'The current mode', schema: CongestionModeResponse } },
      async handle() {
        return { status: 200, body: { congestionMode: await congestion.get() } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/congestion-mode',
      summary: 'A shift leader switches congestion mode on or off: while on, intake also takes C-class tasks (audited; congestion:changed to every screen)',
      tag: 'congestion',
      access: { kind: 'session', roles: ['shift_leader'] },
      body: CongestionModeRequest,
      idempotent: true,
      responses: { 200: { description: 'The mode after the request (unchanged when it already was so)', schema: CongestionModeResponse } },
      async handle({ body, actor, ctx }) {
        return { status: 200, body: { congestionMode: await congestion.set(body, actor, ctx) } };
      },
    }),
  ];
}

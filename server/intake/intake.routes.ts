import { z } from 'zod';
import { defineRoute, type RouteDef } from '../http/route.ts';

const IntegrationIdentity = z
  .object({ integration: z.object({ id: z.string(), name: z.string() }) })
  .meta({ id: 'IntegrationIdentity' });

/** The emergency response centre's side of the API: reachable with an integration key only. */
export function intakeRoutes(): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/intake/whoami',
      summary: 'Check an integration key: names the integration it belongs to',
      tag: 'intake',
      access: { kind: 'integration' },
      responses: { 200: { description: 'The key is valid', schema: IntegrationIdentity } },
      handle: ({ actor }) => ({ status: 200, body: { integration: { id: actor.id, name: actor.name } } }),
    }),
  ];
}

import { CreateServiceRequest, ServiceIdParams, ServiceList, ServiceQuery, ServiceResponse, UpdateServiceRequest } from '../contracts/services.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { ServicesService } from './services.service.ts';

const ADMIN = { kind: 'session', roles: ['admin'] } as const;

export function servicesRoutes(services: ServicesService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/services',
      summary: 'The service directory; with municipality, the entries serving it, open now first',
      tag: 'services',
      access: { kind: 'session', roles: ['nurse', 'shift_leader', 'admin'] },
      query: ServiceQuery,
      responses: { 200: { description: 'Entries', schema: ServiceList }, 422: { description: 'Unknown municipality' } },
      async handle({ query, actor }) {
        return { status: 200, body: await services.list(query, actor) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/services',
      summary: 'Add a directory entry',
      tag: 'services',
      access: ADMIN,
      body: CreateServiceRequest,
      idempotent: true,
      responses: { 201: { description: 'Created', schema: ServiceResponse }, 422: { description: 'Invalid fields, unknown area or municipality' } },
      async handle({ body, actor, ctx }) {
        return { status: 201, body: { service: await services.create(body, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/services/{id}',
      summary: 'Replace a directory entry (deactivate with active: false; entries are never deleted)',
      tag: 'services',
      access: ADMIN,
      params: ServiceIdParams,
      body: UpdateServiceRequest,
      idempotent: true,
      responses: { 200: { description: 'Updated', schema: ServiceResponse }, 404: { description: 'No such entry' }, 409: { description: 'STALE_VERSION' } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { service: await services.update(params.id, body, actor, ctx) } };
      },
    }),
  ];
}

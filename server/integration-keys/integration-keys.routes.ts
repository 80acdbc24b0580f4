import {
  CreateIntegrationKeyRequest,
  CreatedIntegrationKey,
  IntegrationKeyDto,
  IntegrationKeyList,
} from '../contracts/integration-keys.ts';
import { IdParams } from '../contracts/users.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { IntegrationKeysService } from './integration-keys.service.ts';

const ADMIN = { kind: 'session', roles: ['admin'] } as const;

export function integrationKeysRoutes(keys: IntegrationKeysService): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/integration-keys',
      summary: 'Create an integration key for the emergency response centre interface (shown once)',
      tag: 'integration-keys',
      access: ADMIN,
      body: CreateIntegrationKeyRequest,
      responses: { 201: { description: 'Created; `key` is never shown again', schema: CreatedIntegrationKey } },
      async handle({ body, actor, ctx }) {
        return { status: 201, body: await keys.create(body, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/integration-keys',
      summary: 'List integration keys (without the keys)',
      tag: 'integration-keys',
      access: ADMIN,
      responses: { 200: { description: 'All keys', schema: IntegrationKeyList } },
      async handle() {
        return { status: 200, body: { keys: await keys.list() } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/integration-keys/{id}',
      summary: 'Revoke an integration key',
      tag: 'integration-keys',
      access: ADMIN,
      params: IdParams,
      responses: {
        200: { description: 'Revoked', schema: IntegrationKeyDto },
        404: { description: 'No such key' },
        409: { description: 'ALREADY_REVOKED' },
      },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: await keys.revoke(params.id, actor, ctx) };
      },
    }),
  ];
}

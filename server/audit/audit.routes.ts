import { AuditPage, AuditQuery } from '../contracts/audit.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { AuditService } from './audit.service.ts';

export function auditRoutes(audit: AuditService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/audit',
      summary: 'The audit log, newest first, filtered and paged',
      tag: 'audit',
      access: { kind: 'session', roles: ['admin'] },
      query: AuditQuery,
      responses: { 200: { description: 'One page', schema: AuditPage } },
      async handle({ query }) {
        return { status: 200, body: await audit.list(query) };
      },
    }),
  ];
}

import { ImportRequest, ImportResult, IMPORT_MAX_ROWS } from '../contracts/reports.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { ImportService } from './import.service.ts';

/** Request bodies of this size reach the import route only, from an admin (the rest of the API keeps its small limit). */
export const IMPORT_BODY_LIMIT = '16mb';

export function importRoutes(imports: ImportService): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/import/tasks',
      summary: `Import closed historical tasks for the reports (up to ${IMPORT_MAX_ROWS} per request, all or nothing, idempotent on ercTaskId)`,
      tag: 'reports',
      access: { kind: 'session', roles: ['admin'] },
      body: ImportRequest,
      bodyLimit: IMPORT_BODY_LIMIT,
      responses: {
        200: { description: 'Imported: how many rows were new and how many were already here', schema: ImportResult },
        409: { description: 'DUPLICATE_ERC_TASK: rows (details[].path body.tasks.N.ercTaskId) already received with other content; nothing imported' },
        413: { description: 'PAYLOAD_TOO_LARGE: split the import' },
        422: { description: 'VALIDATION_FAILED: details[].path names each failing row and field, such as body.tasks.3.municipality; nothing imported' },
      },
      async handle({ body, actor, ctx }) {
        return { status: 200, body: await imports.importTasks(body.tasks, actor, ctx) };
      },
    }),
  ];
}

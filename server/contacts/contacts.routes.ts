import { TaskContacts } from '../contracts/contacts.ts';
import { TaskIdParams } from '../contracts/tasks.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { ContactsService } from './contacts.service.ts';

export function contactsRoutes(contacts: ContactsService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/tasks/{id}/contacts',
      summary: "The patient's earlier contacts (same callback number, keyed-hash match, 30 days) and open possible duplicates; the read is audited",
      tag: 'tasks',
      access: { kind: 'session', roles: ['nurse', 'shift_leader'] },
      params: TaskIdParams,
      responses: { 200: { description: 'Earlier contacts (never another number or address)', schema: TaskContacts }, 404: { description: 'No such task' } },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: await contacts.forTask(params.id, actor, ctx) };
      },
    }),
  ];
}

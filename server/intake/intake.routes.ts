import { z } from 'zod';
import {
  CancelRequest,
  DispatchRequestDto,
  DispatchRequestList,
  DispatchRequestQuery,
  ErcTaskIdParams,
  IntakeRequest,
  TaskIdParams,
  TaskResponse,
  UnitAttachedRequest,
} from '../contracts/tasks.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { DispatchService } from '../tasks/dispatch.service.ts';
import type { FieldCommanderService } from '../tasks/field-commander.service.ts';
import type { IntakeService } from '../tasks/intake.service.ts';

const IntegrationIdentity = z
  .object({ integration: z.object({ id: z.string(), name: z.string() }) })
  .meta({ id: 'IntegrationIdentity' });
const INTEGRATION = { kind: 'integration' } as const;

/** The emergency response centre's side of the API: reachable with an integration key only. */
export function intakeRoutes(intake: IntakeService, dispatch: DispatchService, fieldCommander: FieldCommanderService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/intake/whoami',
      summary: 'Check an integration key: names the integration it belongs to',
      tag: 'intake',
      access: INTEGRATION,
      responses: { 200: { description: 'The key is valid', schema: IntegrationIdentity } },
      handle: ({ actor }) => ({ status: 200, body: { integration: { id: actor.id, name: actor.name } } }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/intake/tasks',
      summary: 'Hand a D-class task (or, in congestion mode, a C-class task) to the situation centre (idempotent on ercTaskId)',
      tag: 'intake',
      access: INTEGRATION,
      body: IntakeRequest,
      idempotent: true,
      responses: {
        201: { description: 'Created', schema: TaskResponse },
        200: { description: 'Already received with the same content: the same task, nothing new', schema: TaskResponse },
        409: { description: 'DUPLICATE_ERC_TASK: the id was received with different content' },
        422: { description: 'NOT_D_CLASS (urgency A or B), NOT_IN_CONGESTION_MODE (urgency C while congestion mode is off), or VALIDATION_FAILED naming the field' },
      },
      async handle({ body, actor, ctx }) {
        const { task, created } = await intake.intake(body, 'erc', actor, ctx);
        return { status: created ? 201 : 200, body: { task }, headers: { Location: `/api/tasks/${task.id}` } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/intake/tasks/{ercTaskId}/cancel',
      summary: 'The ERC cancels a task; it closes as cancelled (never an avoided dispatch)',
      tag: 'intake',
      access: INTEGRATION,
      params: ErcTaskIdParams,
      body: CancelRequest,
      idempotent: true,
      responses: { 200: { description: 'Cancelled', schema: TaskResponse }, 404: { description: 'Unknown task' }, 409: { description: 'TASK_CLOSED with another outcome' } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { task: await intake.cancel(params.ercTaskId, body.reason, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/intake/tasks/{ercTaskId}/unit-attached',
      summary: 'The EMS field commander attached a unit: the task closes as a unit dispatch (reason field_commander) and no dispatch request is made; its holder is told at once',
      tag: 'intake',
      access: INTEGRATION,
      params: ErcTaskIdParams,
      body: UnitAttachedRequest,
      idempotent: true,
      responses: {
        200: { description: 'Closed (or amended from phone advice or a redirect) as the field commander\'s unit dispatch; a repeated call answers the same task and changes nothing', schema: TaskResponse },
        404: { description: 'Unknown ercTaskId' },
        409: { description: 'TASK_CANCELLED (the ERC cancelled it) or TASK_ALREADY_DISPATCHED (the nurse already requested a unit: details.dispatchRequestId; acknowledge that request)' },
        422: { description: 'VALIDATION_FAILED naming the field' },
      },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { task: await fieldCommander.unitAttached(params.ercTaskId, body, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/intake/dispatch-requests',
      summary: 'Unit dispatch requests for the ERC (open ones by default)',
      tag: 'intake',
      access: INTEGRATION,
      query: DispatchRequestQuery,
      responses: { 200: { description: 'Dispatch requests, oldest first', schema: DispatchRequestList } },
      async handle({ query }) {
        return { status: 200, body: { dispatchRequests: await dispatch.list(query.status) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/intake/dispatch-requests/{id}/ack',
      summary: 'The ERC confirms a dispatch request; the time from decision to confirmation is recorded',
      tag: 'intake',
      access: INTEGRATION,
      params: TaskIdParams,
      idempotent: true,
      responses: { 200: { description: 'Acknowledged', schema: DispatchRequestDto }, 404: { description: 'Unknown request' } },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: await dispatch.acknowledge(params.id, actor, ctx) };
      },
    }),
  ];
}

import { z } from 'zod';
import { Uuid } from '../contracts/common.ts';
import {
  AmendmentRequest,
  AssessmentRequest,
  CallAttemptRequest,
  IntakeRequest,
  HeartbeatResponse,
  OutcomeRequest,
  HandoverRequest,
  ReassignRequest,
  TaskDetailResponse,
  TaskIdParams,
  TaskList,
  TaskQuery,
  TaskResponse,
  VersionRequest,
} from '../contracts/tasks.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { IntakeService } from './intake.service.ts';
import type { TasksService } from './tasks.service.ts';

const CLINICAL = { kind: 'session', roles: ['nurse', 'shift_leader'] } as const;
const LEADER = { kind: 'session', roles: ['shift_leader'] } as const;
const NextRequest = z.strictObject({ areaId: Uuid.optional() }).meta({ id: 'NextTaskRequest' });

const conflict = { description: 'TASK_ALREADY_CLAIMED (details.claimedBy), ALREADY_HOLDING_TASK (details.heldTask; claim and next), TASK_CLOSED, TASK_NOT_CLAIMED or STALE_VERSION (details.currentVersion)' };
const taskReply = { description: 'The task after the change', schema: TaskResponse };

export function tasksRoutes(tasks: TasksService, intake: IntakeService): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/tasks/manual',
      summary: 'Enter a task read over the phone while the ERC interface is down (same rules as intake)',
      tag: 'tasks',
      access: CLINICAL,
      body: IntakeRequest,
      idempotent: true,
      responses: {
        201: { description: 'Created', schema: TaskResponse },
        200: { description: 'Already received with the same content', schema: TaskResponse },
        409: { description: 'DUPLICATE_ERC_TASK' },
        422: { description: 'NOT_D_CLASS, or VALIDATION_FAILED naming the field' },
      },
      async handle({ body, actor, ctx }) {
        const { task, created } = await intake.intake(body, 'manual', actor, ctx);
        return { status: created ? 201 : 200, body: { task }, headers: { Location: `/api/tasks/${task.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tasks',
      summary: 'The queue: open tasks in priority order (escalated first, then by due time), or filtered',
      tag: 'tasks',
      access: CLINICAL,
      query: TaskQuery,
      responses: { 200: { description: 'Tasks (no phone numbers or addresses)', schema: TaskList } },
      async handle({ query }) {
        return { status: 200, body: await tasks.list(query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tasks/{id}',
      summary: 'One task with patient data, call attempts, outcomes and history (the read is audited)',
      tag: 'tasks',
      access: CLINICAL,
      params: TaskIdParams,
      responses: { 200: { description: 'The task', schema: TaskDetailResponse }, 404: { description: 'No such task' } },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: { task: await tasks.detail(params.id, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/next',
      summary: 'Claim the top of the queue (optionally within one area)',
      tag: 'tasks',
      access: CLINICAL,
      body: NextRequest,
      idempotent: true,
      responses: { 200: taskReply, 404: { description: 'QUEUE_EMPTY' }, 409: { description: 'ALREADY_HOLDING_TASK (details.heldTask)' } },
      async handle({ body, actor, ctx }) {
        return { status: 200, body: { task: await tasks.next(body.areaId, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/claim',
      summary: 'Take a task: exclusive, settled by its state',
      tag: 'tasks',
      access: CLINICAL,
      params: TaskIdParams,
      idempotent: true,
      responses: { 200: taskReply, 404: { description: 'No such task' }, 409: conflict },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: { task: await tasks.claim(params.id, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/release',
      summary: 'Put a held task back in the queue',
      tag: 'tasks',
      access: CLINICAL,
      params: TaskIdParams,
      body: VersionRequest,
      idempotent: true,
      responses: { 200: taskReply, 409: conflict },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { task: await tasks.release(params.id, body.version, body.reason, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/heartbeat',
      summary: 'The holder still has the task open (send every 30 s); without it the claim shows as stale',
      tag: 'tasks',
      access: CLINICAL,
      params: TaskIdParams,
      responses: { 200: { description: 'Recorded', schema: HeartbeatResponse }, 409: conflict },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: await tasks.heartbeat(params.id, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/reassign',
      summary: 'Shift leader: give a task to a nurse or take it over; a live claim needs a reason',
      tag: 'tasks',
      access: LEADER,
      params: TaskIdParams,
      body: ReassignRequest,
      idempotent: true,
      responses: { 200: taskReply, 409: { description: `${conflict.description}, or COLLEAGUE_NOT_LOGGED_IN (the assignee is not logged in)` }, 422: { description: 'REASON_REQUIRED or an invalid assignee' } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { task: await tasks.reassign(params.id, body, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/handover',
      summary: 'The holder hands the task to a colleague who holds none (e.g. before logging out)',
      tag: 'tasks',
      access: CLINICAL,
      params: TaskIdParams,
      body: HandoverRequest,
      idempotent: true,
      responses: { 200: taskReply, 409: { description: 'ALREADY_HOLDING_TASK (the colleague holds one), COLLEAGUE_NOT_LOGGED_IN, TASK_ALREADY_CLAIMED, TASK_NOT_CLAIMED, STALE_VERSION' }, 422: { description: 'VALIDATION_FAILED: not an active colleague' } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { task: await tasks.handover(params.id, body, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/call-attempts',
      summary: 'Record a call to the patient; an unanswered one schedules the call-back or fires the safety net',
      tag: 'tasks',
      access: CLINICAL,
      params: TaskIdParams,
      body: CallAttemptRequest,
      idempotent: true,
      responses: { 201: taskReply, 409: conflict },
      async handle({ params, body, actor, ctx }) {
        return { status: 201, body: { task: await tasks.callAttempt(params.id, body.result, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/tasks/{id}/assessment',
      summary: 'Save the care-need assessment (a draft, any time while the task is held)',
      tag: 'tasks',
      access: CLINICAL,
      params: TaskIdParams,
      body: AssessmentRequest,
      idempotent: true,
      responses: { 200: taskReply, 409: conflict },
      async handle({ params, body, actor, ctx }) {
        const { version, ...assessment } = body;
        return { status: 200, body: { task: await tasks.saveAssessment(params.id, version, assessment, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/outcome',
      summary: 'Record the outcome and close the task (unit dispatch, phone advice or redirect)',
      tag: 'tasks',
      access: CLINICAL,
      params: TaskIdParams,
      body: OutcomeRequest,
      idempotent: true,
      responses: {
        200: taskReply,
        409: conflict,
        422: { description: 'NO_ANSWERED_CALL (phone advice or redirect without an answered call), RED_FLAG_REQUIRES_DISPATCH, ESCALATED_REQUIRES_DISPATCH or invalid fields' },
      },
      async handle({ params, body, actor, ctx }) {
        const { version, ...outcome } = body;
        return { status: 200, body: { task: await tasks.recordOutcome(params.id, version, outcome, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/outcome/amendments',
      summary: 'Amend the outcome of a closed task with a reason; the earlier outcome stays in the history',
      tag: 'tasks',
      access: CLINICAL,
      params: TaskIdParams,
      body: AmendmentRequest,
      idempotent: true,
      responses: {
        201: taskReply,
        403: { description: 'NOT_OUTCOME_AUTHOR' },
        409: { description: 'TASK_NOT_CLOSED, TASK_CANCELLED or STALE_VERSION' },
        422: { description: 'NO_ANSWERED_CALL, RED_FLAG_REQUIRES_DISPATCH, ESCALATED_REQUIRES_DISPATCH or invalid fields' },
      },
      async handle({ params, body, actor, ctx }) {
        return { status: 201, body: { task: await tasks.amendOutcome(params.id, body, actor, ctx) } };
      },
    }),
  ];
}

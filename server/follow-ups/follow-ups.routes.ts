import {
  FollowUpCallAttemptRequest,
  FollowUpDetailResponse,
  FollowUpIdParams,
  FollowUpList,
  FollowUpQuery,
  FollowUpResponse,
  FollowUpResultRequest,
  ScheduleFollowUpRequest,
} from '../contracts/follow-ups.ts';
import { HeartbeatResponse, ReassignRequest, TaskIdParams, VersionRequest } from '../contracts/tasks.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { FollowUpsService } from './follow-ups.service.ts';

const CLINICAL = { kind: 'session', roles: ['nurse', 'shift_leader'] } as const;
const LEADER = { kind: 'session', roles: ['shift_leader'] } as const;
const reply = { description: 'The follow-up after the change', schema: FollowUpResponse };
const conflict = {
  description: 'FOLLOW_UP_ALREADY_CLAIMED (details.claimedBy), FOLLOW_UP_NOT_CLAIMED, FOLLOW_UP_DONE or STALE_VERSION (details.currentVersion)',
};

export function followUpsRoutes(followUps: FollowUpsService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/follow-ups',
      summary: 'The follow-up queue: open follow-up calls by due time (or filtered by state or task)',
      tag: 'follow-ups',
      access: CLINICAL,
      query: FollowUpQuery,
      responses: { 200: { description: 'Earliest due first (no free text, no phone numbers)', schema: FollowUpList } },
      async handle({ query }) {
        return { status: 200, body: { followUps: await followUps.list(query) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/follow-ups/{id}',
      summary: 'One follow-up with what to check, its calls and result history (the read is audited)',
      tag: 'follow-ups',
      access: CLINICAL,
      params: FollowUpIdParams,
      responses: { 200: { description: 'The follow-up', schema: FollowUpDetailResponse }, 404: { description: 'No such follow-up' } },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: { followUp: await followUps.detail(params.id, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/follow-ups',
      summary: 'Schedule a follow-up call after phone advice or a redirect (+1 h, +2 h, +4 h, next 08:00 Helsinki, or a chosen time)',
      tag: 'follow-ups',
      access: CLINICAL,
      params: TaskIdParams,
      body: ScheduleFollowUpRequest,
      idempotent: true,
      responses: {
        201: { description: 'Scheduled', schema: FollowUpResponse },
        404: { description: 'No such task' },
        409: { description: 'FOLLOW_UP_NOT_ALLOWED: the task is not closed with phone advice or a redirect' },
        422: { description: 'VALIDATION_FAILED (body.dueAt: required with when=at, future, at most 7 days ahead)' },
      },
      async handle({ params, body, actor, ctx }) {
        const followUp = await followUps.schedule(params.id, body, actor, ctx);
        return { status: 201, body: { followUp }, headers: { Location: `/api/follow-ups/${followUp.id}` } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/follow-ups/{id}/claim',
      summary: 'Take a follow-up call: exclusive; one task or follow-up in hand per user',
      tag: 'follow-ups',
      access: CLINICAL,
      params: FollowUpIdParams,
      idempotent: true,
      responses: {
        200: reply,
        404: { description: 'No such follow-up' },
        409: { description: `${conflict.description}, ALREADY_HOLDING_TASK (details.heldTask or details.heldFollowUp), FOLLOW_UP_NOT_DUE (details.claimableFrom), FOLLOW_UP_OWNED` },
      },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: { followUp: await followUps.claim(params.id, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/follow-ups/{id}/release',
      summary: 'Put a held follow-up back in the queue, due as before',
      tag: 'follow-ups',
      access: CLINICAL,
      params: FollowUpIdParams,
      body: VersionRequest,
      idempotent: true,
      responses: { 200: reply, 409: conflict },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { followUp: await followUps.release(params.id, body.version, body.reason, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/follow-ups/{id}/heartbeat',
      summary: 'The caller still has the follow-up open (send every 30 s); without it the claim shows as stale',
      tag: 'follow-ups',
      access: CLINICAL,
      params: FollowUpIdParams,
      responses: { 200: { description: 'Recorded', schema: HeartbeatResponse }, 409: conflict },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: await followUps.heartbeat(params.id, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/follow-ups/{id}/reassign',
      summary: 'Shift leader: give a follow-up call to a nurse or take it over; a live claim needs a reason',
      tag: 'follow-ups',
      access: LEADER,
      params: FollowUpIdParams,
      body: ReassignRequest,
      idempotent: true,
      responses: { 200: reply, 409: conflict, 422: { description: 'REASON_REQUIRED or an invalid assignee' } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { followUp: await followUps.reassign(params.id, body, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/follow-ups/{id}/call-attempts',
      summary: 'Record a follow-up call; an unanswered one puts it back with the next call due until the unreachable policy is met',
      tag: 'follow-ups',
      access: CLINICAL,
      params: FollowUpIdParams,
      body: FollowUpCallAttemptRequest,
      idempotent: true,
      responses: { 201: reply, 409: conflict },
      async handle({ params, body, actor, ctx }) {
        return { status: 201, body: { followUp: await followUps.callAttempt(params.id, body.result, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/follow-ups/{id}/result',
      summary: 'Record the result: stable closes it; worse amends the task to a unit dispatch (deteriorated_at_follow_up); unreachable escalates',
      tag: 'follow-ups',
      access: CLINICAL,
      params: FollowUpIdParams,
      body: FollowUpResultRequest,
      idempotent: true,
      responses: {
        200: reply,
        409: { description: `${conflict.description}, TASK_NOT_CLOSED (worse while the task is open again)` },
        422: { description: 'FOLLOW_UP_ATTEMPTS_REQUIRED (unreachable before the policy is met) or invalid fields' },
      },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { followUp: await followUps.result(params.id, body, actor, ctx) } };
      },
    }),
  ];
}

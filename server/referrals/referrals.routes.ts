import {
  AcceptedByPhoneRequest,
  AcceptReferralRequest,
  CancelReferralRequest,
  ReferralCancelRequest,
  ReferralCompletedRequest,
  IncomingReferralList,
  IncomingReferralQuery,
  ReferralAnswer,
  ReferralIdParams,
  ReferralList,
  RejectReferralRequest,
} from '../contracts/referrals.ts';
import { TaskIdParams, TaskResponse } from '../contracts/tasks.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { ReferralsService } from './referrals.service.ts';

const SERVICE_KEY = { kind: 'integration', scope: 'referrals' } as const;
const CLINICAL = { kind: 'session', roles: ['nurse', 'shift_leader'] } as const;
const answered = { 200: { description: 'Answered', schema: ReferralAnswer }, 404: { description: 'No such referral for this key' }, 409: { description: 'REFERRAL_NOT_PENDING' } };

export function referralsRoutes(referrals: ReferralsService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/referrals',
      summary: "The receiving service's referrals (integration key limited to referrals; patient data, the read is audited)",
      tag: 'referrals',
      access: SERVICE_KEY,
      query: IncomingReferralQuery,
      responses: { 200: { description: 'Referrals to the key’s directory entry, oldest first', schema: IncomingReferralList } },
      async handle({ query, actor, ctx }) {
        return { status: 200, body: { referrals: await referrals.incoming(query.state, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/referrals/{id}/accept',
      summary: 'The receiving service accepts the patient: the redirect now counts as an avoided dispatch',
      tag: 'referrals',
      access: SERVICE_KEY,
      params: ReferralIdParams,
      body: AcceptReferralRequest,
      idempotent: true,
      responses: answered,
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { referral: await referrals.accept(params.id, body.acceptedBy, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/referrals/{id}/reject',
      summary: 'The receiving service rejects: the task returns to the queue at once for a new decision',
      tag: 'referrals',
      access: SERVICE_KEY,
      params: ReferralIdParams,
      body: RejectReferralRequest,
      idempotent: true,
      responses: answered,
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { referral: await referrals.reject(params.id, body.reason, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/referrals/{id}/complete',
      summary: 'The receiving service has seen the patient: accepted -> completed (still an avoided dispatch)',
      tag: 'referrals',
      access: SERVICE_KEY,
      params: ReferralIdParams,
      idempotent: true,
      responses: { ...answered, 409: { description: 'REFERRAL_NOT_ACCEPTED: only an accepted referral can be completed' } },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: { referral: await referrals.complete(params.id, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/referrals/{id}/cancel',
      summary: 'The receiving service can no longer take the patient: requested|accepted -> cancelled; the task returns to the queue at once for a new decision',
      tag: 'referrals',
      access: SERVICE_KEY,
      params: ReferralIdParams,
      body: CancelReferralRequest,
      idempotent: true,
      responses: { ...answered, 409: { description: 'REFERRAL_NOT_OPEN: only a requested or accepted referral can be cancelled' } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { referral: await referrals.cancel(params.id, body.reason, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/referral/completed',
      summary: "Record that the receiving service saw the patient (the current redirect's accepted referral -> completed)",
      tag: 'referrals',
      access: CLINICAL,
      params: TaskIdParams,
      body: ReferralCompletedRequest,
      idempotent: true,
      responses: {
        200: { description: 'The task after the change', schema: TaskResponse },
        404: { description: 'No such task' },
        409: { description: 'REFERRAL_NOT_ACCEPTED, REFERRAL_NOT_OPEN (no referral) or STALE_VERSION' },
      },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { task: await referrals.completedByConsole(params.id, body.version, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/referral/cancel',
      summary: "Call the current redirect's referral off (requested|accepted -> cancelled): the task returns to the queue for a new decision",
      tag: 'referrals',
      access: CLINICAL,
      params: TaskIdParams,
      body: ReferralCancelRequest,
      idempotent: true,
      responses: {
        200: { description: 'The task after the change (queued, decisionReason referral_cancelled)', schema: TaskResponse },
        404: { description: 'No such task' },
        409: { description: 'REFERRAL_NOT_OPEN or STALE_VERSION' },
      },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { task: await referrals.cancelByConsole(params.id, body, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tasks/{id}/referrals',
      summary: 'The referrals of a task with their state history',
      tag: 'referrals',
      access: CLINICAL,
      params: TaskIdParams,
      responses: { 200: { description: 'Oldest first', schema: ReferralList } },
      async handle({ params }) {
        return { status: 200, body: { referrals: await referrals.listForTask(params.id) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/{id}/referral/accepted-by-phone',
      summary: "Record that the receiving service accepted the current redirect's referral on the phone",
      tag: 'referrals',
      access: CLINICAL,
      params: TaskIdParams,
      body: AcceptedByPhoneRequest,
      idempotent: true,
      responses: {
        200: { description: 'The task after the change', schema: TaskResponse },
        404: { description: 'No such task' },
        409: { description: 'REFERRAL_NOT_PENDING or STALE_VERSION' },
        422: { description: 'acceptedAt before the referral or in the future' },
      },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { task: await referrals.acceptedByPhone(params.id, body, actor, ctx) } };
      },
    }),
  ];
}

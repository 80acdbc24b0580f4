import {
  AuditDetailResponse,
  AuditDraftRequest,
  AuditIdParams,
  AuditList,
  AuditListQuery,
  AuditNotificationList,
  AuditReport,
  AuditReportCsv,
  AuditReportQuery,
  AuditResponse,
  AuditSubmitRequest,
  AuditVersionRequest,
  SamplingRequest,
  SamplingResult,
} from '../contracts/audits.ts';
import { defineRoute, type Reply, type RouteDef } from '../http/route.ts';
import { reportReply } from '../reports/report-csv.ts';
import { auditReportFileName, auditReportToCsv } from './audit-report-csv.ts';
import type { AuditReportService } from './audit-report.ts';
import { auditRoles, type AuditsService } from './audits.service.ts';

const conflict = {
  description: 'AUDIT_ALREADY_CLAIMED, AUDIT_NOT_CLAIMED, AUDIT_SUBMITTED or STALE_VERSION (details.currentVersion)',
};
const reply = { description: 'The review after the change', schema: AuditResponse };

export function auditsRoutes(audits: AuditsService, report: AuditReportService, roles: ReturnType<typeof auditRoles>): RouteDef[] {
  const READERS = { kind: 'session', roles: roles.readers } as const;
  const REVIEWERS = { kind: 'session', roles: roles.reviewers } as const;
  return [
    defineRoute({
      method: 'get',
      path: '/api/audits',
      summary: 'Clinical audit reviews: all of them for reviewers and managers, her own results for a nurse',
      tag: 'audits',
      access: READERS,
      query: AuditListQuery,
      responses: { 200: { description: 'Reviews, newest task first, and what this user may do', schema: AuditList } },
      async handle({ query, actor }) {
        return { status: 200, body: await audits.list(query, actor) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/audits/notifications',
      summary: 'Reviews that found a critical deviation, newest first (the medical director\'s list)',
      tag: 'audits',
      access: { kind: 'session', roles: roles.notify },
      responses: { 200: { description: 'Notifications', schema: AuditNotificationList } },
      async handle() {
        return { status: 200, body: { notifications: await audits.notifications() } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/audits/sampling',
      summary: 'Run the review triggers now and, for a finished month, draw its seeded random sample (once per month)',
      tag: 'audits',
      access: REVIEWERS,
      body: SamplingRequest,
      idempotent: true,
      responses: { 200: { description: 'What was added', schema: SamplingResult }, 422: { description: 'VALIDATION_FAILED: the month is not over' } },
      async handle({ body, actor, ctx }) {
        return { status: 200, body: await audits.sample(body.month, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/audits/{id}',
      summary: 'One review with the task as it was (read-only) and every submitted result; the read is audited',
      tag: 'audits',
      access: READERS,
      params: AuditIdParams,
      responses: { 200: { description: 'The review', schema: AuditDetailResponse }, 404: { description: 'No such review (or not yours)' } },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: await audits.detail(params.id, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/audits/{id}/claim',
      summary: 'Take a queued review: exclusive, and never for a task you handled',
      tag: 'audits',
      access: REVIEWERS,
      params: AuditIdParams,
      idempotent: true,
      responses: { 200: reply, 403: { description: 'OWN_TASK: you recorded an outcome or a call on this task' }, 404: { description: 'No such review' }, 409: conflict },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: { audit: await audits.claim(params.id, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/audits/{id}',
      summary: 'Save the review form as a draft (the holder only)',
      tag: 'audits',
      access: REVIEWERS,
      params: AuditIdParams,
      body: AuditDraftRequest,
      idempotent: true,
      responses: { 200: reply, 404: { description: 'No such review' }, 409: conflict },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { audit: await audits.saveDraft(params.id, body, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/audits/{id}/submit',
      summary: 'Submit the result (compliance computed from the grades); on a submitted review, an amendment with a reason',
      tag: 'audits',
      access: REVIEWERS,
      params: AuditIdParams,
      body: AuditSubmitRequest,
      idempotent: true,
      responses: {
        200: reply,
        403: { description: 'OWN_TASK' },
        404: { description: 'No such review' },
        409: conflict,
        422: { description: 'RECONTACT_REASON_REQUIRED, REASON_REQUIRED (amendment) or VALIDATION_FAILED' },
      },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { audit: await audits.submit(params.id, body, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/audits/{id}/acknowledge',
      summary: 'The reviewed nurse confirms she has read the current result',
      tag: 'audits',
      access: READERS,
      params: AuditIdParams,
      body: AuditVersionRequest,
      idempotent: true,
      responses: { 200: reply, 404: { description: 'No such review with a result for you' }, 409: { description: 'STALE_VERSION' } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { audit: await audits.acknowledge(params.id, body.version, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/reports/audit',
      summary: 'Clinical audit dashboard: reviews done and queued, compliance against the bands, deviations, re-contact causes',
      tag: 'reports',
      access: { kind: 'session', roles: roles.reportReaders },
      query: AuditReportQuery,
      responses: {
        200: { description: 'The report as JSON, or as CSV (format=csv or Accept: text/csv)', schema: AuditReport.or(AuditReportCsv) },
        422: { description: 'VALIDATION_FAILED: bad month, to before from, or more than 120 months' },
      },
      async handle({ query, req }): Promise<Reply> {
        const result = await report.report(query);
        return reportReply(result, { format: query.format, req }, auditReportToCsv, auditReportFileName(result));
      },
    }),
  ];
}

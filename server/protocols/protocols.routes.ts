import {
  CreateProtocolRequest,
  DispositionDto,
  DispositionList,
  DispositionParams,
  ImportResult,
  ProtocolList,
  ProtocolParams,
  ProtocolResponse,
  ProtocolSet,
  ProtocolVersionParams,
  PutDispositionLabelsRequest,
  PutDraftRequest,
} from '../contracts/protocols.ts';
import { ProtocolReport, ProtocolReportCsv, ProtocolReportQuery } from '../contracts/protocol-report.ts';
import { defineRoute, type Reply, type RouteDef } from '../http/route.ts';
import { reportReply } from '../reports/report-csv.ts';
import { protocolReportToCsv, type ProtocolReportService } from './protocol-report.service.ts';
import type { ProtocolsService } from './protocols.service.ts';

/** Who works with or answers for the clinical content. */
const CLINICAL_READERS = { kind: 'session', roles: ['nurse', 'shift_leader', 'medical_director', 'admin'] } as const;
const EDITORS = { kind: 'session', roles: ['admin', 'medical_director'] } as const;
const DIRECTOR = { kind: 'session', roles: ['medical_director'] } as const;

const invalid = { description: 'VALIDATION_FAILED naming the path (unknown disposition, duplicate id, floor that cannot match)' };

export function protocolsRoutes(protocols: ProtocolsService, report: ProtocolReportService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/reports/protocols',
      summary: 'Monthly decision-support figures per protocol: recommended vs chosen, overrides with reasons, advice recorded',
      tag: 'reports',
      access: { kind: 'session', roles: ['manager', 'shift_leader', 'admin', 'medical_director'] },
      query: ProtocolReportQuery,
      responses: {
        200: {
          description:
            'JSON, or CSV (format=csv or Accept: text/csv). Months by intake time in Europe/Helsinki; a protocol (or nurse) with fewer ' +
            'assessed tasks in a month than minGroupSize shows its counts as "<minGroupSize>" and its rates as null. `nurses` only for managers and the medical director.',
          schema: ProtocolReport.or(ProtocolReportCsv),
        },
        422: { description: 'VALIDATION_FAILED: bad month, to before from, or more than 120 months' },
      },
      async handle({ query, req, actor }): Promise<Reply> {
        const body = await report.monthly(query, actor.role);
        return reportReply(body, { format: query.format, req }, protocolReportToCsv, `d-task-protocol-report_${body.from}_${body.to}.csv`);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/reference/dispositions',
      summary: 'The disposition ladder, most acute first, with each rung\'s outcome mapping',
      tag: 'reference',
      access: CLINICAL_READERS,
      responses: { 200: { description: 'The ladder', schema: DispositionList } },
      async handle() {
        return { status: 200, body: { dispositions: await protocols.dispositions() } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/reference/dispositions/{id}',
      summary: 'Relabel a rung of the ladder (its order and mapping stay)',
      tag: 'reference',
      access: { kind: 'session', roles: ['admin'] },
      params: DispositionParams,
      body: PutDispositionLabelsRequest,
      responses: { 200: { description: 'The rung', schema: DispositionDto }, 404: { description: 'No such rung' } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: await protocols.relabelDisposition(params.id, body.labels, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/protocols',
      summary: 'The protocol library: each protocol with its task codes and approved/draft version numbers',
      tag: 'protocols',
      access: CLINICAL_READERS,
      responses: { 200: { description: 'Protocols', schema: ProtocolList } },
      async handle() {
        return { status: 200, body: { protocols: await protocols.list() } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/protocols/export',
      summary: 'The library as a protocol set (JSON): each protocol\'s approved version, else its draft',
      tag: 'protocols',
      access: EDITORS,
      responses: { 200: { description: 'The set', schema: ProtocolSet } },
      async handle() {
        return { status: 200, body: await protocols.exportSet(), headers: { 'Content-Disposition': 'attachment; filename="protocol-set.json"' } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/protocols/import',
      summary: 'Import a protocol set as drafts (all or nothing); a medical director approves them',
      tag: 'protocols',
      access: EDITORS,
      body: ProtocolSet,
      responses: { 201: { description: 'The drafts written', schema: ImportResult }, 409: { description: 'TASK_CODE_TAKEN' }, 422: invalid },
      async handle({ body, actor, ctx }) {
        return { status: 201, body: await protocols.importSet(body, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/protocols/{id}',
      summary: 'One protocol with all its versions',
      tag: 'protocols',
      access: CLINICAL_READERS,
      params: ProtocolParams,
      responses: { 200: { description: 'The protocol', schema: ProtocolResponse }, 404: { description: 'No such protocol' } },
      async handle({ params }) {
        return { status: 200, body: { protocol: await protocols.detail(params.id) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/protocols',
      summary: 'Create a protocol with its first draft',
      tag: 'protocols',
      access: EDITORS,
      body: CreateProtocolRequest,
      responses: {
        201: { description: 'Created', schema: ProtocolResponse },
        409: { description: 'PROTOCOL_EXISTS, GENERIC_PROTOCOL_EXISTS or TASK_CODE_TAKEN' },
        422: invalid,
      },
      async handle({ body, actor, ctx }) {
        const protocol = await protocols.create(body, actor, ctx);
        return { status: 201, body: { protocol }, headers: { Location: `/api/protocols/${protocol.id}` } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/protocols/{id}/draft',
      summary: 'Save the draft (edits the open draft, or starts the next version); approved versions never change',
      tag: 'protocols',
      access: EDITORS,
      params: ProtocolParams,
      body: PutDraftRequest,
      responses: {
        200: { description: 'The protocol', schema: ProtocolResponse },
        404: { description: 'No such protocol' },
        409: { description: 'PROTOCOL_VERSION_IMMUTABLE (the given version is approved or retired) or TASK_CODE_TAKEN' },
        422: invalid,
      },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { protocol: await protocols.putDraft(params.id, body, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/protocols/{id}/versions/{version}/approve',
      summary: 'Medical director: approve a draft; it is used for new assessments and the previous version retires',
      tag: 'protocols',
      access: DIRECTOR,
      params: ProtocolVersionParams,
      responses: {
        200: { description: 'The protocol', schema: ProtocolResponse },
        404: { description: 'No such protocol or version' },
        409: { description: 'PROTOCOL_VERSION_IMMUTABLE: the version is not a draft' },
      },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: { protocol: await protocols.approve(params.id, params.version, actor, ctx) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/protocols/{id}/versions/{version}/retire',
      summary: 'Medical director: take the approved version out of use without a successor (its codes fall back to the generic protocol)',
      tag: 'protocols',
      access: DIRECTOR,
      params: ProtocolVersionParams,
      responses: {
        200: { description: 'The protocol', schema: ProtocolResponse },
        404: { description: 'No such protocol or version' },
        409: { description: 'PROTOCOL_VERSION_NOT_APPROVED: only the approved version can be retired' },
      },
      async handle({ params, actor, ctx }) {
        return { status: 200, body: { protocol: await protocols.retire(params.id, params.version, actor, ctx) } };
      },
    }),
  ];
}

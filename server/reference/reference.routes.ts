import { z } from 'zod';
import { ROLES } from '../contracts/common.ts';
import {
  AreaDto,
  AreaList,
  CreateAreaRequest,
  CreateMunicipalityRequest,
  MunicipalityDto,
  PutRedFlagRequest,
  PutTaskCodeRequest,
  RedFlagDto,
  RedFlagList,
  RedFlagParams,
  UnknownTaskCodeList,
  TaskCodeDto,
  TaskCodeList,
  TaskCodeParams,
  UpdateAreaRequest,
  UpdateMunicipalityRequest,
} from '../contracts/reference.ts';
import { IdParams } from '../contracts/users.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { ReferenceService } from './reference.service.ts';

const ADMIN = { kind: 'session', roles: ['admin'] } as const;
const AreaRow = z.object({ id: z.string(), name: z.string(), active: z.boolean() });

export function referenceRoutes(reference: ReferenceService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/reference/areas',
      summary: 'Service areas with their municipalities',
      tag: 'reference',
      access: { kind: 'session', roles: ROLES },
      responses: { 200: { description: 'Areas', schema: AreaList } },
      async handle() {
        return { status: 200, body: { areas: await reference.areas() } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/reference/areas',
      summary: 'Add a service area',
      tag: 'reference',
      access: ADMIN,
      body: CreateAreaRequest,
      responses: { 201: { description: 'Created', schema: AreaDto }, 409: { description: 'AREA_EXISTS' } },
      async handle({ body, actor, ctx }) {
        return { status: 201, body: await reference.createArea(body, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/reference/areas/{id}',
      summary: 'Rename or (de)activate a service area',
      tag: 'reference',
      access: ADMIN,
      params: IdParams,
      body: UpdateAreaRequest,
      responses: { 200: { description: 'Updated', schema: AreaRow }, 404: { description: 'No such area' } },
      async handle({ params, body, actor, ctx }) {
        const row = await reference.updateArea(params.id, body, actor, ctx);
        return { status: 200, body: { id: row.id, name: row.name, active: row.active } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/reference/municipalities',
      summary: 'Add a municipality to an area',
      tag: 'reference',
      access: ADMIN,
      body: CreateMunicipalityRequest,
      responses: { 201: { description: 'Created', schema: MunicipalityDto }, 409: { description: 'MUNICIPALITY_EXISTS' } },
      async handle({ body, actor, ctx }) {
        return { status: 201, body: await reference.createMunicipality(body, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/reference/municipalities/{id}',
      summary: 'Move a municipality to another area or (de)activate it',
      tag: 'reference',
      access: ADMIN,
      params: IdParams,
      body: UpdateMunicipalityRequest,
      responses: { 200: { description: 'Updated', schema: MunicipalityDto }, 404: { description: 'No such municipality' } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: await reference.updateMunicipality(params.id, body, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/reference/task-codes',
      summary: 'EMS task codes (7xx)',
      tag: 'reference',
      access: { kind: 'session', roles: ROLES },
      responses: { 200: { description: 'Task codes', schema: TaskCodeList } },
      async handle() {
        return { status: 200, body: { taskCodes: await reference.taskCodes() } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/reference/task-codes/{code}',
      summary: 'Add or edit a task code',
      tag: 'reference',
      access: ADMIN,
      params: TaskCodeParams,
      body: PutTaskCodeRequest,
      responses: { 200: { description: 'Saved', schema: TaskCodeDto } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: await reference.putTaskCode(params.code, body, actor, ctx) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/reference/unknown-task-codes',
      summary: 'Task codes received from the ERC that the code table does not know (to add them)',
      tag: 'reference',
      access: ADMIN,
      responses: { 200: { description: 'Unknown codes with task counts', schema: UnknownTaskCodeList } },
      async handle() {
        return { status: 200, body: { unknownTaskCodes: await reference.unknownTaskCodes() } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/reference/red-flags',
      summary: 'Red flags that rule out phone advice and redirects',
      tag: 'reference',
      access: { kind: 'session', roles: ROLES },
      responses: { 200: { description: 'Red flags', schema: RedFlagList } },
      async handle() {
        return { status: 200, body: { redFlags: await reference.redFlags() } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/reference/red-flags/{id}',
      summary: 'Add or edit a red flag',
      tag: 'reference',
      access: ADMIN,
      params: RedFlagParams,
      body: PutRedFlagRequest,
      responses: { 200: { description: 'Saved', schema: RedFlagDto } },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: await reference.putRedFlag(params.id, body, actor, ctx) };
      },
    }),
  ];
}

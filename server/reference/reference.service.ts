import { z } from 'zod';
import type {
  AreaDto,
  CreateAreaRequest,
  CreateMunicipalityRequest,
  PutRedFlagRequest,
  PutTaskCodeRequest,
  RedFlagDto,
  TaskCodeDto,
  UpdateAreaRequest,
  UpdateMunicipalityRequest,
} from '../contracts/reference.ts';
import { Urgency } from '../contracts/reference.ts';
import { changeCached, type CacheInvalidation } from '../db/cache-invalidation.ts';
import type { Db } from '../db/create-db.ts';
import { pgCode } from '../db/errors.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import type { Actor, RequestContext } from '../http/actor.ts';
import { AppError, notFound } from '../http/errors.ts';
import * as repo from './reference.repository.ts';

export function toTaskCodeDto(row: repo.TaskCodeRow): TaskCodeDto {
  return {
    code: row.code,
    nameFi: row.name_fi,
    nameSv: row.name_sv,
    nameEn: row.name_en,
    classesAllowed: z.array(Urgency).parse(row.classes_allowed),
    dCallbackCandidate: row.d_callback_candidate,
    active: row.active,
  };
}

/**
 * Areas, municipalities, task codes and red flags: seeded from shared/domain, edited by admins, every
 * edit audited and announced to every node's caches at its commit.
 */
export function createReferenceService(db: Db, caches: CacheInvalidation) {
  async function areas(): Promise<AreaDto[]> {
    const [areaRows, municipalityRows] = await Promise.all([repo.listAreas(db), repo.listMunicipalities(db)]);
    return areaRows.map((a) => ({
      id: a.id,
      name: a.name,
      active: a.active,
      municipalities: municipalityRows
        .filter((m) => m.area_id === a.id)
        .map((m) => ({ id: m.id, name: m.name, areaId: m.area_id, active: m.active })),
    }));
  }

  return {
    areas,

    async taskCodes(): Promise<TaskCodeDto[]> {
      return (await repo.listTaskCodes(db)).map(toTaskCodeDto);
    },

    async createArea(input: z.output<typeof CreateAreaRequest>, actor: Actor, ctx: RequestContext) {
      return changeCached(db, caches, 'reference', async (trx) => {
        const row = await repo.insertArea(trx, input.name);
        if (!row) throw new AppError(409, 'AREA_EXISTS', `An area named "${input.name}" exists already.`);
        await insertAudit(trx, actor, ctx, { action: 'reference.area_create', targetType: 'area', targetId: row.id, details: { name: row.name } });
        return { id: row.id, name: row.name, active: row.active, municipalities: [] };
      });
    },

    async updateArea(id: string, input: z.output<typeof UpdateAreaRequest>, actor: Actor, ctx: RequestContext) {
      return changeCached(db, caches, 'reference', async (trx) => {
        const row = await repo.updateArea(trx, id, input).catch((err: unknown) => {
          if (pgCode(err) === '23505') throw new AppError(409, 'AREA_EXISTS', `An area named "${input.name}" exists already.`);
          throw err;
        });
        if (!row) throw notFound('Area');
        await insertAudit(trx, actor, ctx, { action: 'reference.area_update', targetType: 'area', targetId: id, details: { name: row.name, active: row.active } });
        return row;
      });
    },

    async createMunicipality(input: z.output<typeof CreateMunicipalityRequest>, actor: Actor, ctx: RequestContext) {
      return changeCached(db, caches, 'reference', async (trx) => {
        if (!(await repo.findArea(trx, input.areaId))) throw new AppError(422, 'UNKNOWN_AREA', 'No such area.');
        const row = await repo.insertMunicipality(trx, input);
        if (!row) throw new AppError(409, 'MUNICIPALITY_EXISTS', `A municipality named "${input.name}" exists already.`);
        await insertAudit(trx, actor, ctx, { action: 'reference.municipality_create', targetType: 'municipality', targetId: row.id, details: { name: row.name, areaId: row.area_id } });
        return { id: row.id, name: row.name, areaId: row.area_id, active: row.active };
      });
    },

    async updateMunicipality(id: string, input: z.output<typeof UpdateMunicipalityRequest>, actor: Actor, ctx: RequestContext) {
      return changeCached(db, caches, 'reference', async (trx) => {
        if (input.areaId && !(await repo.findArea(trx, input.areaId))) throw new AppError(422, 'UNKNOWN_AREA', 'No such area.');
        const row = await repo.updateMunicipality(trx, id, input);
        if (!row) throw notFound('Municipality');
        await insertAudit(trx, actor, ctx, { action: 'reference.municipality_update', targetType: 'municipality', targetId: id, details: { name: row.name, areaId: row.area_id, active: row.active } });
        return { id: row.id, name: row.name, areaId: row.area_id, active: row.active };
      });
    },

    async redFlags(): Promise<RedFlagDto[]> {
      return (await repo.listRedFlags(db)).map((r) => ({ id: r.id, labels: { fi: r.label_fi, sv: r.label_sv, en: r.label_en }, active: r.active }));
    },

    async putRedFlag(id: string, input: z.output<typeof PutRedFlagRequest>, actor: Actor, ctx: RequestContext): Promise<RedFlagDto> {
      return changeCached(db, caches, 'reference', async (trx) => {
        const r = await repo.upsertRedFlag(trx, { id, labelFi: input.labels.fi, labelSv: input.labels.sv, labelEn: input.labels.en, active: input.active });
        await insertAudit(trx, actor, ctx, { action: 'reference.red_flag_put', targetType: 'red_flag', targetId: id, details: { active: input.active } });
        return { id: r.id, labels: { fi: r.label_fi, sv: r.label_sv, en: r.label_en }, active: r.active };
      });
    },

    async unknownTaskCodes() {
      return (await repo.listUnknownTaskCodes(db)).map((r) => ({
        code: r.code,
        tasks: r.tasks,
        lastLabel: r.last_label,
        lastReceivedAt: new Date(r.last_received_at).toISOString(),
      }));
    },

    async putTaskCode(code: string, input: z.output<typeof PutTaskCodeRequest>, actor: Actor, ctx: RequestContext): Promise<TaskCodeDto> {
      return changeCached(db, caches, 'reference', async (trx) => {
        const row = await repo.upsertTaskCode(trx, { code, ...input });
        await insertAudit(trx, actor, ctx, { action: 'reference.task_code_put', targetType: 'task_code', targetId: code, details: { classesAllowed: input.classesAllowed, active: input.active } });
        return toTaskCodeDto(row);
      });
    },
  };
}
export type ReferenceService = ReturnType<typeof createReferenceService>;

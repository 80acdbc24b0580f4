import { z } from 'zod';
import { insertAudit } from '../audit/audit.repository.ts';
import { OpeningException, OpeningHours, type CreateServiceRequest, type ServiceDto, type ServiceQuery, type UpdateServiceRequest } from '../contracts/services.ts';
import { REDIRECT_TARGETS } from '../contracts/tasks.ts';
import type { Db } from '../db/create-db.ts';
import type { RequestContext, UserActor } from '../http/actor.ts';
import { notFound, staleVersion, validationError } from '../http/errors.ts';
import { isOpenAt } from './opening-hours.ts';
import * as repo from './services.repository.ts';

const Target = z.enum(REDIRECT_TARGETS);
const Exceptions = z.array(OpeningException);

export function toServiceDto(row: repo.ServiceRow, now: Date): ServiceDto {
  const openingHours = OpeningHours.parse(row.opening_hours);
  const exceptions = Exceptions.parse(row.opening_exceptions);
  return {
    id: row.id,
    name: row.name,
    targetType: Target.parse(row.target_type),
    areaIds: row.area_ids,
    municipalityIds: row.municipality_ids,
    openingHours,
    exceptions,
    phone: row.phone,
    notes: row.notes,
    example: row.example,
    active: row.active,
    version: row.version,
    openNow: row.active && isOpenAt(openingHours, exceptions, now),
    updatedAt: row.updated_at.toISOString(),
  };
}

function columns(input: CreateServiceRequest): repo.ServiceColumns {
  return {
    name: input.name,
    target_type: input.targetType,
    phone: input.phone ?? null,
    notes: input.notes ?? null,
    opening_hours: JSON.stringify(input.openingHours),
    opening_exceptions: JSON.stringify(input.exceptions),
    active: input.active,
  };
}

export function createServicesService(db: Db) {
  async function checkCoverage(input: CreateServiceRequest): Promise<void> {
    const [areas, municipalities] = await Promise.all([repo.countExisting(db, 'area', input.areaIds), repo.countExisting(db, 'municipality', input.municipalityIds)]);
    const issues = [];
    if (areas !== new Set(input.areaIds).size) issues.push({ path: 'body.areaIds', message: 'Contains an unknown area' });
    if (municipalities !== new Set(input.municipalityIds).size) issues.push({ path: 'body.municipalityIds', message: 'Contains an unknown municipality' });
    if (input.areaIds.length + input.municipalityIds.length === 0) issues.push({ path: 'body.areaIds', message: 'Serve at least one area or municipality' });
    if (issues.length > 0) throw validationError(issues);
  }

  async function load(id: string): Promise<ServiceDto> {
    const row = await repo.findService(db, id);
    if (!row) throw notFound('Service');
    return toServiceDto(row, new Date());
  }

  return {
    /**
     * The directory. With a municipality: the entries serving it, open now first, then by name
     * (`anyOpen` says plainly when none is open). Inactive entries only for admins who ask.
     */
    async list(query: ServiceQuery, actor: UserActor): Promise<{ services: ServiceDto[]; anyOpen: boolean }> {
      let coverage: { municipalityId: string; areaId: string } | undefined;
      if (query.municipality) {
        const municipality = await repo.findMunicipality(db, query.municipality);
        if (!municipality) throw validationError([{ path: 'query.municipality', message: `Unknown municipality "${query.municipality}"` }]);
        coverage = { municipalityId: municipality.id, areaId: municipality.area_id };
      }
      const rows = await repo.listServices(db, {
        ...coverage,
        ...(query.target ? { target: query.target } : {}),
        includeInactive: query.includeInactive === true && actor.role === 'admin',
      });
      const now = new Date();
      const services = rows.map((r) => toServiceDto(r, now));
      if (coverage) services.sort((a, b) => Number(b.openNow) - Number(a.openNow) || a.name.localeCompare(b.name, 'fi'));
      return { services, anyOpen: services.some((s) => s.openNow) };
    },

    async create(input: CreateServiceRequest, actor: UserActor, ctx: RequestContext): Promise<ServiceDto> {
      await checkCoverage(input);
      const id = await db.transaction().execute(async (trx) => {
        const { id: created } = await repo.insertService(trx, columns(input));
        await repo.replaceCoverage(trx, created, input.areaIds, input.municipalityIds);
        await insertAudit(trx, actor, ctx, { action: 'service.create', targetType: 'service', targetId: created, details: { name: input.name, targetType: input.targetType } });
        return created;
      });
      return load(id);
    },

    /** Replaces an entry's fields; 409 STALE_VERSION when it changed meanwhile. */
    async update(id: string, input: UpdateServiceRequest, actor: UserActor, ctx: RequestContext): Promise<ServiceDto> {
      await checkCoverage(input);
      await db.transaction().execute(async (trx) => {
        const updated = await repo.updateService(trx, id, input.version, columns(input));
        if (!updated) {
          const current = await repo.findService(trx, id);
          if (!current) throw notFound('Service');
          throw staleVersion('entry', current.version);
        }
        await repo.replaceCoverage(trx, id, input.areaIds, input.municipalityIds);
        await insertAudit(trx, actor, ctx, { action: 'service.update', targetType: 'service', targetId: id, details: { name: input.name, active: input.active } });
      });
      return load(id);
    },
  };
}
export type ServicesService = ReturnType<typeof createServicesService>;

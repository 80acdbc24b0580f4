import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

/** Directory rows with the ids of the areas and municipalities each serves. */
function selectServices(db: Executor) {
  return db
    .selectFrom('service')
    .selectAll('service')
    .select([
      sql<string[]>`coalesce((select array_agg(sa.area_id::text order by sa.area_id) from service_area sa where sa.service_id = service.id), '{}')`.as('area_ids'),
      sql<string[]>`coalesce((select array_agg(sm.municipality_id::text order by sm.municipality_id) from service_municipality sm where sm.service_id = service.id), '{}')`.as('municipality_ids'),
    ]);
}
export type ServiceRow = Awaited<ReturnType<ReturnType<typeof selectServices>['executeTakeFirstOrThrow']>>;

/** Entries by filter; with a municipality, only those serving it (directly or through its area). */
export function listServices(db: Executor, filter: { municipalityId?: string; areaId?: string; target?: string; includeInactive: boolean }) {
  let query = selectServices(db).orderBy('service.name');
  if (!filter.includeInactive) query = query.where('service.active', '=', true);
  if (filter.target) query = query.where('service.target_type', '=', filter.target);
  if (filter.municipalityId && filter.areaId) {
    const { municipalityId, areaId } = filter;
    query = query.where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('service_municipality as sm').select('sm.service_id').whereRef('sm.service_id', '=', 'service.id').where('sm.municipality_id', '=', municipalityId)),
        eb.exists(eb.selectFrom('service_area as sa').select('sa.service_id').whereRef('sa.service_id', '=', 'service.id').where('sa.area_id', '=', areaId)),
      ]),
    );
  }
  return query.execute();
}

export function findService(db: Executor, id: string) {
  return selectServices(db).where('service.id', '=', id).executeTakeFirst();
}

export function findMunicipality(db: Executor, name: string) {
  return db.selectFrom('municipality').select(['id', 'area_id']).where(sql<boolean>`lower(name) = lower(${name})`).executeTakeFirst();
}

/** How many of the given ids exist (to refuse unknown areas or municipalities with a 422). */
export async function countExisting(db: Executor, table: 'area' | 'municipality', ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const row = await db.selectFrom(table).select(({ fn }) => fn.countAll<string>().as('n')).where('id', 'in', ids).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface ServiceColumns {
  name: string;
  target_type: string;
  phone: string | null;
  notes: string | null;
  opening_hours: string;
  opening_exceptions: string;
  active: boolean;
}

export function insertService(db: Executor, values: ServiceColumns) {
  return db.insertInto('service').values(values).returning('id').executeTakeFirstOrThrow();
}

/** Applies an edit if the version is still `version`; undefined when someone changed it meanwhile. */
export function updateService(db: Executor, id: string, version: number, values: ServiceColumns) {
  return db
    .updateTable('service')
    .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', version)
    .returning('id')
    .executeTakeFirst();
}

/** Replaces what the entry serves. */
export async function replaceCoverage(db: Executor, serviceId: string, areaIds: readonly string[], municipalityIds: readonly string[]): Promise<void> {
  await db.deleteFrom('service_area').where('service_id', '=', serviceId).execute();
  await db.deleteFrom('service_municipality').where('service_id', '=', serviceId).execute();
  if (areaIds.length > 0) await db.insertInto('service_area').values(areaIds.map((area_id) => ({ service_id: serviceId, area_id }))).execute();
  if (municipalityIds.length > 0) {
    await db.insertInto('service_municipality').values(municipalityIds.map((municipality_id) => ({ service_id: serviceId, municipality_id }))).execute();
  }
}

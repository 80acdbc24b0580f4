import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

export function listAreas(db: Executor) {
  return db.selectFrom('area').selectAll().orderBy('name').execute();
}

export function listMunicipalities(db: Executor) {
  return db.selectFrom('municipality').selectAll().orderBy('name').execute();
}

export function insertArea(db: Executor, name: string) {
  return db.insertInto('area').values({ name }).onConflict((oc) => oc.column('name').doNothing()).returningAll().executeTakeFirst();
}

export function updateArea(db: Executor, id: string, changes: { name?: string; active?: boolean }) {
  return db.updateTable('area').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

export function insertMunicipality(db: Executor, m: { name: string; areaId: string }) {
  return db
    .insertInto('municipality')
    .values({ name: m.name, area_id: m.areaId })
    .onConflict((oc) => oc.column('name').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function updateMunicipality(db: Executor, id: string, changes: { areaId?: string; active?: boolean }) {
  return db
    .updateTable('municipality')
    .set({
      ...(changes.areaId !== undefined ? { area_id: changes.areaId } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export function findArea(db: Executor, id: string) {
  return db.selectFrom('area').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listTaskCodes(db: Executor) {
  return db.selectFrom('task_code').selectAll().orderBy('code').execute();
}

export type TaskCodeRow = Awaited<ReturnType<typeof listTaskCodes>>[number];

export function upsertTaskCode(
  db: Executor,
  c: { code: string; nameFi: string; nameSv?: string | null | undefined; nameEn: string; classesAllowed: string[]; dCallbackCandidate: boolean; active: boolean },
) {
  const values = {
    name_fi: c.nameFi,
    ...(c.nameSv === undefined ? {} : { name_sv: c.nameSv }),
    name_en: c.nameEn,
    classes_allowed: sql<string[]>`${c.classesAllowed}::text[]`,
    d_callback_candidate: c.dCallbackCandidate,
    active: c.active,
    updated_at: sql<Date>`now()`,
  };
  return db
    .insertInto('task_code')
    .values({ code: c.code, ...values })
    .onConflict((oc) => oc.column('code').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listRedFlags(db: Executor) {
  return db.selectFrom('red_flag').selectAll().orderBy('id').execute();
}

export function upsertRedFlag(db: Executor, f: { id: string; labelFi: string; labelSv: string; labelEn: string; active: boolean }) {
  const values = { label_fi: f.labelFi, label_sv: f.labelSv, label_en: f.labelEn, active: f.active };
  return db
    .insertInto('red_flag')
    .values({ id: f.id, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Codes the ERC sent that the code table does not (or no longer) know: for an admin to add. */
export function listUnknownTaskCodes(db: Executor) {
  return db
    .selectFrom('task')
    .leftJoin('task_code', (j) => j.onRef('task_code.code', '=', 'task.task_code').on('task_code.active', '=', true))
    .where('task_code.code', 'is', null)
    .select([
      'task.task_code as code',
      sql<number>`count(*)::int`.as('tasks'),
      sql<string | null>`(array_agg(task.task_label order by task.received_at desc))[1]`.as('last_label'),
      sql<Date>`max(task.received_at)`.as('last_received_at'),
    ])
    .groupBy('task.task_code')
    .orderBy('task.task_code')
    .execute();
}

export async function activeRedFlagIds(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('red_flag').select('id').where('active', '=', true).execute();
  return new Set(rows.map((r) => r.id));
}

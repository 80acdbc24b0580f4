import { sql } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';

export function listDispositions(db: Executor) {
  return db.selectFrom('disposition').selectAll().orderBy('rank').execute();
}
export type DispositionRow = Awaited<ReturnType<typeof listDispositions>>[number];

export function updateDispositionLabels(db: Executor, id: string, labels: { fi: string; sv: string; en: string }) {
  return db
    .updateTable('disposition')
    .set({ label_fi: labels.fi, label_sv: labels.sv, label_en: labels.en, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export function listProtocols(db: Executor) {
  return db.selectFrom('protocol').selectAll().orderBy('generic', 'desc').orderBy('id').execute();
}
export type ProtocolRow = Awaited<ReturnType<typeof listProtocols>>[number];

export function findProtocol(db: Executor, id: string) {
  return db.selectFrom('protocol').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Serialises changes to one protocol's versions (draft edits, approvals). */
export function lockProtocol(db: Executor, id: string) {
  return db.selectFrom('protocol').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function insertProtocol(db: Executor, p: { id: string; generic: boolean }) {
  return db.insertInto('protocol').values(p).onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
}

export function listTaskCodes(db: Executor) {
  return db.selectFrom('protocol_task_code').selectAll().orderBy('task_code').execute();
}

/** Codes already covered by another protocol (a code belongs to one protocol). */
export function taskCodesTakenElsewhere(db: Executor, protocolId: string, codes: readonly string[]) {
  if (codes.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('protocol_task_code')
    .selectAll()
    .where('task_code', 'in', codes)
    .where('protocol_id', '<>', protocolId)
    .execute();
}

export async function replaceTaskCodes(db: Executor, protocolId: string, codes: readonly string[]): Promise<void> {
  await db.deleteFrom('protocol_task_code').where('protocol_id', '=', protocolId).execute();
  if (codes.length > 0) {
    await db.insertInto('protocol_task_code').values(codes.map((code) => ({ task_code: code, protocol_id: protocolId }))).execute();
  }
}

export function listVersions(db: Executor, protocolId?: string) {
  let query = db.selectFrom('protocol_version').selectAll().orderBy('protocol_id').orderBy('version');
  if (protocolId !== undefined) query = query.where('protocol_id', '=', protocolId);
  return query.execute();
}
export type VersionRow = Awaited<ReturnType<typeof listVersions>>[number];

export function findVersion(db: Executor, protocolId: string, version: number) {
  return db.selectFrom('protocol_version').selectAll().where('protocol_id', '=', protocolId).where('version', '=', version).executeTakeFirst();
}

export function findDraft(db: Executor, protocolId: string) {
  return db.selectFrom('protocol_version').selectAll().where('protocol_id', '=', protocolId).where('status', '=', 'draft').executeTakeFirst();
}

export async function insertDraft(db: Executor, v: { protocolId: string; content: object; createdBy: string }) {
  const { next } = await db
    .selectFrom('protocol_version')
    .select(sql<number>`coalesce(max(version), 0)::int + 1`.as('next'))
    .where('protocol_id', '=', v.protocolId)
    .executeTakeFirstOrThrow();
  return db
    .insertInto('protocol_version')
    .values({ protocol_id: v.protocolId, version: next, status: 'draft', content: JSON.stringify(v.content), created_by: v.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateDraftContent(db: Executor, protocolId: string, version: number, content: object) {
  return db
    .updateTable('protocol_version')
    .set({ content: JSON.stringify(content) })
    .where('protocol_id', '=', protocolId)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
}

/** Retires the approved version (if any) and approves the draft; call with the protocol locked. */
export async function approveDraft(db: Executor, protocolId: string, version: number, approver: { id: string; name: string }) {
  await db
    .updateTable('protocol_version')
    .set({ status: 'retired', retired_at: sql<Date>`now()` })
    .where('protocol_id', '=', protocolId)
    .where('status', '=', 'approved')
    .execute();
  return db
    .updateTable('protocol_version')
    .set({ status: 'approved', approved_at: sql<Date>`now()`, approved_by_id: approver.id, approved_by: approver.name })
    .where('protocol_id', '=', protocolId)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
}

export function retireVersion(db: Executor, protocolId: string, version: number) {
  return db
    .updateTable('protocol_version')
    .set({ status: 'retired', retired_at: sql<Date>`now()` })
    .where('protocol_id', '=', protocolId)
    .where('version', '=', version)
    .where('status', '=', 'approved')
    .returningAll()
    .executeTakeFirst();
}


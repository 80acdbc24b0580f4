import type { LifecycleConfig } from '../config.ts';
import type { ValidationIssue } from '../contracts/common.ts';
import type { ImportResult, ImportTask } from '../contracts/reports.ts';
import type { Db } from '../db/create-db.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import { actorName } from '../events/task-change.ts';
import type { RequestContext, UserActor } from '../http/actor.ts';
import { AppError, validationError } from '../http/errors.ts';
import type { PhoneHasher } from '../reports/phone-hash.ts';
import { intakeHash } from '../tasks/intake.service.ts';
import * as repo from './import.repository.ts';

const rowPath = (index: number, field: string) => `body.tasks.${index}.${field}`;

export function createImportService(db: Db, config: LifecycleConfig, phoneHasher: PhoneHasher) {
  return {
    /**
     * Takes closed historical tasks in, all or nothing: every row is checked first (each problem
     * names its row, body.tasks.N.field), then all are written in one transaction. Idempotent on
     * ercTaskId: a row already here with the same intake content is skipped; with other content the
     * whole import is refused (409). Imported tasks never enter the queue, write no task events (no
     * realtime traffic) and leave one audit row for the whole import; the aggregate triggers count
     * them like live tasks.
     */
    async importTasks(rows: readonly ImportTask[], actor: UserActor, ctx: RequestContext): Promise<ImportResult> {
      const [municipalities, codes, hashPhone] = await Promise.all([
        repo.activeMunicipalitiesByName(db),
        repo.activeTaskCodes(db),
        phoneHasher.keyed(),
      ]);
      const latest = Date.now() + config.clockSkewSeconds * 1000;
      const issues: ValidationIssue[] = [];
      const firstRowOf = new Map<string, number>();
      const prepared: { index: number; row: repo.ImportedTaskRow }[] = [];
      rows.forEach((row, index) => {
        const earlier = firstRowOf.get(row.ercTaskId);
        if (earlier === undefined) firstRowOf.set(row.ercTaskId, index);
        else issues.push({ path: rowPath(index, 'ercTaskId'), message: `Repeats row ${earlier}` });
        if (Date.parse(row.closedAt) > latest) issues.push({ path: rowPath(index, 'closedAt'), message: 'Lies in the future' });
        const municipality = municipalities.get(row.municipality.toLowerCase());
        if (!municipality) {
          issues.push({ path: rowPath(index, 'municipality'), message: `Unknown municipality "${row.municipality}"` });
          return;
        }
        prepared.push({
          index,
          row: {
            task: {
              erc_task_id: row.ercTaskId,
              intake_hash: intakeHash(row),
              source: 'import',
              urgency: row.urgency,
              task_code: row.taskCode,
              task_label: row.taskLabel ?? null,
              task_code_known: codes.has(row.taskCode),
              received_at: new Date(row.receivedAt),
              municipality_id: municipality.id,
              area_id: municipality.areaId,
              address: row.address ?? null,
              callback_phone: row.callbackPhone,
              callback_phone_hash: hashPhone(row.callbackPhone),
              patient_age: row.patientAge ?? null,
              patient_sex: row.patientSex ?? null,
              summary: row.summary,
              state: 'closed',
              outcome_type: row.outcome.type,
              referral_state: row.outcome.type === 'redirect' ? 'accepted' : null,
              first_call_at: row.firstCallAt === undefined ? null : new Date(row.firstCallAt),
              closed_at: new Date(row.closedAt),
            },
            outcome: { type: row.outcome.type, details: JSON.stringify(row.outcome), recordedAt: new Date(row.closedAt) },
            ...(row.outcome.type === 'redirect'
              ? {
                  referral: {
                    targetType: row.outcome.target,
                    targetName: row.outcome.handoffTo,
                    acceptedAt: new Date(row.referral?.acceptedAt ?? row.closedAt),
                    acceptedBy: row.referral?.acceptedBy ?? null,
                    assumed: row.referral === undefined,
                  },
                }
              : {}),
          },
        });
      });
      if (issues.length > 0) throw validationError(issues);

      const { created, assumedAccepted } = await db.transaction().execute(async (trx) => {
        await repo.lockImports(trx);
        const existing = await repo.intakeHashesByErcId(trx, [...firstRowOf.keys()]);
        const conflicts = prepared.filter((p) => {
          const earlier = existing.get(p.row.task.erc_task_id);
          return earlier !== undefined && earlier !== p.row.task.intake_hash;
        });
        if (conflicts.length > 0) {
          throw new AppError(
            409,
            'DUPLICATE_ERC_TASK',
            `${conflicts.length} task(s) were already received with different content; nothing was imported.`,
            conflicts.map((c) => ({ path: rowPath(c.index, 'ercTaskId'), message: 'Already received with different content' })),
          );
        }
        const fresh = prepared
          .filter((p) => !existing.has(p.row.task.erc_task_id))
          .map((p) => p.row)
          .sort((a, b) => b.task.received_at.getTime() - a.task.received_at.getTime());
        const inserted = await repo.insertClosedTasks(trx, fresh, { id: actor.id, name: actorName(actor) });
        await insertAudit(trx, actor, ctx, {
          action: 'task.import',
          details: { received: rows.length, created: inserted.created, skipped: rows.length - inserted.created, redirectsAssumedAccepted: inserted.assumedAccepted },
        });
        return inserted;
      });
      return { received: rows.length, created, skipped: rows.length - created, redirectsAssumedAccepted: assumedAccepted };
    },
  };
}
export type ImportService = ReturnType<typeof createImportService>;

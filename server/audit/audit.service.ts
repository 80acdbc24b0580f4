import type { AuditEntryDto, AuditPage, AuditQuery } from '../contracts/audit.ts';
import type { Db } from '../db/create-db.ts';
import { listAudit } from './audit.repository.ts';

type AuditRow = Awaited<ReturnType<typeof listAudit>>[number];

export function toAuditEntryDto(row: AuditRow): AuditEntryDto {
  return {
    id: Number(row.id),
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorRole: row.actor_role,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    requestId: row.request_id,
    clientIp: row.client_ip,
    details: typeof row.details === 'object' && row.details !== null && !Array.isArray(row.details) ? row.details : {},
  };
}

export function createAuditService(db: Db) {
  return {
    /** One page of the audit log, newest first; `nextBefore` continues it. */
    async list(query: AuditQuery): Promise<AuditPage> {
      const rows = await listAudit(db, query);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        entries: page.map(toAuditEntryDto),
        nextBefore: rows.length > query.limit && last ? Number(last.id) : null,
      };
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;

import { z } from 'zod';
import { IsoDateTime, text } from './common.ts';

export const AuditQuery = z
  .strictObject({
    actor: text(64).optional().describe('Username of the actor, or "system"'),
    action: text(64).optional().describe('Exact action, or a prefix ending in "." such as "user."'),
    target: text(128).optional().describe('Target id'),
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    before: z.coerce.number().int().positive().optional().describe('Cursor: return entries older than this id'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .meta({ id: 'AuditQuery' });
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntryDto = z
  .object({
    id: z.number().int(),
    at: IsoDateTime,
    actorId: z.string().nullable(),
    actorName: z.string(),
    actorRole: z.string(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    requestId: z.string().nullable(),
    clientIp: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntryDto = z.infer<typeof AuditEntryDto>;

export const AuditPage = z
  .object({ entries: z.array(AuditEntryDto), nextBefore: z.number().int().nullable() })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPage>;

import { z } from 'zod';
import type { LifecycleConfig } from '../config.ts';
import { Urgency } from '../contracts/reference.ts';
import { UNIT_LEVELS, type DispatchRequestDto } from '../contracts/tasks.ts';
import type { DispatchRow } from './dispatch.repository.ts';

export function toDispatchRequestDto(row: DispatchRow, config: LifecycleConfig): DispatchRequestDto {
  const waitedMs = (row.acknowledged_at?.getTime() ?? Date.now()) - row.requested_at.getTime();
  return {
    id: row.id,
    taskId: row.task_id,
    ercTaskId: row.erc_task_id,
    unitLevel: z.enum(UNIT_LEVELS).parse(row.unit_level),
    urgency: Urgency.parse(row.urgency),
    reason: row.reason,
    municipality: row.municipality_name,
    address: row.address,
    requestedAt: row.requested_at.toISOString(),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    secondsToAcknowledge: row.acknowledged_at ? Math.round(waitedMs / 1000) : null,
    overdue: row.acknowledged_at === null && row.superseded_at === null && waitedMs > config.dispatchAckMinutes * 60_000,
    supersededAt: row.superseded_at?.toISOString() ?? null,
  };
}

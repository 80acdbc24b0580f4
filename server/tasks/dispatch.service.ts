import type { LifecycleConfig } from '../config.ts';
import type { DispatchRequestDto } from '../contracts/tasks.ts';
import type { Db } from '../db/create-db.ts';
import { runTaskTransaction } from '../events/task-change.ts';
import type { IntegrationActor, RequestContext } from '../http/actor.ts';
import { notFound } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { toDispatchRequestDto } from './dispatch-dto.ts';
import { acknowledgeDispatchRequest, findDispatchRequest, listDispatchRequests, lockDispatchRequest } from './dispatch.repository.ts';
import { findTaskHead } from './tasks.repository.ts';

/** Unit dispatch requests going back to the ERC, and their acknowledgements. */
export function createDispatchService(db: Db, config: LifecycleConfig, publisher: Publisher) {
  async function dto(id: string): Promise<DispatchRequestDto> {
    const row = await findDispatchRequest(db, id);
    if (!row) throw notFound('Dispatch request');
    return toDispatchRequestDto(row, config);
  }

  return {
    async list(status: 'open' | 'all'): Promise<DispatchRequestDto[]> {
      return (await listDispatchRequests(db, status)).map((r) => toDispatchRequestDto(r, config));
    },

    /** The ERC confirms it has the request; repeating the confirmation changes nothing. */
    async acknowledge(id: string, actor: IntegrationActor, ctx: RequestContext): Promise<DispatchRequestDto> {
      await runTaskTransaction(db, publisher, actor, ctx, async (trx, changes) => {
        const request = await lockDispatchRequest(trx, id);
        if (!request) throw notFound('Dispatch request');
        const acked = await acknowledgeDispatchRequest(trx, id, actor.id);
        if (!acked?.acknowledged_at) return;
        const task = await findTaskHead(trx, acked.task_id);
        const data = { dispatchRequestId: id, secondsToAcknowledge: Math.round((acked.acknowledged_at.getTime() - acked.requested_at.getTime()) / 1000) };
        changes.record({ task, type: 'dispatch.acknowledged', data, audit: { action: 'dispatch.acknowledge', details: data } });
      });
      return dto(id);
    },
  };
}
export type DispatchService = ReturnType<typeof createDispatchService>;

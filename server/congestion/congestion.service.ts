import type { Transaction } from 'kysely';
import type { LifecycleConfig } from '../config.ts';
import { insertAudit } from '../audit/audit.repository.ts';
import type { CongestionModeDto } from '../contracts/congestion.ts';
import type { Database, Db } from '../db/create-db.ts';
import type { RequestContext, UserActor } from '../http/actor.ts';
import { AppError } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { congestionActiveLocked, findCongestionMode, insertCongestionChange, switchCongestionMode } from './congestion.repository.ts';


/** Intake never takes A or B (the ERC dispatches those itself); C only in congestion mode (congestionAdmits). */
export function assertIntakeUrgency(urgency: string): void {
  if (urgency !== 'A' && urgency !== 'B') return;
  throw new AppError(422, 'NOT_D_CLASS', `Urgency ${urgency} tasks are dispatched directly by the ERC and are never held here; only D-class tasks (and C-class in congestion mode) are accepted.`, [
    { path: 'body.urgency', message: 'Only D is accepted (and C in congestion mode)' },
  ]);
}

/**
 * Whether intake may take a task of this urgency now: a C-task only while congestion mode is on,
 * read inside the intake's transaction under a share lock on the mode, so a task is never taken by
 * a mode switched off before it committed. For a D-task this reads nothing.
 */
export async function congestionAdmits(trx: Transaction<Database>, urgency: string): Promise<boolean> {
  return urgency !== 'C' || congestionActiveLocked(trx);
}

export const notInCongestionMode = () =>
  new AppError(422, 'NOT_IN_CONGESTION_MODE', 'C-class tasks are taken only while a shift leader has congestion mode on; it is off.', [
    { path: 'body.urgency', message: 'C is accepted only in congestion mode' },
  ]);

export function createCongestionService(db: Db, config: LifecycleConfig, publisher: Publisher) {
  function toDto(row: { active: boolean; version: number; changed_at: Date | null; changed_by_name: string | null }): CongestionModeDto {
    return { active: row.active, version: row.version, changedAt: row.changed_at?.toISOString() ?? null, changedBy: row.changed_by_name, cResponseLimitMinutes: config.cResponseLimitMinutes };
  }

  return {
    async get(): Promise<CongestionModeDto> {
      return toDto(await findCongestionMode(db));
    },

    /**
     * Switches congestion mode on or off (a shift leader). A conditional update: asking for the state
     * it is already in changes nothing and answers the current state. A switch writes its history
     * row and an audit row in one transaction and is told to every connected screen after commit.
     */
    async set(input: { active: boolean; reason?: string | undefined }, actor: UserActor, ctx: RequestContext): Promise<CongestionModeDto> {
      const switched = await db.transaction().execute(async (trx) => {
        const row = await switchCongestionMode(trx, input.active, actor.displayName);
        if (!row) return undefined;
        await insertCongestionChange(trx, { active: row.active, version: row.version, byId: actor.id, byName: actor.displayName, reason: input.reason ?? null });
        await insertAudit(trx, actor, ctx, {
          action: input.active ? 'congestion.on' : 'congestion.off',
          targetType: 'congestion_mode',
          details: { active: row.active, version: row.version, reason: input.reason ?? null },
        });
        return toDto(row);
      });
      if (!switched) return toDto(await findCongestionMode(db));
      publisher.congestionChanged(switched);
      return switched;
    },
  };
}
export type CongestionService = ReturnType<typeof createCongestionService>;

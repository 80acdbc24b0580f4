import type { LifecycleConfig } from '../config.ts';
import { RecommendationDto } from '../contracts/protocols.ts';
import type { CallResult, TaskDetail } from '../contracts/tasks.ts';
import type { Executor } from '../audit/audit.repository.ts';
import type { Audience } from '../events/events.repository.ts';
import { listTaskEvents } from '../events/events.repository.ts';
import { listDispatchRequestsForTask } from './dispatch.repository.ts';
import { toDispatchRequestDto } from './dispatch-dto.ts';
import { parseAssessment, toTaskEventDto, toTaskSummary } from './task-dto.ts';
import * as repo from './tasks.repository.ts';

/**
 * Everything about one task, patient data included, with the events of the given audiences;
 * undefined when there is no such task. The caller audits the read.
 */
export async function loadTaskDetail(db: Executor, id: string, audiences: Audience[], config: LifecycleConfig): Promise<TaskDetail | undefined> {
  const row = await repo.findTaskDetailRow(db, id);
  if (!row) return undefined;
  const [attempts, outcomes, dispatches, events] = await Promise.all([
    repo.listCallAttempts(db, id),
    repo.listOutcomes(db, id),
    listDispatchRequestsForTask(db, id),
    listTaskEvents(db, id, audiences),
  ]);
  // Events keep the account name that acted; people read display names (integrations by their key's name).
  const names = await repo.displayNames(db, [...new Set(events.map((e) => e.actor_name))]);
  const actorLabel = (name: string) => names.get(name) ?? name.replace(/^integration:/, '');
  return {
    ...toTaskSummary(row, config),
    address: row.address,
    callbackPhone: row.callback_phone,
    assessment: parseAssessment(row.assessment),
    recommendation: row.recommendation === null ? null : RecommendationDto.parse(row.recommendation),
    callAttempts: attempts.map((a) => ({ result: a.result as CallResult, at: a.attempted_at.toISOString(), by: a.display_name })),
    outcomes: outcomes.map((o) => ({
      id: o.id,
      outcome: o.details as Record<string, unknown>,
      recordedBy: o.recorded_by_name,
      recordedAt: o.recorded_at.toISOString(),
      amendsId: o.amends_id,
      amendmentReason: o.amendment_reason,
      current: o.id === row.current_outcome_id,
      decision:
        o.protocol_id !== null && o.protocol_version !== null && o.recommended_disposition !== null
          ? {
              protocolId: o.protocol_id,
              protocolVersion: o.protocol_version,
              recommended: o.recommended_disposition,
              chosen: o.chosen_disposition,
              overrideReason: o.override_reason,
              adviceId: o.advice_id,
              adviceLanguage: o.advice_language,
            }
          : null,
    })),
    dispatchRequests: dispatches.map((d) => toDispatchRequestDto(d, config)),
    events: events.map((e) => ({ ...toTaskEventDto(e), actor: actorLabel(e.actor_name) })),
  };
}

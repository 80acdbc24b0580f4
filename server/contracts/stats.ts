import { z } from 'zod';
import { IsoDateTime, Role, Uuid } from './common.ts';

const Count = z.number().int().min(0);

export const LiveStats = z
  .object({
    seq: z.number().int().describe('The last task event the figures include: equal on every node for the same seq'),
    generatedAt: IsoDateTime,
    queued: Count.describe('Tasks waiting for their first call'),
    inAssessment: Count,
    callbackPending: Count,
    escalated: Count.describe('Open tasks the safety net escalated'),
    decisionRequired: Count.describe('Open tasks back for a new decision: their referral was rejected or not answered in time'),
    oldestWaitSeconds: z.number().int().min(0).nullable().describe('Longest wait since receivedAt among tasks waiting in the queue'),
    receivedToday: Count.describe('Helsinki calendar day'),
    closedToday: Count,
    avoidedToday: Count.describe('Closed today as phone advice or redirect: avoided unit dispatches'),
    avoidedShareToday: z.number().min(0).max(1).nullable().describe('avoidedToday / closed today excluding ERC cancellations'),
    outcomesToday: z.object({ dispatch_unit: Count, phone_advice: Count, redirect: Count, cancelled: Count }),
    redirectsToday: z.record(z.string(), Count),
    firstCallLastHour: z.object({
      count: Count,
      medianSeconds: z.number().nullable(),
      p90Seconds: z.number().nullable(),
    }).describe('Time from receivedAt to the first call, for first calls in the last hour'),
    pastWaitTargets: z.array(z.object({ minutes: z.number().int(), tasks: Count })).describe('Unreached open tasks past each waiting target'),
    arrivalsToday: z.array(z.object({ start: IsoDateTime, arrivals: Count, weekdayAverage: z.number() })).describe('Per 15 minutes, against the average of the same weekday over the 4 previous weeks'),
    queueTrend: z.array(z.object({ at: IsoDateTime, waiting: Count })).describe('Tasks waiting at each quarter-hour of the last 12 hours (rebuilt from events, equal on every node), then now'),
    nursesOnline: Count.describe('Users with the nurse role connected now (shift leaders are listed in nurses but not counted here)'),
    nurses: z.array(z.object({ id: Uuid, displayName: z.string(), role: Role, online: z.boolean(), holds: z.array(z.object({ taskId: Uuid, ercTaskId: z.string(), stale: z.boolean() })) })),
    byArea: z.array(z.object({ areaId: Uuid, area: z.string(), queued: Count, callbackPending: Count, inAssessment: Count })),
    staffing: z.object({
      arrivalsPerHour: z.number(),
      meanHandlingMinutes: z.number(),
      trafficErlangs: z.number(),
      targetWaitSeconds: z.number(),
      maxProbability: z.number(),
      nursesNeeded: z.number().int(),
      probabilityAtNeeded: z.number(),
    }).describe('Erlang C estimate (see README): nurses needed so that P(wait > target) stays under the set level'),
  })
  .meta({ id: 'LiveStats' });
export type LiveStats = z.infer<typeof LiveStats>;

/** What nurses see: the queue, not the staffing or who holds what. */
export const NurseLiveStats = LiveStats.pick({
  seq: true,
  generatedAt: true,
  queued: true,
  inAssessment: true,
  callbackPending: true,
  escalated: true,
  decisionRequired: true,
  oldestWaitSeconds: true,
  receivedToday: true,
  byArea: true,
}).meta({ id: 'NurseLiveStats' });
export type NurseLiveStats = z.infer<typeof NurseLiveStats>;

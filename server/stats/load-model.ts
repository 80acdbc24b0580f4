import type { LiveStats, NurseLiveStats } from '../contracts/stats.ts';
import { isAvoidedDispatch, referralClass } from '../tasks/avoided-dispatch.ts';
import { helsinkiMidnight, helsinkiTime } from '../time/helsinki.ts';
import { staffingEstimate } from './erlang-c.ts';

/** What the live board needs to know of one task: kept per task, updated from the event stream. */
export interface TaskFacts {
  id: string;
  ercTaskId: string;
  state: string;
  areaId: string;
  receivedAt: Date;
  firstCallAt: Date | null;
  answeredAt: Date | null;
  escalated: boolean;
  /** Back for a new decision (a rejected or unanswered referral). */
  decisionRequired: boolean;
  claimedBy: { id: string; displayName: string; role: string } | null;
  heartbeatAt: Date | null;
  outcomeType: string | null;
  referralState: string | null;
  redirectTarget: string | null;
  closedAt: Date | null;
  firstClaimedAt: Date | null;
}

export interface SnapshotContext {
  now: Date;
  seq: number;
  areas: readonly { id: string; name: string }[];
  /** Clinical users with a live socket, on any node. */
  online: readonly { id: string; displayName: string; role: string }[];
  /** Local 'HH:MM' of a 15-minute bucket -> average arrivals on the same weekday in past weeks. */
  weekdayAverage: ReadonlyMap<string, number>;
  queueTrend: readonly { at: string; waiting: number }[];
  settings: {
    waitTargetsMinutes: readonly number[];
    claimStaleSeconds: number;
    staffingTargetWaitSeconds: number;
    staffingMaxProbability: number;
    defaultHandlingMinutes: number;
  };
}

const OPEN = new Set(['queued', 'in_assessment', 'callback_pending']);
const WAITING = new Set(['queued', 'callback_pending']);
const HOUR = 3_600_000;
const QUARTER = 15 * 60_000;
/** How long a closed task still matters: handling times are averaged over this window. */
const HANDLING_WINDOW = 8 * HOUR;

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The live load, as a set of task facts. Events update single tasks (`upsert`); figures are derived
 * from the set on demand, in time linear in the tasks that are open or touched today (hundreds),
 * never by counting the task table.
 */
export class LoadModel {
  private readonly tasks = new Map<string, TaskFacts>();

  replaceAll(facts: readonly TaskFacts[]): void {
    this.tasks.clear();
    this.upsert(facts);
  }

  upsert(facts: readonly TaskFacts[]): void {
    for (const f of facts) this.tasks.set(f.id, f);
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Tasks waiting in the queue (new or call-back): the queue-length trend samples this. */
  waitingCount(): number {
    let n = 0;
    for (const f of this.tasks.values()) if (WAITING.has(f.state)) n++;
    return n;
  }

  /** Whether a task still matters to today's board; the rest are dropped. */
  private relevant(f: TaskFacts, dayStart: number, now: number): boolean {
    return (
      OPEN.has(f.state) ||
      f.receivedAt.getTime() >= Math.min(dayStart, now - HOUR) ||
      (f.closedAt !== null && f.closedAt.getTime() >= Math.min(dayStart, now - HANDLING_WINDOW)) ||
      (f.firstCallAt !== null && f.firstCallAt.getTime() >= now - HOUR)
    );
  }

  snapshot(ctx: SnapshotContext): LiveStats {
    const now = ctx.now.getTime();
    const dayStart = helsinkiMidnight(ctx.now).getTime();
    const outcomesToday = { dispatch_unit: 0, phone_advice: 0, redirect: 0, cancelled: 0 };
    const redirectsToday: Record<string, number> = {};
    const byArea = new Map(ctx.areas.map((a) => [a.id, { areaId: a.id, area: a.name, queued: 0, callbackPending: 0, inAssessment: 0 }]));
    const pastTargets = ctx.settings.waitTargetsMinutes.map((minutes) => ({ minutes, tasks: 0 }));
    const firstCallWaits: number[] = [];
    const handling: number[] = [];
    const holders = new Map<string, { id: string; displayName: string; role: string; holds: { taskId: string; ercTaskId: string; stale: boolean }[] }>();
    const quarters = Math.ceil((now - dayStart) / QUARTER);
    const arrivals = new Array<number>(Math.max(quarters, 1)).fill(0);
    let queued = 0, inAssessment = 0, callbackPending = 0, escalated = 0, decisionRequired = 0, receivedToday = 0, closedToday = 0, avoidedToday = 0, arrivalsLastHour = 0;
    let oldestWaitSeconds: number | null = null;

    for (const [id, f] of this.tasks) {
      if (!this.relevant(f, dayStart, now)) {
        this.tasks.delete(id);
        continue;
      }
      const received = f.receivedAt.getTime();
      const area = byArea.get(f.areaId);
      if (OPEN.has(f.state)) {
        if (f.escalated) escalated++;
        if (f.decisionRequired) decisionRequired++;
        if (f.answeredAt === null) {
          for (const t of pastTargets) if (now - received >= t.minutes * 60_000) t.tasks++;
        }
      }
      if (f.state === 'queued') { queued++; if (area) area.queued++; }
      if (f.state === 'callback_pending') { callbackPending++; if (area) area.callbackPending++; }
      if (f.state === 'in_assessment') {
        inAssessment++;
        if (area) area.inAssessment++;
        if (f.claimedBy) {
          const holder = holders.get(f.claimedBy.id) ?? { ...f.claimedBy, holds: [] };
          const stale = f.heartbeatAt !== null && now - f.heartbeatAt.getTime() > ctx.settings.claimStaleSeconds * 1000;
          holder.holds.push({ taskId: f.id, ercTaskId: f.ercTaskId, stale });
          holders.set(holder.id, holder);
        }
      }
      if (WAITING.has(f.state)) {
        const wait = Math.max(0, Math.floor((now - received) / 1000));
        oldestWaitSeconds = oldestWaitSeconds === null ? wait : Math.max(oldestWaitSeconds, wait);
      }
      if (received >= dayStart && received <= now) {
        receivedToday++;
        const q = Math.floor((received - dayStart) / QUARTER);
        if (q < arrivals.length) arrivals[q]! += 1;
      }
      if (received >= now - HOUR && received <= now) arrivalsLastHour++;
      if (f.firstCallAt && f.firstCallAt.getTime() >= now - HOUR) firstCallWaits.push(Math.max(0, (f.firstCallAt.getTime() - received) / 1000));
      if (f.state === 'closed' && f.closedAt) {
        const closed = f.closedAt.getTime();
        if (closed >= dayStart) {
          closedToday++;
          if (f.outcomeType && f.outcomeType in outcomesToday) outcomesToday[f.outcomeType as keyof typeof outcomesToday]++;
          if (isAvoidedDispatch({ state: f.state, outcomeType: f.outcomeType, referral: referralClass(f.outcomeType, f.referralState) })) avoidedToday++;
          if (f.outcomeType === 'redirect' && f.redirectTarget) redirectsToday[f.redirectTarget] = (redirectsToday[f.redirectTarget] ?? 0) + 1;
        }
        if (closed >= now - HANDLING_WINDOW && f.firstClaimedAt) handling.push((closed - f.firstClaimedAt.getTime()) / 60_000);
      }
    }

    firstCallWaits.sort((a, b) => a - b);
    const decided = closedToday - outcomesToday.cancelled;
    const meanHandling = handling.length ? handling.reduce((a, b) => a + b, 0) / handling.length : ctx.settings.defaultHandlingMinutes;
    for (const user of ctx.online) if (!holders.has(user.id)) holders.set(user.id, { ...user, holds: [] });
    const onlineIds = new Set(ctx.online.map((u) => u.id));

    return {
      seq: ctx.seq,
      generatedAt: ctx.now.toISOString(),
      queued,
      inAssessment,
      callbackPending,
      escalated,
      decisionRequired,
      oldestWaitSeconds,
      receivedToday,
      closedToday,
      avoidedToday,
      avoidedShareToday: decided > 0 ? avoidedToday / decided : null,
      outcomesToday,
      redirectsToday,
      firstCallLastHour: { count: firstCallWaits.length, medianSeconds: median(firstCallWaits), p90Seconds: percentile(firstCallWaits, 0.9) },
      pastWaitTargets: pastTargets,
      arrivalsToday: arrivals.map((n, i) => {
        const start = new Date(dayStart + i * QUARTER);
        return { start: start.toISOString(), arrivals: n, weekdayAverage: ctx.weekdayAverage.get(helsinkiTime(start)) ?? 0 };
      }),
      queueTrend: [...ctx.queueTrend],
      // Compared with the staffing estimate: shift leaders watching the board are not counted.
      nursesOnline: ctx.online.filter((u) => u.role === 'nurse').length,
      nurses: [...holders.values()]
        .map((h) => ({ id: h.id, displayName: h.displayName, role: h.role === 'shift_leader' ? 'shift_leader' as const : 'nurse' as const, online: onlineIds.has(h.id), holds: h.holds }))
        .sort((a, b) => a.displayName.localeCompare(b.displayName, 'fi')),
      byArea: [...byArea.values()],
      staffing: staffingEstimate({
        arrivalsPerHour: arrivalsLastHour,
        meanHandlingMinutes: meanHandling,
        targetWaitSeconds: ctx.settings.staffingTargetWaitSeconds,
        maxProbability: ctx.settings.staffingMaxProbability,
      }),
    };
  }
}

/** The nurses' reduced view of the same figures. */
export function forNurses(stats: LiveStats): NurseLiveStats {
  const { seq, generatedAt, queued, inAssessment, callbackPending, escalated, decisionRequired, oldestWaitSeconds, receivedToday, byArea } = stats;
  return { seq, generatedAt, queued, inAssessment, callbackPending, escalated, decisionRequired, oldestWaitSeconds, receivedToday, byArea };
}

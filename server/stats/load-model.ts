import type { LiveStats, NurseLiveStats } from '../contracts/stats.ts';
import { isAvoidedDispatch, referralClass } from '../tasks/avoided-dispatch.ts';
import { helsinkiMidnight, helsinkiTime } from '../time/helsinki.ts';
import { staffingEstimate } from './erlang-c.ts';
import { SlidingWindow, SortedNumbers, TimeIndex } from './time-index.ts';

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
/** How often tasks that no longer matter are dropped (they count in no figure meanwhile). */
const SWEEP_EVERY = 10 * 60_000;
const byName = new Intl.Collator('fi').compare;

type Outcome = 'dispatch_unit' | 'phone_advice' | 'redirect' | 'cancelled';
type Hold = LiveStats['nurses'][number]['holds'][number];
type Holder = { id: string; displayName: string; role: string };

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const isOutcome = (type: string | null): type is Outcome => type === 'dispatch_unit' || type === 'phone_advice' || type === 'redirect' || type === 'cancelled';
const closedAt = (f: TaskFacts): number | null => (f.state === 'closed' && f.closedAt ? f.closedAt.getTime() : null);

/** The tasks one user holds, with their output cached until a hold changes or crosses the stale line. */
class HolderEntry {
  readonly holds = new Map<string, { facts: TaskFacts; heartbeat: number | null }>();
  private cache: { staleMs: number; after: number; until: number; holder: Holder; holds: Hold[] } | undefined;

  change(): void {
    this.cache = undefined;
  }

  view(now: number, staleMs: number): { holder: Holder; holds: Hold[] } {
    const c = this.cache;
    if (c && c.staleMs === staleMs && now > c.after && now <= c.until) return c;
    const sorted = [...this.holds.values()].sort((a, b) => (a.facts.ercTaskId < b.facts.ercTaskId ? -1 : a.facts.ercTaskId > b.facts.ercTaskId ? 1 : a.facts.id < b.facts.id ? -1 : 1));
    // A hold turns stale once now passes heartbeat + staleMs: the view holds while no hold crosses that line.
    let after = Number.NEGATIVE_INFINITY;
    let until = Number.POSITIVE_INFINITY;
    const holds = sorted.map(({ facts, heartbeat }) => {
      const stale = heartbeat !== null && now - heartbeat > staleMs;
      if (heartbeat !== null) {
        if (stale) after = Math.max(after, heartbeat + staleMs);
        else until = Math.min(until, heartbeat + staleMs);
      }
      return { taskId: facts.id, ercTaskId: facts.ercTaskId, stale };
    });
    const holder = sorted[0]!.facts.claimedBy!;
    this.cache = { staleMs, after, until, holder, holds };
    return this.cache;
  }
}

/**
 * The live load, as a set of task facts and the aggregates over them. An event updates single
 * tasks (`upsert`): each task's old contribution is taken out of every aggregate and its new one
 * put in, so an event costs O(changed tasks · log tasks), never a pass over the open tasks. Figures
 * that depend on the clock ("the last hour", "today", "stale") are ranges of time-ordered indexes,
 * moved when the clock is read. The figures equal those of a model rebuilt from the same facts
 * (`replaceAll`): tests/server/load-model.test.ts checks that after random event sequences.
 */
export class LoadModel {
  private readonly tasks = new Map<string, TaskFacts>();
  private readonly states = { queued: 0, in_assessment: 0, callback_pending: 0 };
  private escalated = 0;
  private decisionRequired = 0;
  private readonly areaCounts = new Map<string, { queued: number; callbackPending: number; inAssessment: number }>();
  /** Open tasks nobody has reached yet, by receivedAt: the wait targets. */
  private readonly unreached = new TimeIndex<null>();
  /** Tasks waiting in the queue, by receivedAt: the oldest wait. */
  private readonly waiting = new TimeIndex<null>();
  /** Every task, by receivedAt: arrivals today, per quarter and in the last hour. */
  private readonly received = new TimeIndex<null>();
  /** Closed tasks, by closedAt: today's outcomes. */
  private readonly closed = new TimeIndex<TaskFacts>();
  private readonly holders = new Map<string, HolderEntry>();
  private readonly firstCallWaits = new SortedNumbers();
  /** First calls by time, with the waits of those in the last hour kept sorted. */
  private readonly firstCalls = new SlidingWindow<number>({ enter: (w) => this.firstCallWaits.add(w), leave: (w) => this.firstCallWaits.delete(w) });
  private handling = { count: 0, sumMs: 0 };
  /** Handling times (first claim to close, in ms) by closedAt, summed over the last 8 hours. */
  private readonly handled = new SlidingWindow<number>({
    enter: (ms) => { this.handling.count++; this.handling.sumMs += ms; },
    leave: (ms) => { this.handling.count--; this.handling.sumMs -= ms; },
  });
  /** Today's closures, counted for the Helsinki day that began at `dayStart`. */
  private today = LoadModel.emptyDay(Number.NaN);
  private day = { start: Number.NaN, end: Number.NaN, quarters: [] as { start: string; label: string }[] };
  private staffing: { key: string; value: LiveStats['staffing'] } | undefined;
  private nextSweep = Number.NEGATIVE_INFINITY;

  private static emptyDay(start: number) {
    return { start, closed: 0, avoided: 0, outcomes: { dispatch_unit: 0, phone_advice: 0, redirect: 0, cancelled: 0 }, redirects: new Map<string, number>() };
  }

  replaceAll(facts: readonly TaskFacts[]): void {
    for (const f of [...this.tasks.values()]) this.drop(f);
    this.upsert(facts);
  }

  upsert(facts: readonly TaskFacts[]): void {
    for (const f of facts) {
      const old = this.tasks.get(f.id);
      if (old) this.count(old, -1);
      this.tasks.set(f.id, f);
      this.count(f, 1);
    }
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Tasks waiting in the queue (new or call-back): the queue-length trend samples this. */
  waitingCount(): number {
    return this.states.queued + this.states.callback_pending;
  }

  private drop(f: TaskFacts): void {
    this.count(f, -1);
    this.tasks.delete(f.id);
  }

  /** Adds (sign 1) or takes out (sign -1) one task's part in every aggregate. */
  private count(f: TaskFacts, sign: 1 | -1): void {
    const received = f.receivedAt.getTime();
    const put = <V>(index: { insert(at: number, id: string, value: V): void; remove(at: number, id: string): unknown }, at: number, value: V) =>
      sign === 1 ? index.insert(at, f.id, value) : index.remove(at, f.id);
    put(this.received, received, null);
    if (OPEN.has(f.state)) {
      const state = f.state as keyof LoadModel['states'];
      this.states[state] += sign;
      const area = this.areaCounts.get(f.areaId) ?? { queued: 0, callbackPending: 0, inAssessment: 0 };
      this.areaCounts.set(f.areaId, area);
      if (state === 'queued') area.queued += sign;
      else if (state === 'callback_pending') area.callbackPending += sign;
      else area.inAssessment += sign;
      if (f.escalated) this.escalated += sign;
      if (f.decisionRequired) this.decisionRequired += sign;
      if (f.answeredAt === null) put(this.unreached, received, null);
      if (WAITING.has(f.state)) put(this.waiting, received, null);
      if (state === 'in_assessment' && f.claimedBy) this.hold(f, sign);
    }
    if (f.firstCallAt) put(this.firstCalls, f.firstCallAt.getTime(), Math.max(0, (f.firstCallAt.getTime() - received) / 1000));
    const closed = closedAt(f);
    if (closed !== null) {
      put(this.closed, closed, f);
      if (closed >= this.today.start) this.countClosedToday(f, sign);
      if (f.firstClaimedAt) put(this.handled, closed, closed - f.firstClaimedAt.getTime());
    }
  }

  private hold(f: TaskFacts, sign: 1 | -1): void {
    const id = f.claimedBy!.id;
    const entry = this.holders.get(id) ?? new HolderEntry();
    this.holders.set(id, entry);
    entry.change();
    if (sign === 1) entry.holds.set(f.id, { facts: f, heartbeat: f.heartbeatAt ? f.heartbeatAt.getTime() : null });
    else entry.holds.delete(f.id);
    if (entry.holds.size === 0) this.holders.delete(id);
  }

  private countClosedToday(f: TaskFacts, sign: 1 | -1): void {
    const day = this.today;
    day.closed += sign;
    if (isOutcome(f.outcomeType)) day.outcomes[f.outcomeType] += sign;
    if (isAvoidedDispatch({ state: f.state, outcomeType: f.outcomeType, referral: referralClass(f.outcomeType, f.referralState) })) day.avoided += sign;
    if (f.outcomeType === 'redirect' && f.redirectTarget) {
      const n = (day.redirects.get(f.redirectTarget) ?? 0) + sign;
      if (n === 0) day.redirects.delete(f.redirectTarget);
      else day.redirects.set(f.redirectTarget, n);
    }
  }

  /** The Helsinki day containing `now` (cached: Intl is slow), and today's closures counted for it. */
  private dayOf(now: number): number {
    if (!(now >= this.day.start && now < this.day.end)) {
      const start = helsinkiMidnight(new Date(now)).getTime();
      // Days are 23 to 25 hours long: 26 hours on is always within the next day.
      this.day = { start, end: helsinkiMidnight(new Date(start + 26 * HOUR)).getTime(), quarters: [] };
    }
    if (this.today.start !== this.day.start) {
      this.today = LoadModel.emptyDay(this.day.start);
      const entries = this.closed.entries;
      for (let i = this.closed.firstAtOrAfter(this.day.start); i < entries.length; i++) this.countClosedToday(entries[i]!.value, 1);
    }
    return this.day.start;
  }

  private quarter(i: number): { start: string; label: string } {
    const quarters = this.day.quarters;
    while (quarters.length <= i) {
      const start = new Date(this.day.start + quarters.length * QUARTER);
      quarters.push({ start: start.toISOString(), label: helsinkiTime(start) });
    }
    return quarters[i]!;
  }

  /** Drops the tasks that no longer count in any figure (only memory: they add nothing meanwhile). */
  private sweep(now: number, dayStart: number): void {
    this.nextSweep = now + SWEEP_EVERY;
    for (const f of [...this.tasks.values()]) {
      const relevant =
        OPEN.has(f.state) ||
        f.receivedAt.getTime() >= Math.min(dayStart, now - HOUR) ||
        (f.closedAt !== null && f.closedAt.getTime() >= Math.min(dayStart, now - HANDLING_WINDOW)) ||
        (f.firstCallAt !== null && f.firstCallAt.getTime() >= now - HOUR);
      if (!relevant) this.drop(f);
    }
  }

  private staffingFor(input: Parameters<typeof staffingEstimate>[0]): LiveStats['staffing'] {
    const key = `${input.arrivalsPerHour}|${input.meanHandlingMinutes}|${input.targetWaitSeconds}|${input.maxProbability}`;
    if (this.staffing?.key !== key) this.staffing = { key, value: staffingEstimate(input) };
    return this.staffing.value;
  }

  snapshot(ctx: SnapshotContext): LiveStats {
    const now = ctx.now.getTime();
    const dayStart = this.dayOf(now);
    if (now >= this.nextSweep || now < this.nextSweep - SWEEP_EVERY) this.sweep(now, dayStart);
    this.firstCalls.slideTo(now - HOUR);
    this.handled.slideTo(now - HANDLING_WINDOW);

    const unreached = this.unreached;
    const pastWaitTargets = ctx.settings.waitTargetsMinutes.map((minutes) => ({ minutes, tasks: unreached.countIn(Number.NEGATIVE_INFINITY, now - minutes * 60_000 + 1) }));
    const oldest = this.waiting.entries[0];
    const received = this.received;
    const arrivalsToday = Array.from({ length: Math.max(Math.ceil((now - dayStart) / QUARTER), 1) }, (_, i) => {
      const q = this.quarter(i);
      const from = dayStart + i * QUARTER;
      return { start: q.start, arrivals: received.countIn(from, Math.min(from + QUARTER, now + 1)), weekdayAverage: ctx.weekdayAverage.get(q.label) ?? 0 };
    });
    const waits = this.firstCallWaits.values;
    const today = this.today;
    const decided = today.closed - today.outcomes.cancelled;
    const { count, sumMs } = this.handling;

    const staleMs = ctx.settings.claimStaleSeconds * 1000;
    const onlineIds = new Set(ctx.online.map((u) => u.id));
    const nurses = [...this.holders.values()].map((entry) => {
      const { holder, holds } = entry.view(now, staleMs);
      return { id: holder.id, displayName: holder.displayName, role: holder.role, holds };
    });
    for (const user of ctx.online) if (!this.holders.has(user.id)) nurses.push({ ...user, holds: [] });

    return {
      seq: ctx.seq,
      generatedAt: ctx.now.toISOString(),
      queued: this.states.queued,
      inAssessment: this.states.in_assessment,
      callbackPending: this.states.callback_pending,
      escalated: this.escalated,
      decisionRequired: this.decisionRequired,
      oldestWaitSeconds: oldest === undefined ? null : Math.max(0, Math.floor((now - oldest.at) / 1000)),
      receivedToday: received.countIn(dayStart, now + 1),
      closedToday: today.closed,
      avoidedToday: today.avoided,
      avoidedShareToday: decided > 0 ? today.avoided / decided : null,
      outcomesToday: { ...today.outcomes },
      redirectsToday: Object.fromEntries(today.redirects),
      firstCallLastHour: { count: waits.length, medianSeconds: median(waits), p90Seconds: percentile(waits, 0.9) },
      pastWaitTargets,
      arrivalsToday,
      queueTrend: [...ctx.queueTrend],
      // Compared with the staffing estimate: shift leaders watching the board are not counted.
      nursesOnline: ctx.online.filter((u) => u.role === 'nurse').length,
      nurses: nurses
        .map((h) => ({ id: h.id, displayName: h.displayName, role: h.role === 'shift_leader' ? 'shift_leader' as const : 'nurse' as const, online: onlineIds.has(h.id), holds: h.holds }))
        .sort((a, b) => byName(a.displayName, b.displayName) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      byArea: ctx.areas.map((a) => ({ areaId: a.id, area: a.name, ...(this.areaCounts.get(a.id) ?? { queued: 0, callbackPending: 0, inAssessment: 0 }) })),
      staffing: this.staffingFor({
        arrivalsPerHour: received.countIn(now - HOUR, now + 1),
        meanHandlingMinutes: count ? sumMs / count / 60_000 : ctx.settings.defaultHandlingMinutes,
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

import type { LiveStats, NurseLiveStats } from '../contracts/stats.ts';
import { isAvoidedDispatch, referralClass } from '../tasks/avoided-dispatch.ts';
import { helsinkiMidnight, helsinkiTime } from '../time/helsinki.ts';
import { staffingEstimate } from './erlang-c.ts';
import { SlidingWindow, SortedNumbers, TimeIndex, type Entry } from './time-index.ts';

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

/** Where a task sits in each time index of the model: [instant, value], or null when not in it. */
interface Places {
  received: [number, null] | null;
  unreached: [number, null] | null;
  waiting: [number, null] | null;
  firstCall: [number, number] | null;
  closed: [number, TaskFacts] | null;
  handled: [number, number] | null;
}
const NOWHERE: Places = { received: null, unreached: null, waiting: null, firstCall: null, closed: null, handled: null };

function places(f: TaskFacts): Places {
  const received = f.receivedAt.getTime();
  const open = OPEN.has(f.state);
  const closed = closedAt(f);
  return {
    received: [received, null],
    unreached: open && f.answeredAt === null ? [received, null] : null,
    waiting: WAITING.has(f.state) ? [received, null] : null,
    firstCall: f.firstCallAt ? [f.firstCallAt.getTime(), Math.max(0, (f.firstCallAt.getTime() - received) / 1000)] : null,
    closed: closed === null ? null : [closed, f],
    handled: closed !== null && f.firstClaimedAt ? [closed, closed - f.firstClaimedAt.getTime()] : null,
  };
}

interface Placeable<V> {
  insert(at: number, id: string, value: V): void;
  remove(at: number, id: string): unknown;
  update(at: number, id: string, value: V): unknown;
}

function move<V>(index: Placeable<V>, id: string, from: [number, V] | null, to: [number, V] | null): void {
  if (from && to && from[0] === to[0]) {
    index.update(to[0], id, to[1]);
    return;
  }
  if (from) index.remove(from[0], id);
  if (to) index.insert(to[0], id, to[1]);
}

/**
 * Collation ranks of the names seen so far: sorting the board's nurses by rank compares integers,
 * while an Intl collator costs microseconds per comparison. Names that collate equal share a rank.
 */
class NameOrder {
  private readonly sorted: string[] = [];
  private readonly ranks = new Map<string, number>();

  rank(name: string): number {
    const known = this.ranks.get(name);
    if (known !== undefined) return known;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byName(this.sorted[mid]!, name) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.sorted.splice(lo, 0, name);
    let rank = 0;
    this.sorted.forEach((n, i) => {
      if (i > 0 && byName(this.sorted[i - 1]!, n) !== 0) rank++;
      this.ranks.set(n, rank);
    });
    return this.ranks.get(name)!;
  }
}

/** The tasks one user holds, with their output cached until a hold changes or crosses the stale line. */
class HolderEntry {
  readonly holds = new Map<string, { facts: TaskFacts; heartbeat: number | null }>();
  private cache: { staleMs: number; after: number; until: number; holder: Holder; holds: Hold[] } | undefined;

  change(): void {
    this.cache = undefined;
  }

  view(now: number, staleMs: number): { holder: Holder; holds: Hold[]; after: number; until: number } {
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
  private states = { queued: 0, in_assessment: 0, callback_pending: 0 };
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
  /** Arrivals per quarter-hour since the epoch (Helsinki days begin on a quarter-hour). */
  private readonly arrivals = new Map<number, number>();
  private readonly holders = new Map<string, HolderEntry>();
  /** Bumped whenever a hold comes or goes: the cached nurse list is rebuilt then. */
  private holdsVersion = 0;
  private readonly names = new NameOrder();
  private nurses: { version: number; online: SnapshotContext['online']; staleMs: number; after: number; until: number; list: LiveStats['nurses'] } | undefined;
  private arrivalsToday: { dayStart: number; weekdayAverage: SnapshotContext['weekdayAverage']; list: LiveStats['arrivalsToday'] } | undefined;
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

  /** Starts again from these facts: counters from scratch, each index sorted once (O(n log n)). */
  replaceAll(facts: readonly TaskFacts[]): void {
    this.tasks.clear();
    this.states = { queued: 0, in_assessment: 0, callback_pending: 0 };
    this.escalated = 0;
    this.decisionRequired = 0;
    this.areaCounts.clear();
    this.arrivals.clear();
    this.holders.clear();
    this.holdsVersion++;
    // Today's closures are counted again from the closed index when the day is next read.
    this.today = LoadModel.emptyDay(Number.NaN);
    const entries: { [K in keyof Places]: Entry<NonNullable<Places[K]>[1]>[] } = { received: [], unreached: [], waiting: [], firstCall: [], closed: [], handled: [] };
    for (const f of facts) {
      this.tasks.set(f.id, f);
      this.count(f, 1);
      const at = places(f);
      for (const key of Object.keys(entries) as (keyof Places)[]) {
        const place = at[key];
        if (place) (entries[key] as Entry<unknown>[]).push({ at: place[0], id: f.id, value: place[1] });
      }
    }
    this.received.reset(entries.received);
    this.unreached.reset(entries.unreached);
    this.waiting.reset(entries.waiting);
    this.closed.reset(entries.closed);
    this.firstCallWaits.reset(this.firstCalls.reset(entries.firstCall));
    const handled = this.handled.reset(entries.handled);
    this.handling = { count: handled.length, sumMs: handled.reduce((a, b) => a + b, 0) };
  }

  upsert(facts: readonly TaskFacts[]): void {
    for (const f of facts) {
      const old = this.tasks.get(f.id);
      if (old) this.count(old, -1);
      this.tasks.set(f.id, f);
      this.count(f, 1);
      this.place(f.id, old ? places(old) : NOWHERE, places(f));
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
    this.place(f.id, places(f), NOWHERE);
    this.tasks.delete(f.id);
  }

  /** Moves a task in the time indexes: in place where its instant did not change, so a state change costs no reordering. */
  private place(id: string, from: Places, to: Places): void {
    move(this.received, id, from.received, to.received);
    move(this.unreached, id, from.unreached, to.unreached);
    move(this.waiting, id, from.waiting, to.waiting);
    move(this.firstCalls, id, from.firstCall, to.firstCall);
    move(this.closed, id, from.closed, to.closed);
    move(this.handled, id, from.handled, to.handled);
  }

  /** Adds (sign 1) or takes out (sign -1) one task's part in the counters. */
  private count(f: TaskFacts, sign: 1 | -1): void {
    const quarter = Math.floor(f.receivedAt.getTime() / QUARTER);
    const arrivals = (this.arrivals.get(quarter) ?? 0) + sign;
    if (arrivals === 0) this.arrivals.delete(quarter);
    else this.arrivals.set(quarter, arrivals);
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
      if (state === 'in_assessment' && f.claimedBy) this.hold(f, sign);
    }
    const closed = closedAt(f);
    if (closed !== null && closed >= this.today.start) this.countClosedToday(f, sign);
  }

  private hold(f: TaskFacts, sign: 1 | -1): void {
    const id = f.claimedBy!.id;
    const entry = this.holders.get(id) ?? new HolderEntry();
    this.holders.set(id, entry);
    entry.change();
    this.holdsVersion++;
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

  /**
   * Arrivals per quarter-hour today: finished quarters from the per-quarter counts, the current one
   * up to now. The list is kept while no count in it changes (its entries are never changed in place).
   */
  private arrivalsList(now: number, dayStart: number, weekdayAverage: SnapshotContext['weekdayAverage']): LiveStats['arrivalsToday'] {
    const length = Math.max(Math.ceil((now - dayStart) / QUARTER), 1);
    const cached = this.arrivalsToday?.dayStart === dayStart && this.arrivalsToday.weekdayAverage === weekdayAverage ? this.arrivalsToday.list : [];
    // A new list from the first quarter that differs; unchanged entries are shared.
    let list: LiveStats['arrivalsToday'] | undefined;
    for (let i = 0; i < length; i++) {
      const from = dayStart + i * QUARTER;
      const arrivals = i < length - 1 ? (this.arrivals.get(from / QUARTER) ?? 0) : this.received.countIn(from, Math.min(from + QUARTER, now + 1));
      const old = cached[i];
      if (old && old.arrivals === arrivals) {
        if (list) list.push(old);
        continue;
      }
      list ??= cached.slice(0, i);
      const q = this.quarter(i);
      list.push({ start: q.start, arrivals, weekdayAverage: weekdayAverage.get(q.label) ?? 0 });
    }
    list ??= cached.length === length ? cached : cached.slice(0, length);
    this.arrivalsToday = { dayStart, weekdayAverage, list };
    return list;
  }

  /** Who holds what, and who is online: kept while no hold changes, nobody comes or goes and no hold turns stale. */
  private nurseList(now: number, staleMs: number, online: SnapshotContext['online']): LiveStats['nurses'] {
    const c = this.nurses;
    const sameOnline = (a: SnapshotContext['online'], b: SnapshotContext['online']) =>
      a === b || (a.length === b.length && a.every((u, i) => u.id === b[i]!.id && u.displayName === b[i]!.displayName && u.role === b[i]!.role));
    if (c && c.version === this.holdsVersion && c.staleMs === staleMs && now > c.after && now <= c.until && sameOnline(c.online, online)) return c.list;
    let after = Number.NEGATIVE_INFINITY;
    let until = Number.POSITIVE_INFINITY;
    const rows: { holder: Holder; holds: Hold[] }[] = [];
    for (const entry of this.holders.values()) {
      const view = entry.view(now, staleMs);
      after = Math.max(after, view.after);
      until = Math.min(until, view.until);
      rows.push(view);
    }
    for (const user of online) if (!this.holders.has(user.id)) rows.push({ holder: user, holds: [] });
    const onlineIds = new Set(online.map((u) => u.id));
    // Every name first: a new name renumbers the ranks of those after it.
    for (const { holder } of rows) this.names.rank(holder.displayName);
    const ranked = rows.map(({ holder, holds }) => ({ rank: this.names.rank(holder.displayName), row: { id: holder.id, displayName: holder.displayName, role: holder.role === 'shift_leader' ? 'shift_leader' as const : 'nurse' as const, online: onlineIds.has(holder.id), holds } }));
    const list = ranked.sort((a, b) => a.rank - b.rank || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0)).map((r) => r.row);
    this.nurses = { version: this.holdsVersion, online, staleMs, after, until, list };
    return list;
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
    const waits = this.firstCallWaits.values;
    const today = this.today;
    const decided = today.closed - today.outcomes.cancelled;
    const { count, sumMs } = this.handling;

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
      arrivalsToday: this.arrivalsList(now, dayStart, ctx.weekdayAverage),
      queueTrend: [...ctx.queueTrend],
      // Compared with the staffing estimate: shift leaders watching the board are not counted.
      nursesOnline: ctx.online.filter((u) => u.role === 'nurse').length,
      nurses: this.nurseList(now, ctx.settings.claimStaleSeconds * 1000, ctx.online),
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

import type { Config } from '../config.ts';
import type { LiveStats } from '../contracts/stats.ts';
import type { Db } from '../db/create-db.ts';
import { lastEventSeq } from '../events/events.repository.ts';
import type { Logger } from '../logger.ts';
import { helsinkiDate, helsinkiMidnight } from '../time/helsinki.ts';
import { LoadModel, forNurses } from './load-model.ts';
import { factsChangedSince, listActiveAreas, loadBoardFacts, queueTrend, weekdayAverages } from './stats.repository.ts';

export interface LiveStatsOutput {
  /** Clinical users with a live socket on any node. */
  online(): Promise<{ id: string; displayName: string; role: string }[]>;
  /** Sends the figures to this node's own sockets (each node serves its own). */
  emit(full: LiveStats, reduced: ReturnType<typeof forNurses>): void;
}

/**
 * This node's live load: a LoadModel fed from the shared event stream. Every node reads the same
 * events from the database, so every node shows the same figures for the same seq. Updates are
 * coalesced to at most one per `minIntervalMs`; a full reload at `fullIntervalMs` heals any drift.
 */
export function createLiveStats(db: Db, config: Config, output: LiveStatsOutput, logger: Logger) {
  const settings = config.liveStats;
  const model = new LoadModel();
  const warn = (what: string) => (err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, what);
  let seq = 0;
  let areas: { id: string; name: string }[] = [];
  let averages = { day: '', map: new Map<string, number>() };
  let trend: { at: string; waiting: number }[] = [];
  // Presence asks every node (fetchSockets): refreshed when sockets come and go, not per update.
  let online: Awaited<ReturnType<LiveStatsOutput['online']>> = [];
  let presenceStale = true;
  // One refresh at a time on this node: the model is this node's cache, the database stays the truth.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work, work);
    chain = run.catch(() => undefined);
    return run;
  };

  async function fullReload(): Promise<void> {
    const now = new Date();
    const since = new Date(Math.min(helsinkiMidnight(now).getTime(), now.getTime() - 8 * 3_600_000));
    const latest = await lastEventSeq(db);
    const [facts, areaRows, trendRows] = await Promise.all([loadBoardFacts(db, since), listActiveAreas(db), queueTrend(db, now)]);
    model.replaceAll(facts);
    areas = areaRows;
    trend = trendRows;
    presenceStale = true;
    seq = latest;
    if (averages.day !== helsinkiDate(now)) averages = { day: helsinkiDate(now), map: await weekdayAverages(db, now) };
  }

  /** Applies the events this node has not seen yet (one read); true when anything changed. */
  async function catchUp(): Promise<boolean> {
    const { facts, lastSeq } = await factsChangedSince(db, seq);
    if (lastSeq === seq) return false;
    model.upsert(facts);
    seq = lastSeq;
    return true;
  }

  async function snapshot(): Promise<LiveStats> {
    if (presenceStale) {
      presenceStale = false;
      // A node that died is still counted by the adapter for a while and never answers: keep the
      // last presence rather than stall the board; the next reload asks again.
      online = await output.online().catch((err: unknown) => {
        warn('presence query failed')(err);
        presenceStale = true;
        return online;
      });
    }
    return model.snapshot({
      now: new Date(),
      seq,
      areas,
      online,
      weekdayAverage: averages.map,
      // The rebuilt quarter-hours, then this moment from the live model.
      queueTrend: [...trend, { at: new Date().toISOString(), waiting: model.waitingCount() }],
      settings: {
        waitTargetsMinutes: config.lifecycle.waitTargetsMinutes,
        claimStaleSeconds: config.lifecycle.claimStaleSeconds,
        staffingTargetWaitSeconds: settings.staffingTargetWaitSeconds,
        staffingMaxProbability: settings.staffingMaxProbability,
        defaultHandlingMinutes: settings.defaultHandlingMinutes,
      },
    });
  }

  let lastEmit = 0;
  let pending: NodeJS.Timeout | undefined;
  // A commit on this node since the last catch-up: the next emit catches up first. The figures go
  // out at most every minIntervalMs, so reading more often than that would only cost the database.
  let catchUpDue = false;
  async function emitNow(): Promise<void> {
    const full = await snapshot();
    output.emit(full, forNurses(full));
  }
  function scheduleEmit(): void {
    if (pending) return;
    const wait = Math.max(0, lastEmit + settings.minIntervalMs - Date.now());
    pending = setTimeout(() => {
      // Counted from when the emit is decided, not run: the work queue may hold it back a while,
      // and further events meanwhile must wait for the next slot, not queue more emits.
      lastEmit = Date.now();
      serial(async () => {
        pending = undefined;
        if (catchUpDue) {
          catchUpDue = false;
          await catchUp().catch((err: unknown) => {
            catchUpDue = true;
            throw err;
          });
        }
        await emitNow();
      }).catch(warn('stats emit failed'));
    }, wait);
  }

  const timers: NodeJS.Timeout[] = [];
  let started = false;

  return {
    async start(): Promise<void> {
      await serial(fullReload);
      started = true;
      timers.push(
        setInterval(() => void serial(catchUp).then((changed) => changed && scheduleEmit(), warn('stats catch-up failed')), settings.pollMs),
        setInterval(() => {
          lastEmit = Date.now();
          serial(async () => { await fullReload(); await emitNow(); }).catch(warn('stats reload failed'));
        }, settings.fullIntervalMs),
      );
      for (const timer of timers) timer.unref();
    },

    /** A commit on this node: catch up with the event stream at the next emit (one read per emit at most). */
    notify(): void {
      if (!started) return;
      catchUpDue = true;
      scheduleEmit();
    },

    /** A clinical user's socket came or went on this node. */
    presenceChanged(): void {
      presenceStale = true;
      if (started) scheduleEmit();
    },

    /** The current figures, after catching up with every committed event. */
    async current(): Promise<LiveStats> {
      return serial(async () => {
        if (!started) await fullReload();
        await catchUp();
        return snapshot();
      });
    },

    stop(): void {
      for (const timer of timers) clearInterval(timer);
      if (pending) clearTimeout(pending);
    },

    /** For the benchmark: the model and a way to time one event's work. */
    model,
  };
}
export type LiveStatsService = ReturnType<typeof createLiveStats>;

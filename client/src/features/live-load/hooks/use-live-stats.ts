import { useCallback, useEffect, useRef, useState } from 'react';
import type { LiveStats, NurseLiveStats } from '../../../../../server/contracts/stats.ts';
import { subscribeConnected, subscribeStats } from '../../../lib/socket.ts';
import { fetchLiveStats, isFullStats } from '../api/live-api.ts';

export interface LiveFigures {
  stats: LiveStats;
  /** This browser's clock when the figures arrived: local ticking starts here, whatever the wall clock's error. */
  arrivedAt: number;
}

export interface LiveStatsState {
  live: LiveFigures | null;
  /** The last failed load, cleared by the next figures that arrive. */
  error: unknown;
  reload(): void;
}

/** Whether `next` is at least as recent as what is shown: an HTTP answer may arrive after a newer push. */
function isNewer(current: LiveStats | undefined, next: LiveStats): boolean {
  if (!current) return true;
  if (next.seq !== current.seq) return next.seq > current.seq;
  return next.generatedAt >= current.generatedAt;
}

/**
 * The live figures: loaded on mount and after every socket (re)connect, when pushes may have been
 * missed, and replaced by every stats:update the server pushes in between.
 */
export function useLiveStats(): LiveStatsState {
  const [live, setLive] = useState<LiveFigures | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const inFlight = useRef<AbortController | null>(null);

  const accept = useCallback((next: LiveStats | NurseLiveStats) => {
    if (!isFullStats(next)) return;
    setError(undefined);
    setLive((current) => (isNewer(current?.stats, next) ? { stats: next, arrivedAt: Date.now() } : current));
  }, []);

  const reload = useCallback(() => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    fetchLiveStats(controller.signal).then(accept, (err: unknown) => {
      if (!controller.signal.aborted) setError(err);
    });
  }, [accept]);

  useEffect(() => {
    const offStats = subscribeStats(accept);
    const offConnected = subscribeConnected(reload);
    reload();
    return () => {
      offStats();
      offConnected();
      inFlight.current?.abort();
    };
  }, [accept, reload]);

  return { live, error, reload };
}

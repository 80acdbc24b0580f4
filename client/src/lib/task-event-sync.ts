import { useEffect, useEffectEvent } from 'react';
import type { TaskChangedEvent } from '../../../server/contracts/realtime.ts';
import type { EventsPage, TaskEventDto } from '../../../server/contracts/tasks.ts';
import { api } from './api.ts';
import { subscribeConnected, subscribeTaskChanged } from './socket.ts';

export interface TaskEventSyncHandlers {
  /** The next events in seq order: nothing was missed before them. */
  onEvents(events: readonly TaskChangedEvent[]): void;
  /**
   * Events may have been missed (first start, a reconnect, a gap in seq): reload what is shown.
   * `events` are those since the last one seen, or null when that is not known (first start, or
   * more than one page of them).
   */
  onResync(events: readonly TaskEventDto[] | null): void;
}

const PAGE = 1000;
const RETRY_MS = 3_000;

/**
 * Follows the task event stream: every task:changed event in seq order, and a resync from
 * GET /api/events?since= on start, after every (re)connect and whenever seq jumps (an event this
 * role does not see, or one lost while the socket was down). Returns the stop function.
 */
export function startTaskEventSync(handlers: TaskEventSyncHandlers): () => void {
  let lastSeq: number | null = null;
  let syncing = false;
  let again = false;
  let stopped = false;
  let buffered: TaskChangedEvent[] = [];
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Applies events in order; false when one does not follow on (a gap): a resync is needed. */
  function apply(events: readonly TaskChangedEvent[]): boolean {
    const fresh: TaskChangedEvent[] = [];
    let inOrder = true;
    for (const event of events) {
      if (lastSeq === null || event.seq <= lastSeq) continue;
      if (event.seq > lastSeq + 1) {
        inOrder = false;
        break;
      }
      lastSeq = event.seq;
      fresh.push(event);
    }
    if (fresh.length > 0) handlers.onEvents(fresh);
    return inOrder;
  }

  async function resync(): Promise<void> {
    if (syncing) {
      again = true;
      return;
    }
    syncing = true;
    clearTimeout(retryTimer);
    try {
      do {
        again = false;
        const since = lastSeq;
        // On first start only the high-water mark matters: what is shown is loaded fresh anyway.
        const page = await api<EventsPage>('/api/events', { query: { since: since ?? 0, limit: since === null ? 1 : PAGE } });
        if (stopped) return;
        lastSeq = Math.max(lastSeq ?? 0, page.lastSeq);
        handlers.onResync(since === null || page.hasMore ? null : page.events);
        const waiting = buffered;
        buffered = [];
        if (!apply(waiting)) again = true;
      } while (again && !stopped);
    } catch {
      if (!stopped) retryTimer = setTimeout(() => void resync(), RETRY_MS);
    } finally {
      syncing = false;
    }
  }

  const offEvent = subscribeTaskChanged((event) => {
    if (syncing || lastSeq === null) {
      buffered.push(event);
      return;
    }
    if (!apply([event])) void resync();
  });
  const offConnected = subscribeConnected(() => void resync());
  void resync();

  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    offEvent();
    offConnected();
  };
}

/** Follows the task event stream while the component is mounted (see startTaskEventSync). */
export function useTaskEventSync(handlers: TaskEventSyncHandlers): void {
  const onEvents = useEffectEvent((events: readonly TaskChangedEvent[]) => handlers.onEvents(events));
  const onResync = useEffectEvent((events: readonly TaskEventDto[] | null) => handlers.onResync(events));
  useEffect(() => startTaskEventSync({ onEvents: (events) => onEvents(events), onResync: (events) => onResync(events) }), []);
}

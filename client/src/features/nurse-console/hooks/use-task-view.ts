import { useCallback, useEffect, useRef, useState } from 'react';
import type { TaskChangedEvent } from '../../../../../server/contracts/realtime.ts';
import type { TaskDetail, TaskEventDto, TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { ApiError } from '../../../lib/api.ts';
import { getTask, sendHeartbeat } from '../api/nurse-api.ts';

const RELOAD_DEBOUNCE_MS = 150;
const HEARTBEAT_MS = 30_000;

export interface TaskView {
  task: TaskDetail | undefined;
  /** The last load failed. */
  error: unknown;
  reload(): void;
  /** The newest version of the task known here: what a change must send. */
  version(): number;
  /**
   * Runs a request that changes the task and takes its answer into the view; the events the change
   * causes do not reload the view.
   */
  change(request: Promise<TaskSummary>): Promise<TaskSummary>;
  /** task:changed events in order: reloads when the open task changed by someone else's hand. */
  noteEvents(events: readonly TaskChangedEvent[]): void;
  /** Events may have been missed: reloads when the open task may be among them. */
  noteResync(events: readonly TaskEventDto[] | null): void;
}

/** Whether this user holds the task (and may work on it). */
export function holds(task: TaskSummary | undefined, userId: string): boolean {
  return task?.state === 'in_assessment' && task.claimedBy?.id === userId;
}

/**
 * One task opened in full, kept current: reloaded when its events show a change made elsewhere,
 * and, while this user holds it, a heartbeat every 30 s so the claim does not show as stale.
 */
export function useTaskView(taskId: string | null, userId: string): TaskView {
  const [task, setTask] = useState<TaskDetail | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const version = useRef(0);
  const seenVersion = useRef(0);
  const inFlight = useRef(0);
  const generation = useRef(0);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const reload = useCallback(() => {
    clearTimeout(reloadTimer.current);
    if (!taskId) return;
    const mine = ++generation.current;
    getTask(taskId).then(
      (detail) => {
        if (mine !== generation.current) return;
        version.current = Math.max(version.current, detail.version);
        setTask(detail);
        setError(undefined);
      },
      (err: unknown) => {
        if (mine === generation.current) setError(err);
      },
    );
  }, [taskId]);

  const reloadSoon = useCallback(() => {
    clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(reload, RELOAD_DEBOUNCE_MS);
  }, [reload]);

  const reloadIfChangedElsewhere = useCallback(() => {
    if (inFlight.current === 0 && seenVersion.current > version.current) reloadSoon();
  }, [reloadSoon]);

  useEffect(() => {
    version.current = 0;
    seenVersion.current = 0;
    setTask(undefined);
    setError(undefined);
    reload();
    return () => {
      generation.current++;
      clearTimeout(reloadTimer.current);
    };
  }, [reload]);

  const holding = holds(task, userId);
  useEffect(() => {
    if (!taskId || !holding) return;
    const beat = () => {
      sendHeartbeat(taskId).then(
        (reply) => {
          version.current = Math.max(version.current, reply.version);
        },
        (err: unknown) => {
          // Taken over or closed meanwhile: show what is true now. A network failure waits for the next beat.
          if (err instanceof ApiError && err.status === 409) reload();
        },
      );
    };
    beat();
    const interval = setInterval(beat, HEARTBEAT_MS);
    return () => clearInterval(interval);
  }, [taskId, holding, reload]);

  const change = useCallback(
    async (request: Promise<TaskSummary>): Promise<TaskSummary> => {
      inFlight.current++;
      try {
        const summary = await request;
        version.current = Math.max(version.current, summary.version);
        setTask((current) => (current && current.id === summary.id && summary.version >= current.version ? { ...current, ...summary } : current));
        return summary;
      } finally {
        inFlight.current--;
        reloadIfChangedElsewhere();
      }
    },
    [reloadIfChangedElsewhere],
  );

  const noteEvents = useCallback(
    (events: readonly TaskChangedEvent[]) => {
      for (const event of events) {
        if (event.taskId === taskId) seenVersion.current = Math.max(seenVersion.current, event.version);
      }
      reloadIfChangedElsewhere();
    },
    [taskId, reloadIfChangedElsewhere],
  );

  const noteResync = useCallback(
    (events: readonly TaskEventDto[] | null) => {
      if (!taskId) return;
      if (events === null || events.some((e) => e.taskId === taskId)) reloadSoon();
    },
    [taskId, reloadSoon],
  );

  const currentVersion = useCallback(() => version.current, []);

  return { task: task?.id === taskId ? task : undefined, error, reload, version: currentVersion, change, noteEvents, noteResync };
}

import { useCallback, useEffect, useRef, useState } from 'react';
import type { TaskList, TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { listQueue } from '../api/nurse-api.ts';

const DEBOUNCE_MS = 150;
/** Also reload now and then: a claim that goes stale changes no event a nurse receives. */
const SAFETY_REFRESH_MS = 30_000;

export interface Queue {
  tasks: TaskSummary[] | undefined;
  /** The server's counts per state under the same filter: the list may be cut, these are not. */
  totals: TaskList['totals'] | undefined;
  /** The last reload failed (the list shown is older). */
  error: unknown;
  /** When the list shown was loaded (ms). */
  updatedAt: number | undefined;
  /** Reload soon; many calls within a moment make one request. */
  refreshSoon(): void;
}

/** The open tasks (the queue), optionally of one area; an older answer never replaces a newer one. */
export function useQueue(areaId: string | null): Queue {
  const [list, setList] = useState<TaskList | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [updatedAt, setUpdatedAt] = useState<number | undefined>(undefined);
  const generation = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(() => {
    clearTimeout(timer.current);
    const mine = ++generation.current;
    listQueue(areaId).then(
      (answer) => {
        if (mine !== generation.current) return;
        setList(answer);
        setError(undefined);
        setUpdatedAt(Date.now());
      },
      (err: unknown) => {
        if (mine === generation.current) setError(err);
      },
    );
  }, [areaId]);

  const refreshSoon = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(refresh, DEBOUNCE_MS);
  }, [refresh]);

  useEffect(() => {
    refresh();
    const interval = setInterval(refresh, SAFETY_REFRESH_MS);
    return () => {
      clearInterval(interval);
      clearTimeout(timer.current);
      generation.current++;
    };
  }, [refresh]);

  return { tasks: list?.tasks, totals: list?.totals, error, updatedAt, refreshSoon };
}

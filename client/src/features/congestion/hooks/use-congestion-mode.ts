import { useEffect, useSyncExternalStore } from 'react';
import type { CongestionModeDto } from '../../../../../server/contracts/congestion.ts';
import { subscribeConnected, subscribeCongestion } from '../../../lib/socket.ts';
import { getCongestionMode } from '../api/congestion-api.ts';

// One copy of the mode for every component that shows it; the server's version orders the answers.
let mode: CongestionModeDto | null = null;
const listeners = new Set<() => void>();

/** Takes a newer state of the mode (from the API, a switch made here, or congestion:changed). */
export function noteCongestionMode(next: CongestionModeDto): void {
  if (mode && next.version < mode.version) return;
  mode = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Congestion mode as the server has it: read on mount and after every (re)connect (a switch may
 * have been missed), kept current by congestion:changed. Null until the first answer.
 */
export function useCongestionMode(): CongestionModeDto | null {
  useEffect(() => {
    const load = () => void getCongestionMode().then(noteCongestionMode, () => undefined);
    load();
    const offConnected = subscribeConnected(load);
    const offChanged = subscribeCongestion(noteCongestionMode);
    return () => {
      offConnected();
      offChanged();
    };
  }, []);
  return useSyncExternalStore(subscribe, () => mode);
}

// How long a patient has waited, against the waiting-time targets of the D class: the targets are
// counted from receivedAt, and 120 min is the D response limit. The server's defaults; the API does
// not publish the configured values (WAIT_TARGETS_MINUTES, RESPONSE_LIMIT_MINUTES) to clients.
export const WAIT_TARGETS_MINUTES = [30, 60, 90] as const;
export const RESPONSE_LIMIT_MINUTES = 120;
/** "Nearing" starts this long before the first target. */
const NEAR_MINUTES = 5;

export type WaitTone = 'ok' | 'near' | 'over-1' | 'over-2' | 'over-3' | 'limit';

export interface WaitLevel {
  tone: WaitTone;
  /** The target that is near or passed, in minutes; null while calm. */
  targetMinutes: number | null;
}

const OVER_TONES = ['over-1', 'over-2', 'over-3'] as const;

export function waitLevel(waitedMs: number): WaitLevel {
  const minutes = waitedMs / 60_000;
  if (minutes >= RESPONSE_LIMIT_MINUTES) return { tone: 'limit', targetMinutes: RESPONSE_LIMIT_MINUTES };
  for (let i = WAIT_TARGETS_MINUTES.length - 1; i >= 0; i--) {
    const target = WAIT_TARGETS_MINUTES[i];
    const tone = OVER_TONES[i];
    if (target !== undefined && tone !== undefined && minutes >= target) return { tone, targetMinutes: target };
  }
  const first = WAIT_TARGETS_MINUTES[0];
  if (minutes >= first - NEAR_MINUTES) return { tone: 'near', targetMinutes: first };
  return { tone: 'ok', targetMinutes: null };
}

/** 7:05 under an hour, 1:02:33 from an hour on; never negative (clock skew). */
export function formatWaited(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

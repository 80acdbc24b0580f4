// How long a patient has waited, against the waiting-time targets of the D class, counted from
// receivedAt, and the D response limit. The server's defaults until GET /api/settings has answered.
let waitTargetsMinutes: readonly number[] = [30, 60, 90];
let responseLimitMinutes = 120;
/** "Nearing" starts this long before the first target. */
const NEAR_MINUTES = 5;

/** Takes the configured targets (GET /api/settings); the wait clocks use them from their next tick. */
export function configureWaitTargets(targets: readonly number[], limit: number): void {
  waitTargetsMinutes = [...targets].sort((a, b) => a - b);
  responseLimitMinutes = limit;
}

export type WaitTone = 'ok' | 'near' | 'over-1' | 'over-2' | 'over-3' | 'limit';

export interface WaitLevel {
  tone: WaitTone;
  /** The target that is near or passed, in minutes; null while calm. */
  targetMinutes: number | null;
}

const OVER_TONES = ['over-1', 'over-2', 'over-3'] as const;

/** `limitMinutes`: the task's own response limit (a C-task's is shorter); default the D limit. */
export function waitLevel(waitedMs: number, limitMinutes = responseLimitMinutes): WaitLevel {
  const minutes = waitedMs / 60_000;
  if (minutes >= limitMinutes) return { tone: 'limit', targetMinutes: limitMinutes };
  // Three colour steps: with more targets configured, the last steps share the strongest colour.
  for (let i = waitTargetsMinutes.length - 1; i >= 0; i--) {
    const target = waitTargetsMinutes[i];
    const tone = OVER_TONES[Math.min(i, OVER_TONES.length - 1)];
    if (target !== undefined && tone !== undefined && minutes >= target) return { tone, targetMinutes: target };
  }
  const first = waitTargetsMinutes[0];
  if (first !== undefined && minutes >= first - NEAR_MINUTES) return { tone: 'near', targetMinutes: first };
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

import { createHmac } from 'node:crypto';

export interface SampleCandidate {
  taskId: string;
  nurseId: string;
}

export interface SampleRule {
  /** Share of each nurse's tasks, 0..1. */
  rate: number;
  /** At least this many per nurse (all of hers when she has fewer). */
  minimum: number;
}

/** How many of `count` tasks are drawn: the rate rounded up, at least the minimum, at most all. */
export function sampleSize(count: number, rule: SampleRule): number {
  return Math.min(count, Math.max(rule.minimum, Math.ceil(count * rule.rate)));
}

/**
 * The month's random sample, per nurse: each task gets a rank HMAC(key, month + task id) and each
 * nurse's lowest-ranked tasks are drawn. The same candidates, key and month always give the same
 * sample, in any input order, on any node; without the key nobody can tell in advance which tasks
 * will be drawn.
 */
export function drawSample(candidates: readonly SampleCandidate[], key: string, month: string, rule: SampleRule): SampleCandidate[] {
  const byNurse = new Map<string, { candidate: SampleCandidate; rank: string }[]>();
  for (const candidate of candidates) {
    const rank = createHmac('sha256', key).update(`${month}:${candidate.taskId}`).digest('hex');
    const list = byNurse.get(candidate.nurseId) ?? [];
    list.push({ candidate, rank });
    byNurse.set(candidate.nurseId, list);
  }
  const drawn: SampleCandidate[] = [];
  for (const nurseId of [...byNurse.keys()].sort()) {
    const ranked = byNurse.get(nurseId)!.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    drawn.push(...ranked.slice(0, sampleSize(ranked.length, rule)).map((r) => r.candidate));
  }
  return drawn;
}

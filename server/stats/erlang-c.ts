/**
 * Erlang C for an M/M/N queue: calls arrive as a Poisson process, handling times are exponential,
 * N nurses serve one queue, nobody hangs up. Traffic A = arrival rate x mean handling time (Erlangs).
 *
 *   P(wait > 0)  = C(N, A) = N·B(N, A) / (N − A·(1 − B(N, A)))      (B: Erlang B, computed by recursion)
 *   P(wait > t)  = C(N, A) · exp(−(N − A) · t / AHT)
 *
 * The recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)) avoids the factorials that overflow for
 * large N. With N ≤ A the queue grows without bound and the probability is 1.
 */
export function erlangC(agents: number, traffic: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (traffic * b) / (n + traffic * b);
  return (agents * b) / (agents - traffic * (1 - b));
}

export function probabilityWaitExceeds(agents: number, traffic: number, waitSeconds: number, handlingSeconds: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  return erlangC(agents, traffic) * Math.exp((-(agents - traffic) * waitSeconds) / handlingSeconds);
}

export interface StaffingEstimate {
  arrivalsPerHour: number;
  meanHandlingMinutes: number;
  trafficErlangs: number;
  targetWaitSeconds: number;
  maxProbability: number;
  /** The fewest nurses with P(wait > target) ≤ maxProbability (at least 1). */
  nursesNeeded: number;
  probabilityAtNeeded: number;
}

export function staffingEstimate(input: {
  arrivalsPerHour: number;
  meanHandlingMinutes: number;
  targetWaitSeconds: number;
  maxProbability: number;
}): StaffingEstimate {
  const handlingSeconds = input.meanHandlingMinutes * 60;
  const traffic = (input.arrivalsPerHour / 3600) * handlingSeconds;
  let agents = Math.max(1, Math.floor(traffic) + 1);
  let p = probabilityWaitExceeds(agents, traffic, input.targetWaitSeconds, handlingSeconds);
  while (p > input.maxProbability && agents < 10_000) {
    agents += 1;
    p = probabilityWaitExceeds(agents, traffic, input.targetWaitSeconds, handlingSeconds);
  }
  return {
    arrivalsPerHour: input.arrivalsPerHour,
    meanHandlingMinutes: input.meanHandlingMinutes,
    trafficErlangs: traffic,
    targetWaitSeconds: input.targetWaitSeconds,
    maxProbability: input.maxProbability,
    nursesNeeded: agents,
    probabilityAtNeeded: p,
  };
}

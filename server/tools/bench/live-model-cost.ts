// The live board's model work per event at 3,000 open tasks, in process: used by `npm run bench:live`
// and `npm run bench` (goal: < 0.1 ms of CPU per event).
import { LoadModel, type TaskFacts } from '../../stats/load-model.ts';

export function modelCost(): { perEvent: number; tasks: number } {
  const model = new LoadModel();
  const now = Date.now();
  const areas = Array.from({ length: 6 }, (_, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, name: `Area ${i}` }));
  // 3,000 open tasks (queued, in assessment, call-back) and 1,000 closed today.
  const OPEN_TASKS = 3000;
  const facts: TaskFacts[] = Array.from({ length: OPEN_TASKS + 1000 }, (_, i) => {
    const state = i >= OPEN_TASKS ? 'closed' : (['queued', 'in_assessment', 'callback_pending'] as const)[i % 3]!;
    return {
      id: `task-${i}`,
      ercTaskId: `ERC-${i}`,
      state,
      areaId: areas[i % 6]!.id,
      receivedAt: new Date(now - (i % 600) * 60_000),
      firstCallAt: i % 2 ? new Date(now - (i % 50) * 60_000) : null,
      answeredAt: null,
      escalated: i % 50 === 0,
      decisionRequired: false,
      claimedBy: state === 'in_assessment' ? { id: `nurse-${i % 40}`, displayName: `Nurse ${i % 40}`, role: 'nurse' } : null,
      heartbeatAt: new Date(now),
      outcomeType: state === 'closed' ? (['dispatch_unit', 'phone_advice', 'redirect'] as const)[i % 3]! : null,
      referralState: 'accepted',
      redirectTarget: 'home_care',
      closedAt: state === 'closed' ? new Date(now - (i % 400) * 60_000) : null,
      firstClaimedAt: new Date(now - (i % 500) * 60_000),
    };
  });
  model.replaceAll(facts);
  const ctx = (at: number) => ({
    now: new Date(at), seq: 1, areas, online: [], weekdayAverage: new Map<string, number>(), queueTrend: [],
    settings: { waitTargetsMinutes: [30, 60, 90], claimStaleSeconds: 120, staffingTargetWaitSeconds: 1800, staffingMaxProbability: 0.2, defaultHandlingMinutes: 15 },
  });
  // Each event: one task changes state, then every figure at a clock 50 ms later than the last.
  const n = 5000;
  let event = 0;
  // CPU time of this process, not wall time: on a shared machine waiting for a core is not model work.
  const round = (): number => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++, event++) {
      model.upsert([{ ...facts[event % OPEN_TASKS]!, state: event % 2 ? 'queued' : 'in_assessment' }]);
      model.snapshot(ctx(now + event * 50));
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 / n;
  };
  round();
  const rounds = Array.from({ length: 5 }, round).sort((a, b) => a - b);
  return { perEvent: rounds[2]!, tasks: OPEN_TASKS };
}

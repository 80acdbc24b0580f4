import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoadModel, type SnapshotContext, type TaskFacts } from '../../server/stats/load-model.ts';
import { SlidingWindow, SortedNumbers, TimeIndex } from '../../server/stats/time-index.ts';

// Pure model tests: no database. The incremental model (events applied one at a time, the clock
// moving on between them) must give exactly the figures of a model rebuilt from the same facts.

const MINUTE = 60_000;
// 2026-03-28 20:00 UTC: the night Helsinki moves to summer time is inside the range the clock covers.
const BASE = Date.UTC(2026, 2, 28, 20, 0);
const AREAS = [
  { id: '00000000-0000-4000-8000-000000000001', name: 'Oulu' },
  { id: '00000000-0000-4000-8000-000000000002', name: 'Kempele' },
];
const NURSES = [
  { id: '00000000-0000-4000-8000-0000000000a1', displayName: 'Anna', role: 'nurse' },
  { id: '00000000-0000-4000-8000-0000000000a2', displayName: 'Bertta', role: 'nurse' },
  { id: '00000000-0000-4000-8000-0000000000a3', displayName: 'Anna', role: 'shift_leader' },
];
const IDS = Array.from({ length: 12 }, (_, i) => `00000000-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`);

function ctx(now: number, online: SnapshotContext['online']): SnapshotContext {
  return {
    now: new Date(now),
    seq: 1,
    areas: AREAS,
    online,
    weekdayAverage: new Map([['00:15', 2], ['21:30', 0.5]]),
    queueTrend: [],
    settings: { waitTargetsMinutes: [30, 60], claimStaleSeconds: 120, staffingTargetWaitSeconds: 1800, staffingMaxProbability: 0.2, defaultHandlingMinutes: 15 },
  };
}

/** Instants within a few hours of the clock: before it, after it, exactly on it. */
// Mostly whole minutes, so that tasks often sit exactly on a window's edge as the clock moves in minutes.
const offset = fc.oneof(fc.integer({ min: -150, max: 5 }).map((m) => m * MINUTE), fc.integer({ min: -30 * 60, max: 10 }).map((m) => m * MINUTE), fc.integer({ min: -3 * 3_600_000, max: 1000 }));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const facts = (id: string) =>
  fc
    .record({
      state: fc.constantFrom('queued', 'in_assessment', 'callback_pending', 'closed', 'closed', 'transferred'),
      area: fc.nat(AREAS.length), // one past the end: an area the board does not list
      received: offset,
      firstCall: maybe(fc.oneof(fc.integer({ min: 0, max: 90 }).map((m) => m * MINUTE), fc.integer({ min: 0, max: 90 * MINUTE }))),
      answered: fc.boolean(),
      escalated: fc.boolean(),
      decisionRequired: fc.boolean(),
      holder: maybe(fc.constantFrom(...NURSES)),
      heartbeat: maybe(fc.integer({ min: -10 * MINUTE, max: 0 })),
      outcomeType: maybe(fc.constantFrom('dispatch_unit', 'phone_advice', 'redirect', 'cancelled')),
      referralState: maybe(fc.constantFrom('pending', 'accepted', 'rejected')),
      redirectTarget: maybe(fc.constantFrom('home_care', 'social_services')),
      handling: fc.integer({ min: 1, max: 120 * MINUTE }),
      closedLag: fc.oneof(fc.integer({ min: 0, max: 600 }).map((m) => m * MINUTE), fc.integer({ min: 0, max: 10 * 3_600_000 })),
      claimed: fc.boolean(),
    })
    .map((r) => (now: number): TaskFacts => {
      const receivedAt = now + r.received;
      const closedAt = r.state === 'closed' || r.closedLag % 3 === 0 ? receivedAt + r.closedLag : null;
      return {
        id,
        ercTaskId: `ERC-${id.slice(-2)}`,
        state: r.state,
        areaId: AREAS[r.area]?.id ?? '00000000-0000-4000-8000-0000000000ff',
        receivedAt: new Date(receivedAt),
        firstCallAt: r.firstCall === null ? null : new Date(receivedAt + r.firstCall),
        answeredAt: r.answered && r.firstCall !== null ? new Date(receivedAt + r.firstCall) : null,
        escalated: r.escalated,
        decisionRequired: r.decisionRequired,
        claimedBy: r.holder,
        heartbeatAt: r.heartbeat === null ? null : new Date(now + r.heartbeat),
        outcomeType: r.outcomeType,
        referralState: r.referralState,
        redirectTarget: r.redirectTarget,
        closedAt: closedAt === null ? null : new Date(closedAt),
        firstClaimedAt: r.claimed && closedAt !== null ? new Date(closedAt - r.handling) : null,
      };
    });

/** One step: the clock moves on (up to 3 hours), then one task changes; sometimes a snapshot is taken. */
const step = fc.record({
  advance: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }).map((m) => m * MINUTE), fc.integer({ min: 1, max: 5 * MINUTE }), fc.integer({ min: 0, max: 3 * 3_600_000 })),
  task: fc.nat(IDS.length - 1).chain((i) => facts(IDS[i]!)),
  look: fc.boolean(),
  online: fc.subarray(NURSES),
  // Now and then the periodic full reload: the model starts again from every task's facts.
  reload: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

describe('incremental load model', () => {
  it('after any sequence of events its figures equal those of a model rebuilt from the same facts', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), (steps) => {
        const model = new LoadModel();
        const truth = new Map<string, TaskFacts>();
        let now = BASE;
        for (const s of steps) {
          now += s.advance;
          const f = s.task(now);
          truth.set(f.id, f);
          model.upsert([f]);
          if (s.reload) model.replaceAll([...truth.values()]);
          if (!s.look) continue;
          const rebuilt = new LoadModel();
          rebuilt.replaceAll([...truth.values()]);
          expect(model.snapshot(ctx(now, s.online))).toEqual(rebuilt.snapshot(ctx(now, s.online)));
          expect(model.waitingCount()).toBe(rebuilt.waitingCount());
        }
        // A last look a day later: every window has moved past every task.
        const later = now + 26 * 3_600_000;
        const rebuilt = new LoadModel();
        rebuilt.replaceAll([...truth.values()]);
        expect(model.snapshot(ctx(later, []))).toEqual(rebuilt.snapshot(ctx(later, [])));
      }),
      { numRuns: 300 },
    );
  });

  it('replaceAll forgets every earlier task', () => {
    const model = new LoadModel();
    const at = BASE;
    const base: TaskFacts = {
      id: IDS[0]!, ercTaskId: 'ERC-1', state: 'queued', areaId: AREAS[0]!.id, receivedAt: new Date(at - 40 * MINUTE), firstCallAt: null, answeredAt: null,
      escalated: true, decisionRequired: false, claimedBy: null, heartbeatAt: null, outcomeType: null, referralState: null, redirectTarget: null, closedAt: null, firstClaimedAt: null,
    };
    model.upsert([base, { ...base, id: IDS[1]!, state: 'in_assessment', claimedBy: NURSES[0]! , heartbeatAt: new Date(at - 5 * MINUTE) }]);
    const before = model.snapshot(ctx(at, []));
    expect(before).toMatchObject({ queued: 1, inAssessment: 1, escalated: 2, pastWaitTargets: [{ minutes: 30, tasks: 2 }, { minutes: 60, tasks: 0 }] });
    expect(before.nurses).toEqual([{ ...NURSES[0], online: false, holds: [{ taskId: IDS[1], ercTaskId: 'ERC-1', stale: true }] }]);
    model.replaceAll([{ ...base, id: IDS[2]!, escalated: false }]);
    expect(model.snapshot(ctx(at, []))).toMatchObject({ queued: 1, inAssessment: 0, escalated: 0, nurses: [], oldestWaitSeconds: 40 * 60 });
  });
});

describe('time indexes', () => {
  // Small integer instants, so that entries often sit on the window's edge and share an instant.
  const op = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), at: fc.integer({ min: 0, max: 20 }), id: fc.constantFrom('a', 'b', 'c', 'd', 'e'), value: fc.integer({ min: -5, max: 5 }) }),
    fc.record({ kind: fc.constant('slide' as const), from: fc.integer({ min: -2, max: 22 }) }),
  );

  it('a sliding window and a sorted set agree with counting by hand after any operations', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: -2, max: 22 }), fc.integer({ min: -2, max: 22 }), (ops, lo, hi) => {
        let sum = 0;
        const sorted = new SortedNumbers();
        const window = new SlidingWindow<number>({ enter: (v) => { sum += v; sorted.add(v); }, leave: (v) => { sum -= v; sorted.delete(v); } });
        const index = new TimeIndex<number>();
        const truth = new Map<string, { at: number; value: number }>();
        let from = Number.NEGATIVE_INFINITY;
        for (const o of ops) {
          if (o.kind === 'slide') {
            window.slideTo(o.from);
            from = o.from;
          } else {
            const old = truth.get(o.id);
            if (old) { window.remove(old.at, o.id); index.remove(old.at, o.id); }
            truth.set(o.id, o);
            window.insert(o.at, o.id, o.value);
            index.insert(o.at, o.id, o.value);
          }
          const inWindow = [...truth.values()].filter((e) => e.at >= from).map((e) => e.value);
          expect(sum).toBe(inWindow.reduce((a, b) => a + b, 0));
          expect(sorted.values).toEqual(inWindow.sort((a, b) => a - b));
        }
        expect(index.countIn(lo, hi)).toBe([...truth.values()].filter((e) => e.at >= lo && e.at < hi).length);
        expect(index.entries.map((e) => e.at)).toEqual([...truth.values()].map((e) => e.at).sort((a, b) => a - b));
      }),
      { numRuns: 500 },
    );
  });
});

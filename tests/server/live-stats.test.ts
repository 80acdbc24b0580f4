import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStats } from '../../server/contracts/stats.ts';
import { connectedSocket, type TestSocket } from '../helpers/sockets.ts';
import { createTask, ercClient, intakeBody, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** Helsinki midnight computed here independently of the server: the first instant whose local date is today. */
function helsinkiToday(d: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(d);
}


describe('live load snapshot', () => {
  let t: TestServer;
  let erc: ErcClient;
  let a: { agent: Agent; id: string };
  let b: { agent: Agent; id: string };
  let leader: { agent: Agent; id: string };
  const received: Record<string, string> = {};
  let socketA: TestSocket;

  beforeAll(async () => {
    t = await startTestServer({ WAIT_TARGETS_MINUTES: '30,60', STATS_POLL_MS: '200' });
    erc = await ercClient(t);
    a = await t.userWithRole('nurse', 'anna');
    b = await t.userWithRole('nurse', 'bertta');
    leader = await t.userWithRole('shift_leader', 'lotta');
    const make = async (name: string, minutes: number, municipality: string) => {
      received[name] = minutesAgo(minutes);
      return createTask(erc, { receivedAt: received[name], municipality });
    };
    const claim = async (who: Agent, id: string) => (await who.post(`/api/tasks/${id}/claim`)).body.task.version as number;
    // B holds T4 throughout: her later tasks are given to her by the shift leader (one held task otherwise).
    const give = async (id: string, version: number) => (await leader.agent.post(`/api/tasks/${id}/reassign`).send({ version, assigneeId: b.id })).body.task.version as number;
    const call = async (who: Agent, id: string, result: string) => (await who.post(`/api/tasks/${id}/call-attempts`).send({ result })).body.task.version as number;
    const close = async (who: Agent, id: string, version: number, outcome: object) => expect((await who.post(`/api/tasks/${id}/outcome`).send({ version, ...outcome })).status).toBe(200);

    await make('T1', 70, 'Kempele');
    const t2 = await make('T2', 40, 'Oulu');
    await claim(a.agent, t2.id);
    await close(a.agent, t2.id, await call(a.agent, t2.id, 'answered'), { type: 'phone_advice', advice: 'self_care', rationale: 'Mild' });
    const t3 = await make('T3', 20, 'Oulu');
    await claim(a.agent, t3.id);
    await call(a.agent, t3.id, 'no_answer');
    const t4 = await make('T4', 10, 'Kuusamo');
    await claim(b.agent, t4.id);
    const t5 = await make('T5', 5, 'Kempele');
    await claim(a.agent, t5.id);
    await close(a.agent, t5.id, await call(a.agent, t5.id, 'answered'), { type: 'redirect', target: 'home_care', handoffTo: 'Home care', rationale: 'Needs help at home' });
    const t6 = await make('T6', 3, 'Kempele');
    await give(t6.id, t6.version);
    await close(b.agent, t6.id, await call(b.agent, t6.id, 'answered'), { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' });
    const t7 = await make('T7', 2, 'Oulu');
    expect((await erc.post(`/api/intake/tasks/${t7.ercTaskId}/cancel`, { reason: 'Duplicate' })).status).toBe(200);
    const t8 = await make('T8', 1, 'Kuusamo');
    await give(t8.id, t8.version);
    await call(b.agent, t8.id, 'wrong_number');
    socketA = await connectedSocket(t.url, 'anna');
  });
  afterAll(async () => {
    socketA.close();
    await t.close();
  });

  function expectFigures(s: LiveStats, nurseAOnline: boolean) {
    const now = Date.now();
    const today = helsinkiToday(new Date(now));
    expect(s.queued).toBe(1);
    expect(s.inAssessment).toBe(2);
    expect(s.callbackPending).toBe(1);
    expect(s.escalated).toBe(1);
    expect(s.oldestWaitSeconds).toBeGreaterThanOrEqual(70 * 60);
    expect(s.oldestWaitSeconds).toBeLessThan(70 * 60 + 60);
    const receivedToday = Object.values(received).filter((r) => helsinkiToday(new Date(r)) === today).length;
    expect(s.receivedToday).toBe(receivedToday);
    expect(s.closedToday).toBe(4);
    expect(s.outcomesToday).toEqual({ dispatch_unit: 1, phone_advice: 1, redirect: 1, cancelled: 1 });
    // The redirect's referral is still waiting for the service's answer: only the advice is avoided.
    expect(s.avoidedToday).toBe(1);
    expect(s.avoidedShareToday).toBeCloseTo(1 / 3, 9);
    expect(s.redirectsToday).toEqual({ home_care: 1 });
    // First calls in the last hour: T2 40 min, T3 20, T5 5, T6 3, T8 1 after intake (plus the seconds the test took).
    expect(s.firstCallLastHour.count).toBe(5);
    expect(s.firstCallLastHour.medianSeconds).toBeGreaterThanOrEqual(300);
    expect(s.firstCallLastHour.medianSeconds).toBeLessThan(330);
    expect(s.firstCallLastHour.p90Seconds).toBeGreaterThanOrEqual(2400);
    expect(s.firstCallLastHour.p90Seconds).toBeLessThan(2430);
    expect(s.pastWaitTargets).toEqual([{ minutes: 30, tasks: 1 }, { minutes: 60, tasks: 1 }]);
    expect(s.nursesOnline).toBe(nurseAOnline ? 1 : 0);
    const anna = s.nurses.find((n) => n.displayName === 'Test anna');
    const bertta = s.nurses.find((n) => n.displayName === 'Test bertta')!;
    expect(bertta.online).toBe(false);
    expect(bertta.holds.map((h) => h.ercTaskId).sort()).toHaveLength(2);
    if (nurseAOnline) expect(anna).toMatchObject({ online: true, holds: [] });
    const area = (name: string) => s.byArea.find((x) => x.area === name);
    expect(area('Lakeus')).toMatchObject({ queued: 1, callbackPending: 0, inAssessment: 0 });
    expect(area('Oulu')).toMatchObject({ queued: 0, callbackPending: 1, inAssessment: 0 });
    expect(area('Koillismaa')).toMatchObject({ queued: 0, callbackPending: 0, inAssessment: 2 });
    expect(area('Rannikkoseutu')).toMatchObject({ queued: 0, callbackPending: 0, inAssessment: 0 });
    expect(s.staffing.arrivalsPerHour).toBe(7);
    expect(s.staffing.nursesNeeded).toBeGreaterThanOrEqual(1);
    const arrivals = s.arrivalsToday.reduce((sum, q) => sum + q.arrivals, 0);
    expect(arrivals).toBe(receivedToday);
  }

  it('every figure matches the hand-computed values', async () => {
    const res = await leader.agent.get('/api/stats/live');
    expect(res.status).toBe(200);
    expectFigures(res.body, true);
  });

  it('nurses get the reduced view', async () => {
    const res = await a.agent.get('/api/stats/live');
    expect(res.body.queued).toBe(1);
    expect(res.body.staffing).toBeUndefined();
    expect(res.body.nurses).toBeUndefined();
  });

  it('after a server restart the model rebuilds to the same figures', async () => {
    socketA.close();
    t = await t.restart();
    leader.agent = await t.login('lotta');
    const res = await leader.agent.get('/api/stats/live');
    expectFigures(res.body, false);
  });
});

describe('coalesced streaming', () => {
  it('a burst of 500 events gives the client a few updates, and the last one is right', async () => {
    const t = await startTestServer({ STATS_MIN_INTERVAL_MS: '250', STATS_POLL_MS: '5000' });
    try {
      const erc = await ercClient(t);
      await t.userWithRole('shift_leader', 'wall');
      const socket = await connectedSocket(t.url, 'wall');
      const updates: LiveStats[] = [];
      socket.on('stats:update', (s) => updates.push(s as LiveStats));
      const started = Date.now();
      for (let i = 0; i < 500; i += 25) {
        await Promise.all(Array.from({ length: 25 }, () => erc.post('/api/intake/tasks', intakeBody({ receivedAt: new Date().toISOString() }))));
      }
      const lastSeq = (await t.db.selectFrom('event_counter').select('seq').executeTakeFirstOrThrow()).seq;
      for (let i = 0; i < 100 && updates.at(-1)?.seq !== Number(lastSeq); i++) await new Promise((r) => setTimeout(r, 50));
      const elapsed = Date.now() - started;
      socket.close();
      expect(Number(lastSeq)).toBe(500);
      expect(updates.at(-1)).toMatchObject({ seq: 500, queued: 500, receivedToday: 500 });
      // At most one update per 250 ms (plus the presence update at connect), far fewer than 500.
      expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 2);
      expect(updates.length).toBeLessThan(100);
    } finally {
      await t.close();
    }
  }, 120_000); // 500 intakes on PGlite beside other suites on a loaded 2-core machine: 30 s was not always enough
});

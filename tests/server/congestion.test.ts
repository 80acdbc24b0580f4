import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CongestionModeDto } from '../../server/contracts/congestion.ts';
import { runSchedulerTick } from '../../server/tasks/scheduler.ts';
import { ercClient, freeHands, intakeBody, type ErcClient } from '../factories/tasks.ts';
import { connectedSocket, type TestSocket } from '../helpers/sockets.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

const MINUTE = 60_000;
let t: TestServer;
let erc: ErcClient;
let nurse: { agent: Agent; id: string };
let leader: { agent: Agent; id: string; username: string };
let manager: { agent: Agent; username: string };
let managerSocket: TestSocket;
const told: CongestionModeDto[] = [];

beforeAll(async () => {
  t = await startTestServer();
  erc = await ercClient(t);
  nurse = await t.userWithRole('nurse', 'cgnurse');
  leader = await t.userWithRole('shift_leader', 'cgleader');
  manager = await t.userWithRole('manager', 'cgmanager');
  managerSocket = await connectedSocket(t.url, manager.username);
  managerSocket.on('congestion:changed', (mode) => told.push(mode));
});
afterAll(async () => {
  managerSocket.close();
  await t.close();
});

const setMode = (active: boolean, agent: Agent = leader.agent) => agent.put('/api/congestion-mode').send({ active, reason: 'Many C-tasks waiting for units' });
const ago = (minutes: number) => new Date(Date.now() - minutes * MINUTE).toISOString();
const tick = () => runSchedulerTick(t.db, t.server.publisher, t.config);
const history = () => t.db.selectFrom('congestion_mode_change').selectAll().orderBy('id').execute();
async function intake(overrides: Parameters<typeof intakeBody>[0]) {
  return erc.post('/api/intake/tasks', intakeBody(overrides));
}
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('congestion mode', () => {
  it('is off at first; while off a C-task is refused 422 NOT_IN_CONGESTION_MODE and nothing is written', async () => {
    for (const agent of [nurse.agent, manager.agent, t.admin]) {
      const res = await agent.get('/api/congestion-mode');
      expect(res.status).toBe(200);
      expect(res.body.congestionMode).toEqual({ active: false, version: 1, changedAt: null, changedBy: null, cResponseLimitMinutes: 30 });
    }
    const body = intakeBody({ urgency: 'C' });
    const res = await erc.post('/api/intake/tasks', body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('NOT_IN_CONGESTION_MODE');
    expect(await t.db.selectFrom('task').select('id').where('erc_task_id', '=', body.ercTaskId).execute()).toEqual([]);
    // A and B are never taken.
    expect((await intake({ urgency: 'B' })).body.error.code).toBe('NOT_D_CLASS');
  });

  it('only a shift leader switches it; the switch is a conditional update, audited, kept in history and told to every screen', async () => {
    for (const agent of [nurse.agent, manager.agent, t.admin]) expect((await setMode(true, agent)).status).toBe(403);
    expect((await leader.agent.put('/api/congestion-mode').send({ active: 'yes' })).status).toBe(422);
    expect(await history()).toEqual([]);

    // Concurrent switches on: exactly one changes it.
    const answers = await Promise.all([setMode(true), setMode(true), setMode(true), setMode(true)]);
    for (const res of answers) expect(res.body.congestionMode).toMatchObject({ active: true, version: 2, changedBy: 'Test cgleader' });
    expect(await history()).toHaveLength(1);
    expect((await history())[0]).toMatchObject({ active: true, version: 2, by_id: leader.id, reason: 'Many C-tasks waiting for units' });
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', 'in', ['congestion.on', 'congestion.off']).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'congestion.on', actor_id: leader.id, actor_role: 'shift_leader' });
    await until(() => told.length > 0);
    expect(told).toEqual([expect.objectContaining({ active: true, version: 2 })]);
    expect((await nurse.agent.get('/api/congestion-mode')).body.congestionMode.active).toBe(true);
  });

  it('while on, a C-task is taken with the C response target, ranked by it in the queue and in "next"', async () => {
    // In an area of its own, so other tests' tasks do not take part.
    const areas = (await t.admin.get('/api/reference/areas')).body.areas as { id: string; name: string }[];
    const areaId = areas.find((a) => a.name === 'Koillismaa')!.id;
    const inArea = { municipality: 'Kuusamo' };
    const dOld = (await intake({ ...inArea, receivedAt: ago(100) })).body.task; // 20 min left of 120
    const dNewer = (await intake({ ...inArea, receivedAt: ago(60) })).body.task; // 60 min left
    const cRes = await intake({ ...inArea, urgency: 'C', receivedAt: ago(2) }); // 28 min left of 30
    expect(cRes.status, JSON.stringify(cRes.body)).toBe(201);
    const c = cRes.body.task;
    expect(c.urgency).toBe('C');
    expect(Date.parse(c.responseDueAt) - Date.parse(c.receivedAt)).toBe(30 * MINUTE);
    expect(Date.parse(dOld.responseDueAt) - Date.parse(dOld.receivedAt)).toBe(120 * MINUTE);

    const order = (await nurse.agent.get(`/api/tasks?areaId=${areaId}`)).body.tasks.map((task: { id: string }) => task.id);
    expect(order).toEqual([dOld.id, c.id, dNewer.id]);
    const first = await nurse.agent.post('/api/tasks/next').send({ areaId });
    expect(first.body.task.id).toBe(dOld.id);
    const closed = await nurse.agent.post(`/api/tasks/${dOld.id}/outcome`).send({ type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need', version: first.body.task.version });
    expect(closed.status).toBe(200);
    const second = await nurse.agent.post('/api/tasks/next').send({ areaId });
    expect(second.body.task.id).toBe(c.id);
    await freeHands(nurse.agent, nurse.id);
  });

  it("the safety net escalates an unreached C-task at the C deadline (limit - margin), and a failed call that would pass it escalates at once", async () => {
    const c = (await intake({ urgency: 'C', receivedAt: ago(21) })).body.task; // past 30 - 10
    const d = (await intake({ receivedAt: ago(21) })).body.task;
    expect((await tick()).escalated).toBeGreaterThanOrEqual(1);
    const rows = await t.db.selectFrom('task').select(['id', 'escalated_at', 'escalation_reason']).where('id', 'in', [c.id, d.id]).execute();
    expect(rows.find((r) => r.id === c.id)).toMatchObject({ escalation_reason: 'response_limit' });
    expect(rows.find((r) => r.id === d.id)).toMatchObject({ escalated_at: null });

    // 15 min in: the next call would be due at 25 min, after the C deadline at 20.
    const soon = (await intake({ urgency: 'C', receivedAt: ago(15) })).body.task;
    await nurse.agent.post(`/api/tasks/${soon.id}/claim`);
    const failed = await nurse.agent.post(`/api/tasks/${soon.id}/call-attempts`).send({ result: 'no_answer' });
    expect(failed.body.task).toMatchObject({ escalationReason: 'response_limit', state: 'in_assessment' });
    // The same call on a D-task 15 min in is an ordinary call-back.
    await nurse.agent.post(`/api/tasks/${soon.id}/outcome`).send({ type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'C', reason: 'unreachable', version: failed.body.task.version });
    const dSoon = (await intake({ receivedAt: ago(15) })).body.task;
    await nurse.agent.post(`/api/tasks/${dSoon.id}/claim`);
    const dFailed = await nurse.agent.post(`/api/tasks/${dSoon.id}/call-attempts`).send({ result: 'no_answer' });
    expect(dFailed.body.task).toMatchObject({ escalationReason: null, state: 'callback_pending' });
  });

  it('switched off: no new C-task is taken, those already queued keep their class and deadline, and a resend of one is still answered', async () => {
    const queuedBody = intakeBody({ urgency: 'C', receivedAt: ago(1) });
    const queued = (await erc.post('/api/intake/tasks', queuedBody)).body.task;
    const off = await setMode(false);
    expect(off.body.congestionMode).toMatchObject({ active: false, version: 3 });
    expect((await history()).map((h) => h.active)).toEqual([true, false]);
    await until(() => told.length > 1);
    expect(told.at(-1)).toMatchObject({ active: false, version: 3 });

    expect((await intake({ urgency: 'C' })).body.error.code).toBe('NOT_IN_CONGESTION_MODE');
    const resend = await erc.post('/api/intake/tasks', queuedBody);
    expect(resend.status).toBe(200);
    expect(resend.body.task.id).toBe(queued.id);
    const listed = (await nurse.agent.get('/api/tasks')).body.tasks.find((task: { id: string }) => task.id === queued.id);
    expect(listed).toMatchObject({ urgency: 'C', responseDueAt: queued.responseDueAt, state: 'queued' });
    // Off again: nothing changes, nothing is written.
    expect((await setMode(false)).body.congestionMode.version).toBe(3);
    expect(await history()).toHaveLength(2);
  });
});

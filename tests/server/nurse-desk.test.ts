import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, USER_PASSWORD, type Agent, type TestServer } from '../helpers/test-server.ts';
import { runSchedulerTick } from '../../server/tasks/scheduler.ts';

// Issue 13: no outcome without a call, one held task per nurse, no claim left behind by an ended session.

let t: TestServer;
let erc: ErcClient;
let leader: { agent: Agent; id: string };

beforeAll(async () => {
  t = await startTestServer({ SESSION_IDLE_MINUTES: '30' });
  erc = await ercClient(t);
  leader = await t.userWithRole('shift_leader');
});
afterAll(() => t.close());

const advice = { type: 'phone_advice', advice: 'self_care', rationale: 'Mild symptoms, rest at home' };
const redirect = { type: 'redirect', target: 'home_care', handoffTo: 'Kempele home care', rationale: 'Fall without injury' };

async function claimedBy(agent: Agent) {
  const task = await createTask(erc);
  const res = await agent.post(`/api/tasks/${task.id}/claim`);
  expect(res.status).toBe(200);
  return res.body.task as { id: string; ercTaskId: string; version: number };
}

async function eventsOf(taskId: string) {
  return t.db.selectFrom('task_event').select(['type', 'audience', 'data']).where('task_id', '=', taskId).orderBy('seq').execute();
}
async function auditOf(taskId: string) {
  return t.db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', taskId).orderBy('id').execute();
}

describe('no phone advice or redirect without an answered call', () => {
  it('refuses both with 422 NO_ANSWERED_CALL and changes nothing; unit dispatch stays possible', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    for (const outcome of [advice, redirect]) {
      const res = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: task.version, ...outcome });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('NO_ANSWERED_CALL');
    }
    // Failed calls are not an answered one (the second puts it back as a call-back).
    const busy = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'busy' });
    expect(busy.status).toBe(201);
    const again = await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    const refused = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: again.body.task.version, ...advice });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('NO_ANSWERED_CALL');
    const row = await t.db.selectFrom('task').select(['state', 'version']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'in_assessment', version: again.body.task.version });

    const dispatch = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: again.body.task.version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' });
    expect(dispatch.status).toBe(200);
  });

  it('allows them after an answered call, and refuses an amendment to advice on a task never answered', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    const answered = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    expect(answered.body.task.answeredAt).not.toBeNull();
    const closed = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: answered.body.task.version, ...advice });
    expect(closed.status).toBe(200);

    const other = await claimedBy(nurse.agent);
    const dispatched = await nurse.agent.post(`/api/tasks/${other.id}/outcome`).send({ version: other.version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' });
    const amend = await leader.agent.post(`/api/tasks/${other.id}/outcome/amendments`).send({ version: dispatched.body.task.version, reason: 'Changed mind', outcome: redirect });
    expect(amend.status).toBe(422);
    expect(amend.body.error.code).toBe('NO_ANSWERED_CALL');
  });
});

describe('one held task per nurse', () => {
  it('a second claim or next while holding one answers 409 ALREADY_HOLDING_TASK naming it', async () => {
    const nurse = await t.userWithRole('nurse');
    const first = await claimedBy(nurse.agent);
    const second = await createTask(erc);
    const claim = await nurse.agent.post(`/api/tasks/${second.id}/claim`);
    expect(claim.status).toBe(409);
    expect(claim.body.error.code).toBe('ALREADY_HOLDING_TASK');
    expect(claim.body.error.message).toContain(first.ercTaskId);
    expect(claim.body.error.details).toEqual({ heldTask: { id: first.id, ercTaskId: first.ercTaskId } });
    expect((await t.db.selectFrom('task').select('state').where('id', '=', second.id).executeTakeFirstOrThrow()).state).toBe('queued');

    const next = await nurse.agent.post('/api/tasks/next').send({});
    expect(next.status).toBe(409);
    expect(next.body.error.code).toBe('ALREADY_HOLDING_TASK');
    // Repeating the claim of the task she holds is still fine (a retried request).
    expect((await nurse.agent.post(`/api/tasks/${first.id}/claim`)).status).toBe(200);

    // After returning the first, the second can be taken.
    const release = await nurse.agent.post(`/api/tasks/${first.id}/release`).send({ version: first.version });
    expect(release.status).toBe(200);
    expect((await nurse.agent.post(`/api/tasks/${second.id}/claim`)).status).toBe(200);
  });

  it('concurrent claims of two tasks by one nurse: exactly one wins', async () => {
    const nurse = await t.userWithRole('nurse');
    const tasks = await Promise.all([createTask(erc), createTask(erc), createTask(erc), createTask(erc)]);
    const results = await Promise.all(tasks.map((task) => nurse.agent.post(`/api/tasks/${task.id}/claim`)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const held = await t.db.selectFrom('task').select('id').where('claimed_by', '=', nurse.id).where('state', '=', 'in_assessment').execute();
    expect(held).toHaveLength(1);
  });

  it('a shift leader may give her another', async () => {
    const nurse = await t.userWithRole('nurse');
    await claimedBy(nurse.agent);
    const other = await createTask(erc);
    const res = await leader.agent.post(`/api/tasks/${other.id}/reassign`).send({ version: other.version, assigneeId: nurse.id });
    expect(res.status).toBe(200);
    expect(res.body.task.claimedBy.id).toBe(nurse.id);
    expect(await t.db.selectFrom('task').select('id').where('claimed_by', '=', nurse.id).where('state', '=', 'in_assessment').execute()).toHaveLength(2);
  });
});

describe('an ended session returns the tasks it held', () => {
  it('logout returns the held task to the queue with its draft, an event, an audit row and a flag for shift leaders', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    const version = (await nurse.agent.get(`/api/tasks/${task.id}`)).body.task.version;
    await nurse.agent.put(`/api/tasks/${task.id}/assessment`).send({ version, chiefComplaint: 'Dizzy', redFlags: [] });

    expect((await nurse.agent.post('/api/auth/logout')).status).toBe(204);
    const row = await t.db.selectFrom('task').select(['state', 'claimed_by', 'assessment']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'queued', claimed_by: null, assessment: { chiefComplaint: 'Dizzy' } });
    const events = await eventsOf(task.id);
    expect(events).toEqual(expect.arrayContaining([
      { type: 'task.released', audience: 'all', data: { from: nurse.id, sessionEnded: 'logout' } },
      { type: 'task.holder_left', audience: 'shift_leader', data: { from: nurse.id, sessionEnded: 'logout' } },
    ]));
    expect((await auditOf(task.id)).map((a) => a.action)).toContain('task.release');
  });

  it('an escalated task goes back at once (first in the queue), not after the stale mark', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    const wrong = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'wrong_number' });
    expect(wrong.body.task.escalatedAt).not.toBeNull();
    await nurse.agent.post('/api/auth/logout');
    const list = (await leader.agent.get('/api/tasks')).body.tasks as { id: string; state: string }[];
    expect(list[0]).toMatchObject({ id: task.id, state: 'queued' });
  });

  it('deactivation returns the held task', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    expect((await t.admin.patch(`/api/users/${nurse.id}`).send({ active: false })).status).toBe(200);
    const row = await t.db.selectFrom('task').select(['state', 'claimed_by']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'queued', claimed_by: null });
    expect((await eventsOf(task.id)).map((e) => e.data)).toContainEqual({ from: nurse.id, sessionEnded: 'deactivated' });
  });

  it('a password reset by an admin returns the held task', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    expect((await t.admin.patch(`/api/users/${nurse.id}`).send({ password: 'a-new-passw0rd-for-her' })).status).toBe(200);
    const row = await t.db.selectFrom('task').select(['state', 'claimed_by']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'queued', claimed_by: null });
    expect((await eventsOf(task.id)).map((e) => e.data)).toContainEqual({ from: nurse.id, sessionEnded: 'password_reset' });
  });

  it('a colleague logging in over her session in the same browser returns the task she held', async () => {
    const nurse = await t.userWithRole('nurse');
    const colleague = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    const res = await nurse.agent.post('/api/auth/login').send({ username: colleague.username, password: USER_PASSWORD });
    expect(res.status).toBe(200);
    const row = await t.db.selectFrom('task').select(['state', 'claimed_by']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'queued', claimed_by: null });
    expect((await eventsOf(task.id)).map((e) => e.data)).toContainEqual({ from: nurse.id, sessionEnded: 'logout' });
  });

  it('logging in again as herself in the same browser keeps the task she holds', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    expect((await nurse.agent.post('/api/auth/login').send({ username: nurse.username, password: USER_PASSWORD })).status).toBe(200);
    const row = await t.db.selectFrom('task').select(['state', 'claimed_by']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'in_assessment', claimed_by: nurse.id });
  });

  it('a claim racing a logout never leaves the task held by a user without a session', async () => {
    for (let round = 0; round < 15; round++) {
      const nurse = await t.userWithRole('nurse');
      const task = await createTask(erc);
      const [claim] = await Promise.all([nurse.agent.post(`/api/tasks/${task.id}/claim`), nurse.agent.post('/api/auth/logout')]);
      expect([200, 401], JSON.stringify(claim.body)).toContain(claim.status);
      const row = await t.db.selectFrom('task').select(['state', 'claimed_by']).where('id', '=', task.id).executeTakeFirstOrThrow();
      expect(row, `round ${round}: claim ${claim.status}`).toEqual({ state: 'queued', claimed_by: null });
    }
  });

  it('an idle session ended by the scheduler returns the held task; another live session of the same nurse keeps it', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    await t.db.updateTable('user_session').set({ last_seen_at: sql<Date>`now() - interval '2 hours'` }).where('user_id', '=', nurse.id).execute();
    const tick = await runSchedulerTick(t.db, t.server.publisher, t.config);
    expect(tick.idleSessionsEnded).toBeGreaterThanOrEqual(1);
    const row = await t.db.selectFrom('task').select(['state', 'claimed_by']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'queued', claimed_by: null });
    expect((await eventsOf(task.id)).map((e) => e.data)).toContainEqual({ from: nurse.id, sessionEnded: 'idle' });
    expect((await auditOf(task.id)).filter((a) => a.action === 'task.release')).toHaveLength(1);

    const twice = await t.userWithRole('nurse');
    const second = await t.login(twice.username);
    const kept = await claimedBy(twice.agent);
    expect((await second.post('/api/auth/logout')).status).toBe(204);
    expect((await t.db.selectFrom('task').select('claimed_by').where('id', '=', kept.id).executeTakeFirstOrThrow()).claimed_by).toBe(twice.id);
  });
});

describe('queue totals', () => {
  it('counts every open task per state however many the list shows', async () => {
    const before = (await leader.agent.get('/api/tasks')).body.totals;
    for (let i = 0; i < 3; i++) await createTask(erc);
    const res = await leader.agent.get('/api/tasks?limit=2');
    expect(res.status).toBe(200);
    expect(res.body.tasks).toHaveLength(2);
    expect(res.body.totals.queued).toBe(before.queued + 3);
    expect(res.body.totals.all).toBe(before.all + 3);
  });
});

describe('Swedish task-code names', () => {
  it('the code table has Swedish names, tasks carry them, and an admin edits them (omitted: kept)', async () => {
    const codes = (await leader.agent.get('/api/reference/task-codes')).body.taskCodes as { code: string; nameSv: string | null }[];
    expect(codes.find((c) => c.code === '745')?.nameSv).toBe('Fall');
    const task = await createTask(erc, { taskCode: '781' });
    expect((await leader.agent.get(`/api/tasks/${task.id}`)).body.task.taskName).toEqual({ fi: 'Vatsakipu', sv: 'Buksmärta', en: 'Abdominal pain' });

    const base = { nameFi: 'Vatsakipu', nameEn: 'Abdominal pain', classesAllowed: ['A', 'B', 'C', 'D'], dCallbackCandidate: true };
    expect((await t.admin.put('/api/reference/task-codes/781').send({ ...base, nameSv: 'Magsmärta' })).body.nameSv).toBe('Magsmärta');
    expect((await t.admin.put('/api/reference/task-codes/781').send(base)).body.nameSv).toBe('Magsmärta');
    const added = await t.admin.put('/api/reference/task-codes/798').send({ ...base, nameFi: 'Uusi', nameEn: 'New' });
    expect(added.body.nameSv).toBeNull();
    const fallback = await createTask(erc, { taskCode: '798' });
    expect((await leader.agent.get(`/api/tasks/${fallback.id}`)).body.task.taskName).toEqual({ fi: 'Uusi', sv: 'Uusi', en: 'New' });
  });
});

describe('task history names people', () => {
  it('shows display names and the integration key name, not account names', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await claimedBy(nurse.agent);
    const events = (await leader.agent.get(`/api/tasks/${task.id}`)).body.task.events as { type: string; actor: string }[];
    expect(events.find((e) => e.type === 'task.claimed')?.actor).toBe(`Test ${nurse.username}`);
    expect(events.find((e) => e.type === 'task.received')?.actor).toMatch(/^erc-\d+$/);
  });
});

describe('handing a held task to a named colleague', () => {
  it('the holder hands it to a colleague with free hands; one who holds a task is refused by name', async () => {
    const a = await t.userWithRole('nurse');
    const b = await t.userWithRole('nurse');
    const busy = await t.userWithRole('nurse');
    const busyTask = await claimedBy(busy.agent);
    const task = await claimedBy(a.agent);

    const colleagues = (await a.agent.get('/api/colleagues')).body.colleagues as { id: string; displayName: string }[];
    expect(colleagues.map((c) => c.id)).toEqual(expect.arrayContaining([b.id, busy.id, leader.id]));
    expect(colleagues.map((c) => c.id)).not.toContain(a.id);

    const refused = await a.agent.post(`/api/tasks/${task.id}/handover`).send({ version: task.version, toUserId: busy.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'ALREADY_HOLDING_TASK', details: { heldTask: { id: busyTask.id } } });
    expect((await a.agent.post(`/api/tasks/${task.id}/handover`).send({ version: task.version, toUserId: a.id })).status).toBe(422);
    expect((await b.agent.post(`/api/tasks/${task.id}/handover`).send({ version: task.version, toUserId: b.id })).status).toBe(422);
    expect((await busy.agent.post(`/api/tasks/${task.id}/handover`).send({ version: task.version, toUserId: b.id })).status).toBe(409);

    const handed = await a.agent.post(`/api/tasks/${task.id}/handover`).send({ version: task.version, toUserId: b.id });
    expect(handed.status).toBe(200);
    expect(handed.body.task.claimedBy.id).toBe(b.id);
    expect((await eventsOf(task.id)).map((e) => e.type)).toContain('task.handed_over');
    expect((await auditOf(task.id)).map((e) => e.action)).toContain('task.handover');
  });

  it('a colleague who is not logged in is neither offered nor accepted, for a handover or a reassign', async () => {
    const a = await t.userWithRole('nurse');
    const away = await t.userWithRole('nurse');
    expect((await away.agent.post('/api/auth/logout')).status).toBe(204);
    const task = await claimedBy(a.agent);

    const colleagues = (await a.agent.get('/api/colleagues')).body.colleagues as { id: string }[];
    expect(colleagues.map((c) => c.id)).not.toContain(away.id);
    const refused = await a.agent.post(`/api/tasks/${task.id}/handover`).send({ version: task.version, toUserId: away.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('COLLEAGUE_NOT_LOGGED_IN');
    const reassigned = await leader.agent.post(`/api/tasks/${task.id}/reassign`).send({ version: task.version, assigneeId: away.id, reason: 'Break' });
    expect(reassigned.status).toBe(409);
    expect(reassigned.body.error.code).toBe('COLLEAGUE_NOT_LOGGED_IN');
    const row = await t.db.selectFrom('task').select(['claimed_by', 'version']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ claimed_by: a.id, version: task.version });
  });
});

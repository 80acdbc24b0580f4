import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAYS, type OpeningHours } from '../../server/contracts/services.ts';
import { isOpenAt } from '../../server/services/opening-hours.ts';
import { avoidedDispatchSql } from '../../server/tasks/avoided-dispatch.ts';
import { runSchedulerTick } from '../../server/tasks/scheduler.ts';
import { createTask, ercClient, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

const ACCEPT_MINUTES = 20;
let t: TestServer;
let erc: ErcClient;
let nurse: { agent: Agent; id: string };
let leader: Agent;
let areaIds: Map<string, string>;

beforeAll(async () => {
  t = await startTestServer({ REFERRAL_ACCEPT_MINUTES: String(ACCEPT_MINUTES) });
  erc = await ercClient(t);
  nurse = await t.userWithRole('nurse', 'refnurse');
  leader = (await t.userWithRole('shift_leader', 'refleader')).agent;
  const areas = (await t.admin.get('/api/reference/areas')).body.areas as { id: string; name: string }[];
  areaIds = new Map(areas.map((a) => [a.name, a.id]));
});
afterAll(() => t.close());

const tick = () => runSchedulerTick(t.db, t.server.publisher, t.config);
const allWeek = (periods: { from: string; to: string }[]) => Object.fromEntries(WEEKDAYS.map((d) => [d, periods])) as OpeningHours;
const eventTypes = async (taskId: string) => (await t.db.selectFrom('task_event').select('type').where('task_id', '=', taskId).orderBy('seq').execute()).map((e) => e.type);

async function addService(name: string, target: string, open: boolean, area = 'Lakeus') {
  const res = await t.admin.post('/api/services').send({
    name,
    targetType: target,
    areaIds: [areaIds.get(area)],
    openingHours: allWeek(open ? [{ from: '00:00', to: '24:00' }] : []),
    phone: '+358 40 111 2222',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.service as { id: string; name: string; version: number; openNow: boolean };
}

async function serviceKey(serviceId: string) {
  const res = await t.admin.post('/api/integration-keys').send({ name: `svc-${serviceId.slice(0, 8)}`, scope: 'referrals', serviceId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const key = res.body.key as string;
  return {
    get: (path: string) => request(t.url).get(path).set('Authorization', `Bearer ${key}`),
    post: (path: string, body: object) => request(t.url).post(path).set('Authorization', `Bearer ${key}`).send(body),
  };
}

/** A task in Kempele, reached and closed as a redirect; returns the task and its referral. */
async function redirected(extra: Record<string, unknown> = {}) {
  const task = await createTask(erc, { municipality: 'Kempele' });
  await nurse.agent.post(`/api/tasks/${task.id}/claim`);
  const called = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
  const res = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({
    version: called.body.task.version, type: 'redirect', target: 'home_care', handoffTo: 'Kempele home care', rationale: 'Needs help at home today', ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const referrals = (await nurse.agent.get(`/api/tasks/${task.id}/referrals`)).body.referrals as { id: string; state: string; targetName: string; serviceId: string | null; history: { state: string }[] }[];
  return { task: res.body.task as { id: string; version: number; state: string; referralState: string }, referral: referrals.at(-1)! };
}

describe('opening hours (Helsinki time)', () => {
  const hours = { ...allWeek([]), mon: [{ from: '08:00', to: '16:00' }], sat: [{ from: '20:00', to: '24:00' }] };
  it('is open in [from, to) of the Helsinki weekday, across DST, and an exception replaces the day', () => {
    // Monday 2026-03-30 08:00 EEST = 05:00Z; 07:59 is closed, 16:00 is closed.
    expect(isOpenAt(hours, [], new Date('2026-03-30T05:00:00Z'))).toBe(true);
    expect(isOpenAt(hours, [], new Date('2026-03-30T04:59:00Z'))).toBe(false);
    expect(isOpenAt(hours, [], new Date('2026-03-30T13:00:00Z'))).toBe(false);
    // Monday 2026-01-05 08:00 EET = 06:00Z.
    expect(isOpenAt(hours, [], new Date('2026-01-05T06:00:00Z'))).toBe(true);
    expect(isOpenAt(hours, [], new Date('2026-01-05T05:30:00Z'))).toBe(false);
    // Saturday 23:59 Helsinki is open until midnight; Sunday 00:00 is not (it is Sunday in Helsinki, Saturday in UTC).
    expect(isOpenAt(hours, [], new Date('2026-01-10T21:59:00Z'))).toBe(true);
    expect(isOpenAt(hours, [], new Date('2026-01-10T22:00:00Z'))).toBe(false);
    expect(isOpenAt(hours, [{ date: '2026-01-05', hours: [] }], new Date('2026-01-05T08:00:00Z'))).toBe(false);
    expect(isOpenAt(hours, [{ date: '2026-01-06', hours: [{ from: '10:00', to: '12:00' }] }], new Date('2026-01-06T08:30:00Z'))).toBe(true);
  });
});

describe('service directory', () => {
  it('ships an EXAMPLE directory for the North Ostrobothnia areas, marked as such', async () => {
    const res = await nurse.agent.get('/api/services');
    expect(res.status).toBe(200);
    const examples = (res.body.services as { name: string; example: boolean; notes: string }[]).filter((s) => s.example);
    expect(examples.length).toBeGreaterThanOrEqual(12);
    for (const s of examples) {
      expect(s.name).toMatch(/^ESIMERKKI/);
      expect(s.notes).toContain('EXAMPLE');
    }
  });

  it("lists the entries serving the patient's municipality, open ones first, and says when none is open", async () => {
    const closed = await addService('A closed social service (Lakeus)', 'social_services', false);
    const open = await addService('B open social service (Lakeus)', 'social_services', true);
    await addService('Open social service (Oulu only)', 'social_services', true, 'Oulu');
    const res = await nurse.agent.get('/api/services?municipality=kempele&target=social_services');
    expect(res.status).toBe(200);
    expect(res.body.services.map((s: { id: string }) => s.id)).toEqual([open.id, closed.id]);
    expect(res.body.services.map((s: { openNow: boolean }) => s.openNow)).toEqual([true, false]);
    expect(res.body.anyOpen).toBe(true);
    // Deactivated, the open one disappears: nothing open now, said plainly.
    const put = await t.admin.put(`/api/services/${open.id}`).send({
      name: open.name, targetType: 'social_services', areaIds: [areaIds.get('Lakeus')], openingHours: allWeek([{ from: '00:00', to: '24:00' }]), active: false, version: open.version,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const after = await nurse.agent.get('/api/services?municipality=Kempele&target=social_services');
    expect(after.body.services.map((s: { id: string }) => s.id)).toEqual([closed.id]);
    expect(after.body.anyOpen).toBe(false);
    const stale = await t.admin.put(`/api/services/${open.id}`).send({
      name: 'x', targetType: 'social_services', areaIds: [areaIds.get('Lakeus')], openingHours: allWeek([]), version: open.version,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_VERSION');
  });

  it('refuses bad entries with the field named, and writes nothing', async () => {
    const bad = [
      [{ name: 'x', targetType: 'home_care', areaIds: ['00000000-0000-4000-8000-000000000000'], openingHours: allWeek([]) }, 'body.areaIds'],
      [{ name: 'x', targetType: 'home_care', areaIds: [], openingHours: allWeek([]) }, 'body.areaIds'],
      [{ name: 'x', targetType: 'home_care', areaIds: [areaIds.get('Oulu')], openingHours: { ...allWeek([]), mon: [{ from: '16:00', to: '08:00' }] } }, 'body.openingHours.mon.0.to'],
      [{ name: 'x', targetType: 'spa', areaIds: [areaIds.get('Oulu')], openingHours: allWeek([]) }, 'body.targetType'],
    ] as const;
    for (const [body, path] of bad) {
      const res = await t.admin.post('/api/services').send(body);
      expect(res.status, path).toBe(422);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await nurse.agent.get('/api/services?municipality=Oulu')).body.services.some((s: { name: string }) => s.name === 'x')).toBe(false);
    expect(await t.db.selectFrom('service').select('id').where('name', '=', 'x').execute()).toEqual([]);
  });
});

describe('referrals', () => {
  it('a redirect without a directory entry (handoffTo only) creates a referral to that target, pending', async () => {
    const { task, referral } = await redirected();
    expect(task).toMatchObject({ state: 'closed', referralState: 'requested' });
    expect(referral).toMatchObject({ state: 'requested', targetName: 'Kempele home care', serviceId: null });
    expect(referral.history.map((h) => h.state)).toEqual(['requested']);
  });

  it('a directory entry of another target type is refused and nothing is written', async () => {
    const social = await addService('Social desk (Lakeus)', 'social_services', true);
    const task = await createTask(erc, { municipality: 'Kempele' });
    await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    const called = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    const res = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: called.body.task.version, type: 'redirect', target: 'home_care', serviceId: social.id, handoffTo: 'x', rationale: 'y' });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].path).toBe('body.serviceId');
    const row = await t.db.selectFrom('task').select(['state', 'current_outcome_id']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'in_assessment', current_outcome_id: null });
    // One task at a time: hand it back so the nurse can take the next one.
    expect((await nurse.agent.post(`/api/tasks/${task.id}/release`).send({ version: called.body.task.version })).status).toBe(200);
  });

  it('accepted by phone: recorded with who and when, once; history is append-only', async () => {
    const { task, referral } = await redirected();
    const path = `/api/tasks/${task.id}/referral/accepted-by-phone`;
    const stale = await nurse.agent.post(path).send({ acceptedBy: 'Nurse Laine', acceptedAt: new Date().toISOString(), version: task.version - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_VERSION');
    const early = await nurse.agent.post(path).send({ acceptedBy: 'Nurse Laine', acceptedAt: '2020-01-01T00:00:00Z', version: task.version });
    expect(early.status).toBe(422);
    // Written to the minute, as people do: the referral's own minute is accepted.
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    const ok = await nurse.agent.post(path).send({ acceptedBy: 'Nurse Laine', acceptedAt: at, version: task.version });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.task).toMatchObject({ state: 'closed', referralState: 'accepted' });
    const again = await nurse.agent.post(path).send({ acceptedBy: 'Nurse Laine', acceptedAt: at, version: ok.body.task.version });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'REFERRAL_NOT_PENDING', details: { state: 'accepted' } });
    const [stored] = (await nurse.agent.get(`/api/tasks/${task.id}/referrals`)).body.referrals;
    expect(stored).toMatchObject({ id: referral.id, state: 'accepted', acceptedBy: 'Nurse Laine', acceptedAt: at, answeredVia: 'phone' });
    expect(stored.history.map((h: { state: string }) => h.state)).toEqual(['requested', 'accepted']);
    expect(await eventTypes(task.id)).toContain('referral.accepted');
    await expect(sql`update referral_state_change set state = 'rejected' where referral_id = ${referral.id}`.execute(t.db)).rejects.toThrow();
    await expect(sql`delete from referral_state_change where referral_id = ${referral.id}`.execute(t.db)).rejects.toThrow();
  });

  it("the service's key reads its own referrals (patient data, audited) and accepts; other keys cannot", async () => {
    const service = await addService('Home care API (Lakeus)', 'home_care', true);
    const other = await addService('Other home care (Lakeus)', 'home_care', true);
    const key = await serviceKey(service.id);
    const otherKey = await serviceKey(other.id);
    const { task, referral } = await redirected({ serviceId: service.id });
    expect(referral).toMatchObject({ serviceId: service.id, targetName: 'Home care API (Lakeus)' });

    const list = await key.get('/api/referrals?state=requested');
    expect(list.status).toBe(200);
    expect(list.body.referrals).toEqual([
      expect.objectContaining({ id: referral.id, ercTaskId: expect.any(String), callbackPhone: '+358401234567', address: 'Kirkkotie 1', rationale: 'Needs help at home today' }),
    ]);
    expect((await otherKey.get('/api/referrals')).body.referrals).toEqual([]);
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'referral.read').where('target_id', '=', service.id).execute();
    expect(audit).toHaveLength(1);

    expect((await otherKey.post(`/api/referrals/${referral.id}/accept`, {})).status).toBe(404);
    const accepted = await key.post(`/api/referrals/${referral.id}/accept`, { acceptedBy: 'Coordinator Niemi' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.referral).toEqual({ id: referral.id, state: 'accepted' });
    const twice = await key.post(`/api/referrals/${referral.id}/reject`, { reason: 'changed our mind' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('REFERRAL_NOT_PENDING');
    const row = await t.db.selectFrom('task').select(['state', 'referral_state']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'closed', referral_state: 'accepted' });
  });

  it('a rejection returns the task to the queue at once, flagged for a new decision; its new outcome amends the redirect', async () => {
    const service = await addService('Home care rejecting (Lakeus)', 'home_care', true);
    const key = await serviceKey(service.id);
    const { task, referral } = await redirected({ serviceId: service.id });
    const older = await createTask(erc, { municipality: 'Kempele', receivedAt: new Date(Date.now() - 30 * 60_000).toISOString() });
    const res = await key.post(`/api/referrals/${referral.id}/reject`, { reason: 'No capacity today' });
    expect(res.status).toBe(200);
    // Back at the top of the queue, before a task that has waited longer.
    const next = await leader.post('/api/tasks/next').send({});
    expect(next.body.task.id).toBe(task.id);
    await leader.post(`/api/tasks/${task.id}/release`).send({ version: next.body.task.version });
    expect((await nurse.agent.get('/api/tasks')).body.tasks.findIndex((q: { id: string }) => q.id === task.id)).toBeLessThan(
      (await nurse.agent.get('/api/tasks')).body.tasks.findIndex((q: { id: string }) => q.id === older.id),
    );
    const queue = (await nurse.agent.get('/api/tasks')).body.tasks as { id: string; state: string; decisionReason: string | null; referralState: string | null }[];
    expect(queue.find((q) => q.id === task.id)).toMatchObject({ state: 'queued', decisionReason: 'referral_rejected', referralState: 'rejected' });
    expect(await eventTypes(task.id)).toEqual(expect.arrayContaining(['referral.rejected', 'task.decision_required']));
    // Shift leaders see it on the live board.
    await expect.poll(async () => (await leader.get('/api/stats/live')).body.decisionRequired, { timeout: 10_000 }).toBe(1);
    // A shift leader takes it (any nurse may) and sends a unit: the outcome amends the redirect.
    const taken = await leader.post(`/api/tasks/${task.id}/claim`);
    const closed = await leader.post(`/api/tasks/${task.id}/outcome`).send({ version: taken.body.task.version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'no_suitable_alternative' });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.task).toMatchObject({ state: 'closed', outcomeType: 'dispatch_unit', referralState: null, decisionReason: null });
    const outcomes = await t.db.selectFrom('task_outcome').select(['id', 'type', 'amends_id', 'amendment_reason']).where('task_id', '=', task.id).orderBy('recorded_at').execute();
    expect(outcomes.map((o) => o.type)).toEqual(['redirect', 'dispatch_unit']);
    expect(outcomes[1]).toMatchObject({ amends_id: outcomes[0]!.id, amendment_reason: 'referral_rejected' });
    expect(await t.db.selectFrom('dispatch_request').select('id').where('task_id', '=', task.id).execute()).toHaveLength(1);
  });

  it(`an unanswered referral returns the task after REFERRAL_ACCEPT_MINUTES, exactly once across concurrent ticks`, async () => {
    const { task, referral } = await redirected();
    expect((await tick()).referralsUnanswered).toBe(0);
    // The clock: the referral was made just under the limit ago, then just over it.
    await t.db.updateTable('referral').set({ requested_at: sql`now() - make_interval(mins => ${ACCEPT_MINUTES}) + interval '30 seconds'` }).where('id', '=', referral.id).execute();
    expect((await tick()).referralsUnanswered).toBe(0);
    await t.db.updateTable('referral').set({ requested_at: sql`now() - make_interval(mins => ${ACCEPT_MINUTES}) - interval '1 second'` }).where('id', '=', referral.id).execute();
    const results = await Promise.all([tick(), tick(), tick()]);
    expect(results.reduce((n, r) => n + r.referralsUnanswered, 0)).toBe(1);
    expect((await tick()).referralsUnanswered).toBe(0);
    const row = await t.db.selectFrom('task').select(['state', 'referral_state', 'decision_reason']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'queued', referral_state: 'rejected', decision_reason: 'referral_timeout' });
    const [stored] = (await nurse.agent.get(`/api/tasks/${task.id}/referrals`)).body.referrals;
    expect(stored).toMatchObject({ state: 'rejected', answeredVia: 'scheduler', rejectReason: `No answer within ${ACCEPT_MINUTES} min` });
    expect((await eventTypes(task.id)).filter((e) => e === 'task.decision_required')).toHaveLength(1);
    // Too late to accept now.
    const late = await nurse.agent.post(`/api/tasks/${task.id}/referral/accepted-by-phone`).send({ acceptedBy: 'x', acceptedAt: new Date().toISOString(), version: (await nurse.agent.get(`/api/tasks/${task.id}`)).body.task.version });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('REFERRAL_NOT_PENDING');
  });

  it('racing answers (phone acceptance, API rejection, the timeout) settle exactly one, without deadlock', async () => {
    const service = await addService('Home care racing (Lakeus)', 'home_care', true);
    const key = await serviceKey(service.id);
    for (let round = 0; round < 3; round++) {
      const { task, referral } = await redirected({ serviceId: service.id });
      await t.db.updateTable('referral').set({ requested_at: sql`now() - make_interval(mins => ${ACCEPT_MINUTES + 1})` }).where('id', '=', referral.id).execute();
      const [phone, api, ticked] = await Promise.all([
        nurse.agent.post(`/api/tasks/${task.id}/referral/accepted-by-phone`).send({ acceptedBy: 'Nurse Laine', acceptedAt: new Date().toISOString(), version: task.version }),
        key.post(`/api/referrals/${referral.id}/reject`, { reason: 'No capacity' }),
        tick(),
      ]);
      const wins = [phone.status === 200, api.status === 200, ticked.referralsUnanswered === 1].filter(Boolean).length;
      expect(wins, `round ${round}: ${phone.status} ${api.status} ${ticked.referralsUnanswered}`).toBe(1);
      for (const res of [phone, api]) if (res.status !== 200) expect(['REFERRAL_NOT_PENDING', 'STALE_VERSION']).toContain(res.body.error.code);
      const history = await t.db.selectFrom('referral_state_change').select('state').where('referral_id', '=', referral.id).execute();
      expect(history).toHaveLength(2);
      // The stored state is the winner's: acceptance by phone, else a rejection (by the API or the timeout).
      const stored = await t.db.selectFrom('referral').select('state').where('id', '=', referral.id).executeTakeFirstOrThrow();
      expect(stored.state).toBe(phone.status === 200 ? 'accepted' : 'rejected');
      expect(history.map((h) => h.state).sort()).toEqual(['requested', stored.state].sort());
    }
  });

  it('amending a redirect to a unit dispatch cancels its pending referral', async () => {
    const { task, referral } = await redirected();
    const res = await nurse.agent.post(`/api/tasks/${task.id}/outcome/amendments`).send({
      version: task.version, reason: 'Home care could not come', outcome: { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'no_suitable_alternative' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.task.referralState).toBeNull();
    const [stored] = (await nurse.agent.get(`/api/tasks/${task.id}/referrals`)).body.referrals;
    expect(stored).toMatchObject({ id: referral.id, state: 'cancelled' });
  });

  it('an ERC key cannot answer referrals, and a referral key cannot reach the ERC interface', async () => {
    const service = await addService('Scope test (Lakeus)', 'home_care', true);
    const key = await serviceKey(service.id);
    const intake = await key.post('/api/intake/tasks', {});
    expect(intake.status).toBe(403);
    expect(intake.body.error.code).toBe('KEY_SCOPE');
    const ercTry = await erc.get('/api/referrals');
    expect(ercTry.status).toBe(403);
    expect(ercTry.body.error.code).toBe('KEY_SCOPE');
    const missing = await t.admin.post('/api/integration-keys').send({ name: 'no service', scope: 'referrals' });
    expect(missing.status).toBe(422);
  });
});

describe('referral end states: completed and cancelled', () => {
  const stateOf = async (referralId: string) => (await t.db.selectFrom('referral').select('state').where('id', '=', referralId).executeTakeFirstOrThrow()).state;
  const historyOf = async (referralId: string) =>
    (await t.db.selectFrom('referral_state_change').select(['state', 'via', 'reason']).where('referral_id', '=', referralId).orderBy('at').orderBy('id').execute());
  async function avoided(taskId: string): Promise<boolean> {
    return (await t.db.selectFrom('task').select(avoidedDispatchSql().as('avoided')).where('id', '=', taskId).executeTakeFirstOrThrow()).avoided;
  }

  it("the service completes an accepted referral (still avoided); completing anything else is 409 REFERRAL_NOT_ACCEPTED and changes nothing", async () => {
    const service = await addService('Home care completing (Lakeus)', 'home_care', true);
    const key = await serviceKey(service.id);
    const { task, referral } = await redirected({ serviceId: service.id });
    const early = await key.post(`/api/referrals/${referral.id}/complete`, {});
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'REFERRAL_NOT_ACCEPTED', details: { state: 'requested' } });
    expect(await stateOf(referral.id)).toBe('requested');

    await key.post(`/api/referrals/${referral.id}/accept`, {});
    const done = await key.post(`/api/referrals/${referral.id}/complete`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.referral).toEqual({ id: referral.id, state: 'completed' });
    expect((await historyOf(referral.id)).map((h) => h.state)).toEqual(['requested', 'accepted', 'completed']);
    const row = await t.db.selectFrom('task').select(['state', 'referral_state']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'closed', referral_state: 'completed' });
    expect(await avoided(task.id)).toBe(true);
    expect(await eventTypes(task.id)).toContain('referral.completed');
    expect(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'referral.complete').where('target_id', '=', task.id).execute()).toHaveLength(1);

    const again = await key.post(`/api/referrals/${referral.id}/complete`, {});
    expect(again.body.error.code).toBe('REFERRAL_NOT_ACCEPTED');
    const cancelDone = await key.post(`/api/referrals/${referral.id}/cancel`, { reason: 'too late' });
    expect(cancelDone.status).toBe(409);
    expect(cancelDone.body.error).toMatchObject({ code: 'REFERRAL_NOT_OPEN', details: { state: 'completed' } });
    expect(await historyOf(referral.id)).toHaveLength(3);
  });

  it('the service cancels an accepted referral: the task returns to the queue for a new decision at once; other keys and bad bodies change nothing', async () => {
    const service = await addService('Home care cancelling (Lakeus)', 'home_care', true);
    const other = await addService('Home care bystander (Lakeus)', 'home_care', true);
    const key = await serviceKey(service.id);
    const otherKey = await serviceKey(other.id);
    const { task, referral } = await redirected({ serviceId: service.id });
    await key.post(`/api/referrals/${referral.id}/accept`, {});
    expect(await avoided(task.id)).toBe(true);

    expect((await otherKey.post(`/api/referrals/${referral.id}/cancel`, { reason: 'x' })).status).toBe(404);
    const noReason = await key.post(`/api/referrals/${referral.id}/cancel`, {});
    expect(noReason.status).toBe(422);
    expect(await stateOf(referral.id)).toBe('accepted');

    const res = await key.post(`/api/referrals/${referral.id}/cancel`, { reason: 'Nurse on sick leave, nobody can go' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.referral).toEqual({ id: referral.id, state: 'cancelled' });
    expect(await historyOf(referral.id)).toEqual([
      expect.objectContaining({ state: 'requested' }),
      expect.objectContaining({ state: 'accepted' }),
      { state: 'cancelled', via: 'api', reason: 'Nurse on sick leave, nobody can go' },
    ]);
    const row = await t.db.selectFrom('task').select(['state', 'referral_state', 'decision_reason', 'closed_at']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'queued', referral_state: 'cancelled', decision_reason: 'referral_cancelled', closed_at: null });
    expect(await avoided(task.id)).toBe(false);
    expect(await eventTypes(task.id)).toEqual(expect.arrayContaining(['referral.cancelled', 'task.decision_required']));
    const twice = await key.post(`/api/referrals/${referral.id}/cancel`, { reason: 'again' });
    expect(twice.body.error.code).toBe('REFERRAL_NOT_OPEN');
  });

  it('a nurse records completion and cancellation in the console (versioned); without a referral it is 409 REFERRAL_NOT_OPEN', async () => {
    const completed = await redirected();
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    const accepted = await nurse.agent.post(`/api/tasks/${completed.task.id}/referral/accepted-by-phone`).send({ acceptedBy: 'Nurse Laine', acceptedAt: at, version: completed.task.version });
    const stale = await nurse.agent.post(`/api/tasks/${completed.task.id}/referral/completed`).send({ version: completed.task.version });
    expect(stale.body.error.code).toBe('STALE_VERSION');
    const done = await nurse.agent.post(`/api/tasks/${completed.task.id}/referral/completed`).send({ version: accepted.body.task.version });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.task).toMatchObject({ state: 'closed', referralState: 'completed' });
    expect((await historyOf(completed.referral.id)).at(-1)).toMatchObject({ state: 'completed', via: 'console' });

    const cancelled = await redirected();
    const noReason = await nurse.agent.post(`/api/tasks/${cancelled.task.id}/referral/cancel`).send({ version: cancelled.task.version });
    expect(noReason.status).toBe(422);
    const off = await nurse.agent.post(`/api/tasks/${cancelled.task.id}/referral/cancel`).send({ version: cancelled.task.version, reason: 'Patient goes to the health centre by taxi' });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.task).toMatchObject({ state: 'queued', referralState: 'cancelled', decisionReason: 'referral_cancelled' });
    expect(await stateOf(cancelled.referral.id)).toBe('cancelled');

    const advice = await createTask(erc, { municipality: 'Kempele' });
    await nurse.agent.post(`/api/tasks/${advice.id}/claim`);
    const called = await nurse.agent.post(`/api/tasks/${advice.id}/call-attempts`).send({ result: 'answered' });
    const closed = await nurse.agent.post(`/api/tasks/${advice.id}/outcome`).send({ version: called.body.task.version, type: 'phone_advice', advice: 'self_care', rationale: 'Stable' });
    const none = await nurse.agent.post(`/api/tasks/${advice.id}/referral/cancel`).send({ version: closed.body.task.version, reason: 'x' });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('REFERRAL_NOT_OPEN');
  });
});

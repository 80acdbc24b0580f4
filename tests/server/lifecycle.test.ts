import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, freeHands, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
let erc: ErcClient;
let nurseA: { agent: Agent; id: string };
let nurseB: { agent: Agent; id: string };
let leader: { agent: Agent; id: string };

beforeAll(async () => {
  t = await startTestServer({ CALLBACK_MINUTES: '10', MAX_FAILED_CALLS: '3' });
  erc = await ercClient(t);
  nurseA = await t.userWithRole('nurse', 'nursea');
  nurseB = await t.userWithRole('nurse', 'nurseb');
  leader = await t.userWithRole('shift_leader', 'leader');
});
afterAll(() => t.close());

async function claimed(agent: Agent = nurseA.agent) {
  await freeHands(agent, agent === nurseA.agent ? nurseA.id : nurseB.id);
  const task = await createTask(erc);
  const res = await agent.post(`/api/tasks/${task.id}/claim`);
  expect(res.status).toBe(200);
  return res.body.task as { id: string; ercTaskId: string; version: number };
}

const redirect = { type: 'redirect', target: 'home_care', handoffTo: 'Kempele home care, nurse on duty', rationale: 'Fall without injury; home care visits within 2 h' };

describe('claims', () => {
  it('a claim is exclusive and names the holder; the holder may repeat it', async () => {
    const task = await createTask(erc);
    const a = await nurseA.agent.post(`/api/tasks/${task.id}/claim`);
    expect(a.status).toBe(200);
    expect(a.body.task).toMatchObject({ state: 'in_assessment', claimedBy: { id: nurseA.id, displayName: 'Test nursea' }, version: 2 });
    const b = await nurseB.agent.post(`/api/tasks/${task.id}/claim`);
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe('TASK_ALREADY_CLAIMED');
    expect(b.body.error.message).toContain('Test nursea');
    expect(b.body.error.details.claimedBy.id).toBe(nurseA.id);
    expect((await nurseA.agent.post(`/api/tasks/${task.id}/claim`)).status).toBe(200);
  });

  it('release puts the task back; the version must be current', async () => {
    const task = await claimed();
    const stale = await nurseA.agent.post(`/api/tasks/${task.id}/release`).send({ version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'STALE_VERSION', details: { currentVersion: task.version } });
    const notMine = await nurseB.agent.post(`/api/tasks/${task.id}/release`).send({ version: task.version });
    expect(notMine.status).toBe(409);
    const res = await nurseA.agent.post(`/api/tasks/${task.id}/release`).send({ version: task.version });
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ state: 'queued', claimedBy: null });
  });

  it('next gives the top of the queue: escalated first, then the oldest', async () => {
    // Earlier tests left tasks in the queue; close what is there (a shift leader may) so this test sees only its own.
    await freeHands(nurseB.agent, nurseB.id);
    for (const waiting of (await leader.agent.get('/api/tasks')).body.tasks as { id: string; version: number; escalatedAt: string | null }[]) {
      const reason = waiting.escalatedAt ? 'unreachable' : 'clinical_need';
      expect((await leader.agent.post(`/api/tasks/${waiting.id}/outcome`).send({ version: waiting.version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason })).status).toBe(200);
    }
    const older = await createTask(erc, { receivedAt: new Date(Date.now() - 30 * 60_000).toISOString() });
    const newer = await createTask(erc, { receivedAt: new Date(Date.now() - 5 * 60_000).toISOString() });
    const escalated = await createTask(erc, { receivedAt: new Date(Date.now() - 60_000).toISOString() });
    await t.db.updateTable('task').set({ escalated_at: sql`now()`, escalation_reason: 'response_limit' }).where('id', '=', escalated.id).execute();
    const order = [];
    for (let i = 0; i < 3; i++) {
      const taken = (await nurseB.agent.post('/api/tasks/next').send({})).body.task;
      order.push(taken.id);
      await nurseB.agent.post(`/api/tasks/${taken.id}/outcome`).send({ version: taken.version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: taken.escalatedAt ? 'unreachable' : 'clinical_need' });
    }
    expect(order).toEqual([escalated.id, older.id, newer.id]);
    const empty = await nurseB.agent.post('/api/tasks/next').send({});
    expect(empty.status).toBe(404);
    expect(empty.body.error.code).toBe('QUEUE_EMPTY');
  });

  it('a shift leader takes over a stale claim freely but needs a reason for a live one', async () => {
    const task = await claimed();
    const live = await leader.agent.post(`/api/tasks/${task.id}/reassign`).send({ version: task.version });
    expect(live.status).toBe(422);
    expect(live.body.error.code).toBe('REASON_REQUIRED');
    const withReason = await leader.agent.post(`/api/tasks/${task.id}/reassign`).send({ version: task.version, assigneeId: nurseB.id, reason: 'Nurse A left for a break' });
    expect(withReason.status).toBe(200);
    expect(withReason.body.task.claimedBy.id).toBe(nurseB.id);

    await t.db.updateTable('task').set({ heartbeat_at: sql`now() - interval '10 minutes'` }).where('id', '=', task.id).execute();
    const list = await leader.agent.get('/api/tasks');
    expect(list.body.tasks.find((x: { id: string }) => x.id === task.id).stale).toBe(true);
    const takeOver = await leader.agent.post(`/api/tasks/${task.id}/reassign`).send({ version: withReason.body.task.version });
    expect(takeOver.status).toBe(200);
    expect(takeOver.body.task).toMatchObject({ claimedBy: { id: leader.id }, stale: false });
    expect((await nurseA.agent.post(`/api/tasks/${task.id}/reassign`).send({ version: 1 })).status).toBe(403);
  });

  it('heartbeat keeps a claim fresh and only the holder may send it', async () => {
    const task = await claimed();
    const hb = await nurseA.agent.post(`/api/tasks/${task.id}/heartbeat`);
    expect(hb.status).toBe(200);
    expect(hb.body.version).toBe(task.version);
    expect((await nurseB.agent.post(`/api/tasks/${task.id}/heartbeat`)).status).toBe(409);
  });
});

describe('call attempts and the safety net', () => {
  it('an unanswered call puts the task back as a call-back due in the configured time; it may be claimed early', async () => {
    const task = await claimed();
    const before = Date.now();
    const res = await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'no_answer' });
    expect(res.status).toBe(201);
    expect(res.body.task).toMatchObject({ state: 'callback_pending', claimedBy: null, failedCallAttempts: 1, escalatedAt: null });
    const due = new Date(res.body.task.callbackDueAt).getTime();
    expect(due - before).toBeGreaterThanOrEqual(10 * 60_000 - 1000);
    expect(due - before).toBeLessThan(10 * 60_000 + 5000);
    expect((await nurseB.agent.post(`/api/tasks/${task.id}/claim`)).status).toBe(200);
  });

  it('three unanswered calls escalate the task; it must then close as an unreachable unit dispatch', async () => {
    const task = await claimed();
    for (const result of ['no_answer', 'busy']) {
      expect((await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result })).status).toBe(201);
      expect((await nurseA.agent.post(`/api/tasks/${task.id}/claim`)).status).toBe(200);
    }
    const third = await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'line_failure' });
    expect(third.body.task).toMatchObject({ state: 'in_assessment', failedCallAttempts: 3, escalationReason: 'unreachable_attempts', claimedBy: { id: nurseA.id } });
    expect(third.body.task.escalatedAt).not.toBeNull();
    const version = third.body.task.version;

    const advice = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version, type: 'phone_advice', advice: 'self_care', rationale: 'x' });
    expect(advice.status).toBe(422);
    expect(advice.body.error.code).toBe('ESCALATED_REQUIRES_DISPATCH');
    const wrongReason = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' });
    expect(wrongReason.status).toBe(422);
    const ok = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'unreachable' });
    expect(ok.status).toBe(200);
    expect(ok.body.task).toMatchObject({ state: 'closed', outcomeType: 'dispatch_unit' });

    const events = (await leader.agent.get(`/api/tasks/${task.id}`)).body.task.events.map((e: { type: string }) => e.type);
    expect(events).toContain('task.escalated');
  });

  it('a wrong number fires the safety net at once', async () => {
    const task = await claimed();
    const res = await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'wrong_number' });
    expect(res.body.task).toMatchObject({ escalationReason: 'wrong_number', state: 'in_assessment' });
  });

  it('only the holder records calls', async () => {
    const task = await claimed();
    const res = await nurseB.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('TASK_ALREADY_CLAIMED');
    const bad = await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'voicemail' });
    expect(bad.status).toBe(422);
  });
});

describe('assessment and outcome', () => {
  it('saves drafts with versions; a red flag forbids phone advice and redirects', async () => {
    const task = await claimed();
    await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    let version = (await nurseA.agent.get(`/api/tasks/${task.id}`)).body.task.version;
    const draft = await nurseA.agent.put(`/api/tasks/${task.id}/assessment`).send({ version, chiefComplaint: 'Fell', redFlags: [], vitals: { heartRate: 80 }, currentServices: ['home_care_client'] });
    expect(draft.status).toBe(200);
    version = draft.body.task.version;
    expect((await nurseA.agent.put(`/api/tasks/${task.id}/assessment`).send({ version: version - 1, redFlags: [] })).body.error.code).toBe('STALE_VERSION');
    const unknownFlag = await nurseA.agent.put(`/api/tasks/${task.id}/assessment`).send({ version, redFlags: ['sore_toe'] });
    expect(unknownFlag.status).toBe(422);
    const flagged = await nurseA.agent.put(`/api/tasks/${task.id}/assessment`).send({ version, chiefComplaint: 'Fell', redFlags: ['chest_pain'], vitals: { heartRate: 80 } });
    version = flagged.body.task.version;
    const detail = await nurseA.agent.get(`/api/tasks/${task.id}`);
    expect(detail.body.task.assessment).toMatchObject({ chiefComplaint: 'Fell', redFlags: ['chest_pain'], vitals: { heartRate: 80 } });

    for (const outcome of [redirect, { type: 'phone_advice', advice: 'self_care', rationale: 'Rest' }]) {
      const res = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version, ...outcome });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('RED_FLAG_REQUIRES_DISPATCH');
    }
    const dispatch = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version, type: 'dispatch_unit', unitLevel: 'ALS', urgency: 'B', reason: 'red_flag' });
    expect(dispatch.status).toBe(200);
  });

  it('an outcome closes the task; only the holder or a shift leader records it; a dispatch goes to the ERC, which acknowledges it', async () => {
    const task = await claimed();
    const notHolder = await nurseB.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: task.version, ...redirect });
    expect(notHolder.status).toBe(409);
    const missing = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: task.version, type: 'redirect', target: 'home_care' });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.handoffTo', 'body.rationale']));

    const byLeader = await leader.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: task.version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need', note: 'Needs wound care' });
    expect(byLeader.status).toBe(200);
    expect(byLeader.body.task).toMatchObject({ state: 'closed', outcomeType: 'dispatch_unit', claimedBy: null });
    const again = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: byLeader.body.task.version, ...redirect });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TASK_CLOSED');

    const open = await erc.get('/api/intake/dispatch-requests');
    const request = open.body.dispatchRequests.find((d: { ercTaskId: string }) => d.ercTaskId === task.ercTaskId);
    expect(request).toMatchObject({ unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need', municipality: 'Kempele', address: 'Kirkkotie 1', acknowledgedAt: null });
    const ack = await erc.post(`/api/intake/dispatch-requests/${request.id}/ack`);
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledgedAt).not.toBeNull();
    expect(ack.body.secondsToAcknowledge).toBeGreaterThanOrEqual(0);
    expect((await erc.post(`/api/intake/dispatch-requests/${request.id}/ack`)).body.acknowledgedAt).toBe(ack.body.acknowledgedAt);
    const after = await erc.get('/api/intake/dispatch-requests');
    expect(after.body.dispatchRequests.find((d: { id: string }) => d.id === request.id)).toBeUndefined();
  });

  it('outcomes are never edited in place: amendments keep the history; the database refuses edits', async () => {
    const task = await claimed();
    const answered = await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    const closed = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: answered.body.task.version, type: 'phone_advice', advice: 'call_back_if_worse', rationale: 'Mild symptoms' });
    expect(closed.status).toBe(200);
    const noReason = await nurseA.agent.post(`/api/tasks/${task.id}/outcome/amendments`).send({ version: closed.body.task.version, outcome: redirect });
    expect(noReason.status).toBe(422);
    const byOther = await nurseB.agent.post(`/api/tasks/${task.id}/outcome/amendments`).send({ version: closed.body.task.version, reason: 'x', outcome: redirect });
    expect(byOther.status).toBe(403);
    const amended = await nurseA.agent.post(`/api/tasks/${task.id}/outcome/amendments`).send({ version: closed.body.task.version, reason: 'Home care accepted after all', outcome: redirect });
    expect(amended.status).toBe(201);
    expect(amended.body.task.outcomeType).toBe('redirect');
    const stale = await leader.agent.post(`/api/tasks/${task.id}/outcome/amendments`).send({ version: closed.body.task.version, reason: 'again', outcome: redirect });
    expect(stale.body.error.code).toBe('STALE_VERSION');

    const detail = (await nurseA.agent.get(`/api/tasks/${task.id}`)).body.task;
    expect(detail.outcomes).toHaveLength(2);
    expect(detail.outcomes[0]).toMatchObject({ outcome: { type: 'phone_advice' }, current: false, amendsId: null });
    expect(detail.outcomes[1]).toMatchObject({ outcome: { type: 'redirect' }, current: true, amendsId: detail.outcomes[0].id, amendmentReason: 'Home care accepted after all' });
    await expect(sql`update task_outcome set type = 'redirect'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from task_outcome`.execute(t.db)).rejects.toThrow(/append-only/);
  });
});

describe('amendments and dispatch requests', () => {
  const openFor = async (ercTaskId: string) =>
    (await erc.get('/api/intake/dispatch-requests')).body.dispatchRequests.filter((d: { ercTaskId: string }) => d.ercTaskId === ercTaskId);
  const dispatch = { type: 'dispatch_unit', unitLevel: 'ALS', urgency: 'C', reason: 'clinical_need' };

  it('amending a dispatch replaces its request: one task, one unit', async () => {
    const task = await claimed();
    const closed = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: task.version, ...dispatch });
    expect(await openFor(task.ercTaskId)).toHaveLength(1);
    const amended = await leader.agent.post(`/api/tasks/${task.id}/outcome/amendments`).send({ version: closed.body.task.version, reason: 'BLS is enough', outcome: { ...dispatch, unitLevel: 'BLS' } });
    expect(amended.status).toBe(201);
    const open = await openFor(task.ercTaskId);
    expect(open).toHaveLength(1);
    expect(open[0].unitLevel).toBe('BLS');
    const all = (await erc.get('/api/intake/dispatch-requests?status=all')).body.dispatchRequests.filter((d: { ercTaskId: string }) => d.ercTaskId === task.ercTaskId);
    expect(all.map((d: { unitLevel: string; supersededAt: string | null }) => [d.unitLevel, d.supersededAt === null])).toEqual([['ALS', false], ['BLS', true]]);
  });

  it('amending a dispatch to phone advice withdraws the request; an acknowledged one is flagged', async () => {
    const task = await claimed();
    const answered = await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    const closed = await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: answered.body.task.version, ...dispatch });
    const [request] = await openFor(task.ercTaskId);
    await erc.post(`/api/intake/dispatch-requests/${request.id}/ack`);
    const amended = await nurseA.agent.post(`/api/tasks/${task.id}/outcome/amendments`).send({ version: closed.body.task.version, reason: 'Patient called back, much better', outcome: { type: 'phone_advice', advice: 'call_back_if_worse', rationale: 'Better' } });
    expect(amended.status).toBe(201);
    expect(await openFor(task.ercTaskId)).toEqual([]);
    const events = (await leader.agent.get(`/api/tasks/${task.id}`)).body.task.events;
    expect(events.find((e: { type: string }) => e.type === 'dispatch.superseded').data).toEqual({ dispatchRequestId: request.id, acknowledged: true });
  });

  it('an escalated patient who was reached after all is dispatched with the true reason', async () => {
    const task = await claimed();
    await t.db.updateTable('task').set({ escalated_at: sql`now()`, escalation_reason: 'response_limit' }).where('id', '=', task.id).execute();
    const answered = await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    const v = answered.body.task.version;
    expect((await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: v, ...redirect })).body.error.code).toBe('ESCALATED_REQUIRES_DISPATCH');
    expect((await nurseA.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: v, ...dispatch })).status).toBe(200);
  });
});

describe('idempotency keys', () => {
  it('a retried request returns the first answer and does nothing twice', async () => {
    const task = await claimed();
    const send = () => nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).set('Idempotency-Key', `call-${task.id}`).send({ result: 'no_answer' });
    const first = await send();
    const retry = await send();
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    const attempts = await t.db.selectFrom('task_call_attempt').select('id').where('task_id', '=', task.id).execute();
    expect(attempts).toHaveLength(1);
    const reused = await nurseA.agent.post(`/api/tasks/${task.id}/call-attempts`).set('Idempotency-Key', `call-${task.id}`).send({ result: 'busy' });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('a key left unanswered by a request that died is taken over after its lease', async () => {
    const task = await claimed();
    const scope = `${nurseA.id} POST /api/tasks/${task.id}/release`;
    const body = { version: task.version };
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    await t.db.insertInto('idempotency_record').values({ scope, key: 'dead-1', request_hash: hash, created_at: new Date(Date.now() - 60_000) }).execute();
    const res = await nurseA.agent.post(`/api/tasks/${task.id}/release`).set('Idempotency-Key', 'dead-1').send(body);
    expect(res.status).toBe(200);
    await t.db.insertInto('idempotency_record').values({ scope, key: 'live-1', request_hash: hash }).execute();
    expect((await nurseA.agent.post(`/api/tasks/${task.id}/release`).set('Idempotency-Key', 'live-1').send(body)).body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
  });

  it('replays a refusal too, and keys belong to their user', async () => {
    const task = await claimed();
    const first = await nurseB.agent.post(`/api/tasks/${task.id}/claim`).set('Idempotency-Key', 'claim-1');
    expect(first.status).toBe(409);
    await nurseA.agent.post(`/api/tasks/${task.id}/release`).send({ version: task.version });
    const retry = await nurseB.agent.post(`/api/tasks/${task.id}/claim`).set('Idempotency-Key', 'claim-1');
    expect(retry.status).toBe(409);
    const sameKeyOtherUser = await nurseA.agent.post(`/api/tasks/${task.id}/claim`).set('Idempotency-Key', 'claim-1');
    expect(sameKeyOtherUser.status).toBe(200);
  });
});

describe('reading tasks', () => {
  it('the queue hides phone and address; every detail read is audited', async () => {
    const task = await createTask(erc);
    const list = await nurseA.agent.get('/api/tasks');
    const row = list.body.tasks.find((x: { id: string }) => x.id === task.id);
    expect(row).toBeDefined();
    expect(row.callbackPhone).toBeUndefined();
    expect(row.address).toBeUndefined();
    await nurseB.agent.get(`/api/tasks/${task.id}`);
    const reads = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'task.read').where('target_id', '=', task.id).execute();
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ actor_name: 'nurseb', actor_role: 'nurse' });
    expect(JSON.stringify(reads[0]!.details)).not.toContain('358');
  });

  it('filters by state and area and rejects unknown states', async () => {
    const areas = (await nurseA.agent.get('/api/reference/areas')).body.areas as { id: string; name: string }[];
    const oulu = areas.find((a) => a.name === 'Oulu')!;
    const task = await createTask(erc, { municipality: 'Oulu' });
    const inOulu = await nurseA.agent.get('/api/tasks').query({ areaId: oulu.id, state: 'queued' });
    expect(inOulu.body.tasks.map((x: { id: string }) => x.id)).toContain(task.id);
    expect(inOulu.body.tasks.every((x: { area: { name: string } }) => x.area.name === 'Oulu')).toBe(true);
    const closed = await nurseA.agent.get('/api/tasks').query({ state: 'closed,queued' });
    expect(closed.status).toBe(200);
    expect((await nurseA.agent.get('/api/tasks').query({ state: 'lost' })).status).toBe(422);
  });

  it('a manager cannot read tasks', async () => {
    const { agent } = await t.userWithRole('manager');
    expect((await agent.get('/api/tasks')).status).toBe(403);
  });
});

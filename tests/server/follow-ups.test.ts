import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSampling } from '../../server/audits/audits.service.ts';
import { NO_REQUEST, SYSTEM } from '../../server/http/actor.ts';
import { nextHelsinkiMorning } from '../../server/follow-ups/follow-up-rules.ts';
import { flagOverdueFollowUps } from '../../server/follow-ups/follow-ups.repository.ts';
import { runSchedulerTick } from '../../server/tasks/scheduler.ts';
import { helsinkiMonth as helsinkiMonthOf, helsinkiTime } from '../../server/time/helsinki.ts';
import { closedTask, createTask, ercClient, UNIT_DISPATCH, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

const EARLY_MINUTES = 15;
const OVERDUE_MINUTES = 10;
const ENV = {
  FOLLOW_UP_EARLY_MINUTES: String(EARLY_MINUTES),
  FOLLOW_UP_OVERDUE_MINUTES: String(OVERDUE_MINUTES),
  FOLLOW_UP_UNREACHABLE_ATTEMPTS: '2',
  FOLLOW_UP_UNREACHABLE_MINUTES: '10',
};
const HOUR = 3_600_000;

let t: TestServer;
let erc: ErcClient;
let nurseA: { agent: Agent; id: string };
let nurseB: { agent: Agent; id: string };
let leader: { agent: Agent; id: string };

beforeAll(async () => {
  t = await startTestServer(ENV);
  erc = await ercClient(t);
  nurseA = await t.userWithRole('nurse', 'funursea');
  nurseB = await t.userWithRole('nurse', 'funurseb');
  leader = await t.userWithRole('shift_leader', 'fuleader');
});
afterAll(() => t.close());

const tick = () => runSchedulerTick(t.db, t.server.publisher, t.config);
const eventTypes = async (taskId: string) => (await t.db.selectFrom('task_event').select('type').where('task_id', '=', taskId).orderBy('seq').execute()).map((e) => e.type);
const followUpRow = (id: string) => t.db.selectFrom('follow_up').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const countFollowUps = async () => (await t.db.selectFrom('follow_up').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;

/** A task nurse A advised on the phone and closed, with a follow-up scheduled in 1 h. */
async function advisedWithFollowUp(body: Record<string, unknown> = {}) {
  const task = await closedTask(erc, nurseA.agent);
  const res = await nurseA.agent.post(`/api/tasks/${task.id}/follow-ups`).send({ when: 'in_1h', check: 'Is the dizziness worse? Can she stand?', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { task, followUp: res.body.followUp as { id: string; version: number; dueAt: string; state: string } };
}

/** The clock moved: the follow-up became due `minutesAgo` minutes ago. */
async function dueAgo(id: string, minutesAgo = 1) {
  await t.db.updateTable('follow_up').set({ due_at: sql`now() - make_interval(mins => ${minutesAgo})` }).where('id', '=', id).execute();
}

async function claimed(agent: Agent, id: string) {
  await dueAgo(id);
  const res = await agent.post(`/api/follow-ups/${id}/claim`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.followUp as { id: string; version: number };
}

async function release(agent: Agent, id: string) {
  const row = await followUpRow(id);
  expect((await agent.post(`/api/follow-ups/${id}/release`).send({ version: row.version })).status).toBe(200);
}

describe('scheduling a follow-up call', () => {
  it('after phone advice: due in 1 h, in the shared queue, an event and an audit row', async () => {
    const before = Date.now();
    const { task, followUp } = await advisedWithFollowUp();
    expect(followUp.state).toBe('scheduled');
    expect(Date.parse(followUp.dueAt) - before).toBeGreaterThanOrEqual(HOUR - 1000);
    expect(Date.parse(followUp.dueAt) - Date.now()).toBeLessThanOrEqual(HOUR);
    expect(await eventTypes(task.id)).toContain('follow_up.scheduled');
    const audit = await t.db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', task.id).where('action', '=', 'follow_up.schedule').execute();
    expect(audit).toHaveLength(1);
    // What to check is patient data: never in the audit details or the event.
    expect(JSON.stringify(audit[0]!.details)).not.toContain('dizziness');
    const queue = await nurseB.agent.get('/api/follow-ups');
    expect(queue.status).toBe(200);
    const listed = (queue.body.followUps as { id: string; owner: unknown }[]).find((f) => f.id === followUp.id);
    expect(listed?.owner).toBeNull();
    expect(JSON.stringify(queue.body)).not.toContain('dizziness');
  });

  it('next morning is the next 08:00 in Helsinki; "me" makes the nurse its owner', async () => {
    const task = await closedTask(erc, nurseA.agent);
    const res = await nurseA.agent.post(`/api/tasks/${task.id}/follow-ups`).send({ when: 'next_morning', check: 'Fever down?', owner: 'me' });
    expect(res.status).toBe(201);
    const due = new Date(res.body.followUp.dueAt as string);
    expect(helsinkiTime(due)).toBe('08:00');
    expect(due.getTime()).toBeGreaterThan(Date.now());
    expect(due.getTime() - Date.now()).toBeLessThanOrEqual(24 * HOUR + HOUR);
    expect(res.body.followUp.owner.id).toBe(nurseA.id);
    // Owned: nurse B cannot take it, even when due.
    await dueAgo(res.body.followUp.id as string);
    const taken = await nurseB.agent.post(`/api/follow-ups/${res.body.followUp.id}/claim`);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('FOLLOW_UP_OWNED');
  });

  it('nextHelsinkiMorning: before eight it is today, after eight tomorrow, across the DST change', () => {
    expect(nextHelsinkiMorning(new Date('2026-01-15T04:00:00Z')).toISOString()).toBe('2026-01-15T06:00:00.000Z');
    expect(nextHelsinkiMorning(new Date('2026-01-15T06:00:00Z')).toISOString()).toBe('2026-01-16T06:00:00.000Z');
    // Summer time starts on 29 March 2026: 08:00 is then 05:00 UTC.
    expect(nextHelsinkiMorning(new Date('2026-03-28T20:00:00Z')).toISOString()).toBe('2026-03-29T05:00:00.000Z');
  });

  it('bad inputs get a clear error and change nothing', async () => {
    const open = await createTask(erc);
    const dispatched = await closedTask(erc, nurseA.agent, {}, UNIT_DISPATCH);
    const advised = await closedTask(erc, nurseA.agent);
    const before = await countFollowUps();
    const post = (taskId: string, body: object) => nurseA.agent.post(`/api/tasks/${taskId}/follow-ups`).send(body);
    const cases: [string, Promise<{ status: number; body: { error: { code: string } } }>, number, string][] = [
      ['open task', post(open.id, { when: 'in_1h', check: 'x' }), 409, 'FOLLOW_UP_NOT_ALLOWED'],
      ['unit dispatch', post(dispatched.id, { when: 'in_1h', check: 'x' }), 409, 'FOLLOW_UP_NOT_ALLOWED'],
      ['unknown task', post('00000000-0000-4000-8000-000000000000', { when: 'in_1h', check: 'x' }), 404, 'NOT_FOUND'],
      ['at without dueAt', post(advised.id, { when: 'at', check: 'x' }), 422, 'VALIDATION_FAILED'],
      ['at in the past', post(advised.id, { when: 'at', dueAt: new Date(Date.now() - 60_000).toISOString(), check: 'x' }), 422, 'VALIDATION_FAILED'],
      ['at beyond 7 days', post(advised.id, { when: 'at', dueAt: new Date(Date.now() + 8 * 24 * HOUR).toISOString(), check: 'x' }), 422, 'VALIDATION_FAILED'],
      ['dueAt with a preset', post(advised.id, { when: 'in_2h', dueAt: new Date(Date.now() + HOUR).toISOString(), check: 'x' }), 422, 'VALIDATION_FAILED'],
      ['empty check', post(advised.id, { when: 'in_1h', check: '   ' }), 422, 'VALIDATION_FAILED'],
      ['unknown preset', post(advised.id, { when: 'in_3h', check: 'x' }), 422, 'VALIDATION_FAILED'],
      ['unknown owner', post(advised.id, { when: 'in_1h', check: 'x', owner: 'someone' }), 422, 'VALIDATION_FAILED'],
      ['extra field', post(advised.id, { when: 'in_1h', check: 'x', priority: 1 }), 422, 'VALIDATION_FAILED'],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(status);
      expect(res.body.error.code, name).toBe(code);
    }
    expect(await countFollowUps()).toBe(before);
    const { followUp } = await advisedWithFollowUp();
    const result = await nurseA.agent.post(`/api/follow-ups/${followUp.id}/result`).send({ result: 'better', version: followUp.version });
    expect(result.status).toBe(422);
    expect((await nurseA.agent.post('/api/follow-ups/not-a-uuid/claim')).status).toBe(422);
    // Results need the call in hand.
    const unclaimed = await nurseA.agent.post(`/api/follow-ups/${followUp.id}/result`).send({ result: 'stable', version: followUp.version });
    expect(unclaimed.status).toBe(409);
    expect(unclaimed.body.error.code).toBe('FOLLOW_UP_NOT_CLAIMED');
    expect((await followUpRow(followUp.id)).state).toBe('scheduled');
  });
});

describe('claiming a follow-up call', () => {
  it('not before FOLLOW_UP_EARLY_MINUTES ahead of its due time: FOLLOW_UP_NOT_DUE', async () => {
    const { followUp } = await advisedWithFollowUp();
    const early = await nurseB.agent.post(`/api/follow-ups/${followUp.id}/claim`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('FOLLOW_UP_NOT_DUE');
    expect(early.body.error.details.dueAt).toBe(followUp.dueAt);
    await t.db.updateTable('follow_up').set({ due_at: sql`now() + make_interval(mins => ${EARLY_MINUTES - 1})` }).where('id', '=', followUp.id).execute();
    expect((await nurseB.agent.post(`/api/follow-ups/${followUp.id}/claim`)).status).toBe(200);
    await release(nurseB.agent, followUp.id);
  });

  it('is claimed by exactly one of 20 concurrent nurses', async () => {
    const nurses = await Promise.all(Array.from({ length: 20 }, () => t.userWithRole('nurse')));
    const { followUp } = await advisedWithFollowUp();
    await dueAgo(followUp.id);
    const results = await Promise.all(nurses.map((n) => n.agent.post(`/api/follow-ups/${followUp.id}/claim`)));
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    const winner = won[0]!.body.followUp.claimedBy.id as string;
    const lost = results.filter((r) => r.status === 409);
    expect(lost).toHaveLength(19);
    expect(lost.every((r) => r.body.error.code === 'FOLLOW_UP_ALREADY_CLAIMED' && r.body.error.details.claimedBy.id === winner)).toBe(true);
    const row = await followUpRow(followUp.id);
    expect(row).toMatchObject({ state: 'in_call', claimed_by: winner });
    const claims = await t.db.selectFrom('task_event').select('seq').where('type', '=', 'follow_up.claimed').where(sql<boolean>`data->>'followUpId' = ${followUp.id}`).execute();
    expect(claims).toHaveLength(1);
  });

  it('one thing in hand: a nurse calling a follow-up cannot take a task, nor one holding a task a follow-up', async () => {
    const nurse = await t.userWithRole('nurse');
    const { followUp } = await advisedWithFollowUp();
    await claimed(nurse.agent, followUp.id);
    const task = await createTask(erc);
    const refused = await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ALREADY_HOLDING_TASK');
    expect(refused.body.error.details.heldFollowUp.id).toBe(followUp.id);
    expect((await nurse.agent.post('/api/tasks/next').send({})).body.error.code).toBe('ALREADY_HOLDING_TASK');
    await release(nurse.agent, followUp.id);
    expect((await nurse.agent.post(`/api/tasks/${task.id}/claim`)).status).toBe(200);
    const other = await advisedWithFollowUp();
    await dueAgo(other.followUp.id);
    const second = await nurse.agent.post(`/api/follow-ups/${other.followUp.id}/claim`);
    expect(second.status).toBe(409);
    expect(second.body.error.details.heldTask.id).toBe(task.id);
  });

  it('heartbeat keeps the version; a shift leader reassigns a live call only with a reason', async () => {
    const nurse = await t.userWithRole('nurse');
    const { followUp } = await advisedWithFollowUp();
    const held = await claimed(nurse.agent, followUp.id);
    const beat = await nurse.agent.post(`/api/follow-ups/${followUp.id}/heartbeat`);
    expect(beat.status).toBe(200);
    expect(beat.body.version).toBe(held.version);
    expect((await nurseB.agent.post(`/api/follow-ups/${followUp.id}/heartbeat`)).body.error.code).toBe('FOLLOW_UP_ALREADY_CLAIMED');
    const noReason = await leader.agent.post(`/api/follow-ups/${followUp.id}/reassign`).send({ version: held.version });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.code).toBe('REASON_REQUIRED');
    expect((await nurse.agent.post(`/api/follow-ups/${followUp.id}/reassign`).send({ version: held.version, reason: 'x' })).status).toBe(403);
    const moved = await leader.agent.post(`/api/follow-ups/${followUp.id}/reassign`).send({ version: held.version, reason: 'She went home ill' });
    expect(moved.status).toBe(200);
    expect(moved.body.followUp.claimedBy.id).toBe(leader.id);
    await release(leader.agent, followUp.id);
    // The reason is free text: in the audit row, never in the events every screen receives.
    const events = await t.db.selectFrom('task_event').select(['type', 'data']).where('type', 'in', ['follow_up.reassigned', 'follow_up.released']).execute();
    expect(JSON.stringify(events)).not.toContain('went home ill');
    const audit = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'follow_up.reassign').execute();
    expect(JSON.stringify(audit)).toContain('She went home ill');
  });

  it('a logout returns the held follow-up to the queue', async () => {
    const nurse = await t.userWithRole('nurse');
    const { task, followUp } = await advisedWithFollowUp();
    await claimed(nurse.agent, followUp.id);
    expect((await nurse.agent.post('/api/auth/logout')).status).toBeLessThan(300);
    expect(await followUpRow(followUp.id)).toMatchObject({ state: 'scheduled', claimed_by: null });
    expect(await eventTypes(task.id)).toContain('follow_up.released');
  });
});

describe('results', () => {
  it('stable closes the follow-up with a history row; a second result is refused', async () => {
    const { task, followUp } = await advisedWithFollowUp();
    const held = await claimed(nurseB.agent, followUp.id);
    await nurseB.agent.post(`/api/follow-ups/${followUp.id}/call-attempts`).send({ result: 'answered' });
    const res = await nurseB.agent.post(`/api/follow-ups/${followUp.id}/result`).send({ result: 'stable', note: 'Feels better', version: held.version });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.followUp.state).toBe('stable');
    const again = await nurseB.agent.post(`/api/follow-ups/${followUp.id}/result`).send({ result: 'worse', version: res.body.followUp.version });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('FOLLOW_UP_DONE');
    const detail = await nurseB.agent.get(`/api/follow-ups/${followUp.id}`);
    expect(detail.body.followUp.results).toMatchObject([{ result: 'stable', note: 'Feels better' }]);
    expect(detail.body.followUp.check).toContain('dizziness');
    expect(await eventTypes(task.id)).toContain('follow_up.result');
    const task2 = (await nurseB.agent.get(`/api/tasks/${task.id}`)).body.task;
    expect(task2.outcomeType).toBe('phone_advice');
    await expect(t.db.deleteFrom('follow_up_result').where('follow_up_id', '=', followUp.id).execute()).rejects.toThrow();
  });

  it('worse amends the task to a unit dispatch (deteriorated_at_follow_up): exactly one dispatch request, even when sent twice at once', async () => {
    const { task, followUp } = await advisedWithFollowUp();
    const held = await claimed(nurseB.agent, followUp.id);
    await nurseB.agent.post(`/api/follow-ups/${followUp.id}/call-attempts`).send({ result: 'answered' });
    const body = { result: 'worse', note: 'Cannot stand any more', version: held.version, unitLevel: 'ALS', urgency: 'C' };
    const results = await Promise.all([1, 2, 3].map(() => nurseB.agent.post(`/api/follow-ups/${followUp.id}/result`).send(body)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    const requests = await t.db.selectFrom('dispatch_request').selectAll().where('task_id', '=', task.id).execute();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ reason: 'deteriorated_at_follow_up', unit_level: 'ALS', urgency: 'C' });
    const detail = (await nurseB.agent.get(`/api/tasks/${task.id}`)).body.task;
    expect(detail.outcomeType).toBe('dispatch_unit');
    const row = await followUpRow(followUp.id);
    expect(row.state).toBe('worse');
    expect(row.dispatch_outcome_id).toBe(requests[0]!.outcome_id);
    const erc2 = await erc.get('/api/intake/dispatch-requests');
    expect(JSON.stringify(erc2.body)).toContain(task.id);
    // The clinical audit's trigger follow_up_worse queues the task for review.
    await t.db.transaction().execute((trx) => runSampling(trx, SYSTEM, NO_REQUEST, t.config.audit, undefined));
    const review = await t.db.selectFrom('audit_review').select('reasons').where('task_id', '=', task.id).executeTakeFirst();
    expect(review?.reasons).toContain('follow_up_worse');
  });

  it('FOLLOW_UP_UNREACHABLE_DISPATCH: an unreachable follow-up also sends a unit (reason unreachable)', async () => {
    const other = await startTestServer({ ...ENV, FOLLOW_UP_UNREACHABLE_ATTEMPTS: '1', FOLLOW_UP_UNREACHABLE_MINUTES: '0', FOLLOW_UP_UNREACHABLE_DISPATCH: 'true' });
    try {
      const otherErc = await ercClient(other);
      const nurse = await other.userWithRole('nurse');
      const task = await closedTask(otherErc, nurse.agent);
      const scheduled = await nurse.agent.post(`/api/tasks/${task.id}/follow-ups`).send({ when: 'in_1h', check: 'Still dizzy?' });
      await other.db.updateTable('follow_up').set({ due_at: sql`now()` }).where('id', '=', scheduled.body.followUp.id).execute();
      expect((await nurse.agent.post(`/api/follow-ups/${scheduled.body.followUp.id}/claim`)).status).toBe(200);
      const missed = await nurse.agent.post(`/api/follow-ups/${scheduled.body.followUp.id}/call-attempts`).send({ result: 'no_answer' });
      expect(missed.body.followUp.state).toBe('in_call');
      const res = await nurse.agent.post(`/api/follow-ups/${scheduled.body.followUp.id}/result`).send({ result: 'unreachable', version: missed.body.followUp.version });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const requests = await other.db.selectFrom('dispatch_request').select('reason').where('task_id', '=', task.id).execute();
      expect(requests).toEqual([{ reason: 'unreachable' }]);
    } finally {
      await other.close();
    }
  });

  it('unreachable needs the policy met (2 unanswered calls over 10 min), then escalates to shift leaders', async () => {
    const { task, followUp } = await advisedWithFollowUp();
    const held = await claimed(nurseB.agent, followUp.id);
    const early = await nurseB.agent.post(`/api/follow-ups/${followUp.id}/result`).send({ result: 'unreachable', version: held.version });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('FOLLOW_UP_ATTEMPTS_REQUIRED');
    const first = await nurseB.agent.post(`/api/follow-ups/${followUp.id}/call-attempts`).send({ result: 'no_answer' });
    expect(first.status).toBe(201);
    // Back in the queue, due again in 10 min (2 attempts over 10 min).
    expect(first.body.followUp).toMatchObject({ state: 'scheduled', failedCallAttempts: 1, claimedBy: null });
    expect(Date.parse(first.body.followUp.dueAt as string) - Date.now()).toBeGreaterThan(9 * 60_000);
    // The clock: the first call was 11 minutes ago, the next call is due now.
    await t.db.updateTable('follow_up').set({ first_failed_call_at: sql`now() - interval '11 minutes'` }).where('id', '=', followUp.id).execute();
    await claimed(nurseB.agent, followUp.id);
    const second = await nurseB.agent.post(`/api/follow-ups/${followUp.id}/call-attempts`).send({ result: 'busy' });
    // The policy is met: she keeps it to record the result.
    expect(second.body.followUp).toMatchObject({ state: 'in_call', failedCallAttempts: 2 });
    const res = await nurseB.agent.post(`/api/follow-ups/${followUp.id}/result`).send({ result: 'unreachable', version: second.body.followUp.version });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.followUp.escalatedAt).not.toBeNull();
    const escalated = await t.db.selectFrom('task_event').select(['audience']).where('task_id', '=', task.id).where('type', '=', 'follow_up.escalated').execute();
    expect(escalated).toEqual([{ audience: 'shift_leader' }]);
    // Without FOLLOW_UP_UNREACHABLE_DISPATCH no unit goes.
    expect(await t.db.selectFrom('dispatch_request').select('id').where('task_id', '=', task.id).execute()).toHaveLength(0);
  });

  it('amending the task to a unit dispatch cancels its open follow-ups', async () => {
    const { task, followUp } = await advisedWithFollowUp();
    const current = (await nurseA.agent.get(`/api/tasks/${task.id}`)).body.task;
    const amended = await nurseA.agent.post(`/api/tasks/${task.id}/outcome/amendments`).send({ version: current.version, reason: 'Called back herself', outcome: UNIT_DISPATCH });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    expect((await followUpRow(followUp.id)).state).toBe('cancelled');
    const detail = await nurseA.agent.get(`/api/follow-ups/${followUp.id}`);
    expect(detail.body.followUp.results).toMatchObject([{ result: 'cancelled' }]);
  });
});

describe('overdue follow-ups', () => {
  it('are flagged to shift leaders exactly once across two scheduler nodes', async () => {
    const { task, followUp } = await advisedWithFollowUp();
    await dueAgo(followUp.id, OVERDUE_MINUTES - 1);
    expect((await tick()).followUpsOverdue).toBe(0);
    await dueAgo(followUp.id, OVERDUE_MINUTES + 1);
    // Two nodes' ticks at once, and the rule's conditional update run in two transactions at once.
    const direct = () => t.db.transaction().execute((trx) => flagOverdueFollowUps(trx, OVERDUE_MINUTES));
    const [a, b, c, d] = await Promise.all([tick(), tick(), direct(), direct()]);
    const flaggedHere = (rows: { id: string }[]) => rows.filter((r) => r.id === followUp.id).length;
    expect(a.followUpsOverdue + b.followUpsOverdue + flaggedHere(c) + flaggedHere(d)).toBe(1);
    expect((await tick()).followUpsOverdue).toBe(0);
    // An event for shift leaders from whichever tick flagged it (a bare rule call records none).
    const events = await t.db.selectFrom('task_event').select(['audience']).where('task_id', '=', task.id).where('type', '=', 'follow_up.overdue').execute();
    expect(events).toEqual(Array(a.followUpsOverdue + b.followUpsOverdue).fill({ audience: 'shift_leader' }));
    expect((await followUpRow(followUp.id)).overdue_flagged_at).not.toBeNull();
    const queue = await leader.agent.get('/api/follow-ups');
    expect((queue.body.followUps as { id: string; overdueFlaggedAt: string | null }[]).find((f) => f.id === followUp.id)?.overdueFlaggedAt).not.toBeNull();
  });
});

describe('earlier contacts and the clinical audit', () => {
  it('an earlier task shows its pending follow-up', async () => {
    const phone = '+358409998877';
    const first = await closedTask(erc, nurseA.agent, { callbackPhone: phone });
    const scheduled = await nurseA.agent.post(`/api/tasks/${first.id}/follow-ups`).send({ when: 'in_2h', check: 'Breathing?' });
    expect(scheduled.status).toBe(201);
    const second = await createTask(erc, { callbackPhone: '040 999 8877' });
    const contacts = await nurseB.agent.get(`/api/tasks/${second.id}/contacts`);
    expect(contacts.status).toBe(200);
    const earlier = (contacts.body.contacts as { taskId: string; pendingFollowUp: { dueAt: string; overdue: boolean } | null }[]).find((c) => c.taskId === first.id);
    expect(earlier?.pendingFollowUp).toEqual({ dueAt: scheduled.body.followUp.dueAt, overdue: false });
  });
});

describe('the monthly report', () => {
  it('counts the month’s follow-ups: scheduled, done, worse, unreachable, overdue (from the rows, in the JSON and the CSV)', async () => {
    const month = helsinkiMonthOf(new Date());
    const rows = await t.db.selectFrom('follow_up').select(['state', 'overdue_flagged_at']).execute();
    const expected = {
      scheduled: rows.length,
      done: rows.filter((r) => ['stable', 'worse', 'unreachable'].includes(r.state)).length,
      worse: rows.filter((r) => r.state === 'worse').length,
      unreachable: rows.filter((r) => r.state === 'unreachable').length,
      overdue: rows.filter((r) => r.overdue_flagged_at !== null).length,
    };
    // The tests above left some of each.
    expect(Object.values(expected).every((n) => n > 0)).toBe(true);
    const manager = await t.userWithRole('manager');
    const res = await manager.agent.get(`/api/reports/monthly?from=${month}&to=${month}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.months[0].followUps).toEqual(expected);
    expect(res.body.months[0].dispatchesByReason.deteriorated_at_follow_up).toBe(1);
    const csv = await manager.agent.get(`/api/reports/monthly?from=${month}&to=${month}&format=csv`);
    expect(csv.text).toContain('follow_ups_worse');
  });
});

describe('a follow-up call nobody is on', () => {
  it("a silent caller's claim is flagged stale to shift leaders once; a heartbeat clears the flag", async () => {
    const nurse = await t.userWithRole('nurse');
    const { task, followUp } = await advisedWithFollowUp();
    await claimed(nurse.agent, followUp.id);
    await tick();
    expect((await followUpRow(followUp.id)).stale_flagged_at).toBeNull();
    await t.db.updateTable('follow_up').set({ heartbeat_at: sql`now() - make_interval(secs => ${t.config.lifecycle.claimStaleSeconds + 5})` }).where('id', '=', followUp.id).execute();
    const [a, b] = await Promise.all([tick(), tick()]);
    expect(a.staleClaims + b.staleClaims).toBeGreaterThanOrEqual(1);
    expect((await tick()).staleClaims).toBe(0);
    const events = await t.db.selectFrom('task_event').select(['audience', 'data']).where('task_id', '=', task.id).where('type', '=', 'follow_up.claim_stale').execute();
    expect(events).toEqual([{ audience: 'shift_leader', data: { followUpId: followUp.id, holder: nurse.id } }]);
    expect((await nurse.agent.post(`/api/follow-ups/${followUp.id}/heartbeat`)).status).toBe(200);
    expect((await followUpRow(followUp.id)).stale_flagged_at).toBeNull();
    await release(nurse.agent, followUp.id);
  });

  it('an unanswered call makes it due again and clears its overdue flag, so a missed retry is flagged again', async () => {
    const nurse = await t.userWithRole('nurse');
    const { followUp } = await advisedWithFollowUp();
    await dueAgo(followUp.id, OVERDUE_MINUTES + 1);
    await tick();
    expect((await followUpRow(followUp.id)).overdue_flagged_at).not.toBeNull();
    expect((await nurse.agent.post(`/api/follow-ups/${followUp.id}/claim`)).status).toBe(200);
    expect((await nurse.agent.post(`/api/follow-ups/${followUp.id}/call-attempts`).send({ result: 'no_answer' })).status).toBe(201);
    const row = await followUpRow(followUp.id);
    expect(row).toMatchObject({ state: 'scheduled', overdue_flagged_at: null });
    expect(row.due_at.getTime()).toBeGreaterThan(Date.now());
  });
});

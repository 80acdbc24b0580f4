import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskChangedEvent } from '../../server/contracts/realtime.ts';
import { avoidedDispatchSql } from '../../server/tasks/avoided-dispatch.ts';
import { runSchedulerTick } from '../../server/tasks/scheduler.ts';
import { closedTask, createTask, ercClient, PHONE_ADVICE, UNIT_DISPATCH, type ErcClient } from '../factories/tasks.ts';
import { connectedSocket, type TestSocket } from '../helpers/sockets.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
let erc: ErcClient;
let nurse: { agent: Agent; id: string; username: string };
let socket: TestSocket;
const received: TaskChangedEvent[] = [];

const ATTACHED = { unit: 'OUL121', unitLevel: 'ALS' } as const;

beforeAll(async () => {
  t = await startTestServer();
  erc = await ercClient(t);
  nurse = await t.userWithRole('nurse', 'fcnurse');
  socket = await connectedSocket(t.url, nurse.username);
  socket.on('task:changed', (event) => received.push(event));
});
afterAll(async () => {
  socket.close();
  await t.close();
});

const attach = (ercTaskId: string, body: object = ATTACHED) => erc.post(`/api/intake/tasks/${encodeURIComponent(ercTaskId)}/unit-attached`, body);
const outcomesOf = (taskId: string) => t.db.selectFrom('task_outcome').selectAll().where('task_id', '=', taskId).orderBy('recorded_at').orderBy('id').execute();
const dispatchRequestsOf = (taskId: string) => t.db.selectFrom('dispatch_request').selectAll().where('task_id', '=', taskId).execute();
const eventTypes = async (taskId: string) => (await t.db.selectFrom('task_event').select('type').where('task_id', '=', taskId).orderBy('seq').execute()).map((e) => e.type);
const fieldCommanderOutcomes = async (taskId: string) => (await outcomesOf(taskId)).filter((o) => (o.details as { reason?: string }).reason === 'field_commander');
async function avoided(taskId: string): Promise<boolean> {
  const row = await t.db.selectFrom('task').select(avoidedDispatchSql().as('avoided')).where('id', '=', taskId).executeTakeFirstOrThrow();
  return row.avoided;
}

/** A task the nurse holds, with an answered call: she could record an outcome right now. */
async function heldAndReached() {
  const task = await createTask(erc);
  const claimed = await nurse.agent.post(`/api/tasks/${task.id}/claim`);
  expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
  const called = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
  return { ...task, version: called.body.task.version as number };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('the field commander attached a unit (POST /api/intake/tasks/{ercTaskId}/unit-attached)', () => {
  it('closes a held task as a unit dispatch with reason field_commander, makes no dispatch request, and tells the holder at once', async () => {
    const task = await heldAndReached();
    const res = await attach(task.ercTaskId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.task).toMatchObject({ id: task.id, state: 'closed', outcomeType: 'dispatch_unit', claimedBy: null });

    const outcomes = await outcomesOf(task.id);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.details).toMatchObject({ type: 'dispatch_unit', reason: 'field_commander', unit: 'OUL121', unitLevel: 'ALS', urgency: 'D' });
    expect(outcomes[0]!.recorded_by_name).toMatch(/^integration:/);
    // No second request: the ERC already has the unit.
    expect(await dispatchRequestsOf(task.id)).toEqual([]);
    expect((await erc.get('/api/intake/dispatch-requests?status=all')).body.dispatchRequests.filter((d: { taskId: string }) => d.taskId === task.id)).toEqual([]);
    // The event and the audit row committed with it; the holder's socket got it.
    expect(await eventTypes(task.id)).toContain('task.unit_attached');
    const audit = await t.db.selectFrom('audit_log').selectAll().where('target_id', '=', task.id).where('action', '=', 'task.unit_attached').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_role).toBe('integration');
    await until(() => received.some((e) => e.taskId === task.id && e.type === 'task.unit_attached'));
    expect(received.find((e) => e.taskId === task.id && e.type === 'task.unit_attached')).toMatchObject({ state: 'closed' });
    // Her own outcome now finds the task closed.
    const late = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ ...PHONE_ADVICE, version: task.version });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('TASK_CLOSED');
    // A unit went: never an avoided dispatch.
    expect(await avoided(task.id)).toBe(false);
  });

  it('is idempotent: a repeated call answers the same task and writes nothing', async () => {
    const task = await createTask(erc);
    const first = await attach(task.ercTaskId, { ...ATTACHED, urgency: 'C' });
    expect(first.status).toBe(200);
    const events = await eventTypes(task.id);
    const again = await attach(task.ercTaskId, { ...ATTACHED, urgency: 'C' });
    expect(again.status).toBe(200);
    expect(again.body.task.version).toBe(first.body.task.version);
    expect(await eventTypes(task.id)).toEqual(events);
    expect(await outcomesOf(task.id)).toHaveLength(1);
    expect((await outcomesOf(task.id))[0]!.details).toMatchObject({ urgency: 'C' });
  });

  it('answers an unknown task 404 and bad bodies 422 naming the field, changing nothing', async () => {
    const unknown = await attach('ERC-NO-SUCH-TASK');
    expect(unknown.status).toBe(404);
    const task = await createTask(erc);
    for (const [body, field] of [
      [{ unitLevel: 'ALS' }, 'body.unit'],
      [{ unit: 'OUL121', unitLevel: 'helicopter' }, 'body.unitLevel'],
      [{ ...ATTACHED, urgency: 'E' }, 'body.urgency'],
      [{ ...ATTACHED, reason: 'other' }, 'body'],
      [{ unit: '', unitLevel: 'BLS' }, 'body.unit'],
    ] as const) {
      const res = await attach(task.ercTaskId, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error.details)).toContain(field);
    }
    expect(await eventTypes(task.id)).toEqual(['task.received']);
    const row = await t.db.selectFrom('task').select(['state', 'version']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'queued', version: task.version });
  });

  it('a task the ERC cancelled answers 409 TASK_CANCELLED; one the nurse already sent a unit to 409 TASK_ALREADY_DISPATCHED naming its request', async () => {
    const cancelled = await createTask(erc);
    await erc.post(`/api/intake/tasks/${cancelled.ercTaskId}/cancel`, { reason: 'Duplicate' });
    const onCancelled = await attach(cancelled.ercTaskId);
    expect(onCancelled.status).toBe(409);
    expect(onCancelled.body.error.code).toBe('TASK_CANCELLED');

    const dispatched = await closedTask(erc, nurse.agent, {}, UNIT_DISPATCH);
    const [request] = await dispatchRequestsOf(dispatched.id);
    const onDispatched = await attach(dispatched.ercTaskId);
    expect(onDispatched.status).toBe(409);
    expect(onDispatched.body.error).toMatchObject({ code: 'TASK_ALREADY_DISPATCHED', details: { dispatchRequestId: request!.id } });
    expect(await outcomesOf(dispatched.id)).toHaveLength(1);
    expect(await dispatchRequestsOf(dispatched.id)).toHaveLength(1);
  });

  it('a task closed with phone advice or a redirect is amended to the field commander\'s dispatch, its referral cancelled, no request made', async () => {
    const advised = await closedTask(erc, nurse.agent);
    expect(await avoided(advised.id)).toBe(true);
    const res = await attach(advised.ercTaskId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const outcomes = await outcomesOf(advised.id);
    expect(outcomes).toHaveLength(2);
    expect(outcomes[1]).toMatchObject({ amends_id: outcomes[0]!.id, amendment_reason: 'field_commander' });
    expect(await dispatchRequestsOf(advised.id)).toEqual([]);
    expect(await avoided(advised.id)).toBe(false);
    expect((await eventTypes(advised.id)).at(-1)).toBe('task.unit_attached');

    const redirected = await closedTask(erc, nurse.agent, {}, { type: 'redirect', target: 'home_care', handoffTo: 'Kempele home care', rationale: 'Needs help at home' });
    expect((await attach(redirected.ercTaskId)).status).toBe(200);
    const referral = await t.db.selectFrom('referral').select('state').where('task_id', '=', redirected.id).executeTakeFirstOrThrow();
    expect(referral.state).toBe('cancelled');
    const task = await t.db.selectFrom('task').select(['outcome_type', 'referral_state']).where('id', '=', redirected.id).executeTakeFirstOrThrow();
    expect(task).toEqual({ outcome_type: 'dispatch_unit', referral_state: null });
  });

  it('racing a nurse who records phone advice: always ends as the field commander\'s dispatch, exactly once, with no request', async () => {
    for (let round = 0; round < 4; round++) {
      const task = await heldAndReached();
      const [byNurse, byErc] = await Promise.all([
        nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ ...PHONE_ADVICE, version: task.version }),
        attach(task.ercTaskId),
      ]);
      expect(byErc.status, JSON.stringify(byErc.body)).toBe(200);
      // The nurse came first (and her advice was amended) or second (and found it closed).
      if (byNurse.status !== 200) expect(byNurse.body.error.code).toBe('TASK_CLOSED');
      const outcomes = await outcomesOf(task.id);
      if (byNurse.status === 200) {
        // Her advice came first: it stays as history, amended by the field commander's dispatch.
        expect(outcomes).toHaveLength(2);
        // recorded_at is each transaction's start, so the waiting one may carry the earlier time: find the amendment by its link.
        const amendment = outcomes.find((o) => o.amends_id !== null);
        expect(amendment?.id).toBe((await fieldCommanderOutcomes(task.id))[0]!.id);
        expect(amendment?.amends_id).toBe(outcomes.find((o) => o !== amendment)?.id);
      } else {
        expect(outcomes).toHaveLength(1);
      }
      expect(await fieldCommanderOutcomes(task.id)).toHaveLength(1);
      const current = await t.db.selectFrom('task').select(['outcome_type', 'current_outcome_id']).where('id', '=', task.id).executeTakeFirstOrThrow();
      expect(current.current_outcome_id).toBe((await fieldCommanderOutcomes(task.id))[0]!.id);
      expect(await dispatchRequestsOf(task.id)).toEqual([]);
    }
  });

  it('racing a nurse who sends a unit, and repeated calls: one unit, never two, and one record of it', async () => {
    for (let round = 0; round < 4; round++) {
      const task = await heldAndReached();
      const [byNurse, ...byErc] = await Promise.all([
        nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ ...UNIT_DISPATCH, version: task.version }),
        attach(task.ercTaskId),
        attach(task.ercTaskId),
        attach(task.ercTaskId),
      ]);
      const requests = await dispatchRequestsOf(task.id);
      const commanders = await fieldCommanderOutcomes(task.id);
      // Exactly one of the two kinds of unit dispatch was recorded.
      expect(requests.length + commanders.length).toBe(1);
      expect(await outcomesOf(task.id)).toHaveLength(1);
      if (byNurse.status === 200) {
        for (const res of byErc) expect(res.body.error.code).toBe('TASK_ALREADY_DISPATCHED');
      } else {
        expect(byNurse.body.error.code).toBe('TASK_CLOSED');
        for (const res of byErc) expect(res.status).toBe(200);
      }
    }
  });

  it('a task back in the queue for a new decision closes as the field commander\'s dispatch, amending the redirect', async () => {
    const redirected = await closedTask(erc, nurse.agent, {}, { type: 'redirect', target: 'home_care', handoffTo: 'Kempele home care', rationale: 'Needs help at home' });
    // The referral goes unanswered long enough: the scheduler's rule, moved forward in time.
    await sql`update referral set requested_at = now() - interval '2 hours' where task_id = ${redirected.id}`.execute(t.db);
    await runSchedulerTick(t.db, t.server.publisher, t.config);
    expect((await t.db.selectFrom('task').select('state').where('id', '=', redirected.id).executeTakeFirstOrThrow()).state).toBe('queued');
    const res = await attach(redirected.ercTaskId);
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ state: 'closed', outcomeType: 'dispatch_unit', decisionReason: null });
    const outcomes = await outcomesOf(redirected.id);
    expect(outcomes[1]).toMatchObject({ amends_id: outcomes[0]!.id, amendment_reason: 'referral_timeout' });
  });

  it("reports count the field commander's dispatch as a unit dispatch, never as avoided", async () => {
    const manager = (await t.userWithRole('manager', 'fcmanager')).agent;
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const before = (await manager.get(`/api/reports/monthly?from=${month}&to=${month}`)).body.months[0];
    const advised = await closedTask(erc, nurse.agent);
    expect((await attach(advised.ercTaskId)).status).toBe(200);
    const after = (await manager.get(`/api/reports/monthly?from=${month}&to=${month}`)).body.months[0];
    expect(after.dispatchesByReason.field_commander).toBe(before.dispatchesByReason.field_commander + 1);
    expect(after.avoided).toBe(before.avoided);
    expect(after.byOutcome.dispatch_unit).toBe(before.byOutcome.dispatch_unit + 1);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSchedulerTick } from '../../server/tasks/scheduler.ts';
import { createTask, ercClient, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const ENV = { RESPONSE_LIMIT_MINUTES: '120', SAFETY_MARGIN_MINUTES: '30', CLAIM_STALE_SECONDS: '60', WAIT_TARGETS_MINUTES: '30,60', DISPATCH_ACK_MINUTES: '5' };
let t: TestServer;
let erc: ErcClient;
beforeAll(async () => {
  t = await startTestServer(ENV);
  erc = await ercClient(t);
});
afterAll(() => t.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const tick = () => runSchedulerTick(t.db, t.server.publisher, t.config);
const eventTypes = async (taskId: string) =>
  (await t.db.selectFrom('task_event').select('type').where('task_id', '=', taskId).orderBy('seq').execute()).map((e) => e.type);

describe('scheduler', () => {
  it('escalates an unreached patient near the response limit, once, as the system actor; survives a restart', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await createTask(erc, { receivedAt: minutesAgo(60) });
    await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'no_answer' });
    expect((await tick()).escalated).toBe(0);

    // The node goes down; time passes; a new node's scheduler finds the state in the database.
    t = await t.restart();
    erc = await ercClient(t);
    await t.db.updateTable('task').set({ received_at: new Date(minutesAgo(95)) }).where('id', '=', task.id).execute();
    const result = await tick();
    expect(result.ran).toBe(true);
    expect(result.escalated).toBe(1);
    const row = await t.db.selectFrom('task').select(['escalated_at', 'escalation_reason', 'state']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row.escalation_reason).toBe('response_limit');
    expect(row.state).toBe('callback_pending');
    expect((await tick()).escalated).toBe(0);
    const audit = await t.db.selectFrom('audit_log').selectAll().where('target_id', '=', task.id).where('action', '=', 'task.escalate').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_name: 'system', actor_role: 'system' });
  });

  it('does not escalate a patient who was reached', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await createTask(erc, { receivedAt: minutesAgo(100) });
    await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    await tick();
    expect(await eventTypes(task.id)).not.toContain('task.escalated');
  });

  it('flags due call-backs, stale claims (never releasing them) and waiting-time breaches once each', async () => {
    const nurse = await t.userWithRole('nurse');
    const callback = await createTask(erc);
    await nurse.agent.post(`/api/tasks/${callback.id}/claim`);
    await nurse.agent.post(`/api/tasks/${callback.id}/call-attempts`).send({ result: 'busy' });
    await t.db.updateTable('task').set({ callback_due_at: sql`now() - interval '1 minute'` }).where('id', '=', callback.id).execute();

    const stale = await createTask(erc);
    await nurse.agent.post(`/api/tasks/${stale.id}/claim`);
    await t.db.updateTable('task').set({ heartbeat_at: sql`now() - interval '5 minutes'` }).where('id', '=', stale.id).execute();

    const waiting = await createTask(erc, { receivedAt: minutesAgo(61) });

    await tick();
    await tick();
    expect((await eventTypes(callback.id)).filter((e) => e === 'task.callback_due')).toHaveLength(1);
    expect((await eventTypes(stale.id)).filter((e) => e === 'task.claim_stale')).toHaveLength(1);
    const staleRow = await t.db.selectFrom('task').select(['state', 'claimed_by']).where('id', '=', stale.id).executeTakeFirstOrThrow();
    expect(staleRow).toEqual({ state: 'in_assessment', claimed_by: nurse.id });
    expect((await eventTypes(waiting.id)).filter((e) => e === 'task.wait_breached')).toHaveLength(1);
    expect((await nurse.agent.get('/api/tasks')).body.tasks.find((x: { id: string }) => x.id === waiting.id).breachLevel).toBe(2);

    // A heartbeat from the holder clears the stale flag and says so.
    expect((await nurse.agent.post(`/api/tasks/${stale.id}/heartbeat`)).status).toBe(200);
    expect(await eventTypes(stale.id)).toContain('task.claim_resumed');
  });

  it('flags a dispatch request the ERC has not acknowledged in time', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await createTask(erc);
    const claimed = await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ version: claimed.body.task.version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' });
    await t.db.updateTable('dispatch_request').set({ requested_at: sql`now() - interval '6 minutes'` }).where('task_id', '=', task.id).execute();
    expect((await tick()).unacknowledgedDispatches).toBe(1);
    expect(await eventTypes(task.id)).toContain('dispatch.unacknowledged');
    const open = await erc.get('/api/intake/dispatch-requests');
    expect(open.body.dispatchRequests.find((d: { taskId: string }) => d.taskId === task.id).overdue).toBe(true);
  });

  it('ends sessions idle past the limit and tells their sockets', async () => {
    const { agent, id } = await t.userWithRole('nurse');
    await t.db.updateTable('user_session').set({ last_seen_at: sql`now() - interval '2 days'` }).where('user_id', '=', id).execute();
    expect((await tick()).idleSessionsEnded).toBeGreaterThanOrEqual(1);
    expect(await t.db.selectFrom('user_session').select('id').where('user_id', '=', id).execute()).toEqual([]);
    expect((await agent.get('/api/auth/me')).status).toBe(401);
  });

  it('flags do not move the version, so the holder\'s next save is not stale', async () => {
    const nurse = await t.userWithRole('nurse');
    const task = await createTask(erc, { receivedAt: minutesAgo(45) });
    const claimed = (await nurse.agent.post(`/api/tasks/${task.id}/claim`)).body.task;
    await t.db.updateTable('task').set({ heartbeat_at: sql`now() - interval '5 minutes'` }).where('id', '=', task.id).execute();
    await tick();
    expect(await eventTypes(task.id)).toEqual(expect.arrayContaining(['task.claim_stale', 'task.wait_breached']));
    const hb = await nurse.agent.post(`/api/tasks/${task.id}/heartbeat`);
    expect(hb.body.version).toBe(claimed.version);
    const saved = await nurse.agent.put(`/api/tasks/${task.id}/assessment`).send({ version: claimed.version, redFlags: [] });
    expect(saved.status).toBe(200);
  });

  it('runs on its own interval when enabled', async () => {
    const live = await startTestServer({ ...ENV, SCHEDULER_ENABLED: 'true', SCHEDULER_INTERVAL_MS: '200' });
    try {
      const liveErc = await ercClient(live);
      const task = await createTask(liveErc, { receivedAt: minutesAgo(100) });
      let types: string[] = [];
      for (let i = 0; i < 50 && !types.includes('task.escalated'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        types = (await live.db.selectFrom('task_event').select('type').where('task_id', '=', task.id).execute()).map((e) => e.type);
      }
      expect(types).toContain('task.escalated');
    } finally {
      await live.close();
    }
  });
});

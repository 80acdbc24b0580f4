import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskChangedEvent } from '../../server/contracts/realtime.ts';
import { connectedSocket } from '../helpers/sockets.ts';
import { createTask, ercClient, intakeBody, type ErcClient } from '../factories/tasks.ts';
import { onPostgres } from '../helpers/test-db.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';
import { runSchedulerTick } from '../../server/tasks/scheduler.ts';

let t: TestServer;
let erc: ErcClient;
beforeAll(async () => {
  t = await startTestServer();
  erc = await ercClient(t);
});
afterAll(() => t.close());


async function allEvents(agent: Agent, since = 0) {
  const out: { seq: number; taskId: string; type: string }[] = [];
  for (let from = since; ; ) {
    const page = await agent.get('/api/events').query({ since: from, limit: 1000 });
    expect(page.status).toBe(200);
    out.push(...page.body.events);
    if (!page.body.hasMore) return { events: out, lastSeq: page.body.lastSeq as number };
    from = out.at(-1)!.seq;
  }
}

describe('concurrency (settled in SQL)', () => {
  it('50 concurrent claims of one task: exactly one 200 and 49 409s', async () => {
    const nurses = await Promise.all(Array.from({ length: 5 }, () => t.userWithRole('nurse')));
    const task = await createTask(erc);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => nurses[i % 5]!.agent.post(`/api/tasks/${task.id}/claim`)),
    );
    // The winner's own further attempts are not errors (a retried claim); count distinct outcomes by nurse.
    const winners = new Set(results.filter((r) => r.status === 200).map((r) => r.body.task.claimedBy.id));
    expect(winners.size).toBe(1);
    const winner = [...winners][0];
    const losers = results.filter((r) => r.status === 409);
    expect(losers.every((r) => r.body.error.code === 'TASK_ALREADY_CLAIMED' && r.body.error.details.claimedBy.id === winner)).toBe(true);
    const claimEvents = await t.db.selectFrom('task_event').select('seq').where('task_id', '=', task.id).where('type', '=', 'task.claimed').execute();
    expect(claimEvents).toHaveLength(1);
  });

  it('50 concurrent claims from 50 different nurses: exactly one 200 and 49 409s', async () => {
    const nurses = await Promise.all(Array.from({ length: 50 }, () => t.userWithRole('nurse')));
    const task = await createTask(erc);
    const results = await Promise.all(nurses.map((n) => n.agent.post(`/api/tasks/${task.id}/claim`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
  });

  it('10 nurses calling next at once over 10 tasks: each task claimed exactly once', async () => {
    const leader = await t.userWithRole('shift_leader');
    while ((await leader.agent.post('/api/tasks/next').send({})).status === 200);
    const tasks = await Promise.all(Array.from({ length: 10 }, () => createTask(erc)));
    const nurses = await Promise.all(Array.from({ length: 10 }, () => t.userWithRole('nurse')));
    const results = await Promise.all(nurses.map((n) => n.agent.post('/api/tasks/next').send({})));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const got = results.map((r) => r.body.task.id as string);
    expect(new Set(got).size).toBe(10);
    expect(new Set(got)).toEqual(new Set(tasks.map((x) => x.id)));
  });
});

describe('event stream', () => {
  it('events have no gaps and no duplicates, even under concurrent writes', async () => {
    await Promise.all(Array.from({ length: 20 }, () => erc.post('/api/intake/tasks', intakeBody())));
    const { agent } = await t.userWithRole('shift_leader');
    const { events, lastSeq } = await allEvents(agent);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(lastSeq).toBe(seqs.at(-1));
  });

  it('a socket client hears of a change only once it is readable through the API', async () => {
    const nurse = await t.userWithRole('nurse', 'listener');
    const socket = await connectedSocket(t.url, 'listener');
    const checks: Promise<void>[] = [];
    const seen: TaskChangedEvent[] = [];
    socket.on('task:changed', (event) => {
      seen.push(event);
      checks.push(
        (async () => {
          const list = await nurse.agent.get('/api/tasks').query({ state: 'queued,in_assessment,callback_pending,closed', limit: 500 });
          const task = list.body.tasks.find((x: { id: string }) => x.id === event.taskId);
          expect(task, `task of event ${event.seq}`).toBeDefined();
          expect(task.version).toBeGreaterThanOrEqual(event.version);
        })(),
      );
    });
    const task = await createTask(erc);
    const claimer = await t.userWithRole('nurse');
    await claimer.agent.post(`/api/tasks/${task.id}/claim`);
    await claimer.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'no_answer' });
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all(checks);
    expect(seen.filter((e) => e.taskId === task.id).map((e) => e.type)).toEqual(['task.received', 'task.claimed', 'task.call_attempted']);
    expect(seen.at(-1)).toMatchObject({ taskId: task.id, state: 'callback_pending', version: 3 });
    socket.close();
  });

  it('a client that was offline catches up from since, in order', async () => {
    const nurse = await t.userWithRole('nurse');
    const { lastSeq: before } = await allEvents(nurse.agent);
    const a = await createTask(erc);
    const b = await createTask(erc);
    await nurse.agent.post(`/api/tasks/${a.id}/claim`);
    const { events } = await allEvents(nurse.agent, before);
    expect(events.map((e) => [e.taskId, e.type])).toEqual([
      [a.id, 'task.received'],
      [b.id, 'task.received'],
      [a.id, 'task.claimed'],
    ]);
  });

  it('events are filtered by role: shift-leader flags do not reach nurses', async () => {
    const nurse = await t.userWithRole('nurse');
    const leader = await t.userWithRole('shift_leader');
    const task = await createTask(erc);
    await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    await t.db.updateTable('task').set({ heartbeat_at: new Date(Date.now() - 3_600_000) }).where('id', '=', task.id).execute();
    await runSchedulerTick(t.db, t.server.publisher, t.config);
    const forNurse = (await allEvents(nurse.agent)).events.filter((e) => e.taskId === task.id).map((e) => e.type);
    const forLeader = (await allEvents(leader.agent)).events.filter((e) => e.taskId === task.id).map((e) => e.type);
    expect(forLeader).toContain('task.claim_stale');
    expect(forNurse).not.toContain('task.claim_stale');
    expect(forNurse).toContain('task.claimed');
    const historyFor = async (agent: Agent) => (await agent.get(`/api/tasks/${task.id}`)).body.task.events.map((e: { type: string }) => e.type);
    expect(await historyFor(nurse.agent)).not.toContain('task.claim_stale');
    expect(await historyFor(leader.agent)).toContain('task.claim_stale');
  });

  it.runIf(onPostgres())('PostgreSQL: concurrent claims of many tasks keep the stream gapless', async () => {
    const nurses = await Promise.all(Array.from({ length: 10 }, () => t.userWithRole('nurse')));
    const tasks = await Promise.all(Array.from({ length: 10 }, () => createTask(erc)));
    await Promise.all(tasks.flatMap((task) => nurses.map((n) => n.agent.post(`/api/tasks/${task.id}/claim`))));
    const { events } = await allEvents(nurses[0]!.agent);
    const seqs = events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});

import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeBody } from '../factories/tasks.ts';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.ts';
import { connectedSocket, loginCookie } from '../helpers/sockets.ts';
import { createTestDb, onPostgres } from '../helpers/test-db.ts';

// Several server processes on one PostgreSQL, as production runs them. PostgreSQL only: PGlite is
// one process's database.
describe.runIf(onPostgres())('several nodes on one database', () => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let nodes: NodeProcess[] = [];
  let key: string;
  let nurseCookieB: string;

  beforeAll(async () => {
    handle = await createTestDb();
    const env = { DATABASE_URL: handle.url!, SCHEDULER_INTERVAL_MS: '200', STATS_POLL_MS: '200' };
    nodes = await Promise.all([startNodeProcess(env), startNodeProcess(env)]);
    const [a, b] = nodes as [NodeProcess, NodeProcess];
    const adminCookie = await loginCookie(a.url, 'admin', 'admin-password-for-tests');
    await request(a.url).post('/api/users').set('Cookie', adminCookie).send({ username: 'leader', password: 'user-password-for-tests', displayName: 'Leader', role: 'shift_leader' });
    await request(a.url).post('/api/users').set('Cookie', adminCookie).send({ username: 'nurse', password: 'user-password-for-tests', displayName: 'Nurse', role: 'nurse' });
    key = (await request(a.url).post('/api/integration-keys').set('Cookie', adminCookie).send({ name: 'erc' })).body.key;
    // A session made on node A works on node B: sessions live in the database.
    nurseCookieB = await loginCookie(a.url, 'nurse');
    expect((await request(b.url).get('/api/auth/me').set('Cookie', nurseCookieB)).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await handle.close();
  });

  it('a client on node A sees a change made on node B, and both nodes show the same live figures', async () => {
    const [a, b] = nodes as [NodeProcess, NodeProcess];
    const socket = await connectedSocket(a.url, 'leader');
    const changed = new Promise<{ taskId: string; type: string }>((resolve) => socket.on('task:changed', resolve));
    const res = await request(b.url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(intakeBody());
    expect(res.status).toBe(201);
    expect(await changed).toMatchObject({ taskId: res.body.task.id, type: 'task.received' });
    socket.close();
    const leaderA = await loginCookie(a.url, 'leader');
    const [sa, sb] = await Promise.all([a, b].map(async (n) => (await request(n.url).get('/api/stats/live').set('Cookie', leaderA)).body));
    expect(sa.seq).toBe(sb.seq);
    // Equal but for the moment each was made: its timestamp, the wait ticking, and the trend's "now" point.
    const timeless = (s: { queueTrend: unknown[] }) => ({ ...s, generatedAt: 0, oldestWaitSeconds: 0, nurses: 0, queueTrend: s.queueTrend.slice(0, -1) });
    expect(timeless(sa)).toEqual(timeless(sb));
  });

  it('the scheduler acts once per task although both nodes tick', async () => {
    const [, b] = nodes as [NodeProcess, NodeProcess];
    const created = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(b.url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(intakeBody({ receivedAt: new Date(Date.now() - 100 * 60_000).toISOString() })),
      ),
    );
    const ids = created.map((r) => r.body.task.id as string);
    let escalated: { task_id: string }[] = [];
    for (let i = 0; i < 50 && escalated.length < 10; i++) {
      await new Promise((r) => setTimeout(r, 200));
      escalated = await handle.db.selectFrom('task_event').select('task_id').where('type', '=', 'task.escalated').where('task_id', 'in', ids).execute();
    }
    await new Promise((r) => setTimeout(r, 1000)); // several more ticks on both nodes
    escalated = await handle.db.selectFrom('task_event').select('task_id').where('type', '=', 'task.escalated').where('task_id', 'in', ids).execute();
    expect(escalated).toHaveLength(10);
    expect(new Set(escalated.map((e) => e.task_id)).size).toBe(10);
  });

  it('every triggered review is queued exactly once while both nodes sample at the same moment', async () => {
    const [a, b] = nodes as [NodeProcess, NodeProcess];
    const nurse = await loginCookie(a.url, 'nurse');
    const leaders = [await loginCookie(a.url, 'leader'), await loginCookie(b.url, 'leader')];
    const advised: string[] = [];
    for (let i = 0; i < 5; i++) {
      const phone = `+35850999${String(i).padStart(4, '0')}`;
      const first = await request(a.url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`)
        .send(intakeBody({ callbackPhone: phone, receivedAt: new Date(Date.now() - 30 * 60_000).toISOString() }));
      const id = first.body.task.id as string;
      await request(a.url).post(`/api/tasks/${id}/claim`).set('Cookie', nurse);
      const called = await request(a.url).post(`/api/tasks/${id}/call-attempts`).set('Cookie', nurse).send({ result: 'answered' });
      const closed = await request(a.url).post(`/api/tasks/${id}/outcome`).set('Cookie', nurse)
        .send({ type: 'phone_advice', advice: 'self_care', rationale: 'stable', version: called.body.task.version });
      expect(closed.status).toBe(200);
      expect((await request(b.url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(intakeBody({ callbackPhone: phone }))).status).toBe(201);
      advised.push(id);
    }
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => request(nodes[i % 2]!.url).post('/api/audits/sampling').set('Cookie', leaders[i % 2]!).send({})),
    );
    expect(runs.map((r) => r.status)).toEqual(Array(8).fill(200));
    const rows = await handle.db.selectFrom('audit_review').select(['task_id', 'reasons']).where('task_id', 'in', advised).execute();
    expect(rows).toHaveLength(advised.length);
    expect(rows.every((r) => r.reasons.length === 1 && r.reasons[0] === 'recontact_72h')).toBe(true);
    const queued = await handle.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n'))
      .where('action', '=', 'audit.queue').where(sql<boolean>`details->>'taskId' in (${sql.join(advised)})`).executeTakeFirstOrThrow();
    expect(queued.n).toBe(advised.length);
  });

  it('killing node A leaves node B serving', async () => {
    const [a, b] = nodes as [NodeProcess, NodeProcess];
    await a.stop('SIGKILL');
    expect((await request(b.url).get('/readyz')).status).toBe(200);
    expect((await request(b.url).get('/api/tasks').set('Cookie', nurseCookieB)).status).toBe(200);
    const res = await request(b.url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(intakeBody());
    expect(res.status).toBe(201);
  });

  it('a node killed with SIGKILL during an intake load loses no acknowledged task, and retries do not duplicate', async () => {
    const victim = await startNodeProcess({ DATABASE_URL: handle.url!, SCHEDULER_ENABLED: 'false' });
    nodes.push(victim);
    const survivor = nodes[1]!;
    const bodies = Array.from({ length: 300 }, () => intakeBody());
    const acknowledged = new Set<string>();
    const send = async (url: string, body: ReturnType<typeof intakeBody>) => {
      try {
        const res = await request(url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(body).timeout(5_000);
        if (res.status === 201 || res.status === 200) acknowledged.add(body.ercTaskId);
        return res.status;
      } catch {
        return 0; // connection cut by the kill: not acknowledged
      }
    };
    const load = (async () => {
      for (let i = 0; i < bodies.length; i += 10) await Promise.all(bodies.slice(i, i + 10).map((b) => send(victim.url, b)));
    })();
    await new Promise((r) => setTimeout(r, 400));
    await victim.stop('SIGKILL');
    await load;
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(acknowledged.size).toBeLessThan(bodies.length);
    // The ERC retries everything it has no answer for, on the surviving node.
    for (const body of bodies) if (!acknowledged.has(body.ercTaskId)) expect([200, 201]).toContain(await send(survivor.url, body));
    const rows = await handle.db
      .selectFrom('task')
      .select(['erc_task_id', sql<number>`count(*)::int`.as('n')])
      .where('erc_task_id', 'in', bodies.map((b) => b.ercTaskId))
      .groupBy('erc_task_id')
      .execute();
    expect(rows).toHaveLength(bodies.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const events = await handle.db.selectFrom('task_event').select(sql<number>`count(*)::int`.as('n')).where('type', '=', 'task.received').executeTakeFirstOrThrow();
    const tasks = await handle.db.selectFrom('task').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(events.n).toBe(tasks.n);
  });
});

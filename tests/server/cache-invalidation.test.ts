import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ercClient, intakeBody } from '../factories/tasks.ts';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.ts';
import { loginCookie } from '../helpers/sockets.ts';
import { createTestDb, onPostgres } from '../helpers/test-db.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

const LABELS = { fi: 'Testilippu', sv: 'Testflagga', en: 'Test flag' };

/** Polls until `check` holds, for at most `ms`; answers how many checks failed first. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  let failed = 0;
  while (!(await check())) {
    failed += 1;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return failed;
}

describe('reference data and integration keys kept in memory (one node)', () => {
  let t: TestServer;
  let nurse: Agent;
  let task: { id: string; version: number };
  beforeAll(async () => {
    t = await startTestServer();
    const erc = await ercClient(t);
    ({ agent: nurse } = await t.userWithRole('nurse'));
    const created = await erc.post('/api/intake/tasks', intakeBody());
    const claimed = await nurse.post(`/api/tasks/${created.body.task.id}/claim`);
    task = claimed.body.task;
  });
  afterAll(() => t.close());

  const save = async (redFlags: string[]) => {
    const res = await nurse.put(`/api/tasks/${task.id}/assessment`).send({ version: task.version, chiefComplaint: 'Fell', redFlags, vitals: {}, currentServices: [] });
    if (res.status === 200) task = res.body.task;
    return res.status;
  };

  it('a red flag an admin adds is accepted at once, one retired is refused at once', async () => {
    expect(await save(['cache_test_flag'])).toBe(422);
    expect((await t.admin.put('/api/reference/red-flags/cache_test_flag').send({ labels: LABELS })).status).toBe(200);
    expect(await save(['cache_test_flag'])).toBe(200);
    expect((await t.admin.put('/api/reference/red-flags/cache_test_flag').send({ labels: LABELS, active: false })).status).toBe(200);
    expect(await save(['cache_test_flag'])).toBe(422);
  });

  it('a change announced on the channel reaches the node (NOTIFY; on PGlite its own listener)', async () => {
    await t.admin.put('/api/reference/red-flags/cache_test_flag2').send({ labels: LABELS });
    expect(await save(['cache_test_flag2'])).toBe(200);
    // Behind the API's back, as another node would: the row, then the announcement at its commit.
    await t.db.transaction().execute(async (trx) => {
      await trx.updateTable('red_flag').set({ active: false }).where('id', '=', 'cache_test_flag2').execute();
      await sql`select pg_notify('dtask_cache', 'reference')`.execute(trx);
    });
    await within(2_000, async () => (await save(['cache_test_flag2'])) === 422);
  });

  it('a revoked key is refused at once on the node that revoked it', async () => {
    const erc = await ercClient(t);
    expect((await erc.get('/api/intake/whoami')).status).toBe(200);
    const keys = await t.admin.get('/api/integration-keys');
    const id = (keys.body.keys as { id: string; prefix: string }[]).find((k) => erc.key.startsWith(k.prefix))!.id;
    expect((await t.admin.delete(`/api/integration-keys/${id}`)).status).toBe(200);
    expect((await erc.get('/api/intake/whoami')).status).toBe(401);
  });
});

describe.runIf(onPostgres())('caches across nodes and a lost listener (PostgreSQL)', () => {
  it('an admin change on node A is in force on node B right after it', async () => {
    const handle = await createTestDb();
    const env = { DATABASE_URL: handle.url!, SCHEDULER_ENABLED: 'false' };
    const nodes: NodeProcess[] = await Promise.all([startNodeProcess(env), startNodeProcess(env)]);
    try {
      const [a, b] = nodes as [NodeProcess, NodeProcess];
      const admin = await loginCookie(a.url, 'admin', 'admin-password-for-tests');
      const created = await request(a.url).post('/api/integration-keys').set('Cookie', admin).send({ name: 'erc-cache' });
      const key = created.body.key as string;
      // A new key works on B at once (unknown keys are always looked up), and B now holds it.
      for (let i = 0; i < 3; i++) expect((await request(b.url).get('/api/intake/whoami').set('Authorization', `Bearer ${key}`)).status).toBe(200);
      expect((await request(a.url).delete(`/api/integration-keys/${created.body.id}`).set('Cookie', admin)).status).toBe(200);
      const keyLate = await within(1_000, async () => (await request(b.url).get('/api/intake/whoami').set('Authorization', `Bearer ${key}`)).status === 401);

      await request(a.url).post('/api/users').set('Cookie', admin).send({ username: 'nurse', password: 'user-password-for-tests', displayName: 'Nurse', role: 'nurse' });
      const nurseB = await loginCookie(b.url, 'nurse');
      const other = (await request(a.url).post('/api/integration-keys').set('Cookie', admin).send({ name: 'erc-cache-2' })).body.key as string;
      const taken = await request(b.url).post('/api/intake/tasks').set('Authorization', `Bearer ${other}`).send(intakeBody());
      let version = (await request(b.url).post(`/api/tasks/${taken.body.task.id}/claim`).set('Cookie', nurseB)).body.task.version as number;
      const save = async () => {
        const res = await request(b.url).put(`/api/tasks/${taken.body.task.id}/assessment`).set('Cookie', nurseB)
          .send({ version, chiefComplaint: 'Fell', redFlags: ['cache_node_flag'], vitals: {}, currentServices: [] });
        if (res.status === 200) version = res.body.task.version;
        return res.status;
      };
      expect((await request(a.url).put('/api/reference/red-flags/cache_node_flag').set('Cookie', admin).send({ labels: LABELS })).status).toBe(200);
      await within(1_000, async () => (await save()) === 200);
      expect(await save()).toBe(200);
      expect((await request(a.url).put('/api/reference/red-flags/cache_node_flag').set('Cookie', admin).send({ labels: LABELS, active: false })).status).toBe(200);
      const flagLate = await within(1_000, async () => (await save()) === 422);
      process.stdout.write(`requests on B still under the old state after A answered: key ${keyLate}, red flag ${flagLate}\n`);
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
      await handle.close();
    }
  }, 180_000);

  it('while its listener is lost a node serves nothing from memory, and forgets everything when it is back', async () => {
    const t = await startTestServer();
    try {
      const erc = await ercClient(t);
      expect((await erc.get('/api/intake/whoami')).status).toBe(200);
      const listeners = () =>
        sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and query = 'listen "dtask_cache"'`.execute(t.db);
      const before = (await listeners()).rows;
      expect(before).toHaveLength(1);
      await sql`select pg_terminate_backend(${before[0]!.pid})`.execute(t.db);
      // Revoked behind the API's back with no announcement: only the fallback can notice.
      await t.db.updateTable('integration_key').set({ revoked_at: sql`now()` }).where('revoked_at', 'is', null).execute();
      expect((await erc.get('/api/intake/whoami')).status).toBe(401);
      await within(5_000, async () => (await listeners()).rows.some((r) => r.pid !== before[0]!.pid));
      const again = await ercClient(t);
      expect((await again.get('/api/intake/whoami')).status).toBe(200);
    } finally {
      await t.close();
    }
  }, 60_000);
});

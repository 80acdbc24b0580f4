import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.userWithRole('nurse', 'auditee');
  await request(t.url).post('/api/auth/login').send({ username: 'auditee', password: 'wrong-password-here' });
  await t.admin.post('/api/integration-keys').send({ name: 'audit test key' });
});
afterAll(() => t.close());

describe('audit log', () => {
  it('the database refuses to update, delete or truncate it', async () => {
    const before = await t.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    await expect(sql`update audit_log set action = 'forged'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    const after = await t.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'forged').execute()).toHaveLength(0);
  });

  it('has rows for logins, failed logins, user changes and key changes', async () => {
    const res = await t.admin.get('/api/audit').query({ limit: 200 });
    expect(res.status).toBe(200);
    const actions = new Set(res.body.entries.map((e: { action: string }) => e.action));
    for (const a of ['auth.login', 'auth.login_failed', 'user.create', 'integration_key.create']) expect(actions).toContain(a);
  });

  it('filters by actor, action prefix and time, newest first, and pages with a cursor', async () => {
    const byActor = await t.admin.get('/api/audit').query({ actor: 'admin' });
    expect(byActor.body.entries.length).toBeGreaterThan(0);
    expect(byActor.body.entries.every((e: { actorName: string }) => e.actorName === 'admin')).toBe(true);

    const users = await t.admin.get('/api/audit').query({ action: 'user.' });
    expect(users.body.entries.length).toBeGreaterThan(0);
    expect(users.body.entries.every((e: { action: string }) => e.action.startsWith('user.'))).toBe(true);

    const future = await t.admin.get('/api/audit').query({ from: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.body.entries).toEqual([]);

    const all = (await t.admin.get('/api/audit').query({ limit: 200 })).body.entries as { id: number }[];
    const ids = all.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const page1 = await t.admin.get('/api/audit').query({ limit: 2 });
    expect(page1.body.entries.map((e: { id: number }) => e.id)).toEqual(ids.slice(0, 2));
    const page2 = await t.admin.get('/api/audit').query({ limit: 2, before: page1.body.nextBefore });
    expect(page2.body.entries.map((e: { id: number }) => e.id)).toEqual(ids.slice(2, 4));
  });

  it('rejects bad filters with 422', async () => {
    const res = await t.admin.get('/api/audit').query({ from: 'yesterday', limit: 5000 });
    expect(res.status).toBe(422);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['query.from', 'query.limit']));
  });

  it('an audit row is written in the same transaction as its change: a failed change leaves neither', async () => {
    const count = async () => (await t.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
    const before = await count();
    const dup = await t.admin.post('/api/users').send({ username: 'auditee', password: 'long-enough-password', displayName: 'X', role: 'nurse' });
    expect(dup.status).toBe(409);
    expect(await count()).toBe(before);
  });
});

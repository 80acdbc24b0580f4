import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, USER_PASSWORD, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('users', () => {
  it('an admin creates a nurse and a manager; each sees their own role; the manager gets 403 on admin APIs', async () => {
    const nurse = await t.admin.post('/api/users').send({ username: 'nea', password: USER_PASSWORD, displayName: 'Nea Nurse', role: 'nurse' });
    expect(nurse.status).toBe(201);
    expect(nurse.headers.location).toBe(`/api/users/${nurse.body.user.id}`);
    expect(nurse.body.user).toMatchObject({ username: 'nea', displayName: 'Nea Nurse', role: 'nurse', active: true, lockedUntil: null });
    expect(JSON.stringify(nurse.body)).not.toMatch(/password|hash/i);
    const manager = await t.admin.post('/api/users').send({ username: 'matti', password: USER_PASSWORD, displayName: 'Matti Manager', role: 'manager' });
    expect(manager.status).toBe(201);

    const asManager = await t.login('matti');
    expect((await asManager.get('/api/auth/me')).body.user.role).toBe('manager');
    for (const res of [await asManager.get('/api/users'), await asManager.post('/api/users').send({}), await asManager.get('/api/audit')]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const stored = await t.db.selectFrom('app_user').select('password_hash').where('username', '=', 'nea').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a taken username with 409 and changes nothing', async () => {
    await t.userWithRole('nurse', 'twice');
    const before = await t.db.selectFrom('app_user').select('id').execute();
    const res = await t.admin.post('/api/users').send({ username: 'twice', password: USER_PASSWORD, displayName: 'Other', role: 'admin' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('USERNAME_TAKEN');
    expect(await t.db.selectFrom('app_user').select('id').execute()).toHaveLength(before.length);
  });

  it('validates input with the field path and writes nothing', async () => {
    const auditBefore = await t.db.selectFrom('audit_log').select('id').execute();
    const res = await t.admin.post('/api/users').send({ username: 'Bad Name', password: 'short', displayName: '', role: 'chief', extra: 1 });
    expect(res.status).toBe(422);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.username', 'body.password', 'body.displayName', 'body.role']));
    expect(res.body.error.message).toMatch(/body\.username/);
    expect(await t.db.selectFrom('audit_log').select('id').execute()).toHaveLength(auditBefore.length);
  });

  it('changes a role, audits who did it, and protects the last admin', async () => {
    const { id } = await t.userWithRole('nurse', 'promoted');
    const res = await t.admin.patch(`/api/users/${id}`).send({ role: 'shift_leader' });
    expect(res.status).toBe(200);
    expect(res.body.user.role).toBe('shift_leader');
    const audit = await t.db.selectFrom('audit_log').selectAll().where('target_id', '=', id).where('action', '=', 'user.update').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_name: 'admin', actor_role: 'admin' });
    expect(audit.details).toMatchObject({ role: 'nurse->shift_leader' });
    expect(audit.request_id).toBeTruthy();
    expect(audit.client_ip).toBeTruthy();

    const admins = (await t.admin.get('/api/users')).body.users.filter((u: { role: string; active: boolean }) => u.role === 'admin' && u.active);
    expect(admins).toHaveLength(1);
    const demote = await t.admin.patch(`/api/users/${admins[0].id}`).send({ role: 'nurse' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('LAST_ADMIN');
    const self = await t.admin.patch(`/api/users/${admins[0].id}`).send({ active: false });
    expect(self.status).toBe(409);
  });

  it('answers 404 for an unknown user and 422 for a malformed id', async () => {
    expect((await t.admin.patch('/api/users/00000000-0000-4000-8000-000000000000').send({ active: false })).status).toBe(404);
    const bad = await t.admin.patch('/api/users/not-a-uuid').send({ active: false });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe('params.id');
  });
});

describe('integration keys', () => {
  it('shows a key once, stores only its hash, lets it reach the intake API, and revokes it', async () => {
    const created = await t.admin.post('/api/integration-keys').send({ name: 'ERICA production' });
    expect(created.status).toBe(201);
    const { id, key } = created.body as { id: string; key: string };
    expect(key).toMatch(/^dtk_[A-Za-z0-9_-]{40,}$/);

    const list = await t.admin.get('/api/integration-keys');
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.keys[0]).toMatchObject({ id, name: 'ERICA production', revokedAt: null });
    const row = await t.db.selectFrom('integration_key').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(key);

    const ok = await request(t.url).get('/api/intake/whoami').set('Authorization', `Bearer ${key}`);
    expect(ok.status).toBe(200);
    expect(ok.body.integration).toEqual({ id, name: 'ERICA production' });
    // A key is not a session: it opens nothing else.
    expect((await request(t.url).get('/api/auth/me').set('Authorization', `Bearer ${key}`)).status).toBe(401);
    expect((await request(t.url).get('/api/users').set('Authorization', `Bearer ${key}`)).status).toBe(401);

    const revoked = await t.admin.delete(`/api/integration-keys/${id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const after = await request(t.url).get('/api/intake/whoami').set('Authorization', `Bearer ${key}`);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('INVALID_INTEGRATION_KEY');
    expect((await t.admin.delete(`/api/integration-keys/${id}`)).body.error.code).toBe('ALREADY_REVOKED');

    const actions = await t.db.selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['integration_key.create', 'integration_key.revoke']);
  });

  it('a session cannot use the intake API and a wrong key is refused', async () => {
    expect((await t.admin.get('/api/intake/whoami')).status).toBe(401);
    expect((await request(t.url).get('/api/intake/whoami').set('Authorization', 'Bearer dtk_nope')).status).toBe(401);
  });
});

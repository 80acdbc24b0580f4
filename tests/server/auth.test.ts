import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ LOGIN_SLOWDOWN_AFTER: '3', LOGIN_LOCK_AFTER: '5', LOGIN_LOCK_MINUTES: '15' });
});
afterAll(() => t.close());

async function auditActions(targetId: string): Promise<string[]> {
  const rows = await t.db.selectFrom('audit_log').select('action').where('target_id', '=', targetId).orderBy('id').execute();
  return rows.map((r) => r.action);
}

describe('login and sessions', () => {
  it('logs in, sets a strict HttpOnly cookie and answers /me', async () => {
    const agent = request.agent(t.url);
    const res = await agent.post('/api/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin', displayName: 'Administrator' });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/dtc_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    const me = await agent.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('admin');
  });

  it('stores only a digest of the session token', async () => {
    const res = await request(t.url).post('/api/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    const token = /dtc_session=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];
    expect(token).toBeTruthy();
    const found = await t.db.selectFrom('user_session').select('id').where('id', '=', token!).execute();
    expect(found).toHaveLength(0);
  });

  it('answers 401 with a clear message without a session', async () => {
    const res = await request(t.url).get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect(res.body.error.message).toMatch(/log in/i);
  });

  it('refuses a wrong password with 401 and audits it', async () => {
    const { id } = await t.userWithRole('nurse', 'wrongpw');
    const res = await request(t.url).post('/api/auth/login').send({ username: 'wrongpw', password: 'not-the-password' });
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({ code: 'INVALID_CREDENTIALS', message: 'Wrong username or password. After repeated failures an account pauses logins for a while.' });
    expect(await auditActions(id)).toContain('auth.login_failed');
  });

  it('gives an unknown user the same answer as a wrong password', async () => {
    const res = await request(t.url).post('/api/auth/login').send({ username: 'nobody-here', password: 'whatever-it-is' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('slows down repeated failures, then locks the account, and a password reset unlocks it', async () => {
    const { id } = await t.userWithRole('nurse', 'bruteforced');
    const attempt = (password = 'wrong-password-x') =>
      request(t.url).post('/api/auth/login').send({ username: 'bruteforced', password });
    const refused = { code: 'INVALID_CREDENTIALS', message: 'Wrong username or password. After repeated failures an account pauses logins for a while.' };
    for (let i = 0; i < 3; i++) expect((await attempt()).body.error).toEqual(refused); // the third starts the slow-down
    const failedLogins = async () => (await t.db.selectFrom('app_user').select(['failed_logins', 'locked_until']).where('id', '=', id).executeTakeFirstOrThrow());
    expect((await failedLogins()).locked_until).not.toBeNull();
    // During the slow-down even the right password is refused, with the same answer, and not counted.
    const throttled = await attempt('user-password-for-tests');
    expect([throttled.status, throttled.body.error]).toEqual([401, refused]);
    expect((await failedLogins()).failed_logins).toBe(3);

    // Let the slow-down pass (as if time went by) and fail twice more: the account locks.
    for (let i = 0; i < 2; i++) {
      await t.db.updateTable('app_user').set({ locked_until: null }).where('id', '=', id).execute();
      await attempt();
    }
    const locked = await attempt('user-password-for-tests');
    expect([locked.status, locked.body.error]).toEqual([401, refused]);
    const row = await failedLogins();
    expect(row.failed_logins).toBe(5);
    expect(row.locked_until!.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);

    const users = await t.admin.get('/api/users');
    expect(users.body.users.find((u: { id: string }) => u.id === id).lockedUntil).not.toBeNull();
    const reset = await t.admin.patch(`/api/users/${id}`).send({ password: 'a-brand-new-password' });
    expect(reset.status).toBe(200);
    expect(reset.body.user.lockedUntil).toBeNull();
    expect((await attempt('a-brand-new-password')).status).toBe(200);
    expect(await auditActions(id)).toEqual(expect.arrayContaining(['auth.login_failed', 'auth.login_refused', 'user.update', 'auth.login']));
  });

  it('logout ends the session for every client that holds the cookie', async () => {
    const agent = await t.login('admin', ADMIN_PASSWORD);
    const me = await agent.get('/api/auth/me');
    expect(me.status).toBe(200);
    // A second client with a copy of the same cookie, as a second tab or a stolen cookie would have.
    const cookie = (await agent.get('/api/auth/me')).request.getHeader?.('cookie');
    expect((await agent.post('/api/auth/logout')).status).toBe(204);
    expect((await agent.get('/api/auth/me')).status).toBe(401);
    if (typeof cookie === 'string') expect((await request(t.url).get('/api/auth/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('replaces the session on login (no fixation) and ends the one it replaced', async () => {
    const first = await request(t.url).post('/api/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    const oldCookie = /dtc_session=[^;]+/.exec(String(first.headers['set-cookie']))![0];
    const second = await request(t.url).post('/api/auth/login').set('Cookie', oldCookie).send({ username: 'admin', password: ADMIN_PASSWORD });
    const newCookie = /dtc_session=[^;]+/.exec(String(second.headers['set-cookie']))![0];
    expect(newCookie).not.toBe(oldCookie);
    expect((await request(t.url).get('/api/auth/me').set('Cookie', oldCookie)).status).toBe(401);
    expect((await request(t.url).get('/api/auth/me').set('Cookie', newCookie)).status).toBe(200);
  });

  it('ends a session that was idle longer than the configured shift', async () => {
    const { agent, id } = await t.userWithRole('nurse', 'idlenurse');
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    const idle = t.config.session.idleMinutes + 1;
    await t.db
      .updateTable('user_session')
      .set({ last_seen_at: sql`now() - make_interval(mins => ${idle})` })
      .where('user_id', '=', id)
      .execute();
    expect((await agent.get('/api/auth/me')).status).toBe(401);
  });

  it('a deactivated user is logged out at once and cannot log in', async () => {
    const { agent, id } = await t.userWithRole('nurse', 'leaving');
    expect((await t.admin.patch(`/api/users/${id}`).send({ active: false })).status).toBe(200);
    expect((await agent.get('/api/auth/me')).status).toBe(401);
    const res = await request(t.url).post('/api/auth/login').send({ username: 'leaving', password: 'user-password-for-tests' });
    expect(res.status).toBe(401);
  });

  it('validates the login body with field paths', async () => {
    const res = await request(t.url).post('/api/auth/login').send({ username: '' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.username', 'body.password']));
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await request(t.url).post('/api/auth/login').set('Content-Type', 'application/json').send('{"username":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });
});

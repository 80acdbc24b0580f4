import { runSchedulerTick } from '../../server/tasks/scheduler.ts';
import { createTask, ercClient } from '../factories/tasks.ts';
import { loginCookie as login, openSocket } from '../helpers/sockets.ts';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());


describe('socket connections', () => {
  it('refuses a socket without a session', async () => {
    const socket = openSocket(t.url);
    const err = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(err.message).toBe('UNAUTHENTICATED');
    socket.close();
  });

  it('admits a socket with a session, and logout tells it and closes it', async () => {
    const cookie = await login(t.url, 'admin', ADMIN_PASSWORD);
    const socket = openSocket(t.url, cookie);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
    const ended = new Promise<{ reason: string }>((resolve) => socket.on('session:ended', resolve));
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', resolve));
    expect((await request(t.url).post('/api/auth/logout').set('Cookie', cookie)).status).toBe(204);
    expect(await ended).toEqual({ reason: 'logout' });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('a role change makes the user reconnect so rooms follow the new role', async () => {
    const { id, username } = await t.userWithRole('nurse', 'rolechange');
    const socket = openSocket(t.url, await login(t.url, username, 'user-password-for-tests'));
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    const changed = new Promise<void>((resolve) => socket.on('session:changed', () => resolve()));
    await t.admin.patch(`/api/users/${id}`).send({ role: 'shift_leader' });
    await changed;
    socket.close();
  });
});

describe('long-polling transport', () => {
  it('serves polling without Express interfering, and survives an unauthenticated poll', async () => {
    const handshake = await request(t.url).get('/socket.io/?EIO=4&transport=polling');
    expect(handshake.status).toBe(200);
    const sid = /"sid":"([^"]+)"/.exec(handshake.text)?.[1];
    expect(sid).toBeTruthy();
    const [poll, post] = await Promise.all([
      request(t.url).get(`/socket.io/?EIO=4&transport=polling&sid=${sid}`),
      request(t.url).post(`/socket.io/?EIO=4&transport=polling&sid=${sid}`).set('Content-Type', 'text/plain').send('40'),
    ]);
    expect(post.status).toBe(200);
    expect(poll.text).toContain('UNAUTHENTICATED');
    expect((await request(t.url).get('/healthz')).status).toBe(200);

    const cookie = await login(t.url, 'admin', ADMIN_PASSWORD);
    const socket = openSocket(t.url, cookie, ['polling']);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
    socket.close();
  });
});

describe('cross-role socket joins', () => {
  it('a nurse socket gets only what nurses may see, whatever it asks for', async () => {
    await t.userWithRole('nurse', 'crossrole');
    const leader = await t.userWithRole('shift_leader', 'crossleader');
    const nurseSocket = openSocket(t.url, await login(t.url, 'crossrole', 'user-password-for-tests'));
    await new Promise<void>((resolve) => nurseSocket.on('connect', resolve));
    const heard: string[] = [];
    const stats: Record<string, unknown>[] = [];
    nurseSocket.onAny((name: string, payload: { type?: string }) => heard.push(`${name}:${payload?.type ?? ''}`));
    nurseSocket.on('stats:update', (s) => stats.push(s as unknown as Record<string, unknown>));
    // Room names and join requests the server never offers: it must ignore them.
    for (const name of ['join', 'subscribe', 'rooms:join']) (nurseSocket as unknown as { emit(n: string, a: unknown): void }).emit(name, 'role:shift_leader');
    const erc = await ercClient(t);
    const task = await createTask(erc);
    await leader.agent.post(`/api/tasks/${task.id}/claim`);
    await t.db.updateTable('task').set({ heartbeat_at: new Date(Date.now() - 3_600_000) }).where('id', '=', task.id).execute();
    await runSchedulerTick(t.db, t.server.publisher, t.config);
    await new Promise((r) => setTimeout(r, 600));
    expect(heard).toContain('task:changed:task.claimed');
    expect(heard).not.toContain('task:changed:task.claim_stale');
    expect(stats.length).toBeGreaterThan(0);
    expect(stats.every((s) => !('staffing' in s) && !('nurses' in s))).toBe(true);
    nurseSocket.close();
  });
});

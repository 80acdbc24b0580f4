import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

async function loginCookie(username: string, password: string): Promise<string> {
  const res = await request(t.url).post('/api/auth/login').send({ username, password });
  return /dtc_session=[^;]+/.exec(String(res.headers['set-cookie']))![0];
}

function open(cookie?: string): Socket {
  return connect(t.url, { transports: ['websocket'], reconnection: false, ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}) });
}

describe('socket connections', () => {
  it('refuses a socket without a session', async () => {
    const socket = open();
    const err = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(err.message).toBe('UNAUTHENTICATED');
    socket.close();
  });

  it('admits a socket with a session, and logout tells it and closes it', async () => {
    const cookie = await loginCookie('admin', ADMIN_PASSWORD);
    const socket = open(cookie);
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
    const socket = open(await loginCookie(username, 'user-password-for-tests'));
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

    const cookie = await loginCookie('admin', ADMIN_PASSWORD);
    const socket = connect(t.url, { transports: ['polling'], reconnection: false, extraHeaders: { Cookie: cookie } });
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
    socket.close();
  });
});

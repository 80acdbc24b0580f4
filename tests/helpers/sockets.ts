import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/contracts/realtime.ts';
import { USER_PASSWORD } from './test-server.ts';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Logs in over HTTP and returns the session cookie ("dtc_session=..."). */
export async function loginCookie(url: string, username: string, password = USER_PASSWORD): Promise<string> {
  const res = await request(url).post('/api/auth/login').send({ username, password });
  const cookie = /dtc_session=[^;]+/.exec(String(res.headers['set-cookie']))?.[0];
  if (!cookie) throw new Error(`login of ${username} failed: ${res.status}`);
  return cookie;
}

/** A real Socket.IO client with that cookie, without automatic reconnection. */
export function openSocket(url: string, cookie?: string, transports: ('websocket' | 'polling')[] = ['websocket']): TestSocket {
  return connect(url, { transports, reconnection: false, ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}) });
}

/** Logs in and resolves once the socket is connected. */
export async function connectedSocket(url: string, username: string, password = USER_PASSWORD): Promise<TestSocket> {
  const socket = openSocket(url, await loginCookie(url, username, password));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  return socket;
}

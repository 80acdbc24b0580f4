import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { loadConfig, type Config } from '../../server/config.ts';
import type { Role } from '../../server/contracts/common.ts';
import { createLogger } from '../../server/logger.ts';
import { createServer, type RunningServer } from '../../server/server.ts';
import { ensureFirstAdmin } from '../../server/users/first-admin.ts';
import { createTestDb } from './test-db.ts';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const USER_PASSWORD = 'user-password-for-tests';

export type Agent = ReturnType<typeof request.agent>;

export interface TestServer {
  url: string;
  db: Awaited<ReturnType<typeof createTestDb>>['db'];
  dbUrl: string | null;
  config: Config;
  server: RunningServer;
  /** A cookie-keeping client logged in as that user. */
  login(username: string, password?: string): Promise<Agent>;
  /** Creates a user of that role through the admin API and returns a client logged in as them. */
  userWithRole(role: Role, username?: string): Promise<{ agent: Agent; id: string; username: string }>;
  admin: Agent;
  close(): Promise<void>;
  /** Stops this server as a process exit would, and starts a new one on the same database. */
  restart(): Promise<TestServer>;
}

let counter = 0;

/** What a server logged, one parsed JSON object per line, for tests that check what reaches the log. */
export class CapturedLog implements DestinationStream {
  readonly lines: Record<string, unknown>[] = [];
  readonly text: string[] = [];
  write(line: string): void {
    this.text.push(line);
    this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
}

/**
 * The whole server (HTTP + Socket.IO) on a random local port, over a fresh database. Logs go nowhere
 * unless `log` is given (then at LOG_LEVEL, default info).
 */
export async function startTestServer(env: Record<string, string> = {}, existing?: Awaited<ReturnType<typeof createTestDb>>, log?: CapturedLog): Promise<TestServer> {
  const handle = existing ?? (await createTestDb());
  // Tests run the scheduler's ticks themselves (runSchedulerTick), so timing never decides an outcome.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: log ? 'info' : 'silent', ADMIN_PASSWORD, SCHEDULER_ENABLED: 'false', ...env });
  const logger = createLogger(config.logLevel, log);
  await ensureFirstAdmin(handle.db, config.adminPassword);
  const server = await createServer(handle, config, logger);
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;

  async function login(username: string, password = USER_PASSWORD): Promise<Agent> {
    const agent = request.agent(url);
    const res = await agent.post('/api/auth/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return agent;
  }
  const admin = await login('admin', ADMIN_PASSWORD);

  return {
    url,
    db: handle.db,
    dbUrl: handle.url,
    config,
    server,
    login,
    admin,
    async userWithRole(role, username = `${role.replace('_', '')}${++counter}`) {
      const res = await admin.post('/api/users').send({ username, password: USER_PASSWORD, displayName: `Test ${username}`, role });
      if (res.status !== 201) throw new Error(`creating ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { agent: await login(username), id: res.body.user.id as string, username };
    },
    close: () => server.shutdown(1_000),
    async restart() {
      await server.shutdown(1_000, { keepDb: true });
      return startTestServer(env, handle, log);
    },
  };
}

/**
 * A request whose method is data (a route table row), through a cookie-keeping agent or a plain
 * client (`request(url)`).
 */
export function requestFor(client: Agent | ReturnType<typeof request>, method: string, path: string): request.Test {
  switch (method.toLowerCase()) {
    case 'get':
      return client.get(path);
    case 'post':
      return client.post(path);
    case 'put':
      return client.put(path);
    case 'patch':
      return client.patch(path);
    case 'delete':
      return client.delete(path);
    default:
      throw new Error(`no such method ${method}`);
  }
}

import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createDb } from '../../server/db/create-db.ts';
import { createLogger } from '../../server/logger.ts';
import { createServer, type RunningServer } from '../../server/server.ts';
import { ensureFirstAdmin } from '../../server/users/first-admin.ts';
import { intakeBody } from '../factories/tasks.ts';
import { createTestDb, onPostgres } from '../helpers/test-db.ts';
import { loginCookie } from '../helpers/sockets.ts';

/** A TCP proxy in front of PostgreSQL that the test can cut and restore: the database "goes away". */
function databaseProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  return {
    server,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      up = true;
    },
  };
}

describe.runIf(onPostgres())('database outage', () => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let proxy: ReturnType<typeof databaseProxy>;
  let server: RunningServer;
  let url: string;
  let key: string;

  beforeAll(async () => {
    handle = await createTestDb();
    const target = new URL(handle.url!);
    proxy = databaseProxy(target);
    await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', r));
    const viaProxy = new URL(handle.url!);
    viaProxy.port = String((proxy.server.address() as AddressInfo).port);
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: viaProxy.toString(), ADMIN_PASSWORD: 'admin-password-for-tests', SCHEDULER_ENABLED: 'false' });
    const db = await createDb({ kind: 'postgres', url: viaProxy.toString(), poolSize: 5 });
    await ensureFirstAdmin(db.db, config.adminPassword);
    server = await createServer(db, config, createLogger('silent'));
    await new Promise<void>((r) => server.httpServer.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
    const admin = await loginCookie(url, 'admin', 'admin-password-for-tests');
    key = (await request(url).post('/api/integration-keys').set('Cookie', admin).send({ name: 'erc' })).body.key;
  });
  afterAll(async () => {
    await server.shutdown(1000);
    proxy.server.close();
    await handle.close();
  });

  it('answers 503 DATABASE_UNAVAILABLE and fails /readyz while the database is away, writes nothing half, and recovers without a restart', async () => {
    expect((await request(url).get('/readyz')).status).toBe(200);
    proxy.cut();
    const body = intakeBody();
    const refused = await request(url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(body);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('DATABASE_UNAVAILABLE');
    const ready = await request(url).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.database).toBe('down');
    expect((await request(url).get('/healthz')).status).toBe(200);

    proxy.restore();
    let recovered = 0;
    for (let i = 0; i < 50 && recovered !== 200; i++) {
      recovered = (await request(url).get('/readyz')).status;
      if (recovered !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(200);
    // The refused intake left nothing behind; the ERC's retry creates it once.
    const before = await handle.db.selectFrom('task').select(sql<number>`count(*)::int`.as('n')).where('erc_task_id', '=', body.ercTaskId).executeTakeFirstOrThrow();
    expect(before.n).toBe(0);
    const retried = await request(url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(body);
    expect(retried.status).toBe(201);
  });
});

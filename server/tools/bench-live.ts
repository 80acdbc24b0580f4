// npm run bench:live [-- SOCKETS] [-- postgres://...]: what the live board costs. Needs PostgreSQL (an admin URL argument, default
// postgres://postgres@127.0.0.1:5432/postgres); creates and drops its own database. Prints:
//  1. the load model's cost per event (update one task + every figure, the clock moving on), in process,
//     at 3,000 open tasks (goal: < 0.1 ms of CPU per event; the median of 5 rounds after a warm-up round);
//  2. the database part of an event (its one read: the changed tasks' facts and the newest seq);
//  3. the latency from a committed change (an intake) to stats:update on every one of 200 sockets.
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../config.ts';
import { createDb } from '../db/create-db.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createLogger } from '../logger.ts';
import { createServer } from '../server.ts';
import { factsChangedSince } from '../stats/stats.repository.ts';
import { ensureFirstAdmin } from '../users/first-admin.ts';
import { modelCost } from './bench/live-model-cost.ts';

const SOCKETS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 200);
const ROUNDS = 40;
const adminUrl = process.argv.find((a) => a.startsWith('postgres')) ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `dtc_bench_live_${process.pid}`;
const ms = (n: number) => `${n.toFixed(3)} ms`;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

async function main() {
  const model = modelCost();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const sockets: Socket[] = [];
  let server: Awaited<ReturnType<typeof createServer>> | undefined;
  try {
    const config = loadConfig({ DATABASE_URL: url.toString(), LOG_LEVEL: 'silent', ADMIN_PASSWORD: 'bench-admin-password', SCHEDULER_ENABLED: 'false', STATS_MIN_INTERVAL_MS: '50' });
    const handle = await createDb({ kind: 'postgres', url: url.toString(), poolSize: 10 });
    await migrateToLatest(handle.db);
    await ensureFirstAdmin(handle.db, config.adminPassword);
    server = await createServer(handle, config, createLogger('silent'));
    await new Promise<void>((r) => server!.httpServer.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
    const post = async (path: string, body: object, headers: Record<string, string>) => {
      const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
    };
    const adminLogin = await post('/api/auth/login', { username: 'admin', password: 'bench-admin-password' }, {});
    const adminCookie = adminLogin.headers.get('set-cookie')!.split(';')[0]!;
    await post('/api/users', { username: 'wall', password: 'bench-leader-password', displayName: 'Wall', role: 'shift_leader' }, { cookie: adminCookie });
    const key = (await post('/api/integration-keys', { name: 'bench' }, { cookie: adminCookie })).body.key as string;
    const leader = await post('/api/auth/login', { username: 'wall', password: 'bench-leader-password' }, {});
    const cookie = leader.headers.get('set-cookie')!.split(';')[0]!;

    const lastSeqSeen = new Array<number>(SOCKETS).fill(0);
    const waiters = new Set<() => void>();
    for (let i = 0; i < SOCKETS; i++) {
      const s = connect(base, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
      s.on('stats:update', (stats) => {
        lastSeqSeen[i] = stats.seq;
        for (const w of waiters) w();
      });
      sockets.push(s);
    }
    await Promise.all(sockets.map((s) => new Promise<void>((r) => (s.connected ? r() : s.on('connect', () => r())))));
    await new Promise((r) => setTimeout(r, 500));

    const first: number[] = [];
    const last: number[] = [];
    const dbPart: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      const res = await post('/api/intake/tasks', {
        ercTaskId: `BENCH-${round}`, urgency: 'D', taskCode: '745', receivedAt: new Date().toISOString(), municipality: 'Oulu',
        callbackPhone: '+358401234567', summary: 'Benchmark task',
      }, { authorization: `Bearer ${key}` });
      if (res.status !== 201) throw new Error(`intake answered ${res.status}`);
      const target = (await handle.db.selectFrom('event_counter').select('seq').executeTakeFirstOrThrow()).seq;
      let firstAt = 0;
      await new Promise<void>((resolve) => {
        const check = () => {
          const reached = lastSeqSeen.filter((s) => s >= Number(target)).length;
          if (reached > 0 && !firstAt) firstAt = performance.now();
          if (reached === SOCKETS) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      });
      first.push(firstAt - t0);
      last.push(performance.now() - t0);
      const d0 = performance.now();
      await factsChangedSince(handle.db, Number(target) - 1);
      dbPart.push(performance.now() - d0);
      await new Promise((r) => setTimeout(r, 60));
    }
    for (const a of [first, last, dbPart]) a.sort((x, y) => x - y);
    const rss = process.memoryUsage().rss / 1024 / 1024;
    process.stdout.write(
      [
        `live board benchmark, ${new Date().toISOString()}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
        `load model, per event (upsert one task + all figures at ${model.tasks} open tasks, CPU time, median of 5 rounds): ${ms(model.perEvent)} (goal < 0.1 ms: ${model.perEvent < 0.1 ? 'met' : 'not met'})`,
        `database part per event (one read: facts of the changed tasks + newest seq): p50 ${ms(pct(dbPart, 0.5))}, p99 ${ms(pct(dbPart, 0.99))}`,
        `change -> stats:update with ${SOCKETS} sockets open, ${ROUNDS} intakes (includes the HTTP intake itself):`,
        `  first socket: p50 ${ms(pct(first, 0.5))}, p99 ${ms(pct(first, 0.99))}`,
        `  all ${SOCKETS} sockets: p50 ${ms(pct(last, 0.5))}, p99 ${ms(pct(last, 0.99))}`,
        `process RSS with ${SOCKETS} sockets (server and clients in one process): ${rss.toFixed(0)} MiB`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const s of sockets) s.close();
    await server?.shutdown(1000);
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

await main();

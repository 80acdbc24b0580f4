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
import { LoadModel, type TaskFacts } from '../stats/load-model.ts';
import { factsChangedSince } from '../stats/stats.repository.ts';
import { ensureFirstAdmin } from '../users/first-admin.ts';

const SOCKETS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 200);
const ROUNDS = 40;
const adminUrl = process.argv.find((a) => a.startsWith('postgres')) ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `dtc_bench_live_${process.pid}`;
const ms = (n: number) => `${n.toFixed(3)} ms`;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

function modelCost(): { perEvent: number; tasks: number } {
  const model = new LoadModel();
  const now = Date.now();
  const areas = Array.from({ length: 6 }, (_, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, name: `Area ${i}` }));
  // 3,000 open tasks (queued, in assessment, call-back) and 1,000 closed today.
  const OPEN_TASKS = 3000;
  const facts: TaskFacts[] = Array.from({ length: OPEN_TASKS + 1000 }, (_, i) => {
    const state = i >= OPEN_TASKS ? 'closed' : (['queued', 'in_assessment', 'callback_pending'] as const)[i % 3]!;
    return {
      id: `task-${i}`,
      ercTaskId: `ERC-${i}`,
      state,
      areaId: areas[i % 6]!.id,
      receivedAt: new Date(now - (i % 600) * 60_000),
      firstCallAt: i % 2 ? new Date(now - (i % 50) * 60_000) : null,
      answeredAt: null,
      escalated: i % 50 === 0,
      decisionRequired: false,
      claimedBy: state === 'in_assessment' ? { id: `nurse-${i % 40}`, displayName: `Nurse ${i % 40}`, role: 'nurse' } : null,
      heartbeatAt: new Date(now),
      outcomeType: state === 'closed' ? (['dispatch_unit', 'phone_advice', 'redirect'] as const)[i % 3]! : null,
      referralState: 'accepted',
      redirectTarget: 'home_care',
      closedAt: state === 'closed' ? new Date(now - (i % 400) * 60_000) : null,
      firstClaimedAt: new Date(now - (i % 500) * 60_000),
    };
  });
  model.replaceAll(facts);
  const ctx = (at: number) => ({
    now: new Date(at), seq: 1, areas, online: [], weekdayAverage: new Map<string, number>(), queueTrend: [],
    settings: { waitTargetsMinutes: [30, 60, 90], claimStaleSeconds: 120, staffingTargetWaitSeconds: 1800, staffingMaxProbability: 0.2, defaultHandlingMinutes: 15 },
  });
  // Each event: one task changes state, then every figure at a clock 50 ms later than the last.
  const n = 5000;
  let event = 0;
  // CPU time of this process, not wall time: on a shared machine waiting for a core is not model work.
  const round = (): number => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++, event++) {
      model.upsert([{ ...facts[event % OPEN_TASKS]!, state: event % 2 ? 'queued' : 'in_assessment' }]);
      model.snapshot(ctx(now + event * 50));
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 / n;
  };
  round();
  const rounds = Array.from({ length: 5 }, round).sort((a, b) => a - b);
  return { perEvent: rounds[2]!, tasks: OPEN_TASKS };
}

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

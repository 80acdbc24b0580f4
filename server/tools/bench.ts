// npm run bench: the console under load on real PostgreSQL, two server processes on one database.
// An admin URL argument (default postgres://postgres@127.0.0.1:5432/postgres);
// a database of its own is created and dropped. Prints intake throughput and latency, claim latency
// under contention, event-to-client latency with 200 and 1,000 sockets across the two nodes, and the
// memory of each node. The 2-million-task report timing is `npm run bench:reports`.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { startNodeProcess, type NodeProcess } from '../../tests/helpers/node-process.ts';

const adminUrl = process.argv.find((a) => a.startsWith('postgres')) ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `dtc_bench_${process.pid}`;
const INTAKES = 2000;
const CONCURRENCY = 20;
const NURSES = 20;
const out = (line: string) => process.stdout.write(`${line}\n`);
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
};
const fmt = (values: number[]) => `p50 ${pct(values, 0.5).toFixed(1)} ms, p99 ${pct(values, 0.99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;

async function http(url: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? null : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '', body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

function intake(n: number, prefix: string) {
  return {
    ercTaskId: `${prefix}-${n}`, urgency: 'D', taskCode: n % 2 ? '745' : '774', receivedAt: new Date().toISOString(),
    municipality: ['Oulu', 'Kempele', 'Raahe', 'Kuusamo'][n % 4], address: 'Testikatu 1', callbackPhone: '+358401234567',
    patientAge: 80, patientSex: 'female', summary: 'Benchmark task',
  };
}

function rssMiB(pid: number | undefined): string {
  if (!pid) return '?';
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? `${(Number(match[1]) / 1024).toFixed(0)} MiB` : '?';
}

async function socketLatency(nodes: NodeProcess[], cookie: string, key: string, count: number): Promise<number[]> {
  const sockets: Socket[] = [];
  const seen = new Map<string, number>();
  let waiting: { taskId: string; resolve: () => void } | undefined;
  for (let i = 0; i < count; i++) {
    const s = connect(nodes[i % nodes.length]!.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
    s.on('task:changed', (e) => {
      if (e.type !== 'task.received') return;
      const n = (seen.get(e.taskId) ?? 0) + 1;
      seen.set(e.taskId, n);
      const w = waiting;
      if (w && w.taskId === e.taskId && n === count) w.resolve();
    });
    sockets.push(s);
  }
  await Promise.all(sockets.map((s) => new Promise<void>((r, j) => { s.on('connect', () => r()); s.on('connect_error', j); })));
  const latencies: number[] = [];
  const missed: number[] = [];
  for (let round = 0; round < 20; round++) {
    const t0 = performance.now();
    const res = await http(nodes[round % nodes.length]!.url, 'POST', '/api/intake/tasks', intake(round, `SOCK${count}`), { authorization: `Bearer ${key}` });
    const taskId = (res.body.task as { id: string }).id;
    if ((seen.get(taskId) ?? 0) < count) {
      // Bounded: a socket that never hears of the change is a finding, not a reason to hang.
      const delivered = await Promise.race([
        new Promise<boolean>((resolve) => (waiting = { taskId, resolve: () => resolve(true) })),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000)),
      ]);
      if (!delivered) missed.push(count - (seen.get(taskId) ?? 0));
    }
    latencies.push(performance.now() - t0);
  }
  for (const s of sockets) s.close();
  if (missed.length) out(`  ${missed.length} rounds did not reach every socket within 15 s (missing ${missed.join(', ')})`);
  return latencies;
}

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const nodes: NodeProcess[] = [];
try {
  const env = { DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', SCHEDULER_ENABLED: 'true', DATABASE_POOL_SIZE: '20' };
  nodes.push(await startNodeProcess(env), await startNodeProcess(env));
  const [a] = nodes as [NodeProcess, NodeProcess];
  const adminCookie = (await http(a.url, 'POST', '/api/auth/login', { username: 'admin', password: 'admin-password-for-tests' })).cookie;
  const key = String((await http(a.url, 'POST', '/api/integration-keys', { name: 'bench' }, { cookie: adminCookie })).body.key);
  const nurseCookies: string[] = [];
  for (let i = 0; i < NURSES; i++) {
    await http(a.url, 'POST', '/api/users', { username: `bench${i}`, password: 'bench-password-1', displayName: `Bench ${i}`, role: i === 0 ? 'shift_leader' : 'nurse' }, { cookie: adminCookie });
    nurseCookies.push((await http(a.url, 'POST', '/api/auth/login', { username: `bench${i}`, password: 'bench-password-1' })).cookie);
  }
  out(`benchmark ${new Date().toISOString()}: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, 2 server nodes + PostgreSQL + this client on one machine`);

  // 1. Intake: CONCURRENCY clients share INTAKES requests over both nodes.
  const intakeLatency: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, c) => {
    for (let n = next++; n < INTAKES; n = next++) {
      const start = performance.now();
      const res = await http(nodes[c % 2]!.url, 'POST', '/api/intake/tasks', intake(n, 'INTAKE'), { authorization: `Bearer ${key}` });
      if (res.status !== 201) throw new Error(`intake ${res.status}`);
      intakeLatency.push(performance.now() - start);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  out(`intake: ${INTAKES} tasks, ${CONCURRENCY} concurrent clients: ${(INTAKES / seconds).toFixed(0)} tasks/s; latency ${fmt(intakeLatency)}`);

  // 2. Claims under contention: NURSES nurses take the next task until the queue is empty.
  const claimLatency: number[] = [];
  const claimed = new Set<string>();
  let duplicates = 0;
  await Promise.all(nurseCookies.map(async (cookie, i) => {
    for (;;) {
      const start = performance.now();
      const res = await http(nodes[i % 2]!.url, 'POST', '/api/tasks/next', {}, { cookie });
      claimLatency.push(performance.now() - start);
      if (res.status === 404) return;
      const id = (res.body.task as { id: string }).id;
      if (claimed.has(id)) duplicates++;
      claimed.add(id);
    }
  }));
  out(`claim (POST /api/tasks/next), ${NURSES} nurses at once over ${INTAKES} tasks: ${fmt(claimLatency)}; claimed ${claimed.size}, claimed twice ${duplicates}`);

  // 3. Event to client across the nodes.
  for (const count of process.argv.includes('--quick') ? [1000] : [200, 1000]) {
    out(`intake -> task:changed on all ${count} sockets (half on each node): ${fmt(await socketLatency(nodes, nurseCookies[0]!, key, count))}`);
    out(`  memory with ${count} sockets: node A ${rssMiB(nodes[0]!.child.pid)}, node B ${rssMiB(nodes[1]!.child.pid)}`);
  }
} catch (err) {
  for (const [i, n] of nodes.entries()) {
    if (n.child.exitCode !== null || n.child.signalCode !== null) out(`node ${i} exited (${n.child.exitCode ?? n.child.signalCode}):\n${n.output()}`);
  }
  throw err;
} finally {
  await Promise.all(nodes.map((n) => n.stop()));
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}

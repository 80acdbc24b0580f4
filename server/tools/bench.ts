// npm run bench [-- --seconds N | --long] [-- postgres://admin-url]: the console's server measured
// against a floor, in one run on one PostgreSQL (BENCH_DATABASE_URL, an argument, or
// postgres://postgres@127.0.0.1:5432/postgres; a throwaway database is created and dropped).
//
// The floor (bench/floor.ts, clearly not the console) does the same durable transactions with
// nothing else: Express 5 + zod + Kysely + pg, no authentication, no triggers, no extra reads. The
// console runs as it is deployed: `server/main.ts` processes, an integration key for intake, nurse
// sessions for claim, call attempt and outcome. Load comes from forked load processes
// (bench/load-worker.ts), never from a server's process, so that on a small machine the figures are
// the server's, not the client's. Intake: 10 connections, 3 runs of N s (default 5; --long: the
// issue's 15), floor and console taking turns; the median run counts. POST -> event: 200 and 1,000
// sockets over the load processes, on one node and on two nodes sharing the database through
// @socket.io/postgres-adapter. Prints the table: figure | floor | console | ratio | goal | met.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { startNodeProcess, type NodeProcess } from '../../tests/helpers/node-process.ts';
import { benchDatabaseUrl } from '../config.ts';
import { createDb } from '../db/create-db.ts';
import { createFloorTables, FLOOR_SCHEMA } from './bench/floor.ts';
import { intakeBody, LoadProcess, type JobResult, type NurseJob } from './bench/jobs.ts';
import { modelCost } from './bench/live-model-cost.ts';
import { formatTable, percentile, ratioGoal, type Row } from './bench/table.ts';

const args = process.argv.slice(2);
const adminUrl = args.find((a) => a.startsWith('postgres')) ?? benchDatabaseUrl() ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const secondsArg = args.indexOf('--seconds');
const RUN_MS = (args.includes('--long') ? 15 : secondsArg >= 0 ? Number(args[secondsArg + 1]) : 5) * 1000;
const RUNS = 3;
const CONNECTIONS = 10;
const NURSES = 10;
const SOCKET_ROUNDS = 30;
const SOCKET_COUNTS = [200, 1000];
const LOAD_PROCESSES = 2;
const ADMIN_PASSWORD = 'admin-password-for-tests';
const dbName = `dtc_bench_${process.pid}`;
const clock = () => performance.timeOrigin + performance.now();
const out = (line: string) => process.stdout.write(`${line}\n`);
const median = (values: readonly number[]) => percentile(values, 0.5);

async function http(url: string, path: string, body: object, headers: Record<string, string> = {}) {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '', body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

interface FloorProcess { url: string; child: ChildProcess }

/** How the load reaches each side: the floor without credentials, the console with its own. */
interface Target {
  url: string;
  api: '/floor' | '/api';
  intakePath: string;
  intakeHeaders: Record<string, string>;
  nurse(nurse: { id: string; cookie: string }): { headers: Record<string, string>; body: Record<string, string> };
}

function startFloor(databaseUrl: string, adapter: boolean): Promise<FloorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/tools/bench/floor-server.ts', databaseUrl, ...(adapter ? ['--adapter'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const url = /floor listening on (\S+)/.exec(text)?.[1];
      if (url) resolve({ url, child });
    });
    child.on('exit', (code) => reject(new Error(`floor exited with ${code}`)));
  });
}

function stopFloor(floor: FloorProcess): Promise<void> {
  if (floor.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    floor.child.once('exit', () => resolve());
    floor.child.kill('SIGTERM');
  });
}

/** Runs one job on every load process at once. */
function onAll<T extends JobResult['kind']>(load: LoadProcess[], job: (i: number) => Parameters<LoadProcess['run']>[0], kind: T): Promise<Extract<JobResult, { kind: T }>[]> {
  return Promise.all(load.map(async (p, i) => {
    const result = await p.run(job(i));
    if (result.kind !== kind) throw new Error(`expected ${kind}, got ${result.kind}`);
    return result as Extract<JobResult, { kind: T }>;
  }));
}

function machine(pgVersion: string): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync('nproc').toString().trim();
  } catch {
    // No nproc binary: the count Node sees.
  }
  return `nproc ${nproc}, ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${pgVersion}, node ${process.version}`;
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const pgVersion = (await admin.query<{ v: string }>('select version() as v')).rows[0]!.v.split(' on ')[0]!;
  await admin.query(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const nodes: NodeProcess[] = [];
  const floors: FloorProcess[] = [];
  const load = Array.from({ length: LOAD_PROCESSES }, () => new LoadProcess());
  const handle = await createDb({ kind: 'postgres', url: databaseUrl, poolSize: 2 });
  try {
    // As deployed: production mode (no response-contract check, see README, Configuration).
    const env = { DATABASE_URL: databaseUrl, ADMIN_PASSWORD, SCHEDULER_ENABLED: 'true', NODE_ENV: 'production' };
    // The first node migrates; the floor's tables copy the migrated ones.
    nodes.push(await startNodeProcess(env));
    await createFloorTables(handle.db);
    floors.push(await startFloor(databaseUrl, false));
    const consoleUrl = nodes[0]!.url;
    const floorUrl = floors[0]!.url;
    const adminCookie = (await http(consoleUrl, '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).cookie;
    const key = String((await http(consoleUrl, '/api/integration-keys', { name: 'bench' }, { cookie: adminCookie })).body.key);
    const nurses: { id: string; cookie: string }[] = [];
    for (let i = 0; i < NURSES; i++) {
      const created = await http(consoleUrl, '/api/users', { username: `bench${i}`, password: 'bench-password-1', displayName: `Bench ${i}`, role: 'nurse' }, { cookie: adminCookie });
      const id = (created.body.user as { id: string }).id;
      nurses.push({ id, cookie: (await http(consoleUrl, '/api/auth/login', { username: `bench${i}`, password: 'bench-password-1' })).cookie });
    }
    const targets: Record<'floor' | 'console', Target> = {
      floor: { url: floorUrl, api: '/floor', intakePath: '/floor/intake', intakeHeaders: {}, nurse: (n) => ({ headers: {}, body: { nurseId: n.id } }) },
      console: { url: consoleUrl, api: '/api', intakePath: '/api/intake/tasks', intakeHeaders: { authorization: `Bearer ${key}` }, nurse: (n) => ({ headers: { cookie: n.cookie }, body: {} }) },
    };
    const seconds = RUN_MS / 1000;
    out(`benchmark ${new Date().toISOString()}`);
    out(`machine: ${machine(pgVersion)}`);
    out(`processes: this one (orchestrates; the POSTs of the event rounds), ${LOAD_PROCESSES} forked load processes (all HTTP load and every socket),`);
    out(`  the floor (1 process; 2 more with the adapter for the two-node rows), the console (1 server/main.ts node; a 2nd for the two-node rows), PostgreSQL`);

    // 1. Intake: floor and console take turns, RUNS times.
    const intake = { floor: { rate: [] as number[], p50: [] as number[], errors: 0 }, console: { rate: [] as number[], p50: [] as number[], errors: 0 } };
    for (let run = 0; run < RUNS; run++) {
      for (const target of ['floor', 'console'] as const) {
        const { url: base, intakePath, intakeHeaders } = targets[target];
        const results = await onAll(load, (i) => ({
          kind: 'intake', url: base, path: intakePath, headers: intakeHeaders, connections: CONNECTIONS / LOAD_PROCESSES, durationMs: RUN_MS, prefix: `${target}-${run}-${i}`,
        }), 'intake');
        const latencies = results.flatMap((r) => r.latencies);
        intake[target].rate.push(latencies.length / seconds);
        intake[target].p50.push(median(latencies));
        intake[target].errors += results.reduce((n, r) => n + r.errors, 0);
      }
    }

    // 2. Claim, answered call, outcome: NURSES nurses, each through her own queued tasks.
    const queued = {
      floor: (await handle.db.withSchema(FLOOR_SCHEMA).selectFrom('task').select('id').where('state', '=', 'queued').orderBy('received_at').execute()).map((r) => r.id),
      console: (await handle.db.selectFrom('task').select('id').where('state', '=', 'queued').orderBy('received_at').execute()).map((r) => r.id),
    };
    const work = { floor: { claim: [] as number[], call: [] as number[], outcome: [] as number[], errors: 0 }, console: { claim: [] as number[], call: [] as number[], outcome: [] as number[], errors: 0 } };
    for (let run = 0; run < RUNS; run++) {
      for (const target of ['floor', 'console'] as const) {
        const ids = queued[target];
        const share = Math.floor(ids.length / RUNS / NURSES);
        const perProcess = NURSES / LOAD_PROCESSES;
        const results = await onAll(load, (p): NurseJob => ({
          kind: 'nurses', url: targets[target].url, prefix: targets[target].api, durationMs: RUN_MS,
          nurses: nurses.slice(p * perProcess, (p + 1) * perProcess).map((nurse, j) => {
            const start = (run * NURSES + p * perProcess + j) * share;
            return { ...targets[target].nurse(nurse), taskIds: ids.slice(start, start + share) };
          }),
        }), 'nurses');
        for (const figure of ['claim', 'call', 'outcome'] as const) work[target][figure].push(median(results.flatMap((r) => r[figure])));
        work[target].errors += results.reduce((n, r) => n + r.errors, 0);
      }
    }

    // 3. POST -> event on every socket, one node and two nodes.
    nodes.push(await startNodeProcess(env));
    floors.push(await startFloor(databaseUrl, true), await startFloor(databaseUrl, true));
    const heard = new Map<string, number[][]>();
    for (const p of load) {
      p.onHeard = (taskId, times) => heard.set(taskId, [...(heard.get(taskId) ?? []), times]);
    }
    const events = async (target: 'floor' | 'console', urls: string[], count: number) => {
      await onAll(load, () => ({ kind: 'sockets', urls, count: count / LOAD_PROCESSES, ...(target === 'console' ? { cookie: nurses[0]!.cookie } : {}), eventType: 'task.received' }), 'sockets');
      await new Promise((r) => setTimeout(r, 500));
      const latencies: number[] = [];
      let missed = 0;
      for (let round = 0; round < SOCKET_ROUNDS; round++) {
        const t0 = clock();
        const res = await http(urls[0]!, targets[target].intakePath, intakeBody(`sock-${target}-${urls.length}-${count}-${round}`), targets[target].intakeHeaders);
        const taskId = (res.body.task as { id: string }).id;
        const deadline = Date.now() + 15_000;
        while ((heard.get(taskId)?.length ?? 0) < LOAD_PROCESSES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
        const reports = heard.get(taskId) ?? [];
        heard.delete(taskId);
        if (reports.length < LOAD_PROCESSES) missed++;
        for (const times of reports) for (const t of times) latencies.push(t - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
      await onAll(load, () => ({ kind: 'close' }), 'closed');
      return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), missed };
    };
    const sockets: { count: number; nodes: number; floor: Awaited<ReturnType<typeof events>>; console: Awaited<ReturnType<typeof events>> }[] = [];
    for (const count of SOCKET_COUNTS) {
      sockets.push({ count, nodes: 1, floor: await events('floor', [floorUrl], count), console: await events('console', [consoleUrl], count) });
      sockets.push({ count, nodes: 2, floor: await events('floor', [floors[1]!.url, floors[2]!.url], count), console: await events('console', nodes.map((n) => n.url), count) });
    }

    // 4. The live board's model work per event, with the servers idle.
    for (const p of load) p.stop();
    const live = modelCost();

    const rows: Row[] = [];
    const fI = { rate: median(intake.floor.rate), p50: median(intake.floor.p50) };
    const cI = { rate: median(intake.console.rate), p50: median(intake.console.p50) };
    rows.push({ figure: `intake, ${CONNECTIONS} connections (median of ${RUNS} x ${seconds} s)`, unit: 'req/s', floor: fI.rate, console: cI.rate, goal: ratioGoal(fI.rate, cI.rate, { min: 0.8 }) });
    rows.push({ figure: 'intake p50', unit: 'ms', floor: fI.p50, console: cI.p50, goal: ratioGoal(fI.p50, cI.p50, { max: 1.5 }) });
    for (const [figure, name] of [['claim', 'claim p50'], ['call', 'call attempt p50'], ['outcome', 'outcome p50']] as const) {
      const f = median(work.floor[figure]);
      const c = median(work.console[figure]);
      rows.push({ figure: `${name} (${NURSES} nurses)`, unit: 'ms', floor: f, console: c, goal: ratioGoal(f, c, { max: 2 }) });
    }
    for (const s of sockets) {
      const where = `${s.count.toLocaleString('en')} sockets, ${s.nodes === 1 ? 'one node' : 'two nodes'}`;
      rows.push({ figure: `POST -> event, ${where}: p50`, unit: 'ms', floor: s.floor.p50, console: s.console.p50 });
      const one = sockets.find((o) => o.count === s.count && o.nodes === 1)!;
      rows.push({
        figure: `POST -> event, ${where}: p99`, unit: 'ms', floor: s.floor.p99, console: s.console.p99,
        ...(s.nodes === 2 ? { goal: { text: `<= 2x console one-node p99 (${one.console.p99.toFixed(1)} ms)`, met: s.console.p99 <= 2 * one.console.p99 } } : {}),
      });
    }
    rows.push({ figure: `live board model work per event, ${live.tasks.toLocaleString('en')} open tasks (CPU)`, unit: 'ms', console: live.perEvent, goal: { text: '< 0.1 ms', met: live.perEvent < 0.1 } });
    out('');
    out(formatTable(rows));
    out('');
    const errors = intake.floor.errors + intake.console.errors + work.floor.errors + work.console.errors;
    const missed = sockets.reduce((n, s) => n + s.floor.missed + s.console.missed, 0);
    out(`non-2xx answers: ${errors}; event rounds that did not reach every socket within 15 s: ${missed}`);
  } catch (err) {
    for (const n of nodes) if (n.child.exitCode !== null) out(`console node exited (${n.child.exitCode}):\n${n.output()}`);
    throw err;
  } finally {
    for (const p of load) p.stop();
    await Promise.all([...nodes.map((n) => n.stop()), ...floors.map(stopFloor)]);
    await handle.close();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

await main();

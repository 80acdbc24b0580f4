// A load process of `npm run bench`: forked by the benchmark, never in a server's process, so that
// the load it makes and the figures it takes do not compete with the server inside one event loop.
// It runs one job per message and answers with its measurements (see jobs.ts).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import { intakeBody, type IntakeJob, type JobResult, type NurseJob, type SocketsJob, type WorkerMessage } from './jobs.ts';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes of one machine. */
const clock = () => performance.timeOrigin + performance.now();

function poster(base: string, connections: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(base);
  return (path: string, body: object, headers: Record<string, string>) =>
    new Promise<{ status: number; body: { task?: { id: string; version: number } }; ms: number }>((resolve, reject) => {
      const data = JSON.stringify(body);
      const start = performance.now();
      const req = http.request(
        { host: url.hostname, port: url.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {}, ms: performance.now() - start }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
}

async function intake(job: IntakeJob): Promise<JobResult> {
  const post = poster(job.url, job.connections);
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const until = performance.now() + job.durationMs;
  await Promise.all(
    Array.from({ length: job.connections }, async () => {
      while (performance.now() < until) {
        const res = await post(job.path, intakeBody(`${job.prefix}-${n++}`), job.headers);
        if (res.status === 201) latencies.push(res.ms);
        else errors++;
      }
    }),
  );
  return { kind: 'intake', latencies, errors };
}

/** Each nurse works through her own tasks: claim, an answered call, the outcome; one task at a time. */
async function nurses(job: NurseJob): Promise<JobResult> {
  const post = poster(job.url, job.nurses.length);
  const claim: number[] = [];
  const call: number[] = [];
  const outcome: number[] = [];
  let errors = 0;
  const until = performance.now() + job.durationMs;
  await Promise.all(
    job.nurses.map(async (nurse) => {
      for (const id of nurse.taskIds) {
        if (performance.now() >= until) return;
        const claimed = await post(`${job.prefix}/tasks/${id}/claim`, nurse.body, nurse.headers);
        if (claimed.status !== 200) { errors++; continue; }
        claim.push(claimed.ms);
        const called = await post(`${job.prefix}/tasks/${id}/call-attempts`, { ...nurse.body, result: 'answered' }, nurse.headers);
        if (called.status !== 201 || !called.body.task) { errors++; continue; }
        call.push(called.ms);
        const body = { ...nurse.body, version: called.body.task.version, type: 'phone_advice', advice: 'self_care', rationale: 'Benchmark' };
        const closed = await post(`${job.prefix}/tasks/${id}/outcome`, body, nurse.headers);
        if (closed.status !== 200) { errors++; continue; }
        outcome.push(closed.ms);
      }
    }),
  );
  return { kind: 'nurses', claim, call, outcome, errors };
}

let open: Socket[] = [];

/** Opens the sockets; from then on reports, per task, when every one of them had heard of it. */
async function sockets(job: SocketsJob): Promise<JobResult> {
  const heard = new Map<string, number[]>();
  open = Array.from({ length: job.count }, (_, i) => {
    const s = connect(job.urls[i % job.urls.length]!, { transports: ['websocket'], reconnection: false, ...(job.cookie ? { extraHeaders: { cookie: job.cookie } } : {}) });
    s.on('task:changed', (e: { taskId: string; type: string }) => {
      if (e.type !== job.eventType) return;
      const at = clock();
      const times = heard.get(e.taskId) ?? [];
      times.push(at);
      heard.set(e.taskId, times);
      if (times.length === job.count) {
        heard.delete(e.taskId);
        process.send!({ kind: 'heard', taskId: e.taskId, times } satisfies WorkerMessage);
      }
    });
    return s;
  });
  await Promise.all(open.map((s) => new Promise<void>((resolve, reject) => { s.on('connect', () => resolve()); s.on('connect_error', reject); })));
  return { kind: 'sockets', connected: open.length };
}

process.on('message', (message: IntakeJob | NurseJob | SocketsJob | { kind: 'close' }) => {
  const run = message.kind === 'intake' ? intake(message) : message.kind === 'nurses' ? nurses(message) : message.kind === 'sockets' ? sockets(message) : undefined;
  if (!run) {
    for (const s of open) s.close();
    open = [];
    process.send!({ kind: 'done', result: { kind: 'closed' } } satisfies WorkerMessage);
    return;
  }
  run.then(
    (result) => process.send!({ kind: 'done', result } satisfies WorkerMessage),
    (err: unknown) => process.send!({ kind: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage),
  );
});

import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, type ErcClient } from '../factories/tasks.ts';
import { connectedSocket } from '../helpers/sockets.ts';
import { onPostgres } from '../helpers/test-db.ts';
import { startTestServer, USER_PASSWORD, type TestServer } from '../helpers/test-server.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';
let t: TestServer;
let erc: ErcClient;
beforeAll(async () => {
  t = await startTestServer({ METRICS_TOKEN: TOKEN, SCHEDULER_ENABLED: 'true', SCHEDULER_INTERVAL_MS: '200', LOGIN_SLOWDOWN_AFTER: '2', LOGIN_LOCK_AFTER: '3' });
  erc = await ercClient(t);
});
afterAll(() => t.close());

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a Prometheus text exposition (enough of the format for these tests). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

async function scrape(): Promise<{ value(name: string, labels?: Record<string, string>): number; all: Sample[] }> {
  const res = await request(t.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  const all = parse(res.text);
  return {
    all,
    value: (name, labels = {}) =>
      all
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0),
  };
}

describe('GET /metrics', () => {
  it('refuses a request without the token, or with a wrong one, on the API port', async () => {
    const none = await request(t.url).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('METRICS_TOKEN_REQUIRED');
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.text).not.toContain('process_cpu');
    const wrong = await request(t.url).get('/metrics').set('Authorization', 'Bearer not-the-token-at-all-xx');
    expect(wrong.status).toBe(401);
    // An API user's session is not a metrics token.
    const asAdmin = await t.admin.get('/metrics');
    expect(asAdmin.status).toBe(401);
  });

  it('counts a known sequence (intake, claim, close) from the database and this node', async () => {
    const before = await scrape();
    expect(before.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(before.value('dtc_response_limit_seconds')).toBe(120 * 60);

    const nurse = await t.userWithRole('nurse');
    const socket = await connectedSocket(t.url, nurse.username);
    const first = await createTask(erc, { receivedAt: new Date(Date.now() - 10 * 60_000).toISOString() });
    const second = await createTask(erc);
    const area = (await t.db.selectFrom('task').innerJoin('area', 'area.id', 'task.area_id').select('area.name').where('task.id', '=', first.id).executeTakeFirstOrThrow()).name;

    const afterIntake = await scrape();
    expect(afterIntake.value('dtc_tasks_open', { state: 'queued', area }) - before.value('dtc_tasks_open', { state: 'queued', area })).toBe(2);
    expect(afterIntake.value('dtc_oldest_wait_seconds')).toBeGreaterThanOrEqual(600);
    expect(afterIntake.value('dtc_oldest_wait_seconds')).toBeLessThan(900);
    expect(afterIntake.value('dtc_sockets_connected', { role: 'nurse' })).toBe(1);

    const claim = await nurse.agent.post(`/api/tasks/${first.id}/claim`);
    expect(claim.status).toBe(200);
    expect((await nurse.agent.post(`/api/tasks/${first.id}/call-attempts`).send({ result: 'answered' })).status).toBe(201);
    const version = (await nurse.agent.get(`/api/tasks/${first.id}`)).body.task.version as number;
    const close = await nurse.agent.post(`/api/tasks/${first.id}/outcome`).send({ version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' });
    expect(close.status).toBe(200);

    const after = await scrape();
    const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('dtc_tasks_open', { state: 'queued', area })).toBe(1);
    expect(delta('dtc_tasks_open', { state: 'in_assessment' })).toBe(0);
    expect(after.value('dtc_tasks_open', { state: 'closed' })).toBe(0);
    // The oldest unreached patient is now the second task, received a minute ago.
    expect(after.value('dtc_oldest_wait_seconds')).toBeLessThan(300);
    expect(delta('dtc_dispatch_requests_unacknowledged', { overdue: 'false' })).toBe(1);
    const events = await t.db.selectFrom('task_event').select(['type']).where('task_id', 'in', [first.id, second.id]).execute();
    expect(delta('dtc_task_events_written_total')).toBe(events.length);
    expect(delta('dtc_task_events_written_total', { type: 'task.closed' })).toBe(events.filter((e) => e.type === 'task.closed').length);
    expect(after.value('dtc_task_event_seq')).toBe(Number((await t.db.selectFrom('event_counter').select('seq').executeTakeFirstOrThrow()).seq));
    expect(delta('dtc_event_publish_lag_seconds_count')).toBeGreaterThanOrEqual(4);
    // Route templates, never ids.
    expect(delta('dtc_http_request_duration_seconds_count', { route: '/api/intake/tasks', method: 'POST', status_class: '2xx' })).toBe(2);
    expect(delta('dtc_http_request_duration_seconds_count', { route: '/api/tasks/:id/claim', method: 'POST', status_class: '2xx' })).toBe(1);
    expect(delta('dtc_http_request_duration_seconds_count', { route: '/api/tasks/:id/outcome', method: 'POST', status_class: '2xx' })).toBe(1);
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-/i;
    expect(after.all.filter((s) => Object.values(s.labels).some((v) => uuid.test(v)))).toEqual([]);
    if (onPostgres()) expect(after.value('dtc_db_pool_connections', { kind: 'total' })).toBeGreaterThanOrEqual(1);
    else expect(after.all.some((s) => s.name === 'dtc_db_pool_connections')).toBe(false);
    socket.disconnect();
  });

  it('counts login failures and lockouts', async () => {
    const before = await scrape();
    const user = await t.userWithRole('nurse');
    const attempt = (password: string) => request(t.url).post('/api/auth/login').send({ username: user.username, password });
    expect((await attempt('wrong-password-1')).status).toBe(401);
    expect((await attempt('wrong-password-2')).status).toBe(401);
    // Throttled and locked attempts answer like wrong passwords (issue 12); the metrics tell them apart.
    expect((await attempt('wrong-password-3')).body.error.code).toBe('INVALID_CREDENTIALS');
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await attempt('wrong-password-4')).body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await attempt(USER_PASSWORD)).body.error.code).toBe('INVALID_CREDENTIALS');
    const after = await scrape();
    const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('dtc_login_failures_total', { reason: 'invalid_credentials' })).toBe(3);
    expect(delta('dtc_login_failures_total', { reason: 'throttled' })).toBe(1);
    expect(delta('dtc_login_failures_total', { reason: 'locked' })).toBe(1);
    expect(delta('dtc_account_lockouts_total')).toBe(1);
  });

  it('reports each scheduler rule: its duration and the time of its last success', async () => {
    const started = Date.now() / 1000;
    const deadline = Date.now() + 10_000;
    let last = 0;
    while (Date.now() < deadline) {
      last = (await scrape()).value('dtc_scheduler_last_success_timestamp_seconds', { rule: 'escalated' });
      if (last >= started) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toBeGreaterThanOrEqual(started);
    const now = await scrape();
    for (const rule of ['escalated', 'callbacksDue', 'staleClaims', 'waitBreaches', 'unacknowledgedDispatches', 'idleSessionsEnded']) {
      expect(now.value('dtc_scheduler_rule_duration_seconds_count', { rule })).toBeGreaterThan(0);
    }
  });
});

describe('GET /metrics without a token', () => {
  it('is not served on the API port; METRICS_PORT serves it on a listener of its own', async () => {
    const other = await startTestServer({ METRICS_PORT: '9464' });
    try {
      expect((await request(other.url).get('/metrics')).status).toBe(404);
      const metricsServer = other.server.metricsServer!;
      await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', resolve));
      const metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
      const res = await request(metricsUrl).get('/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toContain('dtc_tasks_open');
      // The metrics listener serves nothing else.
      expect((await request(metricsUrl).get('/api/auth/me')).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

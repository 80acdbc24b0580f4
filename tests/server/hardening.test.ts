import http from 'node:http';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, intakeBody, type ErcClient } from '../factories/tasks.ts';
import { io as connect } from 'socket.io-client';
import { loginCookie } from '../helpers/sockets.ts';
import { CapturedLog, startTestServer, USER_PASSWORD, type Agent, type TestServer } from '../helpers/test-server.ts';

// What an outside attack on a running console found (issue 12), each finding as a test.

const log = new CapturedLog();
let t: TestServer;
let erc: ErcClient;
let nurse: { agent: Agent; id: string; username: string };
beforeAll(async () => {
  t = await startTestServer({ LOG_LEVEL: 'debug' }, undefined, log);
  erc = await ercClient(t);
  nurse = await t.userWithRole('nurse');
});
afterAll(() => t.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends a POST with `body` (handed to the socket at once, so it streams as fast as the server takes
 * it) and resolves with the status and the milliseconds from sending to the answer's headers (the
 * server's answer time, whatever the upload is still doing), and a promise of the upload's end.
 */
function upload(path: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; answerMs: number; uploadDone: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, t.url), { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length), ...headers } });
    const uploadDone = new Promise<void>((done) => req.on('close', done));
    const sentAt = performance.now();
    req.on('response', (res) => {
      const answerMs = performance.now() - sentAt;
      res.resume();
      resolve({ status: res.statusCode ?? 0, answerMs, uploadDone });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('1. bodies are read only after authentication, with a bounded depth', () => {
  it('answers an anonymous 16 MB deeply nested body 401 at once, and /healthz stays fast meanwhile', { timeout: 120_000 }, async () => {
    const deep = Buffer.from('['.repeat(8_000_000) + ']'.repeat(8_000_000));
    const keepAlive = new http.Agent({ keepAlive: true });
    const healthz = () =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        http.get(new URL('/healthz', t.url), { agent: keepAlive }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`healthz ${res.statusCode}`))));
        }).on('error', reject);
      });
    // The server's answer time: from the request reaching the server to its answer being sent.
    const answerTimes: number[] = [];
    const timeAnswer = (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url !== '/api/import/tasks') return;
      const arrived = performance.now();
      res.on('finish', () => answerTimes.push(performance.now() - arrived));
    };
    t.server.httpServer.prependListener('request', timeAnswer);
    /**
     * One attack while /healthz is asked every 10 ms. Client and server share this process, so a
     * probe cannot be sent while the server blocks it: the CPU time the process spent in the round
     * bounds how long anything could have blocked (the server as it was parsed for seconds), and
     * unlike wall time it does not grow when other processes crowd the machine.
     */
    const round = async () => {
      const healthTimes: number[] = [];
      const cpuBefore = process.cpuUsage();
      let attacking = true;
      const probe = (async () => {
        while (attacking) {
          healthTimes.push(await healthz());
          await sleep(10);
        }
      })();
      const attack = await upload('/api/import/tasks', deep);
      await attack.uploadDone;
      attacking = false;
      await probe;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      return { status: attack.status, answerMs: answerTimes.at(-1) ?? Infinity, clientMs: attack.answerMs, healthMs: Math.max(...healthTimes), cpuMs, probes: healthTimes.length };
    };
    // The bounds are about the server (before the fix: 7 s answers and a frozen /healthz). Other
    // test processes on a shared 2-core machine can stall this one for a moment too, so a round
    // that misses them is repeated a few times; the server as it was misses them in every round.
    const rounds: Awaited<ReturnType<typeof round>>[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const r = await round();
        rounds.push(r);
        expect(r.status).toBe(401);
        expect(r.probes).toBeGreaterThan(0);
        if (r.answerMs < 100 && r.healthMs < 200 && r.cpuMs < 200) break;
        if (r.answerMs > 2000) break; // no machine is that loaded: the body was read
      }
    } finally {
      t.server.httpServer.off('request', timeAnswer);
      keepAlive.destroy();
    }
    const last = rounds.at(-1)!;
    const figures = rounds
      .map((r) => `401 in ${r.answerMs.toFixed(1)} ms (${r.clientMs.toFixed(1)} ms at the client), healthz up to ${r.healthMs.toFixed(1)} ms over ${r.probes} probes, ${r.cpuMs.toFixed(0)} ms CPU`)
      .join('; ');
    expect(last.answerMs, figures).toBeLessThan(100);
    expect(last.healthMs, figures).toBeLessThan(200);
    expect(last.cpuMs, figures).toBeLessThan(200);
  });

  it('refuses a logged-in non-admin at the import before reading the body, and gives other routes the small limit', async () => {
    const cookie = await loginCookie(t.url, nurse.username);
    const big = Buffer.from(JSON.stringify({ tasks: [], pad: 'x'.repeat(1_000_000) }));
    expect((await upload('/api/import/tasks', big, { Cookie: cookie })).status).toBe(403);
    const res = await nurse.agent.post('/api/tasks/manual').set('Content-Type', 'application/json').send(big.toString());
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses absurd nesting everywhere with 422 JSON_TOO_DEEP, the admin import included', async () => {
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    const login = await request(t.url).post('/api/auth/login').set('Content-Type', 'application/json').send(`{"username":"a","password":${deep}}`);
    expect(login.status).toBe(422);
    expect(login.body.error.code).toBe('JSON_TOO_DEEP');
    const imported = await t.admin.post('/api/import/tasks').set('Content-Type', 'application/json').send(`{"tasks":${deep}}`);
    expect(imported.status).toBe(422);
    expect(imported.body.error.code).toBe('JSON_TOO_DEEP');
    // Brackets inside strings are text, not depth.
    const textual = await t.admin.post('/api/integration-keys').send({ name: `key ${'['.repeat(60)}` });
    expect(textual.status).toBe(201);
  });
});

describe('2. no patient data in the log when a statement fails', () => {
  it('logs a failing intake with type, message, code and stack only', async () => {
    // A constraint the database enforces on this one summary: its error's detail holds the whole row.
    const summary = 'Leaking summary: chest feels odd since the morning';
    const phone = '+358409876543';
    await sql`alter table task add constraint injected_failure check (summary <> ${sql.lit(summary)})`.execute(t.db);
    try {
      const res = await erc.post('/api/intake/tasks', intakeBody({ summary, callbackPhone: phone, address: 'Salainen katu 7' }));
      expect(res.status).toBe(500);
    } finally {
      await sql`alter table task drop constraint injected_failure`.execute(t.db);
    }
    const logged = log.text.join('\n');
    expect(logged).toMatch(/injected_failure/);
    expect(logged).not.toContain('409876543');
    expect(logged).not.toContain('chest feels odd');
    expect(logged).not.toContain('Salainen');
    expect(log.lines.filter((l) => l.err !== undefined).length).toBeGreaterThan(0);
    for (const line of log.lines.filter((l) => l.err !== undefined)) {
      expect(Object.keys(line.err as object).every((k) => ['type', 'message', 'code', 'stack'].includes(k))).toBe(true);
    }
  });
});

describe('3 and 5. login answers reveal neither the password nor which names exist', () => {
  it('30 concurrent attempts, one right: at most LOGIN_LOCK_AFTER passwords verified, and the right one answered like the wrong ones', async () => {
    const { id, username } = await t.userWithRole('nurse');
    const before = t.server.parts.auth.passwordVerifications();
    const passwords = [...Array.from({ length: 29 }, (_, i) => `wrong-password-${i}`), USER_PASSWORD];
    const answers = await Promise.all(passwords.map((password) => request(t.url).post('/api/auth/login').send({ username, password })));
    const verified = t.server.parts.auth.passwordVerifications() - before;
    expect(verified).toBeLessThanOrEqual(t.config.login.lockAfter);
    const row = await t.db.selectFrom('app_user').select('failed_logins').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.failed_logins).toBeLessThanOrEqual(t.config.login.lockAfter);
    const right = answers[29]!;
    const wrong = answers.slice(0, 29).map((a) => JSON.stringify([a.status, a.body]));
    expect(new Set(wrong).size).toBe(1);
    // A right password the throttle refused looks exactly like a wrong one (it may also have come first and won).
    if (right.status !== 200) expect(JSON.stringify([right.status, right.body])).toBe(wrong[0]);
  });

  it('an existing name and an unknown one get the same answers however often they fail', async () => {
    const { username } = await t.userWithRole('nurse');
    const answersFor = async (name: string) => {
      const out: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await request(t.url).post('/api/auth/login').send({ username: name, password: `wrong-${i}-password` });
        out.push(JSON.stringify([res.status, res.body, res.headers['retry-after'] ?? null]));
      }
      return out;
    };
    const existing = await answersFor(username);
    const unknown = await answersFor(`${username}-nobody`);
    expect(existing).toEqual(unknown);
  });
});

describe('4. another origin on the same host gets neither the socket nor an audited read', () => {
  /** Opens a socket with these handshake headers and says whether the server admitted it. */
  function handshake(url: string, headers: Record<string, string>): Promise<string> {
    const socket = connect(url, { transports: ['websocket'], reconnection: false, extraHeaders: headers });
    return new Promise<string>((resolve) => {
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', (err) => resolve(`refused: ${err.message}`));
    }).finally(() => socket.close());
  }

  async function connects(headers: Record<string, string>): Promise<string> {
    return handshake(t.url, { Cookie: await loginCookie(t.url, nurse.username), ...headers });
  }

  it('refuses a socket handshake from another port of the same host, admits the console\'s own origin', async () => {
    const own = new URL(t.url);
    expect(await connects({ Origin: `http://${own.hostname}:1` })).toMatch(/^refused/);
    expect(await connects({ Origin: 'null' })).toMatch(/^refused/);
    expect(await connects({ Origin: t.url })).toBe('connected');
    expect(await connects({})).toBe('connected');
  });

  it('honours ALLOWED_ORIGINS for a console behind a proxy', async () => {
    const proxied = await startTestServer({ ALLOWED_ORIGINS: 'https://triage.example.fi' });
    try {
      const cookie = await loginCookie(proxied.url, 'admin', 'admin-password-for-tests');
      const tryOrigin = (origin: string) => handshake(proxied.url, { Cookie: cookie, Origin: origin });
      expect(await tryOrigin('https://triage.example.fi')).toBe('connected');
      expect(await tryOrigin(proxied.url)).toMatch(/^refused/);
      const post = await proxied.admin.post('/api/integration-keys').set('Origin', proxied.url).send({ name: 'from the raw port' });
      expect(post.status).toBe(403);
    } finally {
      await proxied.close();
    }
  });

  it('refuses an audited read a page of another origin makes, and writes no audit row', async () => {
    const task = await createTask(erc);
    const reads = async () =>
      (await t.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).where('action', '=', 'task.read').where('target_id', '=', task.id).executeTakeFirstOrThrow()).n;
    for (const site of ['same-site', 'cross-site']) {
      const res = await nurse.agent.get(`/api/tasks/${task.id}`).set('Sec-Fetch-Site', site);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('CROSS_ORIGIN_REFUSED');
    }
    expect(await reads()).toBe(0);
    expect((await nurse.agent.get(`/api/tasks/${task.id}`).set('Sec-Fetch-Site', 'same-origin')).status).toBe(200);
    expect((await nurse.agent.get(`/api/tasks/${task.id}`).set('Sec-Fetch-Site', 'none')).status).toBe(200);
    expect(await reads()).toBe(2);
  });
});

describe('6. bad text and absurd times are 4xx, never 500', () => {
  it('NUL in a login name or an audit filter, and year 0000 times, answer 422', async () => {
    expect((await request(t.url).post('/api/auth/login').send({ username: 'ad\u0000min', password: 'x' })).status).toBe(422);
    expect((await request(t.url).post('/api/auth/login').send({ username: 'ad\u202Emin', password: 'x' })).status).toBe(422);
    expect((await t.admin.get('/api/audit').query({ actor: 'a\u0000b' })).status).toBe(422);
    expect((await t.admin.get('/api/audit').query({ from: '0000-01-01T00:00:00Z' })).status).toBe(422);
    expect((await erc.post('/api/intake/tasks', intakeBody({ receivedAt: '0000-01-01T00:00:00+14:00' }))).status).toBe(422);
  });

  it('a lone surrogate in an assessment note or a cancel reason answers 422 and changes nothing', async () => {
    const task = await createTask(erc);
    const claimed = await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    const version = claimed.body.task.version as number;
    const note = await nurse.agent.put(`/api/tasks/${task.id}/assessment`).send({ version, notes: 'Breathing \udc00 fine', redFlags: [], currentServices: [] });
    expect(note.status).toBe(422);
    const cancel = await erc.post(`/api/intake/tasks/${task.ercTaskId}/cancel`, { reason: 'Duplicate \ud800' });
    expect(cancel.status).toBe(422);
    expect((await nurse.agent.get(`/api/tasks/${task.id}`)).body.task).toMatchObject({ version, state: 'in_assessment' });
  });

  it('a Content-Encoding the server does not inflate answers 415', async () => {
    const res = await erc.post('/api/intake/tasks').set('Content-Encoding', 'gzip').send(intakeBody());
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_ENCODING');
  });
});

describe('8. bodies that are not JSON', () => {
  it('answers 415 to a text or form body and claims nothing; no body at all still works', async () => {
    // A nurse holding nothing, so that the one-task rule does not answer first.
    const nurse = await t.userWithRole('nurse');
    await createTask(erc);
    const asText = await nurse.agent.post('/api/tasks/next').set('Content-Type', 'text/plain').send('{}');
    expect(asText.status).toBe(415);
    expect(asText.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const asForm = await nurse.agent.post('/api/tasks/next').type('form').send({ areaId: '' });
    expect(asForm.status).toBe(415);
    const held = await t.db.selectFrom('task').select('id').where('claimed_by', '=', nurse.id).where('state', '=', 'in_assessment').execute();
    const noBody = await nurse.agent.post('/api/tasks/next');
    expect(noBody.status, JSON.stringify(noBody.body)).toBe(200);
    expect(await t.db.selectFrom('task').select('id').where('claimed_by', '=', nurse.id).where('state', '=', 'in_assessment').execute()).toHaveLength(held.length + 1);
  });
});

describe('9. receivedAt long past', () => {
  it('refuses 0001, 1900 and anything older than RECEIVED_MAX_AGE_HOURS at intake', async () => {
    for (const receivedAt of ['0001-01-01T00:00:00Z', '1900-01-01T00:00:00Z', new Date(Date.now() - 25 * 3_600_000).toISOString()]) {
      const res = await erc.post('/api/intake/tasks', intakeBody({ receivedAt }));
      expect(res.status, receivedAt).toBe(422);
      expect(res.body.error.details[0].path).toBe('body.receivedAt');
    }
    expect((await erc.post('/api/intake/tasks', intakeBody({ receivedAt: new Date(Date.now() - 23 * 3_600_000).toISOString() }))).status).toBe(201);
  });
});

describe('10. aborted uploads', () => {
  it('logs a client that went away mid-upload at debug level, without a stack', async () => {
    const cookie = await loginCookie(t.url, nurse.username);
    const from = log.lines.length;
    const ABORTS = 10;
    for (let i = 0; i < ABORTS; i++) {
      await new Promise<void>((resolve) => {
        const req = http.request(new URL('/api/tasks/manual', t.url), { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': '100000', Cookie: cookie } });
        req.on('error', () => resolve());
        req.write(`{"summary":"${'x'.repeat(1000)}`, () => {
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 20);
        });
      });
    }
    const aborted = () => log.lines.slice(from).filter((l) => l.msg === 'client aborted the request');
    for (let waited = 0; aborted().length < ABORTS && waited < 20_000; waited += 50) await sleep(50);
    expect(aborted()).toHaveLength(ABORTS);
    await sleep(100);
    const lines = log.lines.slice(from);
    expect(lines.filter((l) => Number(l.level) >= 40)).toEqual([]);
    expect(log.text.slice(from).join('')).not.toMatch(/"stack"/);
  });
});

describe('11. no copies of personal data in caches', () => {
  it('sends Cache-Control: no-store on every API answer', async () => {
    const task = await createTask(erc);
    for (const res of [await nurse.agent.get(`/api/tasks/${task.id}`), await nurse.agent.get('/api/tasks'), await t.admin.get('/api/users'), await t.admin.get('/api/audit')]) {
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('12. minor findings', () => {
  it('keeps only a safe request id and a real address in the audit row', async () => {
    const res = await t.admin
      .post('/api/integration-keys')
      .set('X-Request-Id', '<script>alert(1)</script>')
      .set('X-Forwarded-For', '<img src=x>, not-an-address')
      .send({ name: 'spoofed' });
    expect(res.status).toBe(201);
    const row = await t.db.selectFrom('audit_log').select(['request_id', 'client_ip']).where('target_id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(isIP(row.client_ip ?? '')).not.toBe(0);
    const forwarded = await t.admin.post('/api/integration-keys').set('X-Forwarded-For', '203.0.113.9').send({ name: 'proxied' });
    const proxied = await t.db.selectFrom('audit_log').select('client_ip').where('target_id', '=', forwarded.body.id).executeTakeFirstOrThrow();
    expect(proxied.client_ip).toBe('203.0.113.9');
  });

  it('answers a missing built file 404 and names the whole path of an unknown API route', async () => {
    const map = await request(t.url).get('/assets/index-missing.js.map');
    expect(map.status).toBe(404);
    expect(map.text).toBe('Not found');
    const missing = await request(t.url).get('/api/import/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('No API route GET /api/import/nothing');
  });
});

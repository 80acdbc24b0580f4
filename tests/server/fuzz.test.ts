import fc from 'fast-check';
import { z } from 'zod';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, freeHands, intakeBody, type ErcClient } from '../factories/tasks.ts';
import { requestFor, startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

// Hostile input at the endpoints that take bodies: never a 500, never a partial write. Fixed seed
// and bounded runs, so CI is repeatable; change FUZZ_SEED locally to explore.
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = 60;

let t: TestServer;
let erc: ErcClient;
let nurse: { agent: Agent; id: string };
beforeAll(async () => {
  t = await startTestServer();
  erc = await ercClient(t);
  nurse = await t.userWithRole('nurse');
});
afterAll(() => t.close());

const weird = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\u202E', '💥'.repeat(3000), 'D', '745', 'Kempele', '2026-11-22T21:04:00+02:00'),
  // What an outside attack found answering 500: lone surrogates, NUL inside text, times PostgreSQL cannot hold.
  fc.constantFrom('\udc00', 'a\ud800b', 'x\u0000y', '0000-01-01T00:00:00Z', '0000-01-01T00:00:00+14:00', '0001-01-01T00:00:00Z', '1900-01-01T00:00:00Z'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 1e308, 0),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** A valid body with some fields replaced, removed or added. */
function mutated<T extends Record<string, unknown>>(base: () => T) {
  return fc
    .tuple(fc.dictionary(fc.constantFrom(...Object.keys(base()), 'extra', '__proto__', 'constructor'), weird, { maxKeys: 4 }), fc.subarray(Object.keys(base())))
    .map(([replace, drop]) => {
      const body: Record<string, unknown> = { ...base() };
      for (const key of drop) delete body[key];
      for (const [key, value] of Object.entries(replace)) Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
      return body;
    });
}

async function tableCounts() {
  const n = async (table: 'task' | 'task_event' | 'task_outcome' | 'task_call_attempt') =>
    (await t.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  return { task: await n('task'), task_event: await n('task_event'), task_outcome: await n('task_outcome'), task_call_attempt: await n('task_call_attempt') };
}

describe('hostile input', () => {
  it('intake: every answer is 2xx, 409 or 422 in the error shape; a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(() => intakeBody()), async (body) => {
        const before = await tableCounts();
        const res = await erc.post('/api/intake/tasks', body);
        expect([200, 201, 409, 422]).toContain(res.status);
        if (res.status >= 400) {
          expect(typeof res.body.error.code).toBe('string');
          expect(await tableCounts()).toEqual(before);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('outcome and assessment: malformed bodies are refused without changing the task', async () => {
    const task = await createTask(erc);
    await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    // Answered, so the unmutated redirect is a valid outcome: only the mutations make it wrong.
    const answered = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    const version = answered.body.task.version as number;
    const outcome = () => ({ version, type: 'redirect', target: 'home_care', handoffTo: 'Home care', rationale: 'Fine' });
    const assessment = () => ({ version, chiefComplaint: 'Fell', redFlags: [], vitals: { heartRate: 80 }, currentServices: [] });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), mutated(outcome), mutated(assessment), async (pickOutcome, o, a) => {
        const before = await tableCounts();
        const res = pickOutcome
          ? await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send(o)
          : await nurse.agent.put(`/api/tasks/${task.id}/assessment`).send(a);
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
        if (res.status >= 400) expect(await tableCounts()).toEqual(before);
        if (res.status === 200) {
          // A valid body slipped through: put the task back in the state the next run expects.
          const now = (await nurse.agent.get(`/api/tasks/${task.id}`)).body.task;
          expect(now.state === 'closed' || now.version > version).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('protocols: malformed imports and protocol answers are refused whole, writing nothing', async () => {
    const versions = async () => (await t.db.selectFrom('protocol_version').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
    const exported = (await t.admin.get('/api/protocols/export')).body as { protocols: { id: string; content: Record<string, unknown> }[] };
    const fall = exported.protocols.find((p) => p.id === 'fall')!;
    const task = await createTask(erc);
    await freeHands(nurse.agent, nurse.id); // one held task per nurse: the earlier test's goes back
    const version = (await nurse.agent.post(`/api/tasks/${task.id}/claim`)).body.task.version as number;
    const answers = () => ({ id: 'fall', version: 1, answers: [{ questionId: 'cannot_get_up', value: true, answeredAt: new Date().toISOString() }] });
    await fc.assert(
      fc.asyncProperty(mutated(() => structuredClone(fall.content)), mutated(answers), async (content, protocol) => {
        const before = { ...(await tableCounts()), versions: await versions() };
        const imported = await t.admin.post('/api/protocols/import').send({ format: 'dtask-protocol-set/1', protocols: [{ id: 'fuzzed', content }] });
        expect([201, 409, 422], JSON.stringify(imported.body)).toContain(imported.status);
        const saved = await nurse.agent.put(`/api/tasks/${task.id}/assessment`).send({ version, protocol });
        expect([200, 409, 422], JSON.stringify(saved.body)).toContain(saved.status);
        const after = { ...(await tableCounts()), versions: await versions() };
        if (imported.status >= 400) expect(after.versions).toBe(before.versions);
        if (saved.status >= 400) expect(after.task_event).toBe(before.task_event);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('raw bytes, wrong content types and encodings, and replays never cause a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'x-unknown'),
        async (raw, type, encoding) => {
          const req = erc.post('/api/intake/tasks').set('Content-Type', type);
          const res = await (encoding ? req.set('Content-Encoding', encoding) : req).send(raw);
          expect(res.status, `${type} ${encoding ?? ''}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    const body = intakeBody();
    const replies = await Promise.all(Array.from({ length: 5 }, () => erc.post('/api/intake/tasks', body).set('Idempotency-Key', 'replay-1')));
    expect(replies.every((r) => r.status < 500)).toBe(true);
    expect(new Set(replies.filter((r) => r.status < 300).map((r) => r.body.task.id)).size).toBe(1);
  });
});

// Text that must never reach the database: a control character (NUL included) or an unpaired
// surrogate anywhere in it; in names also bidirectional controls; and times outside what the console
// (and PostgreSQL) can hold. Each is put into an otherwise valid request at one free-text field.
const around = (bad: fc.Arbitrary<string>) => fc.tuple(fc.string({ maxLength: 12 }), bad, fc.string({ maxLength: 12 })).map(([a, x, b]) => `a${a}${x}${b}z`);
const controlChar = fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f');
// A URL carries UTF-8 bytes, where an unpaired surrogate cannot be written: query strings get controls only.
const hostileQueryText = around(controlChar);
const hostileText = around(fc.oneof(controlChar, fc.constantFrom('\udc00', '\ud800', '\ud83d')));
const hostileName = fc.oneof(hostileText, around(fc.constantFrom('\u202E', '\u202D', '\u2066', '\u2067', '\u2068', '\u200F', '\u061C')));
const hostileTime = fc.oneof(
  fc.constantFrom('0000-01-01T00:00:00Z', '0000-01-01T00:00:00+14:00', '0001-01-01T00:00:00Z', '1900-01-01T00:00:00Z', '9999-12-31T23:59:59-14:00'),
  fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('1999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().replace(/^[+-]0{2}/, '')),
);

describe('free-text boundaries', () => {
  it('refuse bad text in every free-text field and absurd times with 422, writing nothing', async () => {
    const leader = await t.userWithRole('shift_leader');
    // A nurse holding nothing else (one task at a time), who has spoken to the patient, so that only
    // the bad text can be the reason for a refusal.
    const nurse = await t.userWithRole('nurse');
    const task = await createTask(erc);
    await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    const version = (await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' })).body.task.version as number;
    const cancellable = await createTask(erc);
    const auditRows = async () => (await t.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
    // Each field with a valid request around it, so that before the boundary held, the bad value reached the database.
    const targets: [string, fc.Arbitrary<string>, (v: string) => request.Test][] = [
      ['login username', hostileName, (v) => request(t.url).post('/api/auth/login').send({ username: v, password: 'whatever-password' })],
      ['audit actor', hostileQueryText, (v) => t.admin.get('/api/audit').query({ actor: v })],
      ['audit action', hostileQueryText, (v) => t.admin.get('/api/audit').query({ action: v })],
      ['audit target', hostileQueryText, (v) => t.admin.get('/api/audit').query({ target: v })],
      ['audit from', hostileTime, (v) => t.admin.get('/api/audit').query({ from: v })],
      ['user display name', hostileName, (v) => t.admin.post('/api/users').send({ username: `fz${Date.now()}`, password: 'fuzz-password-123', displayName: v, role: 'nurse' })],
      ['key name', hostileName, (v) => t.admin.post('/api/integration-keys').send({ name: v })],
      ['area name', hostileName, (v) => t.admin.post('/api/reference/areas').send({ name: v })],
      ['intake summary', hostileText, (v) => erc.post('/api/intake/tasks', intakeBody({ summary: v }))],
      ['intake address', hostileText, (v) => erc.post('/api/intake/tasks', intakeBody({ address: v }))],
      ['intake task label', hostileText, (v) => erc.post('/api/intake/tasks', intakeBody({ taskLabel: v }))],
      ['intake municipality', hostileName, (v) => erc.post('/api/intake/tasks', intakeBody({ municipality: v }))],
      ['intake receivedAt', hostileTime, (v) => erc.post('/api/intake/tasks', intakeBody({ receivedAt: v }))],
      ['manual entry summary', hostileText, (v) => nurse.agent.post('/api/tasks/manual').send(intakeBody({ summary: v }))],
      ['cancel reason', hostileText, (v) => erc.post(`/api/intake/tasks/${cancellable.ercTaskId}/cancel`, { reason: v })],
      ['assessment notes', hostileText, (v) => nurse.agent.put(`/api/tasks/${task.id}/assessment`).send({ version, notes: v, redFlags: [], currentServices: [] })],
      ['assessment complaint', hostileText, (v) => nurse.agent.put(`/api/tasks/${task.id}/assessment`).send({ version, chiefComplaint: v, redFlags: [], currentServices: [] })],
      ['outcome rationale', hostileText, (v) => nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ version, type: 'redirect', target: 'home_care', handoffTo: 'Home care', rationale: v })],
      ['release reason', hostileText, (v) => nurse.agent.post(`/api/tasks/${task.id}/release`).send({ version, reason: v })],
      ['reassign reason', hostileText, (v) => leader.agent.post(`/api/tasks/${task.id}/reassign`).send({ version, reason: v })],
    ];
    for (const [field, values, send] of targets) {
      await fc.assert(
        fc.asyncProperty(values, async (value) => {
          const before = { tables: await tableCounts(), audit: await auditRows() };
          const res = await send(value);
          expect(res.status, `${field} ${JSON.stringify(value)}: ${JSON.stringify(res.body)}`).toBe(422);
          expect({ tables: await tableCounts(), audit: await auditRows() }).toEqual(before);
        }),
        { seed: SEED, numRuns: 15 },
      );
    }
  });
});

describe('every endpoint', () => {
  it('random bodies, queries and path parameters never cause a 500', async () => {
    const leader = await t.userWithRole('shift_leader');
    const callers: Record<string, (method: string, path: string) => request.Test> = {
      admin: (m, p) => requestFor(t.admin, m, p),
      clinical: (m, p) => requestFor(leader.agent, m, p),
      integration: (m, p) => requestFor(request(t.url), m, p).set('Authorization', `Bearer ${erc.key}`),
      public: (m, p) => requestFor(request(t.url), m, p),
    };
    const routes = t.server.parts.routes.filter((r) => r.path !== '/api/auth/logout');
    const segment = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constantFrom('799', '%00', '..', 'ERC-1', '00000000-0000-4000-8000-000000000000'));
    // Keys the route knows, or random ones; values random, hostile text or absurd times.
    const keysOf = (schema: unknown) => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);
    const key = (known: string[]) => (known.length ? fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...known)) : fc.string({ maxLength: 8 }));
    const queryValue = fc.oneof(fc.string({ maxLength: 20 }), hostileQueryText, hostileTime);
    const request_ = fc.constantFrom(...routes).chain((route) =>
      fc.tuple(fc.constant(route), fc.dictionary(key(keysOf(route.body)), weird, { maxKeys: 4 }), fc.dictionary(key(keysOf(route.query)), queryValue, { maxKeys: 3 })),
    );
    await fc.assert(
      fc.asyncProperty(request_, segment, async ([route, body, query], param) => {
        const path = route.path.replace(/\{\w+\}/g, encodeURIComponent(param));
        const who = route.access.kind === 'public' ? 'public' : route.access.kind === 'integration' ? 'integration' : route.access.roles.includes('admin') ? 'admin' : 'clinical';
        const res = await callers[who]!(route.method, path).query(query).send(body);
        expect(res.status, `${route.method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, intakeBody, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
let erc: ErcClient;
beforeAll(async () => {
  t = await startTestServer();
  erc = await ercClient(t);
});
afterAll(() => t.close());

async function counts() {
  const one = async (table: 'task' | 'task_event' | 'audit_log') =>
    (await t.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  return { tasks: await one('task'), events: await one('task_event'), audit: await one('audit_log') };
}

describe('intake', () => {
  it('creates a queued task with 201 and Location, readable by nurses', async () => {
    const body = intakeBody({ callbackPhone: '040 123 4567' });
    const res = await erc.post('/api/intake/tasks', body);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/tasks/${res.body.task.id}`);
    expect(res.body.task).toMatchObject({
      ercTaskId: body.ercTaskId,
      state: 'queued',
      version: 1,
      receivedAt: body.receivedAt,
      urgency: 'D',
      taskCode: '745',
      taskName: { fi: 'Kaatuminen', sv: 'Fall', en: 'Fall (same level)' },
      municipality: 'Kempele',
      area: { name: 'Lakeus' },
      source: 'erc',
    });
    const { agent } = await t.userWithRole('nurse');
    const detail = await agent.get(`/api/tasks/${res.body.task.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.task.callbackPhone).toBe('+358401234567');
    expect(detail.body.task.events.map((e: { type: string }) => e.type)).toEqual(['task.received']);
  });

  it('the same ercTaskId with the same content again: 200, the same task, no new event', async () => {
    // An hour ago, written in Finnish winter time and then in UTC: the same instant is the same content.
    const utc = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
    const helsinki = new Date(utc.getTime() + 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+02:00');
    const body = intakeBody({ receivedAt: helsinki });
    const first = await erc.post('/api/intake/tasks', body);
    expect(first.status).toBe(201);
    const before = await counts();
    const again = await erc.post('/api/intake/tasks', { ...body, receivedAt: utc.toISOString() });
    expect(again.status).toBe(200);
    expect(again.body.task.id).toBe(first.body.task.id);
    expect(await counts()).toEqual(before);
  });

  it('the same ercTaskId with different content: 409 DUPLICATE_ERC_TASK, nothing changes', async () => {
    const body = intakeBody();
    await erc.post('/api/intake/tasks', body);
    const before = await counts();
    const res = await erc.post('/api/intake/tasks', { ...body, summary: 'Something else' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DUPLICATE_ERC_TASK');
    expect(await counts()).toEqual(before);
  });

  it('concurrent deliveries of one task create it once', async () => {
    const body = intakeBody();
    const results = await Promise.all(Array.from({ length: 8 }, () => erc.post('/api/intake/tasks', body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.task.id)).size).toBe(1);
    const rows = await t.db.selectFrom('task').select('id').where('erc_task_id', '=', body.ercTaskId).execute();
    expect(rows).toHaveLength(1);
  });

  const soon = () => new Date(Date.now() + 10 * 60_000).toISOString();
  const cases: [string, Record<string, unknown>, number, string, string | null][] = [
    ['urgency A', { urgency: 'A' }, 422, 'NOT_D_CLASS', 'body.urgency'],
    ['urgency B', { urgency: 'B' }, 422, 'NOT_D_CLASS', 'body.urgency'],
    ['urgency C outside congestion mode', { urgency: 'C' }, 422, 'NOT_IN_CONGESTION_MODE', 'body.urgency'],
    ['urgency E', { urgency: 'E' }, 422, 'VALIDATION_FAILED', 'body.urgency'],
    ['unknown municipality', { municipality: 'Atlantis' }, 422, 'VALIDATION_FAILED', 'body.municipality'],
    ['task code not 7xx', { taskCode: '845' }, 422, 'VALIDATION_FAILED', 'body.taskCode'],
    ['task code malformed', { taskCode: '74a' }, 422, 'VALIDATION_FAILED', 'body.taskCode'],
    ['phone malformed', { callbackPhone: 'call me' }, 422, 'VALIDATION_FAILED', 'body.callbackPhone'],
    ['phone too short', { callbackPhone: '+3581' }, 422, 'VALIDATION_FAILED', 'body.callbackPhone'],
    ['time malformed', { receivedAt: '22.11.2026 21:04' }, 422, 'VALIDATION_FAILED', 'body.receivedAt'],
    ['time without offset', { receivedAt: '2026-11-22T21:04:00' }, 422, 'VALIDATION_FAILED', 'body.receivedAt'],
    ['time in the future', { receivedAt: soon() }, 422, 'VALIDATION_FAILED', 'body.receivedAt'],
    ['oversize summary', { summary: 'x'.repeat(2001) }, 422, 'VALIDATION_FAILED', 'body.summary'],
    ['empty summary', { summary: '   ' }, 422, 'VALIDATION_FAILED', 'body.summary'],
    ['oversize address', { address: 'x'.repeat(201) }, 422, 'VALIDATION_FAILED', 'body.address'],
    ['age out of range', { patientAge: 190 }, 422, 'VALIDATION_FAILED', 'body.patientAge'],
    ['age as text', { patientAge: 'eighty' }, 422, 'VALIDATION_FAILED', 'body.patientAge'],
    ['sex unknown value', { patientSex: 'x' }, 422, 'VALIDATION_FAILED', 'body.patientSex'],
    ['control characters', { summary: 'bad\u0000text' }, 422, 'VALIDATION_FAILED', 'body.summary'],
    ['unknown field', { priority: 1 }, 422, 'VALIDATION_FAILED', 'body'],
    ['ercTaskId with spaces', { ercTaskId: 'ERC 1' }, 422, 'VALIDATION_FAILED', 'body.ercTaskId'],
  ];
  for (const [name, override, status, code, path] of cases) {
    it(`rejects ${name}: ${status} ${code}, and changes nothing`, async () => {
      const before = await counts();
      const res = await erc.post('/api/intake/tasks', intakeBody(override));
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message.length).toBeGreaterThan(10);
      if (path) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
      expect(await counts()).toEqual(before);
    });
  }

  it('rejects a missing field naming it', async () => {
    const { callbackPhone: _, ...body } = intakeBody();
    const res = await erc.post('/api/intake/tasks', body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('body.callbackPhone');
  });

  it('accepts a task in the past (delayed delivery) and a small clock skew', async () => {
    expect((await erc.post('/api/intake/tasks', intakeBody({ receivedAt: new Date(Date.now() - 20 * 3_600_000).toISOString() }))).status).toBe(201);
    expect((await erc.post('/api/intake/tasks', intakeBody({ receivedAt: new Date(Date.now() + 30_000).toISOString() }))).status).toBe(201);
  });

  it('accepts a well-formed 7xx code missing from the table and flags it for an admin', async () => {
    const res = await erc.post('/api/intake/tasks', intakeBody({ taskCode: '799', taskLabel: 'Uusi ERICA-koodi' }));
    expect(res.status).toBe(201);
    expect(res.body.task).toMatchObject({ taskCode: '799', taskCodeKnown: false, taskName: null, taskLabel: 'Uusi ERICA-koodi' });
    const flagged = await t.admin.get('/api/reference/unknown-task-codes');
    expect(flagged.body.unknownTaskCodes).toEqual([expect.objectContaining({ code: '799', tasks: 1, lastLabel: 'Uusi ERICA-koodi' })]);
  });

  it('only an integration key reaches intake', async () => {
    const { agent } = await t.userWithRole('nurse');
    expect((await agent.post('/api/intake/tasks').send(intakeBody())).status).toBe(401);
  });
});

describe('cancellation by the ERC', () => {
  it('closes the task as cancelled, never an avoided dispatch; repeating it is harmless', async () => {
    const task = await createTask(erc);
    const res = await erc.post(`/api/intake/tasks/${task.ercTaskId}/cancel`, { reason: 'Patient went by themselves' });
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ state: 'closed', outcomeType: 'cancelled' });
    const again = await erc.post(`/api/intake/tasks/${task.ercTaskId}/cancel`, { reason: 'Patient went by themselves' });
    expect(again.status).toBe(200);
    const events = await t.db.selectFrom('task_event').select('type').where('task_id', '=', task.id).execute();
    expect(events.map((e) => e.type)).toEqual(['task.received', 'task.cancelled']);
  });

  it('answers 404 for an unknown task and 422 without a reason', async () => {
    expect((await erc.post('/api/intake/tasks/ERC-NOPE/cancel', { reason: 'duplicate' })).status).toBe(404);
    const task = await createTask(erc);
    const res = await erc.post(`/api/intake/tasks/${task.ercTaskId}/cancel`, {});
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].path).toBe('body.reason');
  });
});

describe('manual entry while the ERC interface is down', () => {
  it('a nurse enters a task with the same validation and duplicate check as the API', async () => {
    const { agent } = await t.userWithRole('nurse');
    const body = intakeBody();
    const res = await agent.post('/api/tasks/manual').send(body);
    expect(res.status).toBe(201);
    expect(res.body.task).toMatchObject({ source: 'manual', state: 'queued' });
    expect((await agent.post('/api/tasks/manual').send(body)).status).toBe(200);
    expect((await erc.post('/api/intake/tasks', body)).status).toBe(200);
    expect((await agent.post('/api/tasks/manual').send({ ...body, summary: 'other' })).body.error.code).toBe('DUPLICATE_ERC_TASK');
    expect((await agent.post('/api/tasks/manual').send(intakeBody({ urgency: 'B' }))).body.error.code).toBe('NOT_D_CLASS');
    const audit = await t.db.selectFrom('audit_log').selectAll().where('target_id', '=', res.body.task.id).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'task.intake', actor_role: 'nurse' });
  });
});

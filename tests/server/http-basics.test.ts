import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('HTTP basics', () => {
  it('healthz and readyz answer', async () => {
    expect((await request(t.url).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(t.url).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: 'up', pendingMigrations: [] });
  });

  it('tells clients the configured working rules', async () => {
    const res = await t.admin.get('/api/settings');
    expect(res.body).toEqual({ waitTargetsMinutes: [30, 60, 90], responseLimitMinutes: 120, safetyMarginMinutes: 30, cResponseLimitMinutes: 30, cSafetyMarginMinutes: 10, callbackMinutes: 10, maxFailedCalls: 3, claimStaleSeconds: 120, heartbeatSeconds: 30 });
  });

  it('sends security headers and a content security policy', async () => {
    const res = await request(t.url).get('/healthz');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a caller-given request id and records it in the audit row', async () => {
    const res = await t.admin.post('/api/integration-keys').set('X-Request-Id', 'erc-req-42').send({ name: 'traced' });
    expect(res.headers['x-request-id']).toBe('erc-req-42');
    const row = await t.db.selectFrom('audit_log').select('request_id').where('target_id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.request_id).toBe('erc-req-42');
  });

  it('refuses a state-changing request from another site', async () => {
    const before = (await t.admin.get('/api/integration-keys')).body.keys.length;
    const res = await t.admin.post('/api/integration-keys').set('Origin', 'https://evil.example').send({ name: 'csrf' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CROSS_ORIGIN_REFUSED');
    const fetchSite = await t.admin.post('/api/integration-keys').set('Sec-Fetch-Site', 'cross-site').send({ name: 'csrf' });
    expect(fetchSite.status).toBe(403);
    expect((await t.admin.get('/api/integration-keys')).body.keys.length).toBe(before);
    const sameOrigin = await t.admin.post('/api/integration-keys').set('Origin', t.url).send({ name: 'same-origin' });
    expect(sameOrigin.status).toBe(201);
  });

  it('answers unknown API paths and oversized bodies in the error shape', async () => {
    const missing = await request(t.url).get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const huge = await request(t.url).post('/api/auth/login').send({ username: 'x', password: 'y'.repeat(300_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('reference data', () => {
  it('is seeded from shared/domain and readable by every role', async () => {
    const { agent } = await t.userWithRole('nurse');
    const areas = (await agent.get('/api/reference/areas')).body.areas as { name: string; municipalities: { name: string }[] }[];
    expect(areas.map((a) => a.name).sort()).toEqual(['Koillismaa', 'Lakeus', 'Oulu', 'Oulun eteläinen', 'Oulunkaari', 'Rannikkoseutu']);
    expect(areas.find((a) => a.name === 'Lakeus')!.municipalities.map((m) => m.name)).toContain('Kempele');
    expect(areas.flatMap((a) => a.municipalities)).toHaveLength(31);
    const codes = (await agent.get('/api/reference/task-codes')).body.taskCodes as { code: string; classesAllowed: string[]; dCallbackCandidate: boolean }[];
    expect(codes).toHaveLength(44);
    expect(codes.find((c) => c.code === '745')).toMatchObject({ classesAllowed: ['A', 'B', 'C', 'D'], dCallbackCandidate: true });
  });

  it('an admin edits task codes and municipalities; each edit is audited', async () => {
    const put = await t.admin.put('/api/reference/task-codes/799').send({ nameFi: 'Uusi koodi', nameEn: 'New code', classesAllowed: ['C', 'D'], dCallbackCandidate: true });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ code: '799', active: true, classesAllowed: ['C', 'D'] });
    expect((await t.admin.put('/api/reference/task-codes/899').send({ nameFi: 'x', nameEn: 'x', classesAllowed: ['D'], dCallbackCandidate: false })).status).toBe(422);

    const area = await t.admin.post('/api/reference/areas').send({ name: 'Kainuu' });
    expect(area.status).toBe(201);
    const m = await t.admin.post('/api/reference/municipalities').send({ name: 'Kajaani', areaId: area.body.id });
    expect(m.status).toBe(201);
    expect((await t.admin.post('/api/reference/municipalities').send({ name: 'Kajaani', areaId: area.body.id })).status).toBe(409);
    expect((await t.admin.patch(`/api/reference/municipalities/${m.body.id}`).send({})).status).toBe(422);
    expect((await t.admin.patch(`/api/reference/areas/${area.body.id}`).send({})).status).toBe(422);
    expect((await t.admin.patch(`/api/reference/areas/${area.body.id}`).send({ name: 'Lakeus' })).body.error.code).toBe('AREA_EXISTS');
    const moved = await t.admin.patch(`/api/reference/municipalities/${m.body.id}`).send({ active: false });
    expect(moved.body.active).toBe(false);
    const actions = (await t.admin.get('/api/audit').query({ action: 'reference.' })).body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['reference.municipality_update', 'reference.municipality_create', 'reference.area_create', 'reference.task_code_put']);
  });
});

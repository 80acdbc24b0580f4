import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/contracts/common.ts';
import { requestFor, startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

/** integration: an ERC key; service_key: a key limited to one directory entry's referrals. */
type Who = Role | 'integration' | 'service_key' | 'anonymous';
const ALL_ROLES: Role[] = ['nurse', 'shift_leader', 'manager', 'admin', 'medical_director'];
const ADMIN: Who[] = ['admin'];
const PUBLIC: Who[] = ['anonymous', 'integration', 'service_key', ...ALL_ROLES];
const CLINICAL: Who[] = ['nurse', 'shift_leader'];

/** Who may call each route: written out by hand, so a changed access rule must change this table too. */
const MATRIX: Record<string, Who[]> = {
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  'POST /api/auth/login': PUBLIC,
  'GET /api/settings': ALL_ROLES,
  'GET /api/congestion-mode': ALL_ROLES,
  'PUT /api/congestion-mode': ['shift_leader'],
  'POST /api/auth/logout': ALL_ROLES,
  'GET /api/auth/me': ALL_ROLES,
  'POST /api/users': ADMIN,
  'GET /api/users': ADMIN,
  'GET /api/colleagues': CLINICAL,
  'PATCH /api/users/{id}': ADMIN,
  'POST /api/integration-keys': ADMIN,
  'GET /api/integration-keys': ADMIN,
  'DELETE /api/integration-keys/{id}': ADMIN,
  'GET /api/audit': ADMIN,
  'GET /api/reference/areas': ALL_ROLES,
  'POST /api/reference/areas': ADMIN,
  'PATCH /api/reference/areas/{id}': ADMIN,
  'POST /api/reference/municipalities': ADMIN,
  'PATCH /api/reference/municipalities/{id}': ADMIN,
  'GET /api/reference/task-codes': ALL_ROLES,
  'PUT /api/reference/task-codes/{code}': ADMIN,
  'GET /api/reference/unknown-task-codes': ADMIN,
  'GET /api/reference/red-flags': ALL_ROLES,
  'PUT /api/reference/red-flags/{id}': ADMIN,
  'GET /api/intake/whoami': ['integration'],
  'POST /api/intake/tasks': ['integration'],
  'POST /api/intake/tasks/{ercTaskId}/cancel': ['integration'],
  'POST /api/intake/tasks/{ercTaskId}/unit-attached': ['integration'],
  'GET /api/intake/dispatch-requests': ['integration'],
  'POST /api/intake/dispatch-requests/{id}/ack': ['integration'],
  'POST /api/tasks/manual': CLINICAL,
  'GET /api/tasks': CLINICAL,
  'GET /api/tasks/{id}': CLINICAL,
  'POST /api/tasks/next': CLINICAL,
  'POST /api/tasks/{id}/claim': CLINICAL,
  'POST /api/tasks/{id}/release': CLINICAL,
  'POST /api/tasks/{id}/heartbeat': CLINICAL,
  'POST /api/tasks/{id}/reassign': ['shift_leader'],
  'POST /api/tasks/{id}/handover': CLINICAL,
  'POST /api/tasks/{id}/call-attempts': CLINICAL,
  'PUT /api/tasks/{id}/assessment': CLINICAL,
  'POST /api/tasks/{id}/outcome': CLINICAL,
  'POST /api/tasks/{id}/outcome/amendments': CLINICAL,
  'GET /api/tasks/{id}/contacts': CLINICAL,
  'GET /api/tasks/{id}/referrals': CLINICAL,
  'POST /api/tasks/{id}/referral/accepted-by-phone': CLINICAL,
  'POST /api/tasks/{id}/referral/completed': CLINICAL,
  'POST /api/tasks/{id}/referral/cancel': CLINICAL,
  'GET /api/follow-ups': CLINICAL,
  'GET /api/follow-ups/{id}': CLINICAL,
  'POST /api/tasks/{id}/follow-ups': CLINICAL,
  'POST /api/follow-ups/{id}/claim': CLINICAL,
  'POST /api/follow-ups/{id}/release': CLINICAL,
  'POST /api/follow-ups/{id}/heartbeat': CLINICAL,
  'POST /api/follow-ups/{id}/reassign': ['shift_leader'],
  'POST /api/follow-ups/{id}/call-attempts': CLINICAL,
  'POST /api/follow-ups/{id}/result': CLINICAL,
  'GET /api/services': ['nurse', 'shift_leader', 'admin'],
  'POST /api/services': ADMIN,
  'PUT /api/services/{id}': ADMIN,
  'GET /api/referrals': ['service_key'],
  'POST /api/referrals/{id}/accept': ['service_key'],
  'POST /api/referrals/{id}/reject': ['service_key'],
  'POST /api/referrals/{id}/complete': ['service_key'],
  'POST /api/referrals/{id}/cancel': ['service_key'],
  'GET /api/events': CLINICAL,
  'GET /api/reports/monthly': ['manager', 'shift_leader', 'admin', 'medical_director'],
  'GET /api/reports/protocols': ['manager', 'shift_leader', 'admin', 'medical_director'],
  'GET /api/reference/dispositions': ['nurse', 'shift_leader', 'medical_director', 'admin'],
  'PUT /api/reference/dispositions/{id}': ADMIN,
  'GET /api/protocols': ['nurse', 'shift_leader', 'medical_director', 'admin'],
  'GET /api/protocols/{id}': ['nurse', 'shift_leader', 'medical_director', 'admin'],
  'GET /api/protocols/export': ['admin', 'medical_director'],
  'POST /api/protocols/import': ['admin', 'medical_director'],
  'POST /api/protocols': ['admin', 'medical_director'],
  'PUT /api/protocols/{id}/draft': ['admin', 'medical_director'],
  'POST /api/protocols/{id}/versions/{version}/approve': ['medical_director'],
  'POST /api/protocols/{id}/versions/{version}/retire': ['medical_director'],
  'POST /api/import/tasks': ADMIN,
  'GET /api/stats/live': CLINICAL,
  // Clinical audit with the default AUDIT_REVIEWER_ROLES (shift_leader, medical_director) and AUDIT_NOTIFY_ROLES (medical_director).
  'GET /api/audits': [...CLINICAL, 'manager', 'medical_director'],
  'GET /api/audits/notifications': ['medical_director'],
  'POST /api/audits/sampling': ['shift_leader', 'medical_director'],
  'GET /api/audits/{id}': [...CLINICAL, 'manager', 'medical_director'],
  'POST /api/audits/{id}/claim': ['shift_leader', 'medical_director'],
  'PUT /api/audits/{id}': ['shift_leader', 'medical_director'],
  'POST /api/audits/{id}/submit': ['shift_leader', 'medical_director'],
  'POST /api/audits/{id}/acknowledge': [...CLINICAL, 'manager', 'medical_director'],
  'GET /api/reports/audit': ['manager', 'medical_director'],
};

const SAMPLE_PARAMS: Record<string, string> = { id: '00000000-0000-4000-8000-000000000000', code: '799', ercTaskId: 'ERC-NOPE', version: '1' };

let t: TestServer;
const callers = new Map<Who, (method: string, path: string) => request.Test>();

beforeAll(async () => {
  t = await startTestServer();
  const key = (await t.admin.post('/api/integration-keys').send({ name: 'matrix' })).body.key as string;
  const agents = new Map<Role, Agent>();
  for (const role of ALL_ROLES) agents.set(role, role === 'admin' ? t.admin : (await t.userWithRole(role)).agent);
  for (const role of ALL_ROLES) callers.set(role, (m, p) => requestFor(agents.get(role)!, m, p));
  callers.set('anonymous', (m, p) => requestFor(request(t.url), m, p));
  callers.set('integration', (m, p) => requestFor(request(t.url), m, p).set('Authorization', `Bearer ${key}`));
  const service = (await t.admin.get('/api/services')).body.services[0] as { id: string };
  const serviceKey = (await t.admin.post('/api/integration-keys').send({ name: 'matrix service', scope: 'referrals', serviceId: service.id })).body.key as string;
  callers.set('service_key', (m, p) => requestFor(request(t.url), m, p).set('Authorization', `Bearer ${serviceKey}`));
});
afterAll(() => t.close());

describe('role matrix', () => {
  it('covers every route the server mounts, and nothing more', () => {
    const mounted = t.server.parts.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(mounted).toEqual(Object.keys(MATRIX).sort());
  });

  // Logout is last: it ends the session the other rows use.
  const rows = Object.entries(MATRIX).sort(([a], [b]) => Number(a.includes('logout')) - Number(b.includes('logout')));
  for (const [route, allowed] of rows) {
    it(`${route}: only ${allowed.join(', ')}`, async () => {
      const [method, template] = route.split(' ') as [string, string];
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name]!);
      const keyRoute = allowed.every((a) => a === 'integration' || a === 'service_key');
      for (const who of ['anonymous', 'integration', 'service_key', ...ALL_ROLES] as Who[]) {
        const res = await callers.get(who)!(method, path).send(method === 'GET' || method === 'DELETE' ? undefined : {});
        const isKey = who === 'integration' || who === 'service_key';
        if (allowed.includes(who)) {
          expect([401, 403], `${who} should pass the access check of ${route}`).not.toContain(res.status);
        } else if (keyRoute && isKey) {
          // A valid key of the other scope: known, but not for this.
          expect(res.status, `${who} on ${route}`).toBe(403);
          expect(res.body.error.code).toBe('KEY_SCOPE');
        } else if (who === 'anonymous' || isKey || keyRoute) {
          expect(res.status, `${who} on ${route}`).toBe(401);
        } else {
          expect(res.status, `${who} on ${route}`).toBe(403);
          expect(res.body.error.code).toBe('FORBIDDEN');
        }
      }
    });
  }
});

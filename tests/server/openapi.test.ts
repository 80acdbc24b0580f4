import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

interface Operation {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
  parameters?: { name: string; in: string }[];
}

describe('OpenAPI', () => {
  it('is OpenAPI 3.1 and lists every mounted route with its schemas', async () => {
    const res = await request(t.url).get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of t.server.parts.routes) {
      const op = doc.paths[route.path]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      if (route.body) expect(op!.requestBody?.content['application/json']?.schema).toBeDefined();
      for (const status of Object.keys(route.responses)) expect(op!.responses[status]).toBeDefined();
    }
    expect(doc.paths['/api/openapi.json']).toBeDefined();
    // Named schemas resolve.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    expect(doc.components.schemas.CreateUserRequest).toMatchObject({ type: 'object', required: expect.arrayContaining(['username', 'password', 'role']) });
    const patchUser = doc.paths['/api/users/{id}']!.patch!;
    expect(patchUser.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path' })]);
  });
});

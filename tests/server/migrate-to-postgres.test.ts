import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import request from 'supertest';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { intakeBody } from '../factories/tasks.ts';
import { onPostgres } from '../helpers/test-db.ts';
import { runCliProgram, startNodeProcess, type NodeProcess } from '../helpers/node-process.ts';

const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };
const NURSE = { username: 'nea', password: 'nurse-password-1234' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'dtc-m2p-'));
const dataDir = path.join(dir, 'data');
const dbName = `dtc_m2p_${randomBytes(4).toString('hex')}`;

function adminUrl(): string {
  const template = inject('pgTemplate');
  if (!template) throw new Error('PostgreSQL only');
  return template.adminUrl;
}
function targetUrl(): string {
  const url = new URL(adminUrl());
  url.pathname = `/${dbName}`;
  return url.toString();
}
async function onAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (onPostgres()) await onAdmin((c) => c.query(`drop database if exists ${dbName} with (force)`));
});

const migrateToPostgres = (url: string) => runCliProgram('migrate-to-postgres', [url], { DATA_DIR: dataDir });

// Every row of every table, as text in one time zone, so both sides compare exactly.
const CONTENTS = `select c.relname as "table",
  (xpath('/row/c/text()', query_to_xml(format('select coalesce(string_agg(to_jsonb(t)::text, E''\\n'' order by to_jsonb(t)::text), '''') as c from %I t', c.relname), false, true, '')))[1]::text as rows
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind = 'r' and c.relname not like 'kysely_migration%' order by 1`;

describe.skipIf(!onPostgres())('npm run migrate-to-postgres', () => {
  it('copies every row of the embedded database, verifies it, and the console goes on there', async () => {
    let node: NodeProcess | undefined = await startNodeProcess({ DATA_DIR: dataDir });
    try {
      const admin = request.agent(node.url);
      await admin.post('/api/auth/login').send(ADMIN);
      const key = (await admin.post('/api/integration-keys').send({ name: 'erc' })).body.key as string;
      expect((await admin.post('/api/users').send({ ...NURSE, displayName: 'Nea', role: 'nurse' })).status).toBe(201);
      const nurse = request.agent(node.url);
      await nurse.post('/api/auth/login').send(NURSE);
      for (let i = 0; i < 4; i++) {
        const task = (await request(node.url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(intakeBody())).body.task as { id: string };
        if (i % 2 === 1) continue;
        await nurse.post(`/api/tasks/${task.id}/claim`);
        await nurse.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
        const version = (await nurse.get(`/api/tasks/${task.id}`)).body.task.version as number;
        const outcome = i === 0 ? { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' } : { type: 'phone_advice', advice: 'self_care', rationale: 'stable' };
        expect((await nurse.post(`/api/tasks/${task.id}/outcome`).send({ version, ...outcome })).status).toBe(200);
      }
    } finally {
      await node.stop();
      node = undefined;
    }

    await onAdmin((c) => c.query(`create database ${dbName}`));
    const moved = await migrateToPostgres(targetUrl());
    expect(moved.out).toContain('counts verified');
    expect(moved.code).toBe(0);

    const source = await PGlite.create(dataDir);
    await source.exec(`set timezone = 'UTC'`);
    const embedded = (await source.query<{ table: string; rows: string }>(CONTENTS)).rows;
    const lastSeq = Number((await source.query<{ seq: string }>('select seq from event_counter')).rows[0]!.seq);
    await source.close();
    const target = new pg.Client({ connectionString: targetUrl() });
    await target.connect();
    await target.query(`set timezone = 'UTC'`);
    const copied = (await target.query<{ table: string; rows: string }>(CONTENTS)).rows;
    await target.end();
    expect(copied.map((t) => t.table)).toEqual(embedded.map((t) => t.table));
    for (const [i, table] of embedded.entries()) expect({ table: table.table, rows: copied[i]!.rows }).toEqual(table);
    expect(embedded.find((t) => t.table === 'task_outcome')?.rows).not.toBe('');
    expect(lastSeq).toBeGreaterThan(0);

    // The console on PostgreSQL: the same accounts, and events and audit ids continue.
    node = await startNodeProcess({ DATABASE_URL: targetUrl() });
    try {
      const admin = request.agent(node.url);
      expect((await admin.post('/api/auth/login').send(ADMIN)).status).toBe(200);
      const key = (await admin.post('/api/integration-keys').send({ name: 'erc-2' })).body.key as string;
      expect((await request(node.url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(intakeBody())).status).toBe(201);
      const nurse = request.agent(node.url);
      expect((await nurse.post('/api/auth/login').send(NURSE)).status).toBe(200);
      expect(((await nurse.get(`/api/events?since=${lastSeq}`)).body.events as { seq: number }[]).map((e) => e.seq)).toEqual([lastSeq + 1]);
    } finally {
      await node.stop();
    }

    const again = await migrateToPostgres(targetUrl());
    expect(again.code).toBe(1);
    expect(again.out).toContain('not empty');
  }, 180_000);
});

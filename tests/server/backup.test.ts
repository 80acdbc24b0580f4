import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { intakeBody } from '../factories/tasks.ts';
import { onPostgres } from '../helpers/test-db.ts';
import { runCliProgram, startNodeProcess, type NodeProcess } from '../helpers/node-process.ts';

const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'dtc-bk-'));
const dataDir = path.join(dir, 'data');
const backupFile = path.join(dir, 'backup.tar.gz');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (script: 'backup' | 'restore', ...args: string[]) => runCliProgram(script, args, { DATA_DIR: dataDir });

async function admin(url: string) {
  const agent = request.agent(url);
  expect((await agent.post('/api/auth/login').send(ADMIN)).status).toBe(200);
  return agent;
}

/** Every row the issue names, read straight from a stopped database folder. */
async function readAll() {
  const pglite = await PGlite.create(dataDir);
  try {
    const rows = async (q: string) => (await pglite.query<Record<string, unknown>>(q)).rows;
    return {
      tasks: await rows('select * from task order by id'),
      events: await rows('select * from task_event order by seq'),
      outcomes: await rows('select * from task_outcome order by id'),
      audit: await rows('select * from audit_log order by id'),
      counter: Number((await rows('select seq from event_counter'))[0]!.seq),
    };
  } finally {
    await pglite.close();
  }
}

describe.skipIf(onPostgres())('backup and restore of the embedded database', () => {
  it('takes a consistent backup while the server serves requests; restore brings every row back and the event sequence continues', async () => {
    let node: NodeProcess | undefined = await startNodeProcess({ DATA_DIR: dataDir });
    try {
      const agent = await admin(node.url);
      const key = (await agent.post('/api/integration-keys').send({ name: 'erc' })).body.key as string;
      const intake = (url: string) => request(url).post('/api/intake/tasks').set('Authorization', `Bearer ${key}`).send(intakeBody());
      const nurse = await agent.post('/api/users').send({ username: 'nea', password: 'nurse-password-1234', displayName: 'Nea', role: 'nurse' });
      expect(nurse.status).toBe(201);
      const nurseAgent = request.agent(node.url);
      await nurseAgent.post('/api/auth/login').send({ username: 'nea', password: 'nurse-password-1234' });
      const before: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await intake(node.url);
        expect(res.status).toBe(201);
        before.push(res.body.task.id);
      }
      for (const id of before.slice(0, 3)) {
        await nurseAgent.post(`/api/tasks/${id}/claim`);
        await nurseAgent.post(`/api/tasks/${id}/call-attempts`).send({ result: 'answered' });
        const version = (await nurseAgent.get(`/api/tasks/${id}`)).body.task.version as number;
        const closed = await nurseAgent.post(`/api/tasks/${id}/outcome`).send({ version, type: 'phone_advice', advice: 'self_care', rationale: 'stable' });
        expect(closed.status).toBe(200);
      }

      // Intakes keep arriving while the backup is taken.
      let serving = true;
      let servedDuring = 0;
      const url = node.url;
      const load = (async () => {
        while (serving) if ((await intake(url)).status === 201) servedDuring++;
      })();
      const backup = await cli('backup', backupFile);
      serving = false;
      await load;
      expect(backup.out).toContain('taken by the running server');
      expect(backup.code).toBe(0);
      expect(servedDuring).toBeGreaterThan(0);
      expect(statSync(backupFile).mode & 0o077).toBe(0);
      await node.stop();
      node = undefined;

      const original = await readAll();
      rmSync(dataDir, { recursive: true, force: true });
      expect((await cli('restore', backupFile)).code).toBe(0);
      const restored = await readAll();

      // A consistent cut: the event stream up to the snapshot's seq, gapless, and the rows it names.
      const n = restored.counter;
      expect(restored.events.map((e) => Number(e.seq))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(restored.events).toEqual(original.events.slice(0, n));
      const restoredIds = new Set(restored.tasks.map((t) => t.id));
      for (const id of before) expect(restoredIds.has(id)).toBe(true);
      for (const event of restored.events) expect(restoredIds.has(event.task_id)).toBe(true);
      const originalTasks = new Map(original.tasks.map((t) => [t.id, t]));
      // Tasks written before the backup began have not changed since: each is back exactly.
      for (const task of restored.tasks.filter((t) => before.includes(String(t.id)))) expect(task).toEqual(originalTasks.get(task.id));
      expect(restored.outcomes).toEqual(original.outcomes);
      expect(restored.audit).toEqual(original.audit.slice(0, restored.audit.length));
      expect(restored.audit.length).toBeGreaterThan(0);

      // Started on the restored folder, the console goes on from the next seq.
      node = await startNodeProcess({ DATA_DIR: dataDir });
      const again = await admin(node.url);
      const key2 = (await again.post('/api/integration-keys').send({ name: 'erc-2' })).body.key as string;
      const next = await request(node.url).post('/api/intake/tasks').set('Authorization', `Bearer ${key2}`).send(intakeBody());
      expect(next.status).toBe(201);
      // The nurse's account came back with the rest: she reads the stream on from the snapshot.
      const nea = request.agent(node.url);
      expect((await nea.post('/api/auth/login').send({ username: 'nea', password: 'nurse-password-1234' })).status).toBe(200);
      const events = (await nea.get(`/api/events?since=${n}`)).body.events as { seq: number }[];
      expect(events.map((e) => e.seq)).toEqual([n + 1]);
    } finally {
      await node?.stop();
    }
  }, 180_000);

  it('refuses to restore over a database folder unless told to; refuses while the server runs', async () => {
    expect(existsSync(dataDir)).toBe(true);
    const refused = await cli('restore', backupFile);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('is not empty');
    const node = await startNodeProcess({ DATA_DIR: dataDir });
    try {
      // Nor may a second console open the folder.
      await expect(startNodeProcess({ DATA_DIR: dataDir })).rejects.toThrow('A console process serves');
      const running = await cli('restore', backupFile, '--force');
      expect(running.code).toBe(1);
      expect(running.out).toContain('A console process serves');
    } finally {
      await node.stop();
    }
    const forced = await cli('restore', backupFile, '--force');
    expect(forced.code).toBe(0);
    // With no server running, the backup reads the folder itself; it never overwrites a file unasked.
    const offline = path.join(dir, 'offline.tar.gz');
    expect((await cli('backup', offline)).out).toContain('taken by reading the folder');
    expect((await cli('backup', offline)).out).toContain('exists');
  }, 180_000);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { createDb } from '../../server/db/create-db.ts';
import { migrateToLatest, pendingMigrations } from '../../server/db/migrate.ts';
import { ensureFirstAdmin } from '../../server/users/first-admin.ts';
import { MIGRATIONS } from '../../migrations/index.ts';
import { createTestDb, onPostgres } from '../helpers/test-db.ts';

describe('configuration', () => {
  it('lists every invalid variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SESSION_IDLE_MINUTES: '0', LOG_LEVEL: 'loud', ADMIN_PASSWORD: 'short' });
      expect.unreachable('loadConfig accepted invalid values');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const vars = (err as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(vars.sort()).toEqual(['ADMIN_PASSWORD', 'DATABASE_URL', 'LOG_LEVEL', 'PORT', 'SESSION_IDLE_MINUTES']);
    }
  });

  it('parses TRUST_PROXY as Express understands it', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(() => loadConfig({ TRUST_PROXY: 'a b' })).toThrow(ConfigError);
  });

  it('defaults to PGlite in ./data on port 3000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.resolve('data') });
    expect(Object.isFrozen(config)).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database.kind).toBe('postgres');
  });

  it('the server refuses to start with invalid config and says why', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { PATH: process.env.PATH, PORT: '-1', LOGIN_LOCK_MINUTES: 'soon' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Invalid configuration/);
    expect(run.stderr).toMatch(/PORT/);
    expect(run.stderr).toMatch(/LOGIN_LOCK_MINUTES/);
  });
});

describe('migrations', () => {
  it('every migration file is in the static list, in order', () => {
    const dir = path.resolve('migrations');
    const files = readdirSync(dir).filter((f) => /^\d{8}T\d{6}_.+\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
    expect(Object.keys(MIGRATIONS)).toEqual(files);
  });

  it('a migrated test database has nothing pending', async () => {
    const handle = await createTestDb();
    expect(await pendingMigrations(handle.db)).toEqual([]);
    await handle.close();
  });

  it.runIf(onPostgres())('two nodes migrating one empty database at once apply each migration once', async () => {
    const handle = await createTestDb();
    const url = new URL(handle.url!);
    await handle.close();
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: handle.url! });
    await admin.connect();
    const fresh = `${url.pathname.slice(1)}_fresh`;
    await admin.query(`create database ${fresh}`);
    await admin.end();
    url.pathname = `/${fresh}`;
    const nodes = await Promise.all([1, 2].map(() => createDb({ kind: 'postgres', url: url.toString(), poolSize: 3 })));
    const applied = await Promise.all(nodes.map((n) => migrateToLatest(n.db)));
    expect([...applied[0]!, ...applied[1]!].sort()).toEqual(Object.keys(MIGRATIONS).sort());
    const admins = await Promise.all(nodes.map((n) => ensureFirstAdmin(n.db, 'first-admin-password')));
    expect(admins.filter((a) => a.created)).toHaveLength(1);
    await Promise.all(nodes.map((n) => n.close()));
  });
});

describe('embedded PGlite', () => {
  it('keeps data across a restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dtc-persist-'));
    try {
      const first = await createDb({ kind: 'pglite', dataDir: dir });
      await migrateToLatest(first.db);
      expect((await ensureFirstAdmin(first.db, 'first-admin-password')).created).toBe(true);
      await first.close();
      const second = await createDb({ kind: 'pglite-instance', pglite: await PGlite.create(dir) });
      expect(await migrateToLatest(second.db)).toEqual([]);
      const users = await second.db.selectFrom('app_user').select('username').execute();
      expect(users).toEqual([{ username: 'admin' }]);
      expect((await ensureFirstAdmin(second.db, undefined)).created).toBe(false);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

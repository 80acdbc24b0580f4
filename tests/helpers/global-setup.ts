import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../server/db/create-db.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL: the migrated template database that each test file clones. */
    pgTemplate: { adminUrl: string; template: string } | null;
    /** PGlite: a dump of a migrated database that each test file loads. */
    pgliteDump: string | null;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Migrates once per run: into a template database on PostgreSQL (TEST_DATABASE_URL), or into an
 * in-memory PGlite whose dump every test file loads in a fraction of a second.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const template = `dtc_tmpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    const handle = await createDb({ kind: 'postgres', url: withDatabase(adminUrl, template), poolSize: 2 });
    await migrateToLatest(handle.db);
    await handle.close();
    project.provide('pgTemplate', { adminUrl, template });
    project.provide('pgliteDump', null);
    return async () => {
      const { rows } = await admin.query<{ datname: string }>(
        `select datname from pg_database where datname like $1 or datname = $2`,
        [`dtc_t_${process.pid}_%`, template],
      );
      for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
      await admin.end();
    };
  }
  const pglite = await PGlite.create();
  const handle = await createDb({ kind: 'pglite-instance', pglite });
  await migrateToLatest(handle.db);
  const dump = await pglite.dumpDataDir('none');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dtc-pglite-'));
  const file = path.join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide('pgTemplate', null);
  project.provide('pgliteDump', file);
  return async () => rmSync(dir, { recursive: true, force: true });
}

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '../../server/db/create-db.ts';

export const onPostgres = (): boolean => inject('pgTemplate') !== null;

async function cloneTemplate(adminUrl: string, template: string): Promise<string> {
  const name = `dtc_t_${process.ppid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Two files cloning at the same moment make PostgreSQL refuse one ("being accessed"): try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        break;
      } catch (err) {
        if (attempt > 50 || (err as { code?: string }).code !== '55006') throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh, migrated database for one test file: a clone of the template, or a PGlite loaded from the dump. */
export async function createTestDb(): Promise<DbHandle & { url: string | null }> {
  const template = inject('pgTemplate');
  if (template) {
    const url = await cloneTemplate(template.adminUrl, template.template);
    return { ...(await createDb({ kind: 'postgres', url, poolSize: 20 })), url };
  }
  const dump = inject('pgliteDump');
  if (!dump) throw new Error('global setup provided no database');
  const pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(dump)]) });
  return { ...(await createDb({ kind: 'pglite-instance', pglite })), url: null };
}
